"""Goods receipt against the lines of a sent purchase order (inventory.purchasing).

`receive_goods`: the quantity, in any unit that converts to the item's unit, goes
into a lot (the typed lot number, or the receipt number when none is typed) at a location through
inventory.stock_services.receive_stock. An item flagged for incoming inspection is received into a
quarantined lot, which is not usable until quality control releases it. Refused, writing nothing:
receipt against a draft, received, closed or cancelled order; zero or negative quantities; a unit that
does not convert; more than ordered beyond the supplier's over-receipt tolerance (0 % by default:
never more than ordered; the tolerance is a field of the supplier). The same form submitted twice
(its entry key) receives once. `receive_purchase_order` receives several lines of one order at once.

After a receipt the orders that were short of the item are re-checked (inventory.requirements): an
order that now has everything it needs raises an alert for the warehouse, the planners and the
person who entered it. A line bought for one order reserves what it brings for that order (up to what
the order still needs), so the stock does not go to another order first.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from numbering import series
from numbering.services import next_number
from orders.models import Order, Unit
from orders.quantities import format_number
from orders.services import lock_order_of
from systemtext.text import Text

from .ledger import DocumentRef
from .models import (
    PO_OPEN,
    GoodsReceipt,
    Location,
    Lot,
    LotStatus,
    MaterialDelay,
    PurchaseOrder,
    PurchaseOrderAction,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)
from .purchasing import clean_note, order_demand, stock_quantity
from .requirements import OPEN_FOR_MATERIALS, ZERO, open_orders_short_of, order_requirements, requirements_for_orders
from .reservations import reserve_stock
from .stock_services import LotInput, receive_stock
from .units import format_quantity

PO = PurchaseOrderStatus
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class ReceiptInput:
    quantity: Decimal
    location: Location
    unit: str = ""  # blank: the line's unit
    lot_number: str = ""  # blank: the receipt number
    supplier_lot: str = ""
    production_date: date | None = None
    expiry_date: date | None = None
    note: str = ""


@dataclass
class ReceiptResult:
    receipt: GoodsReceipt
    duplicate: bool = False  # the same form was submitted before: nothing new was received
    ready_orders: list = None  # orders that now have everything they need
    still_short: list = None  # orders short of the item before, still short


def _receipt_refusal(purchase_order):
    if purchase_order.status == PO.DRAFT:
        return _("Purchase order %(number)s has not been sent yet: send it before receiving goods.")
    if purchase_order.status == PO.RECEIVED:
        return _("Purchase order %(number)s is fully received: nothing more is expected on it.")
    if purchase_order.status not in PO_OPEN:
        return _("Purchase order %(number)s is %(status)s: goods cannot be received on it.")
    return None


def _max_receivable(line, supplier):
    tolerance = line.base_quantity * supplier.over_receipt_percent / HUNDRED
    return line.base_quantity + tolerance - line.received_quantity


def receive_goods(*, actor, line, data: ReceiptInput, entry_key=None) -> ReceiptResult:
    """Receive goods against a purchase order line (see the module docstring)."""
    require(actor, "inventory.receive_purchaseorder")
    entry_key = entry_key or uuid.uuid4()
    existing = GoodsReceipt.objects.filter(entry_key=entry_key).first()
    if existing is not None:
        return ReceiptResult(existing, duplicate=True, ready_orders=[], still_short=[])
    try:
        with transaction.atomic():
            return _receive(actor, line, data, entry_key)
    except IntegrityError:
        # The same form was submitted twice at once: the other submission received it.
        existing = GoodsReceipt.objects.filter(entry_key=entry_key).first()
        if existing is None:
            raise
        return ReceiptResult(existing, duplicate=True, ready_orders=[], still_short=[])


@dataclass(frozen=True)
class LineReceipt:
    line: PurchaseOrderLine
    data: ReceiptInput


class ReceiptRefused(ValidationError):
    """A whole-order receipt was refused; `line_errors` {line id: ValidationError} says what is wrong with
    which line (nothing was received on any line)."""

    def __init__(self, message, line_errors):
        super().__init__(message)
        self.line_errors = line_errors


def _line_entry_key(entry_key, line):
    # One key per line derived from the page's key: a page sent twice finds its receipts again, line by line.
    return uuid.uuid5(uuid.UUID(str(entry_key)), f"purchase-order-line:{line.pk}")


def receive_purchase_order(*, actor, purchase_order, receipts, entry_key) -> list[ReceiptResult]:
    """Receive goods on several lines of one purchase order at once (the receiving page: one submit for a
    delivery). All or nothing: every line goes through the single-line rules (`_receive`: open order, units,
    over-receipt tolerance, quarantine lots), and when any line is refused nothing is received on any line
    and ReceiptRefused names each bad line. `entry_key` is the page's one-time key: sent twice, it receives
    once (the results then say duplicate)."""
    require(actor, "inventory.receive_purchaseorder")
    receipts = list(receipts)
    if not receipts:
        raise ReceiptRefused(_("Enter the quantity received on at least one line."), {})
    foreign = [r.line for r in receipts if r.line.purchase_order_id != purchase_order.pk]
    if foreign or len({r.line.pk for r in receipts}) != len(receipts):
        raise ValidationError(_("Each line may be received once, and only lines of %(number)s.")
                              % {"number": purchase_order.number})
    keys = {r.line.pk: _line_entry_key(entry_key, r.line) for r in receipts}
    existing = list(GoodsReceipt.objects.filter(entry_key__in=keys.values()))
    if existing:
        return [ReceiptResult(receipt, duplicate=True, ready_orders=[], still_short=[]) for receipt in existing]
    try:
        with transaction.atomic():
            return _receive_lines(actor, receipts, keys)
    except IntegrityError:
        # The same page was submitted twice at once: the other submission received it.
        existing = list(GoodsReceipt.objects.filter(entry_key__in=keys.values()))
        if not existing:
            raise
        return [ReceiptResult(receipt, duplicate=True, ready_orders=[], still_short=[]) for receipt in existing]


def _receive_lines(actor, receipts, keys):
    # Lines first (by id), then the order inside _receive: the single-line receipt's lock order.
    list(PurchaseOrderLine.objects.select_for_update().filter(pk__in=keys).order_by("pk").values_list("pk"))
    results, line_errors = [], {}
    for receipt in sorted(receipts, key=lambda r: r.line.line_no):
        try:
            with transaction.atomic():  # a savepoint: a refused line is checked, then every line is undone
                results.append(_receive(actor, receipt.line, receipt.data, keys[receipt.line.pk]))
        except ValidationError as exc:
            line_errors[receipt.line.pk] = exc
    if line_errors:
        raise ReceiptRefused(
            ngettext("%(n)s line cannot be received as entered: nothing was received. Correct it and send again.",
                     "%(n)s lines cannot be received as entered: nothing was received. Correct them and send again.",
                     len(line_errors)) % {"n": len(line_errors)}, line_errors)
    return results


def _receive(actor, line, data, entry_key):
    # The order the line was bought for first (docs/locking.md): the receipt reserves for it, so it must
    # not be cancelled meanwhile (a cancelled order kept the reservation) nor lock it after the balances.
    lock_order_of(PurchaseOrderLine, line.pk)
    line = (PurchaseOrderLine.objects.select_for_update(of=("self",)).select_related("item", "order")
            .get(pk=line.pk))
    purchase_order = PurchaseOrder.objects.select_for_update(of=("self",)).select_related("supplier").get(
        pk=line.purchase_order_id)
    refusal = _receipt_refusal(purchase_order)
    if refusal:
        raise ValidationError(refusal % {"number": purchase_order.number,
                                         "status": purchase_order.get_status_display()})
    refusal = _("Purchase order %(number)s is %(status)s: goods cannot be received on it.") % {
        "number": purchase_order.number, "status": purchase_order.get_status_display()}
    item = line.item
    unit = data.unit or line.unit
    base = stock_quantity(item, data.quantity, unit, action=_("Goods receipt"))
    most = _max_receivable(line, purchase_order.supplier)
    if base > most:
        raise ValidationError({"quantity": [
            _("At most %(most)s more of %(code)s can be received on this line (ordered %(ordered)s, received "
              "%(received)s, over-receipt tolerance %(tolerance)s %%).")
            % {"most": format_quantity(max(most, ZERO), item.unit), "code": item.code,
               "ordered": format_quantity(line.base_quantity, item.unit),
               "received": format_quantity(line.received_quantity, item.unit),
               "tolerance": format_number(purchase_order.supplier.over_receipt_percent)}]})
    note = clean_note(data.note)
    number = next_number(series.GOODS_RECEIPT)
    lot_number = (data.lot_number or "").strip() or number
    quarantine = item.incoming_inspection
    released = Lot.objects.filter(item=item, number=lot_number).exclude(status=LotStatus.QUARANTINE).first()
    if quarantine and released is not None:
        raise ValidationError({"lot_number": [
            _("%(code)s needs incoming inspection, but lot %(lot)s is already %(status)s: receive into a new lot.")
            % {"code": item.code, "lot": lot_number, "status": released.get_status_display().lower()}]})
    short_before = open_orders_short_of(item)

    posting = receive_stock(
        actor=actor, item=item, location=data.location, quantity=data.quantity, unit=unit,
        lot_input=LotInput(number=lot_number, supplier_lot=data.supplier_lot,
                           production_date=data.production_date, expiry_date=data.expiry_date,
                           status=LotStatus.QUARANTINE if quarantine else LotStatus.AVAILABLE),
        reason=Text(gettext_noop("Goods receipt %(number)s"), number=number),
        document=DocumentRef("purchase_order", purchase_order.pk, f"{purchase_order.number} {number}"))
    move = posting.moves[0]
    receipt = GoodsReceipt.objects.create(
        number=number, line=line, quantity=data.quantity, unit=unit, base_quantity=base, lot=move.lot,
        location=data.location, quarantined=move.lot.status == LotStatus.QUARANTINE, note=note,
        move_group=posting.move_group, entry_key=entry_key, received_by=actor)

    line.received_quantity += base
    line.save(update_fields=["received_quantity"])
    lines = list(PurchaseOrderLine.objects.filter(purchase_order=purchase_order).values_list("base_quantity",
                                                                                            "received_quantity"))
    from_status = purchase_order.status
    take(purchase_order.receive, actor=actor, complete=all(received >= ordered for ordered, received in lines),
         refused=refusal)
    purchase_order.save(update_fields=["status", "updated_at"])
    event_note = Text(gettext_noop("%(receipt)s: %(quantity)s %(unit)s of %(code)s, lot %(lot)s, at "
                                   "%(location)s%(quarantine)s"), receipt=number, quantity=data.quantity,
                      unit=Unit(unit).label if unit in Unit.values else unit, code=item.code,
                      lot=move.lot.number, location=data.location.code,
                      quarantine=Text(gettext_noop(" (quarantine)")) if receipt.quarantined else "")
    purchase_order.events.record(action=PurchaseOrderAction.RECEIVED, actor=actor, from_status=from_status,
                                 to_status=purchase_order.status, note=event_note)
    if line.order is not None and not receipt.quarantined:
        _reserve_for_line_order(actor, line, receipt)
    ready, still_short = _recheck(short_before, actor)
    return ReceiptResult(receipt, ready_orders=ready, still_short=still_short)


def _reserve_for_line_order(actor, line, receipt):
    """What a line bought for an order brings is set aside for that order (as much as it still needs)."""
    order = line.order
    if order.status not in OPEN_FOR_MATERIALS or not actor.has_perm("inventory.add_reservation"):
        return
    component = order_requirements(order).component(line.item)
    if component is None:
        return
    wanted = min(receipt.base_quantity, max(component.required - component.issued - component.reserved, ZERO))
    if wanted > 0:
        reserve_stock(actor=actor, item=line.item, quantity=wanted, demand=order_demand(order), order=order,
                      location=receipt.location, lot=receipt.lot, partial=True)


def _recheck(short_before, actor):
    """Requirements of the orders that were short, again: (now ready, still short). Those now ready
    raise an alert, and are no longer at risk when a material delay was what put them at risk."""
    if not short_before:
        return [], []
    after = requirements_for_orders([r.order for r in short_before])
    ready = [after[r.order.pk] for r in short_before if after[r.order.pk].is_ready]
    still_short = [after[r.order.pk] for r in short_before if not after[r.order.pk].is_ready]
    for requirements in ready:
        alert_order_ready(requirements.order)
        _clear_delay_risk(requirements.order, actor)
    return ready, still_short


def _clear_delay_risk(order, actor):
    current = Order.objects.get(pk=order.pk)
    delay = (MaterialDelay.objects.filter(affected_orders=current).order_by("-created_at").first()
             if current.at_risk else None)
    if delay is None or not current.at_risk_because_of(delay.number):
        return  # not at risk, or at risk for another cause (a process exception…)
    Order.objects.filter(pk=current.pk).update(at_risk=False, at_risk_reason="", at_risk_reason_values=None,
                                               at_risk_since=None)
    current.events.record(action="at_risk_cleared", actor=actor, from_status=current.status,
                          to_status=current.status,
                          note=Text(gettext_noop("%(number)s: the materials are in stock now."), number=delay.number))


def alert_order_ready(order):
    create_alert(
        kind="materials_available",
        subject=gettext_noop("All materials for order %(number)s are in stock"),
        body=gettext_noop("Order %(number)s (%(customer)s) has no material shortage any more: prepare its "
                          "material prep sheet."),
        params={"number": order.number, "customer": order.customer.name},
        link=reverse("orders:detail", args=[order.pk]),
        severity="high" if order.is_rush else "info",
        roles=("warehouse", "planner"), users=[order.created_by],
        dedupe_key=f"materials-available:{order.pk}:{timezone.localdate().isoformat()}")

