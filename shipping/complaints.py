"""Customer complaints (客户投诉) and returns (退货).

A complaint is about an order that shipped something, optionally one of its shipments and a lot
shipped in it. It moves open → investigating → resolved → closed (closing straight from
investigating, a complaint found groundless, needs a reason); investigation and corrective action are
written while it is open or being investigated and are required to resolve it. Every step is an
append-only ComplaintEvent.

A return takes goods of one shipped line back into stock: a new lot named after the return number
(RT-2026-00001) in quarantine, posted as a return move (document: the complaint) at a location the
receiver chooses; at most what that line shipped minus what came back from it before. QC is alerted
to inspect the lot (inventory's lot status: release, block or scrap).
"""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from inputs.visible import visible_strip
from inventory.ledger import DocumentRef, MoveLine, post_moves
from inventory.models import Location, LotStatus, MoveKind
from inventory.stock_services import LotInput, find_or_create_lot
from inventory.units import decimals_of, format_quantity, quantity_text
from numbering import series
from numbering.services import next_number
from orders.models import Order, Unit
from orders.services import lock_order_of
from systemtext.text import Text

from .models import (
    Complaint,
    ComplaintStatus,
    CustomerReturn,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)

ADD = "shipping.add_complaint"
INVESTIGATE = "shipping.investigate_complaint"
RECEIVE_RETURN = "shipping.add_customerreturn"
# The ledger's document type of return moves: they point at the complaint they were taken back for.
RETURN_DOCUMENT = "customer_return"
SHIPPED_STATUSES = [ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED]
CS = ComplaintStatus
MAX_TEXT = 5000
def _long_text_errors(*texts):
    """Messages for the (label, text) pairs whose text is too long."""
    return [_("%(field)s has at most %(n)s characters.") % {"field": label, "n": MAX_TEXT}
            for label, text in texts if len(text) > MAX_TEXT]


def create_complaint(*, actor, order, description, shipment=None, lot=None, entry_key=None) -> Complaint:
    """Record what the customer reports about a shipped order (its shipment and lot when known)."""
    require(actor, ADD)
    entry_key = entry_key or uuid.uuid4()
    existing = Complaint.objects.filter(entry_key=entry_key).first()
    if existing is not None:
        return existing
    description = visible_strip(description or "")
    errors = [] if description else [_("Describe what the customer reports.")]
    errors += _long_text_errors((_("The description"), description))
    shipped = Shipment.objects.filter(order=order, status__in=SHIPPED_STATUSES)
    if not shipped.exists():
        errors.append(_("Order %(number)s has not shipped anything yet.") % {"number": order.number})
    if shipment is not None and not shipped.filter(pk=shipment.pk).exists():
        errors.append(_("Shipment %(shipment)s is not a shipped shipment of order %(number)s.")
                      % {"shipment": shipment.number, "number": order.number})
    if lot is not None:
        lines = ShipmentLine.objects.filter(shipment__in=shipped, lot=lot)
        if shipment is not None:
            lines = lines.filter(shipment=shipment)
        if not lines.exists():
            errors.append(_("Lot %(lot)s was not shipped in %(where)s.") % {
                "lot": lot.number, "where": shipment.number if shipment is not None else order.number})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(number=next_number(series.COMPLAINT), order=order, shipment=shipment,
                                                 lot=lot, description=description, created_by=actor,
                                                 entry_key=entry_key)
            complaint.events.record(action="created", actor=actor, to_status=CS.OPEN)
            _alert(complaint, kind="complaint_recorded", roles=["qc", "order_desk"],
                   subject=gettext_noop("Complaint %(number)s about order %(order)s"),
                   body=gettext_noop("%(customer)s: %(description)s"))
    except IntegrityError:
        existing = Complaint.objects.filter(entry_key=entry_key).first()
        if existing is None:
            raise
        return existing
    return complaint


def _alert(complaint, *, kind, roles, subject, body, params=None):
    order = complaint.order
    create_alert(kind=kind, subject=subject, body=body, roles=roles, severity="high" if order.is_rush else "info",
                 link=reverse("shipping:complaint_detail", args=[complaint.pk]),
                 params={"number": complaint.number, "order": order.number, "customer": order.customer.name,
                         "description": complaint.description[:300], **(params or {})},
                 dedupe_key=f"{kind}:{complaint.pk}")


def _locked(complaint):
    lock_order_of(Complaint, complaint.pk)  # a return locks the order next: the order first
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _refusal(complaint, what):
    return _("Complaint %(number)s is %(status)s: %(what)s is not possible now.") % {
        "number": complaint.number, "status": complaint.get_status_display().lower(), "what": what}


def _refuse_unless(complaint, statuses, what):
    if complaint.status not in statuses:
        raise ValidationError(_refusal(complaint, what))


def start_investigation(*, actor, complaint, note="") -> Complaint:
    require(actor, INVESTIGATE)
    with transaction.atomic():
        current = _locked(complaint)
        take(current.start_investigation, actor=actor,
                        refused=_refusal(current, _("starting the investigation")))
        current.save(update_fields=["status", "updated_at"])
        current.events.record(action="investigation_started", actor=actor, from_status=CS.OPEN,
                              to_status=CS.INVESTIGATING, note=visible_strip(note or ""))
    return current


def update_investigation(*, actor, complaint, investigation, corrective_action) -> Complaint:
    """Write down what the investigation found and what is done about it (before resolving)."""
    require(actor, INVESTIGATE)
    investigation, corrective_action = (investigation or "").strip(), (corrective_action or "").strip()
    errors = _long_text_errors((_("The investigation"), investigation),
                               (_("The corrective action"), corrective_action))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(complaint)
        _refuse_unless(current, [CS.OPEN, CS.INVESTIGATING], _("changing the investigation"))
        if (current.investigation, current.corrective_action) == (investigation, corrective_action):
            return current
        current.investigation, current.corrective_action = investigation, corrective_action
        current.save(update_fields=["investigation", "corrective_action", "updated_at"])
        current.events.record(action="investigation_updated", actor=actor, from_status=current.status,
                     to_status=current.status, note=Text(gettext_noop("Investigation: %(i)s\nCorrective action: %(c)s"),
                                                   i=investigation or "—", c=corrective_action or "—"))
    return current


def resolve_complaint(*, actor, complaint, investigation, corrective_action, note="") -> Complaint:
    """Resolve an investigated complaint: what was found (root cause) and the corrective action."""
    require(actor, INVESTIGATE)
    investigation, corrective_action = (investigation or "").strip(), (corrective_action or "").strip()
    errors = []
    if not investigation:
        errors.append(_("Write down what the investigation found."))
    if not corrective_action:
        errors.append(_("Write down the corrective action."))
    errors += _long_text_errors((_("The investigation"), investigation),
                                (_("The corrective action"), corrective_action))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(complaint)
        take(current.resolve, actor=actor, refused=_refusal(current, _("resolving it")))
        current.investigation, current.corrective_action = investigation, corrective_action
        current.save(update_fields=["investigation", "corrective_action", "status", "resolved_at", "updated_at"])
        current.events.record(action="resolved", actor=actor, from_status=CS.INVESTIGATING,
                              to_status=CS.RESOLVED, note=visible_strip(note or ""))
    return current


def close_complaint(*, actor, complaint, note="") -> Complaint:
    """Close a resolved complaint, or one under investigation that needs no action (with the reason)."""
    require(actor, INVESTIGATE)
    note = visible_strip(note or "")
    with transaction.atomic():
        current = _locked(complaint)
        previous = current.status
        take(current.close, actor=actor, refused=_refusal(current, _("closing it")))
        if previous == CS.INVESTIGATING and not note:
            raise ValidationError(_("Give the reason for closing a complaint that was not resolved."))
        current.save(update_fields=["status", "closed_at", "updated_at"])
        current.events.record(action="closed", actor=actor, from_status=previous, to_status=CS.CLOSED,
                              note=note)
    return current


# --- returns ---------------------------------------------------------------------------------------

def returned_quantities(shipment_lines):
    """{shipment line id: quantity already taken back}."""
    rows = (CustomerReturn.objects.filter(shipment_line__in=list(shipment_lines)).values("shipment_line_id")
            .annotate(total=Sum("quantity")))
    return {row["shipment_line_id"]: row["total"] for row in rows}


def receive_return(*, actor, complaint, shipment_line, quantity, location, reason, entry_key=None) -> CustomerReturn:
    """Take `quantity` (the order line's unit) of a shipped line back into a new quarantine lot."""
    require(actor, RECEIVE_RETURN)
    entry_key = entry_key or uuid.uuid4()
    existing = CustomerReturn.objects.filter(entry_key=entry_key).first()
    if existing is not None:
        return existing
    reason = visible_strip(reason or "")
    errors = []
    if not reason:
        errors.append(_("Give the reason for the return."))
    elif len(reason) > CustomerReturn._meta.get_field("reason").max_length:
        errors.append(_("The reason has at most 300 characters."))
    if location is None:
        errors.append(_("Choose where the returned goods are put."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            current = _locked(complaint)
            order = Order.objects.select_for_update().get(pk=current.order_id)
            # The shipped line, locked: two returns of it at once are counted one after the other.
            line = (ShipmentLine.objects.select_for_update(of=("self",))
                    .select_related("shipment", "order_line__product", "item", "lot").get(pk=shipment_line.pk))
            _check_return(current, order, line, quantity, Location.objects.get(pk=location.pk))
            number = next_number(series.RETURN)
            lot = find_or_create_lot(actor=actor, item=line.item,
                                     data=LotInput(number=number, status=LotStatus.QUARANTINE))
            posting = post_moves(
                actor=actor, kind=MoveKind.RETURN,
                lines=[MoveLine(item=line.item, location=location, quantity=quantity, lot=lot,
                                unit=line.order_line.product.unit)],
                reason=Text(gettext_noop("Customer return %(number)s (%(complaint)s), from lot %(lot)s: %(reason)s"),
                            number=number, complaint=current.number, lot=line.lot.number if line.lot else "—",
                            reason=reason),
                document=DocumentRef(RETURN_DOCUMENT, current.pk, number), order=order)
            returned = CustomerReturn.objects.create(
                number=number, complaint=current, shipment_line=line, item=line.item, quantity=quantity,
                return_lot=lot, location=location, reason=reason, move_group=posting.move_group, entry_key=entry_key,
                received_by=actor)
            current.events.record(action="return_received", actor=actor, from_status=current.status,
                         to_status=current.status,
                         note=Text(gettext_noop("%(number)s: %(quantity)s of %(sku)s back into quarantine lot %(lot)s "
                                                "at %(location)s. %(reason)s"), number=number,
                                   quantity=quantity_text(quantity, line.order_line.product.unit),
                                   sku=line.order_line.product.sku, lot=lot.number, location=location.code,
                                   reason=reason))
            _alert(current, kind="customer_return", roles=["qc", "warehouse"],
                   subject=gettext_noop("Returned goods %(return)s in quarantine: inspect lot %(lot)s"),
                   body=gettext_noop("Complaint %(number)s, order %(order)s (%(customer)s): %(description)s"),
                   params={"return": number, "lot": lot.number})
    except IntegrityError:
        existing = CustomerReturn.objects.filter(entry_key=entry_key).first()
        if existing is None:
            raise
        return existing
    return returned


def _check_return(complaint, order, line, quantity, location):
    errors = []
    if complaint.status == CS.CLOSED:
        errors.append(_("Complaint %(number)s is closed.") % {"number": complaint.number})
    if line.shipment.order_id != order.pk or line.shipment.status not in SHIPPED_STATUSES:
        errors.append(_("Choose goods that were shipped for order %(number)s.") % {"number": order.number})
    elif complaint.shipment_id is not None and line.shipment_id != complaint.shipment_id:
        errors.append(_("Choose goods of shipment %(number)s, the one the complaint is about.")
                      % {"number": complaint.shipment.number})
    if not location.is_active:
        errors.append(_("Location %(location)s is inactive: nothing can be put there.") % {"location": location.code})
    unit = line.order_line.product.unit
    if quantity is None or not quantity.is_finite() or quantity <= 0:
        errors.append(_("The returned quantity must be more than zero."))
    elif decimals_of(quantity.normalize()) > Unit.decimals(unit):
        errors.append(_("A quantity in %(unit)s has at most %(n)s decimals.") % {"unit": unit,
                                                                                 "n": Unit.decimals(unit)})
    else:
        left = line.quantity - (returned_quantities([line.pk]).get(line.pk) or Decimal("0"))
        if quantity > left:
            errors.append(_("Only %(left)s of %(sku)s lot %(lot)s in %(shipment)s can still come back (%(shipped)s "
                            "shipped).") % {"left": format_quantity(left, unit), "sku": line.order_line.product.sku,
                                            "lot": line.lot.number if line.lot else "—",
                                            "shipment": line.shipment.number,
                                            "shipped": format_quantity(line.quantity, unit)})
    if errors:
        raise ValidationError(errors)
