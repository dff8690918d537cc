"""Delivery: shipments (partial allowed) with their lines picked by lot, proof of delivery, customer
tracking links, complaints and customer returns.

- A Shipment (SH-2026-00001) belongs to one order and moves draft → shipped → delivered, or draft →
  cancelled. Shipping it issues its lines from stock (one ledger posting whose document is the
  shipment) and adds to OrderLine.shipped_quantity in the same transaction; the shipment number is
  also the delivery note (送货单) number.
- A TrackingLink lets a customer follow one order without logging in. Only the SHA-256 of the link's
  secret is stored; the URL carries the secret signed with SECRET_KEY (shipping.tracking).
- A Complaint (CP-2026-00001) moves open → investigating → resolved → closed (closing straight from
  investigating needs a reason). A CustomerReturn (RT-2026-00001) takes goods of a shipped lot back
  into stock as a new lot in quarantine.

Every change of a shipment or complaint is an append-only event (who, when, from, to, why). Both
statuses are protected django-fsm machines declared here (source, target, conditions, permission);
shipping.services and shipping.complaints lock the row, take the transition (config.transitions.take), save
and write the event.
"""

import uuid

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import AppendOnlyModel, Event
from orders.models import QTY
from systemtext.fields import StoredCharField, TextValuesField

WEIGHT = {"max_digits": 12, "decimal_places": 3}


class ShipmentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("shipment status", "Draft")
    SHIPPED = "shipped", pgettext_lazy("shipment status", "Shipped")
    DELIVERED = "delivered", pgettext_lazy("shipment status", "Delivered")
    CANCELLED = "cancelled", pgettext_lazy("shipment status", "Cancelled")


def pod_file_path(shipment, filename):
    """shipping/pod/<year>/<month>/<name>: the service names the file after the shipment number and the
    checked content type (never after the uploaded name)."""
    now = timezone.localtime()
    return f"shipping/pod/{now:%Y/%m}/{filename}"


SHIP_PERMISSION = "orders.ship_order"
INVESTIGATE_PERMISSION = "shipping.investigate_complaint"


def _order_passed_qc(shipment):
    """Goods leave only for an order that passed QC (and is not shipped complete yet); a replacement for
    returned goods (an exchange, shipping.exchanges) leaves for an order that shipped something."""
    if shipment.replaces_id is not None:
        return shipment.order.status in ("qc_passed", "shipped", "delivered")
    return shipment.order.status == "qc_passed"


class Shipment(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("shipment number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="shipments")
    status = fsm.FSMField(_("status"), max_length=12, choices=ShipmentStatus.choices,
                          default=ShipmentStatus.DRAFT, db_index=True, protected=True)
    # Where the goods go, confirmed per shipment (filled from the customer, changeable).
    ship_to_name = models.CharField(_("consignee"), max_length=200)
    ship_to_address = models.TextField(_("shipping address"))
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=50, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    planned_ship_date = models.DateField(_("planned ship date"), null=True, blank=True)
    actual_ship_date = models.DateField(_("ship date"), null=True, blank=True)
    gross_weight_kg = models.DecimalField(_("gross weight (kg)"), **WEIGHT, null=True, blank=True)
    net_weight_kg = models.DecimalField(_("net weight (kg)"), **WEIGHT, null=True, blank=True)
    note = models.CharField(_("internal note"), max_length=500, blank=True)
    # An exchange (换货): this shipment replaces goods that came back (shipping.exchanges); it is not part of
    # the order's shipped quantities and is not invoiced.
    replaces = models.ForeignKey("shipping.CustomerReturn", verbose_name=_("replacement for return"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="replacements")
    # The stock issue posted when the shipment was shipped.
    move_group = models.UUIDField(_("posting"), null=True, blank=True)
    # One shipment per form submission, however often the button is clicked.
    entry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("shipped by"))
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    # Proof of delivery: who signed the delivery note at the customer, when, and the scan or photo of it.
    received_by_name = models.CharField(_("received by"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    pod_file = models.FileField(_("signed delivery note"), upload_to=pod_file_path, max_length=300, blank=True)
    pod_content_type = models.CharField(_("file type"), max_length=40, blank=True)
    pod_original_name = models.CharField(_("file name"), max_length=200, blank=True)
    pod_size = models.PositiveIntegerField(_("file size"), null=True, blank=True)
    pod_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("delivery recorded by"))
    pod_recorded_at = models.DateTimeField(_("delivery recorded at"), null=True, blank=True)
    cancel_reason = StoredCharField(_("cancellation reason"), max_length=300, blank=True)
    cancel_reason_values = TextValuesField()
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        indexes = [models.Index(fields=["order", "status"], name="shipment_order_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(gross_weight_kg__isnull=True) | Q(gross_weight_kg__gt=0),
                                   name="shipment_gross_weight_positive"),
            models.CheckConstraint(condition=Q(net_weight_kg__isnull=True) | Q(net_weight_kg__gt=0),
                                   name="shipment_net_weight_positive"),
            models.CheckConstraint(condition=Q(net_weight_kg__isnull=True) | Q(gross_weight_kg__isnull=True)
                                   | Q(net_weight_kg__lte=models.F("gross_weight_kg")),
                                   name="shipment_net_within_gross"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        """Not yet at its end: a draft to ship or a shipment on its way."""
        return self.status in (ShipmentStatus.DRAFT, ShipmentStatus.SHIPPED)

    # --- the state machine: draft → shipped → delivered, draft → cancelled (a shipped one is returned).
    @fsm.transition(status, source=ShipmentStatus.DRAFT, target=ShipmentStatus.SHIPPED, permission=SHIP_PERMISSION,
                    conditions=[_order_passed_qc])
    def ship(self):
        pass

    @fsm.transition(status, source=ShipmentStatus.SHIPPED, target=ShipmentStatus.DELIVERED,
                    permission=SHIP_PERMISSION)
    def deliver(self):
        pass

    @fsm.transition(status, source=ShipmentStatus.DRAFT, target=ShipmentStatus.CANCELLED,
                    permission=SHIP_PERMISSION)
    def cancel(self):
        pass


class ShipmentLine(models.Model):
    """`quantity` (in the order line's unit) of one lot, taken from one location, for one order line."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT,
                                   related_name="shipment_lines")
    item = models.ForeignKey("inventory.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("inventory.Lot", verbose_name=_("lot"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="shipment_lines")
    location = models.ForeignKey("inventory.Location", verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    packages = models.PositiveIntegerField(_("packages"), default=0)

    class Meta:
        ordering = ["shipment", "line_no"]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line_no"], name="shipment_line_no_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.shipment_id}/{self.line_no}"


class ShipmentAction(models.TextChoices):
    CREATED = "created", _("Created")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")
    TRACKING_CHANGED = "tracking_changed", _("Carrier or tracking number changed")
    DELIVERED = "delivered", _("Delivery recorded")


class ShipmentEvent(Event):
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=ShipmentAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=ShipmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ShipmentStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")

    def __str__(self):
        return f"{self.shipment_id} {self.action}"


class TrackingLink(models.Model):
    """A customer's link to follow one order. The secret itself is never stored (only its SHA-256), so
    the full link is shown once, when it is created."""

    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="tracking_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    note = models.CharField(_("given to"), max_length=100, blank=True,
                            help_text=_("Who the link is for (only staff see this)."))
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("revoked by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tracking link")
        verbose_name_plural = _("tracking links")

    def __str__(self):
        return f"{self.order_id} → {self.expires_at:%Y-%m-%d}"

    def is_active(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint status", "Open")
    INVESTIGATING = "investigating", pgettext_lazy("complaint status", "Investigating")
    RESOLVED = "resolved", pgettext_lazy("complaint status", "Resolved")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")


OPEN_COMPLAINT_STATUSES = [ComplaintStatus.OPEN, ComplaintStatus.INVESTIGATING]


class Complaint(fsm.ConcurrentTransitionMixin, models.Model):
    """A customer complaint (客户投诉) about an order, optionally about one shipment and lot."""

    number = models.CharField(_("complaint number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="complaints")
    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="complaints")
    lot = models.ForeignKey("inventory.Lot", verbose_name=_("lot"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="complaints")
    status = fsm.FSMField(_("status"), max_length=20, choices=ComplaintStatus.choices,
                          default=ComplaintStatus.OPEN, db_index=True, protected=True)
    description = models.TextField(_("description"), help_text=_("What the customer reports."))
    investigation = models.TextField(_("investigation"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    entry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [("investigate_complaint", _("Can investigate, resolve and close complaints"))]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in OPEN_COMPLAINT_STATUSES

    # --- the state machine: open → investigating → resolved → closed; investigating → closed (the
    # service asks the reason for closing without a resolution).
    @fsm.transition(status, source=ComplaintStatus.OPEN, target=ComplaintStatus.INVESTIGATING,
                    permission=INVESTIGATE_PERMISSION)
    def start_investigation(self):
        pass

    @fsm.transition(status, source=ComplaintStatus.INVESTIGATING, target=ComplaintStatus.RESOLVED,
                    permission=INVESTIGATE_PERMISSION)
    def resolve(self):
        self.resolved_at = timezone.now()

    @fsm.transition(status, source=[ComplaintStatus.INVESTIGATING, ComplaintStatus.RESOLVED],
                    target=ComplaintStatus.CLOSED, permission=INVESTIGATE_PERMISSION)
    def close(self):
        self.closed_at = timezone.now()


class ComplaintAction(models.TextChoices):
    CREATED = "created", _("Recorded")
    INVESTIGATION_STARTED = "investigation_started", _("Investigation started")
    INVESTIGATION_UPDATED = "investigation_updated", _("Investigation updated")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    RETURN_RECEIVED = "return_received", _("Return received")
    REPLACEMENT_SHIPPED = "replacement_shipped", _("Replacement shipped (exchange)")


class ComplaintEvent(Event):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=ComplaintAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ComplaintStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self):
        return f"{self.complaint_id} {self.action}"


class CustomerReturn(AppendOnlyModel):
    """Goods of one shipped line (退货) taken back into stock as a new lot in quarantine, for quality to
    release, block or scrap (inventory's lot status)."""

    number = models.CharField(_("return number"), max_length=20, unique=True)
    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT,
                                  related_name="returns")
    shipment_line = models.ForeignKey(ShipmentLine, verbose_name=_("shipped line"), on_delete=models.PROTECT,
                                      related_name="returns")
    item = models.ForeignKey("inventory.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    return_lot = models.ForeignKey("inventory.Lot", verbose_name=_("return lot"), on_delete=models.PROTECT,
                                   related_name="+")
    location = models.ForeignKey("inventory.Location", verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    move_group = models.UUIDField(_("posting"))
    entry_key = models.UUIDField(unique=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("customer return")
        verbose_name_plural = _("customer returns")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="customer_return_quantity_positive")]

    def __str__(self):
        return self.number


# --- carriers and transport modes (master data): the shipment form proposes, for a rush order, the fastest
# mode that meets the date (seed 003: "选择最快捷的运输方式"; shipping.carriers).

class TransportKind(models.TextChoices):
    AIR = "air", _("Air freight")
    EXPRESS = "express", _("Express courier")
    ROAD = "road", _("Road (truck)")
    RAIL = "rail", _("Rail")
    SEA = "sea", _("Sea freight")


class Carrier(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self):
        return self.name


class TransportMode(models.Model):
    """One way a carrier moves goods, with its door-to-door transit time in calendar days."""

    carrier = models.ForeignKey(Carrier, verbose_name=_("carrier"), on_delete=models.PROTECT, related_name="modes")
    kind = models.CharField(_("transport mode"), max_length=10, choices=TransportKind.choices)
    transit_days = models.PositiveSmallIntegerField(_("transit time (days)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["transit_days", "carrier__name"]
        verbose_name = _("transport mode")
        verbose_name_plural = _("transport modes")
        constraints = [models.UniqueConstraint(fields=["carrier", "kind"], name="transport_mode_unique")]

    def __str__(self):
        return f"{self.carrier.name} · {self.get_kind_display()}"
