"""Exchanges (换货): a complaint ends in an exchange when the goods that came back (a customer return, into
quarantine: shipping.complaints.receive_return) are replaced by a new shipment of good stock.

The replacement shipment is linked to the return it replaces (Shipment.replaces). It ships at once, from a
released lot of the same item chosen from stock, at most what came back less what was already replaced; it
is posted as an issue move like every shipment and gets its delivery note, and its delivery is recorded the
same way. It is not part of the order's shipped quantities (the order shipped those already), moves the
order through no transition, and is not invoiced (settlement leaves replacement shipments out). While it is
on its way the order cannot close (shipping.deliveries.open_delivery_items)."""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from config.transitions import take
from inventory.ledger import DocumentRef, MoveLine, post_moves
from inventory.models import Lot, LotStatus, MoveKind, StockBalance
from inventory.stock_services import check_stock_levels
from inventory.units import decimals_of, format_quantity, quantity_text
from numbering import series
from numbering.services import next_number
from orders.models import Order, Unit
from systemtext.text import Text

from .complaints import _locked as _locked_complaint
from .models import ComplaintStatus, CustomerReturn, Shipment, ShipmentLine, ShipmentStatus
from .services import SHIPMENT_DOCUMENT, _lot_error, _request_delivery_note

SHIP = "orders.ship_order"
ALLOWED_ORDER_STATUSES = ("qc_passed", "shipped", "delivered")


def replaced_quantity(customer_return):
    """How much of a return was already replaced (replacement shipments not cancelled)."""
    total = (ShipmentLine.objects.filter(shipment__replaces=customer_return)
             .exclude(shipment__status=ShipmentStatus.CANCELLED).aggregate(total=Sum("quantity"))["total"])
    return total or Decimal("0")


def replacement_options(customer_return):
    """Stock a replacement can come from: released, unexpired lots of the returned item with stock available
    (never the quarantine lot the goods came back into), largest first."""
    today = timezone.localdate()
    balances = (StockBalance.objects.filter(item=customer_return.item_id, lot__status=LotStatus.AVAILABLE,
                                            on_hand__gt=F("reserved"))
                .exclude(lot=customer_return.return_lot_id).select_related("lot", "location", "item")
                .order_by("-on_hand", "lot__number", "location__code"))
    return [b for b in balances if not b.lot.is_expired(today)]


def ship_replacement(*, actor, customer_return, lot, location, quantity=None, entry_key=None) -> Shipment:
    """Ship a replacement for returned goods now, from `lot` at `location` (`quantity`: what is left to
    replace when not given). Nothing is written when anything is wrong."""
    require(actor, SHIP)
    entry_key = entry_key or uuid.uuid4()
    existing = Shipment.objects.filter(entry_key=entry_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            complaint = _locked_complaint(customer_return.complaint)  # the order first, then the complaint
            order = Order.objects.select_for_update().get(pk=complaint.order_id)
            returned = (CustomerReturn.objects.select_related("shipment_line__shipment", "shipment_line__order_line__"
                                                              "product", "item").get(pk=customer_return.pk))
            line = returned.shipment_line
            unit = line.order_line.product.unit
            left = returned.quantity - replaced_quantity(returned)
            quantity = left if quantity is None else quantity
            _check(complaint, order, returned, lot, location, quantity, left, unit)
            original = line.shipment
            shipment = Shipment.objects.create(
                number=next_number(series.SHIPMENT), order=order, replaces=returned, entry_key=entry_key,
                created_by=actor, ship_to_name=original.ship_to_name, ship_to_address=original.ship_to_address,
                contact_name=original.contact_name, contact_phone=original.contact_phone)
            # What it replaces is `replaces` and the event below (message id + values), not the typed note.
            ShipmentLine.objects.create(shipment=shipment, line_no=1, order_line=line.order_line, item=returned.item,
                                        lot=lot, location=location, quantity=quantity)
            shipment.events.record(
                action="created", actor=actor, to_status=ShipmentStatus.DRAFT,
                note=Text(gettext_noop("Replacement for return %(number)s (complaint %(complaint)s)."),
                          number=returned.number, complaint=complaint.number))
            _ship(actor=actor, order=order, shipment=shipment, returned=returned, lot=lot, location=location,
                  quantity=quantity, unit=unit)
            complaint.events.record(
                action="replacement_shipped", actor=actor, from_status=complaint.status, to_status=complaint.status,
                note=Text(gettext_noop("%(shipment)s: %(quantity)s of %(sku)s from lot %(lot)s replaces return "
                                       "%(number)s."), shipment=shipment.number, quantity=quantity_text(quantity, unit),
                          sku=line.order_line.product.sku, lot=lot.number, number=returned.number))
    except IntegrityError:
        existing = Shipment.objects.filter(entry_key=entry_key).first()
        if existing is None:
            raise
        return existing
    return Shipment.objects.get(pk=shipment.pk)


def _check(complaint, order, returned, lot, location, quantity, left, unit):
    errors = []
    if complaint.status == ComplaintStatus.CLOSED:
        errors.append(_("Complaint %(number)s is closed.") % {"number": complaint.number})
    if order.status not in ALLOWED_ORDER_STATUSES:
        errors.append(_("Order %(number)s is %(status)s: no replacement can ship for it.")
                      % {"number": order.number, "status": order.get_status_display().lower()})
    if lot is not None:
        lot = Lot.objects.select_related("item").get(pk=lot.pk)
    problem = _lot_error(returned.item, lot, timezone.localdate())
    if problem:
        errors.append(problem)
    elif lot.pk == returned.return_lot_id:
        errors.append(_("The returned goods themselves cannot be the replacement."))
    if location is None:
        errors.append(_("%(code)s: choose where to take it from.") % {"code": returned.item.code})
    if quantity is None or not quantity.is_finite() or quantity <= 0:
        errors.append(_("The replacement quantity must be more than zero."))
    elif decimals_of(quantity.normalize()) > Unit.decimals(unit):
        errors.append(_("A quantity in %(unit)s has at most %(n)s decimals.") % {"unit": unit,
                                                                                 "n": Unit.decimals(unit)})
    elif quantity > left:
        errors.append(_("Only %(left)s of return %(number)s is left to replace.")
                      % {"left": format_quantity(max(left, Decimal("0")), unit), "number": returned.number})
    if errors:
        raise ValidationError(errors)


def _ship(*, actor, order, shipment, returned, lot, location, quantity, unit):
    shipment.order = order  # the locked row: the transition's condition reads its status
    take(shipment.ship, actor=actor, refused=_("Only a draft can be shipped."),
         unmet=_("Order %(number)s is %(status)s: no replacement can ship for it.")
         % {"number": order.number, "status": order.get_status_display().lower()})
    # The posting checks the stock under its row locks (a shortage refuses the whole exchange).
    posting = post_moves(
        actor=actor, kind=MoveKind.ISSUE,
        lines=[MoveLine(item=returned.item, location=location, quantity=-quantity, lot=lot, unit=unit)],
        reason=Text(gettext_noop("Shipment %(number)s"), number=shipment.number),
        document=DocumentRef(SHIPMENT_DOCUMENT, shipment.pk, shipment.number), order=order)
    shipment.shipped_by, shipment.shipped_at = actor, timezone.now()
    shipment.actual_ship_date = timezone.localdate()
    shipment.move_group = posting.move_group
    shipment.save(update_fields=["status", "shipped_by", "shipped_at", "actual_ship_date", "move_group",
                                 "updated_at"])
    shipment.events.record(action="shipped", actor=actor, from_status=ShipmentStatus.DRAFT,
                           to_status=ShipmentStatus.SHIPPED,
                           note=Text(gettext_noop("Shipped: %(lines)s"),
                                     lines=Text(gettext_noop("%(sku)s %(quantity)s (%(lot)s)"),
                                                sku=returned.shipment_line.order_line.product.sku,
                                                quantity=quantity_text(quantity, unit), lot=lot.number)))
    check_stock_levels([returned.item])
    _request_delivery_note(actor, shipment)
