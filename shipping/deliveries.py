"""Delivery and closing of shipped orders: record a shipment's proof of delivery, confirm an order's
delivery, and close a delivered order.

Rules (each refusal is a ValidationError; nothing is written then):
- When every shipment of a fully shipped order has its proof of delivery the order moves
  shipped → delivered (transition "confirm_delivery").
- Closing is refused with every stage's conditions of the order's close (orders.stage_hooks
  TRANSITION_CHECK), listed under one heading.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from config.transitions import take
from inputs.visible import visible_strip
from inventory.units import format_quantity
from orders import stage_hooks
from orders.models import Order, OrderStatus
from orders.services import transition_order
from systemtext.text import Text, joined

from .models import OPEN_COMPLAINT_STATUSES, Complaint, Shipment, ShipmentStatus
from .pod_files import checked_pod_file
from .services import NUMBERED, SHIP, line_label, refusal_values

CLOSE = "orders.close_order"
# A signature time a little ahead of the server clock (a phone's clock) is accepted.
CLOCK_SKEW = timedelta(minutes=5)
ST = ShipmentStatus


# --- proof of delivery ---------------------------------------------------------------------------------

def record_delivery(*, actor, shipment, received_by, received_at, upload, note="") -> Shipment:
    """Proof of delivery: who signed the delivery note at the customer and when, with a photo or scan
    of the signed note. When it was the order's last shipment on its way, the order is delivered."""
    require(actor, SHIP)
    received_by, note = visible_strip(received_by or ""), visible_strip(note or "")
    errors = []
    if not received_by:
        errors.append(_("Enter who signed for the goods."))
    elif len(received_by) > Shipment._meta.get_field("received_by_name").max_length:
        errors.append(_("The name has at most 100 characters."))
    if received_at is None:
        errors.append(_("Enter when the goods were received."))
    elif received_at > timezone.now() + CLOCK_SKEW:
        errors.append(_("The time of receipt cannot be in the future."))
    if len(note) > 500:
        errors.append(_("The note has at most 500 characters."))
    try:
        content_type, suffix = checked_pod_file(upload)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=shipment.order_id)
        current = Shipment.objects.select_for_update().get(pk=shipment.pk)
        take(current.deliver, actor=actor,
                        refused=_("Shipment %(number)s is %(status)s: delivery is recorded for shipped goods only.")
                        % refusal_values(current))
        shipped_when, shown = ship_moment(current)
        if received_at < shipped_when:
            raise ValidationError(_("The goods cannot be received before they were shipped (%(date)s).")
                                  % {"date": shown})
        current.received_by_name, current.received_at = received_by, received_at
        current.pod_content_type, current.pod_size = content_type, upload.size
        current.pod_original_name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
        current.pod_recorded_by, current.pod_recorded_at = actor, timezone.now()
        # The file last: every check above has passed, so a refusal leaves no file behind.
        current.pod_file.save(f"{current.number}-pod{suffix}", upload, save=False)
        current.save()
        summary = Text(gettext_noop("Received by %(name)s on %(when)s."), name=received_by, when=received_at)
        current.events.record(action="delivered", actor=actor, from_status=ST.SHIPPED,
                              to_status=ST.DELIVERED, note=joined(summary, visible_strip(note or "")))
        _deliver_order_when_complete(actor=actor, order=order, note=Text(NUMBERED, number=current.number, text=summary))
    return current


def ship_moment(shipment):
    """(the earliest time the goods can have arrived, that time as the reader reads it): when the
    shipment was recorded as shipped, or the start of its ship date when that was given as an
    earlier day (the hour is not known then)."""
    # Minutes: the delivery form takes the time to the minute, so a receipt in the shipping minute passes.
    shipped_at = (timezone.localtime(shipment.shipped_at).replace(second=0, microsecond=0)
                  if shipment.shipped_at else None)
    if shipped_at is not None and shipped_at.date() == shipment.actual_ship_date:
        return shipped_at, formats.date_format(shipped_at, "SHORT_DATETIME_FORMAT")
    start = timezone.make_aware(datetime.combine(shipment.actual_ship_date, time.min))
    return start, formats.date_format(shipment.actual_ship_date, "SHORT_DATE_FORMAT")


def undelivered_shipments(order):
    """Shipping's condition of the order's confirm_delivery (orders.stage_hooks, Hook.TRANSITION_CHECK): no
    shipment of the order is still a draft or on its way."""
    waiting = list(order.shipments.filter(status__in=[ST.DRAFT, ST.SHIPPED]).values_list("number", flat=True))
    return [_("Record the delivery of %(numbers)s first.") % {"numbers": ", ".join(waiting)}] if waiting else []


def _deliver_order_when_complete(*, actor, order, note):
    if order.status == OrderStatus.SHIPPED and not undelivered_shipments(order):
        transition_order(actor=actor, order=order, action="confirm_delivery", note=note)
    else:
        order.events.record(action="delivery_recorded", actor=actor, from_status=order.status,
                            to_status=order.status, note=note)


def confirm_order_delivery(*, actor, order, expected_status=None) -> Order:
    """Move a shipped order whose shipments all have their proof of delivery to delivered (for an
    order that was on hold when its last delivery was recorded)."""
    require(actor, SHIP)
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        waiting = undelivered_shipments(current)
        if waiting:
            raise ValidationError(waiting)
        if not current.shipments.filter(status=ST.DELIVERED).exists():
            raise ValidationError(_("Order %(number)s has no delivered shipment.") % {"number": current.number})
        return transition_order(actor=actor, order=current, action="confirm_delivery", expected_status=expected_status,
                                note=Text(gettext_noop("Every shipment is delivered.")))


# --- closing ---------------------------------------------------------------------------------------

def open_delivery_items(order):
    """Shipping's condition of the order's close (orders.stage_hooks, Hook.TRANSITION_CHECK): goods not
    shipped, shipments not delivered, complaints still open."""
    problems = []
    for line in order.lines.select_related("product").filter(shipped_quantity__lt=F("quantity")):
        problems.append(_("%(line)s: %(quantity)s not shipped.") % {
            "line": line_label(line), "quantity": format_quantity(line.quantity - line.shipped_quantity,
                                                                   line.product.unit)})
    for shipment in order.shipments.filter(status__in=[ST.DRAFT, ST.SHIPPED]).order_by("number"):
        problems.append(_("Shipment %(number)s is %(status)s, not delivered.")
                        % {"number": shipment.number, "status": shipment.get_status_display().lower()})
    for complaint in Complaint.objects.filter(order=order, status__in=OPEN_COMPLAINT_STATUSES).order_by("number"):
        problems.append(_("Complaint %(number)s is still %(status)s.")
                        % {"number": complaint.number, "status": complaint.get_status_display().lower()})
    return problems


def close_order(*, actor, order, note="", expected_status=None) -> Order:
    """Close a delivered order (the order desk), refused with every open item while any stage reports one
    (the same checks are the transition's condition, so no other path closes it either)."""
    require(actor, CLOSE)
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        problems = stage_hooks.transition_problems(current, "close")
        if problems:
            raise ValidationError([_("Order %(number)s cannot be closed yet:") % {"number": current.number}]
                                  + problems)
        return transition_order(actor=actor, order=current, action="close", note=note,
                                expected_status=expected_status)
