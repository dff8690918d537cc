"""EDI trading partners and their product codes, the EDI messages in and out (the inbox), and the import
profiles of the other order channels (shop platforms, CRM exports).

An inbound message's status is a protected django-fsm machine: received → processed (an order was made) or
failed (the reason is kept, in the reader's language); a failed message is processed again after the order
desk fixed its cause (a product mapping, the partner). Every step is an EdiEvent (who, when, from, to, why).
The same message (sender, interchange reference, message reference) is stored once: a second delivery of it
makes no second order.
"""

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import Event
from orders.models import Customer, Order, Product
from shipping.models import Shipment
from systemtext.fields import StoredTextField, TextValuesField

PROCESS_PERMISSION = "edi.process_edimessage"


class TradingPartner(models.Model):
    """A customer who sends orders by EDI: who they are in the interchange header (UNB sender and its
    qualifier), who we are to them, and whose name the orders are entered under."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+")
    sender_id = models.CharField(_("their interchange ID"), max_length=35,
                                 help_text=_("The sender identification in their UNB segment, e.g. a GLN."))
    sender_qualifier = models.CharField(_("their ID qualifier"), max_length=4, blank=True,
                                        help_text=_("e.g. 14 (GLN) or ZZZ (mutually agreed)."))
    our_id = models.CharField(_("our interchange ID"), max_length=35)
    our_qualifier = models.CharField(_("our ID qualifier"), max_length=4, blank=True)
    order_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("orders entered as"),
                                    on_delete=models.PROTECT, related_name="+",
                                    help_text=_("The salesperson whose name the partner's orders carry."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("trading partner")
        verbose_name_plural = _("trading partners")
        constraints = [models.UniqueConstraint(fields=["sender_id", "sender_qualifier"],
                                               name="edi_one_partner_per_sender")]

    def __str__(self):
        return f"{self.code} {self.name}"


class ProductMapping(models.Model):
    """One of the partner's product codes (their article number in LIN/PIA) and our product."""

    partner = models.ForeignKey(TradingPartner, on_delete=models.CASCADE, related_name="mappings",
                                verbose_name=_("trading partner"))
    partner_code = models.CharField(_("their product code"), max_length=35)
    product = models.ForeignKey(Product, verbose_name=_("our product"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["partner_code"]
        verbose_name = _("product mapping")
        verbose_name_plural = _("product mappings")
        constraints = [models.UniqueConstraint(fields=["partner", "partner_code"], name="edi_one_mapping_per_code")]

    def __str__(self):
        return f"{self.partner_code} → {self.product.sku}"


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class MessageStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("EDI message", "Received")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")
    GENERATED = "generated", _("Generated")


class MessageType(models.TextChoices):
    ORDERS = "ORDERS", _("Purchase order (ORDERS)")
    ORDRSP = "ORDRSP", _("Order response (ORDRSP)")
    DESADV = "DESADV", _("Despatch advice (DESADV)")


class EdiMessage(fsm.ConcurrentTransitionMixin, models.Model):
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    message_type = models.CharField(_("message type"), max_length=6, choices=MessageType.choices)
    partner = models.ForeignKey(TradingPartner, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="messages", verbose_name=_("trading partner"))
    sender_id = models.CharField(_("sender"), max_length=40)
    recipient_id = models.CharField(_("recipient"), max_length=40, blank=True)
    interchange_ref = models.CharField(_("interchange reference"), max_length=14)
    message_ref = models.CharField(_("message reference"), max_length=14)
    version = models.CharField(_("directory"), max_length=10, blank=True)  # D:96A, D:01B
    document_number = models.CharField(_("document number"), max_length=35, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    payload = models.TextField(_("interchange"))
    status = fsm.FSMField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.RECEIVED,
                          protected=True, db_index=True)
    error = StoredTextField(_("error"), blank=True)
    error_values = TextValuesField()
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="edi_messages",
                              verbose_name=_("order"))
    shipment = models.ForeignKey(Shipment, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("shipment"))
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("EDI message")
        verbose_name_plural = _("EDI messages")
        permissions = [("process_edimessage", _("Can process EDI messages and fix their mappings"))]
        constraints = [
            models.UniqueConstraint(fields=["direction", "sender_id", "interchange_ref", "message_ref"],
                                    name="edi_message_once"),
        ]

    def __str__(self):
        return f"{self.message_type} {self.message_ref}"

    @property
    def is_failed(self):
        return self.status == MessageStatus.FAILED

    # --- the state machine of an inbound message; edi.inbound does the work and writes the event.
    @fsm.transition(status, source=[MessageStatus.RECEIVED, MessageStatus.FAILED], target=MessageStatus.PROCESSED,
                    permission=PROCESS_PERMISSION)
    def process(self):
        pass

    @fsm.transition(status, source=[MessageStatus.RECEIVED, MessageStatus.FAILED], target=MessageStatus.FAILED,
                    permission=PROCESS_PERMISSION)
    def fail(self):
        pass


class EdiAction(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("EDI message", "Received")
    PROCESSED = "processed", _("Processed: order created")
    FAILED = "failed", _("Failed")
    GENERATED = "generated", _("Generated")


class EdiEvent(Event):
    message = models.ForeignKey(EdiMessage, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=EdiAction.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=MessageStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=MessageStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("EDI message event")
        verbose_name_plural = _("EDI message events")

    def __str__(self):
        return f"{self.message_id} {self.action}"


class Encoding(models.TextChoices):
    UTF8 = "utf-8", "UTF-8"  # the same in every language
    UTF8_BOM = "utf-8-sig", _("UTF-8 with BOM")
    GBK = "gbk", _("GBK (Chinese Windows)")
    GB18030 = "gb18030", "GB18030"


class Delimiter(models.TextChoices):
    COMMA = ",", _("Comma (,)")
    SEMICOLON = ";", _("Semicolon (;)")
    TAB = "\t", _("Tab")


class ChannelKind(models.TextChoices):
    SHOP = "shop", _("E-commerce platform")
    CRM = "crm", _("CRM system")


class ChannelProfile(models.Model):
    """How one channel's export reads: its own column names for our fields, its date format and encoding.
    Applied to every file from that channel, so the weekly export imports as it comes."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("channel type"), max_length=8, choices=ChannelKind.choices, default=ChannelKind.SHOP)
    encoding = models.CharField(_("encoding"), max_length=12, choices=Encoding.choices, default=Encoding.UTF8_BOM)
    delimiter = models.CharField(_("column separator"), max_length=1, choices=Delimiter.choices,
                                 default=Delimiter.COMMA)
    date_format = models.CharField(_("date format"), max_length=40, default="%Y-%m-%d",
                                   help_text=_("As Python writes it, e.g. %Y-%m-%d or %Y/%m/%d %H:%M:%S."))
    # {our field: their column name}; our fields are those of the order import (orders.order_importing).
    columns = models.JSONField(_("column mapping"), default=dict)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("customer"),
                                 help_text=_("Orders without a customer column belong to this customer."))
    lead_days = models.PositiveIntegerField(_("requested in (days)"), default=14,
                                            help_text=_("Without a requested-date column, orders are wanted this "
                                                        "many days after the import."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("channel import profile")
        verbose_name_plural = _("channel import profiles")
        permissions = [("import_channel_orders", _("Can import orders through a channel profile"))]

    def __str__(self):
        return f"{self.code} {self.name}"


class ExternalOrder(models.Model):
    """The order a channel's external reference made: the same reference is never imported twice."""

    profile = models.ForeignKey(ChannelProfile, on_delete=models.PROTECT, related_name="orders",
                                verbose_name=_("channel"))
    external_ref = models.CharField(_("external reference"), max_length=60)
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="external_channel",
                                 verbose_name=_("order"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("channel order")
        verbose_name_plural = _("channel orders")
        constraints = [models.UniqueConstraint(fields=["profile", "external_ref"], name="edi_external_ref_once")]

    def __str__(self):
        return f"{self.profile.code} {self.external_ref}"
