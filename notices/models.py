"""Customer notices and logistics delays (see the package docstring)."""

from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import Event
from orders.models import MONEY, Currency


class NoticeKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Order confirmed")
    PROMISE_CHANGED = "promise_changed", _("Promised date changed")
    DISPATCHED = "dispatched", _("Dispatched")
    DELAYED = "delayed", _("Delivery delayed")
    DELIVERED = "delivered", _("Delivered")


class NoticeRule(models.Model):
    """Which notice goes out on which order events, by which channels. Rules are data: a manager edits
    them (Django admin); the defaults come with migration 0002. `order_actions` are OrderEvent actions
    (e.g. "approve", "ship", or an action another app records such as "promised_date_changed")."""

    kind = models.CharField(_("notice"), max_length=20, choices=NoticeKind.choices, unique=True)
    order_actions = models.JSONField(_("order events that send it"), default=list, blank=True)
    by_email = models.BooleanField(_("by e-mail"), default=True)
    by_sms = models.BooleanField(_("by SMS (contacts with a mobile number)"), default=True)
    only_rush = models.BooleanField(_("only for rush orders"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("customer notice rule")
        verbose_name_plural = _("customer notice rules")

    def __str__(self):
        return self.get_kind_display()


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", pgettext_lazy("customer message status", "Sent")
    FAILED = "failed", _("Failed")


MS = MessageStatus
UNSENT = [MS.PENDING, MS.FAILED, MS.SENDING]  # a sending row is taken over only when its claim is stale


class CustomerMessage(fsm.ConcurrentTransitionMixin, models.Model):
    """One message to one customer contact on one channel: the outbox row. `subject` and `body` are the
    text as sent, in the contact's language (a record of what the customer got, not text for staff)."""

    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="customer_messages")
    contact = models.ForeignKey("orders.CustomerContact", verbose_name=_("contact"), on_delete=models.PROTECT,
                                related_name="messages")
    kind = models.CharField(_("notice"), max_length=20, choices=NoticeKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("sent to"), max_length=254)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("message"))
    # The event it tells of (an order event's id, a delay's number…): with contact and channel, once only.
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = fsm.FSMField(_("status"), max_length=10, choices=MessageStatus.choices, default=MS.PENDING,
                          db_index=True, protected=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)  # host|pid (config/claims.py)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer message")
        verbose_name_plural = _("customer messages")
        indexes = [models.Index(fields=["order", "created_at"], name="customermessage_order_time")]

    def __str__(self):
        return f"{self.order_id} {self.kind} {self.channel}"

    # Claimed and recorded by conditional UPDATEs (config.transitions.take_in_update, notices.delivery).
    @fsm.transition(status, source=UNSENT, target=MS.SENDING)
    def claim(self):
        pass

    @fsm.transition(status, source=MS.SENDING, target=MS.SENT)
    def succeed(self):
        pass

    @fsm.transition(status, source=MS.SENDING, target=MS.FAILED)
    def fail(self):
        pass


class NoticeCursor(models.Model):
    """The last order event the sweep has read (one row): events after it are matched against the rules."""

    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return str(self.last_event_id)


class OptOut(models.Model):
    """A contact who stopped receiving order updates: when, and how (their link or a person)."""

    contact = models.ForeignKey("orders.CustomerContact", on_delete=models.CASCADE, related_name="opt_outs")
    via_link = models.BooleanField(_("by the customer's link"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self):
        return f"{self.contact_id} {self.recorded_at:%Y-%m-%d}"


class Feedback(models.Model):
    """A customer's answer to the satisfaction form linked from the delivery message (客户反馈)."""

    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="customer_feedback")
    contact = models.ForeignKey("orders.CustomerContact", verbose_name=_("contact"), on_delete=models.PROTECT,
                                related_name="feedback")
    satisfaction = models.PositiveSmallIntegerField(_("overall satisfaction (1–5)"))
    on_time = models.BooleanField(_("delivered when promised"))
    quality = models.PositiveSmallIntegerField(_("product quality (1–5)"))
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("customer feedback")
        verbose_name_plural = _("customer feedback")
        constraints = [
            models.UniqueConstraint(fields=["order", "contact"], name="feedback_once_per_contact"),
            models.CheckConstraint(condition=Q(satisfaction__gte=1, satisfaction__lte=5, quality__gte=1,
                                               quality__lte=5), name="feedback_scores_1_to_5"),
        ]

    def __str__(self):
        return f"{self.order_id}/{self.contact_id}: {self.satisfaction}"


# --- logistics delays and compensation ---------------------------------------------------------------

class DelayCause(models.TextChoices):
    CARRIER = "carrier", _("Carrier capacity or missed pick-up")
    TRAFFIC = "traffic", _("Traffic or route")
    WEATHER = "weather", _("Weather or natural event")
    CUSTOMS = "customs", _("Customs or inspection")
    DAMAGE = "damage", _("Damaged or lost goods")
    WAREHOUSE = "warehouse", _("Warehouse handling")
    OTHER = "other", _("Other")


class DelayStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("logistics delay status", "Open")
    RESOLVED = "resolved", pgettext_lazy("logistics delay status", "Resolved")


DELAY_PERMISSION = "notices.add_shipmentdelay"
RESOLVE_PERMISSION = "notices.change_shipmentdelay"
APPROVE_COMPENSATION = "notices.approve_compensation"


class ShipmentDelay(fsm.ConcurrentTransitionMixin, models.Model):
    """A logistics delay (物流延误) of a shipment: carrier, cause, new ETA; tracked to resolution."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    shipment = models.ForeignKey("shipping.Shipment", verbose_name=_("shipment"), on_delete=models.PROTECT,
                                 related_name="delays")
    carrier = models.CharField(_("carrier"), max_length=100)
    cause = models.CharField(_("cause"), max_length=20, choices=DelayCause.choices)
    detail = models.CharField(_("what happened"), max_length=500)
    new_eta = models.DateField(_("new arrival date"))
    status = fsm.FSMField(_("status"), max_length=10, choices=DelayStatus.choices, default=DelayStatus.OPEN,
                          db_index=True, protected=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("logistics delay")
        verbose_name_plural = _("logistics delays")

    def __str__(self):
        return self.number

    @fsm.transition(status, source=DelayStatus.OPEN, target=DelayStatus.RESOLVED, permission=RESOLVE_PERMISSION)
    def resolve(self):
        pass


class CompensationKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    GIFT = "gift", _("Gift")
    VOUCHER = "voucher", _("Discount voucher")


class CompensationStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("compensation status", "Proposed")
    APPROVED = "approved", pgettext_lazy("compensation status", "Approved")
    REJECTED = "rejected", pgettext_lazy("compensation status", "Rejected")


class Compensation(fsm.ConcurrentTransitionMixin, models.Model):
    """What the customer is offered for a delay (退款、赠品、折扣券), recorded against the order: proposed by
    customer service, approved or rejected (with a reason) by a manager."""

    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="compensations")
    delay = models.ForeignKey(ShipmentDelay, verbose_name=_("logistics delay"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="compensations")
    kind = models.CharField(_("compensation"), max_length=10, choices=CompensationKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    description = models.CharField(_("description"), max_length=300)
    status = fsm.FSMField(_("status"), max_length=10, choices=CompensationStatus.choices,
                          default=CompensationStatus.PROPOSED, db_index=True, protected=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        permissions = [("approve_compensation", "Can approve or reject compensation")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="compensation_amount_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    @fsm.transition(status, source=CompensationStatus.PROPOSED, target=CompensationStatus.APPROVED,
                    permission=APPROVE_COMPENSATION)
    def approve(self):
        pass

    @fsm.transition(status, source=CompensationStatus.PROPOSED, target=CompensationStatus.REJECTED,
                    permission=APPROVE_COMPENSATION)
    def reject(self):
        pass


class LogisticsAction(models.TextChoices):
    RECORDED = "recorded", _("Delay recorded")
    RESOLVED = "resolved", _("Delay resolved")
    PROPOSED = "proposed", _("Compensation proposed")
    APPROVED = "approved", _("Compensation approved")
    REJECTED = "rejected", _("Compensation rejected")


class LogisticsEvent(Event):
    """Who did what to a delay or a compensation, when, from which status to which, and why."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="logistics_events")
    delay = models.ForeignKey(ShipmentDelay, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    compensation = models.ForeignKey(Compensation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=LogisticsAction.choices)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("logistics event")
        verbose_name_plural = _("logistics events")

