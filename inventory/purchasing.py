"""Purchasing: suppliers, purchase requests, purchase orders and goods receipt.

The flow:
- a purchase request (PR-2026-00001) asks for an item by a date, by hand or — one click on an order's
  materials panel — for every shortage of the order that open purchase orders do not cover
  (`request_order_shortages`; clicking twice makes no second request: one live request per order and
  item, a database constraint);
- an approver approves or rejects it (with a reason); approved requests become lines of a purchase
  order (PO-2026-00001) to a supplier: item, quantity and unit (converted to the stock unit when the
  line is written: a unit that does not convert is refused), price, expected date;
- a purchase order is a draft until sent; goods are received against the lines of a sent order,
  partially or in full; its status follows (partially received, received), and it can be closed short
  (with a reason) or cancelled while nothing was received. Every change is a PurchaseOrderEvent.

Goods receipt (`receive_goods`): the quantity, in any unit that converts to the item's unit, goes
into a lot (the typed lot number, or the receipt number when none is typed) at a location through
inventory.stock_services.receive_stock. An item flagged for incoming inspection is received into a
quarantined lot, which is not usable until quality control releases it. Refused, writing nothing:
receipt against a draft, received, closed or cancelled order; zero or negative quantities; a unit that
does not convert; more than ordered beyond the supplier's over-receipt tolerance (0 % by default:
never more than ordered; the tolerance is a field of the supplier). The same form submitted twice
(its entry key) receives once.

After a receipt the orders that were short of the item are re-checked (inventory.requirements): an
order that now has everything it needs raises an alert for the warehouse, the planners and the
person who entered it. A line bought for one order reserves what it brings for that order (up to what
the order still needs), so the stock does not go to another order first.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from accounts.permissions import require
from alerts.services import create_alert
from audit.changes import record_change, stored_snapshot
from config.transitions import take
from numbering import series
from numbering.services import next_number
from orders.masterdata_services import validate_code
from orders.models import MONEY, Order, Unit
from orders.quantities import format_number
from orders.services import lock_order_of
from systemtext.text import Text

from .ledger import DocumentRef
from .models import (
    PO_OPEN,
    PR_LIVE,
    GoodsReceipt,
    Item,
    Location,
    Lot,
    LotStatus,
    MaterialDelay,
    PurchaseOrder,
    PurchaseOrderAction,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    PurchaseRequest,
    PurchaseRequestStatus,
    Supplier,
)
from .requirements import OPEN_FOR_MATERIALS, ZERO, open_orders_short_of, order_requirements, requirements_for_orders
from .reservations import reserve_stock
from .stock_services import LotInput, receive_stock
from .units import format_quantity, to_base_quantity

PO = PurchaseOrderStatus
PR = PurchaseRequestStatus
HUNDRED = Decimal("100")
MAX_PRICE = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - Decimal("0.01")
MAX_PO_LINES = 200
SUPPLIER_FIELDS = ("code", "name", "contact_name", "phone", "email", "address", "currency", "over_receipt_percent",
                   "is_active")

# What an order's demand is called on reservations (inventory.reservations) made for it.
ORDER_DEMAND = "order"


def order_demand(order):
    return DocumentRef(ORDER_DEMAND, order.pk, order.number)


def _clean_note(note, field="note", max_length=300):
    note = (note or "").strip()
    if len(note) > max_length:
        raise ValidationError({field: [_("At most %(n)s characters.") % {"n": max_length}]})
    return note


def _required_reason(reason):
    reason = _clean_note(reason, "reason")
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    return reason


def _positive(quantity, field="quantity"):
    if quantity is None or not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
        raise ValidationError({field: [_("The quantity must be greater than zero.")]})
    return quantity


def _stock_quantity(item, quantity, unit, field="quantity", *, action=None):
    """`quantity` of `unit` in the item's stock unit; a unit that does not convert is refused."""
    _positive(quantity, field)
    try:
        return to_base_quantity(item, quantity, unit or item.unit, action=action)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


# --- suppliers ----------------------------------------------------------------------------------

def supplier_errors(supplier):
    supplier.code = (supplier.code or "").strip()
    supplier.name = (supplier.name or "").strip()
    errors = {}
    try:
        validate_code(supplier.code)
    except ValidationError as exc:
        errors["code"] = exc.messages
    if "code" not in errors and Supplier.objects.filter(code=supplier.code).exclude(pk=supplier.pk).exists():
        errors["code"] = [_("A supplier with code %(code)s already exists.") % {"code": supplier.code}]
    if not supplier.name:
        errors["name"] = [_("Enter a name.")]
    try:
        supplier.full_clean(exclude=sorted(set(errors) | {"created_at", "updated_at"}), validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def _save_supplier(actor, supplier, *, added, fields=None):
    errors = supplier_errors(supplier)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            before = None if added else stored_snapshot(supplier)
            supplier.save()
            record_change(supplier, actor=actor, before=before)
    except IntegrityError:
        raise ValidationError({"code": [_("A supplier with code %(code)s already exists.")
                                        % {"code": supplier.code}]}) from None
    return supplier


def create_supplier(*, actor, **fields) -> Supplier:
    require(actor, "inventory.add_supplier")
    unknown = set(fields) - set(SUPPLIER_FIELDS)
    if unknown:
        raise TypeError(f"unknown supplier fields: {sorted(unknown)}")
    return _save_supplier(actor, Supplier(**fields), added=True)


def update_supplier(*, actor, supplier, **fields) -> Supplier:
    require(actor, "inventory.change_supplier")
    unknown = set(fields) - (set(SUPPLIER_FIELDS) - {"code"})
    if unknown:
        raise TypeError(f"supplier fields that cannot be updated: {sorted(unknown)}")
    with transaction.atomic():
        current = Supplier.objects.select_for_update().get(pk=supplier.pk)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        for name, value in fields.items():
            setattr(current, name, value)
        return _save_supplier(actor, current, added=False, fields=changed) if changed else current


# --- purchase requests ----------------------------------------------------------------------------

def _request_errors(item, quantity, needed_by, order):
    errors = {}
    try:
        _stock_quantity(item, quantity, item.unit, action=_("Purchase request"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not item.is_active:
        errors.setdefault("item", []).append(_("%(code)s is inactive.") % {"code": item.code})
    if needed_by is None:
        errors["needed_by"] = [_("Enter the date the material is needed by.")]
    elif needed_by < timezone.localdate():
        errors["needed_by"] = [_("The date cannot be in the past.")]
    if order is not None and order.status not in OPEN_FOR_MATERIALS:
        errors.setdefault("order", []).append(
            _("Order %(number)s is %(status)s: it needs no material now.")
            % {"number": order.number, "status": order.get_status_display()})
    return errors


def _duplicate_request_message(order, item):
    return _("A purchase request for %(code)s for order %(number)s is already open.") % {
        "code": item.code, "number": order.number}


def create_purchase_request(*, actor, item, quantity, needed_by, order=None, note="") -> PurchaseRequest:
    require(actor, "inventory.add_purchaserequest")
    note = _clean_note(note)
    errors = _request_errors(item, quantity, needed_by, order)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return PurchaseRequest.objects.create(
                number=next_number(series.PURCHASE_REQUEST), item=item, quantity=quantity,
                needed_by=needed_by, order=order, note=note, requested_by=actor)
    except IntegrityError:
        raise ValidationError(_duplicate_request_message(order, item)) from None


def request_order_shortages(*, actor, order) -> list[PurchaseRequest]:
    """One purchase request per component of the order that is short and not covered by purchase
    orders, for the uncovered quantity, needed as soon as the supplier can deliver (today + the item's
    purchase lead time). Components that already have a live request for the order are left alone."""
    require(actor, "inventory.add_purchaserequest")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in OPEN_FOR_MATERIALS:
            raise ValidationError(_("Order %(number)s is %(status)s: it needs no material now.")
                                  % {"number": order.number, "status": order.get_status_display()})
        requirements = order_requirements(order)
        if requirements.errors:
            raise ValidationError(requirements.errors)
        requested = set(PurchaseRequest.objects.filter(order=order, status__in=PR_LIVE).values_list("item_id",
                                                                                                  flat=True))
        today = timezone.localdate()
        made = []
        for component in requirements.shortages:
            if component.uncovered <= 0 or component.item.pk in requested:
                continue
            made.append(PurchaseRequest.objects.create(
                number=next_number(series.PURCHASE_REQUEST), item=component.item,
                quantity=component.uncovered, order=order, requested_by=actor,
                needed_by=today + timedelta(days=component.item.purchase_lead_time_days)))
            # No note: the request names its order, shown in each reader's language; a note written here would
            # be frozen in the requester's language.
        if not made:
            raise ValidationError(_("Order %(number)s has no shortage that is not already requested or on order.")
                                  % {"number": order.number})
    return made


def _request_refused(request):
    return _("Purchase request %(number)s is %(status)s: nothing was changed.") % {
        "number": request.number, "status": request.get_status_display()}


def _decide(actor, request, transition, note):
    """Take `transition` (a PurchaseRequest transition's name) as `actor`, recording the decision."""
    with transaction.atomic():
        current = PurchaseRequest.objects.select_for_update(of=("self",)).select_related("item").get(pk=request.pk)
        take(getattr(current, transition), actor=actor, refused=_request_refused(current))
        current.decided_by, current.decided_at, current.decision_note = actor, timezone.now(), note
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return current


def approve_purchase_request(*, actor, request, note="") -> PurchaseRequest:
    require(actor, "inventory.approve_purchaserequest")
    return _decide(actor, request, "approve", _clean_note(note))


def reject_purchase_request(*, actor, request, reason) -> PurchaseRequest:
    require(actor, "inventory.approve_purchaserequest")
    return _decide(actor, request, "reject", _required_reason(reason))


def cancel_purchase_request(*, actor, request, reason) -> PurchaseRequest:
    """The requester or an approver withdraws a request that is not ordered yet."""
    if request.requested_by_id != actor.pk:
        require(actor, "inventory.approve_purchaserequest")
    return _decide(actor, request, "cancel", _required_reason(reason))


# --- purchase orders ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PurchaseLineInput:
    item: Item
    quantity: Decimal
    unit_price: Decimal
    expected_date: date
    unit: str = ""  # blank: the item's purchase unit, else its stock unit
    request: PurchaseRequest | None = None

def _price_errors(price):
    if price is None or not isinstance(price, Decimal) or not price.is_finite() or price < 0:
        return [_("The price must be zero or more.")]
    if price > MAX_PRICE or -price.as_tuple().exponent > MONEY["decimal_places"]:
        return [_("The price has at most 10 digits before and 2 after the decimal point.")]
    return []


def _line_errors(number, line: PurchaseLineInput, requests_seen):
    where = _("Line %(n)s (%(code)s)") % {"n": number, "code": line.item.code}
    messages, base = [], None
    unit = line.unit or line.item.purchase_unit or line.item.unit
    try:
        base = _stock_quantity(line.item, line.quantity, unit, action=_("Purchase order"))
    except ValidationError as exc:
        messages.extend(f"{where}: {m}" for m in exc.messages)
    messages.extend(f"{where}: {m}" for m in _price_errors(line.unit_price))
    if line.expected_date is None:
        messages.append(_("%(where)s: enter the expected date.") % {"where": where})
    elif line.expected_date < timezone.localdate():
        messages.append(_("%(where)s: the expected date cannot be in the past.") % {"where": where})
    if not line.item.is_active:
        messages.append(_("%(where)s: the item is inactive.") % {"where": where})
    request = line.request
    if request is not None:
        if request.status != PR.APPROVED:
            messages.append(_("%(where)s: purchase request %(number)s is %(status)s, not approved.")
                            % {"where": where, "number": request.number, "status": request.get_status_display()})
        if request.item_id != line.item.pk:
            messages.append(_("%(where)s: purchase request %(number)s is for another item.")
                            % {"where": where, "number": request.number})
        if request.pk in requests_seen:
            messages.append(_("%(where)s: purchase request %(number)s is on two lines.")
                            % {"where": where, "number": request.number})
        requests_seen.add(request.pk)
    return messages, unit, base


def create_purchase_order(*, actor, supplier, lines, note="", currency=None, entry_key=None) -> PurchaseOrder:
    """A draft purchase order with `lines` (PurchaseLineInput). Lines made from approved purchase
    requests mark them ordered and are bought for the request's order. The same `entry_key` twice (a
    resent form) returns the first purchase order instead of making a second."""
    require(actor, "inventory.add_purchaseorder")
    existing = PurchaseOrder.objects.filter(entry_key=entry_key).first() if entry_key else None
    if existing is not None:
        return existing
    try:
        return _create_purchase_order(actor, supplier, lines, note, currency, entry_key)
    except IntegrityError:
        existing = PurchaseOrder.objects.filter(entry_key=entry_key).first() if entry_key else None
        if existing is None:
            raise
        return existing


def _create_purchase_order(actor, supplier, lines, note, currency, entry_key):
    lines = list(lines)
    note = _clean_note(note, max_length=2000)
    errors = []
    if not supplier.is_active:
        errors.append(_("Supplier %(code)s is inactive.") % {"code": supplier.code})
    if not lines:
        errors.append(_("Add at least one line."))
    if len(lines) > MAX_PO_LINES:
        errors.append(_("A purchase order can have at most %(n)s lines.") % {"n": MAX_PO_LINES})
    with transaction.atomic():
        # Lock the requests so two buyers cannot order the same request twice.
        request_ids = [line.request.pk for line in lines if line.request is not None]
        fresh = PurchaseRequest.objects.select_for_update().in_bulk(request_ids)
        lines = [PurchaseLineInput(line.item, line.quantity, line.unit_price, line.expected_date, line.unit,
                                   fresh[line.request.pk]) if line.request is not None else line for line in lines]
        checked, seen = [], set()
        for number, line in enumerate(lines, start=1):
            messages, unit, base = _line_errors(number, line, seen)
            errors.extend(messages)
            checked.append((line, unit, base))
        if errors:
            raise ValidationError(errors)
        purchase_order = PurchaseOrder.objects.create(
            number=next_number(series.PURCHASE_ORDER), supplier=supplier, note=note,
            currency=currency or supplier.currency, created_by=actor, entry_key=entry_key)
        for number, (line, unit, base) in enumerate(checked, start=1):
            po_line = PurchaseOrderLine.objects.create(
                purchase_order=purchase_order, line_no=number, item=line.item, quantity=line.quantity, unit=unit,
                base_quantity=base, unit_price=line.unit_price, expected_date=line.expected_date,
                order=line.request.order if line.request is not None else None)
            if line.request is not None:  # locked above
                take(line.request.mark_ordered, actor=actor, refused=_request_refused(line.request))
                line.request.purchase_order_line = po_line
                line.request.save(update_fields=["status", "purchase_order_line"])
        purchase_order.events.record(action=PurchaseOrderAction.CREATED, actor=actor, to_status=PO.DRAFT, note=note)
    return purchase_order


def _move_po(actor, purchase_order, *, transition, action, note="", changes=None):
    """Take `transition` (a PurchaseOrder transition's name) as `actor` and record it as `action`."""
    with transaction.atomic():
        current = PurchaseOrder.objects.select_for_update().get(pk=purchase_order.pk)
        from_status = current.status
        take(getattr(current, transition), actor=actor,
             refused=_("Purchase order %(number)s is %(status)s: nothing was changed.")
             % {"number": current.number, "status": current.get_status_display()})
        for name, value in (changes or {}).items():
            setattr(current, name, value)
        current.save()
        current.events.record(action=action, actor=actor, from_status=from_status,
                              to_status=current.status, note=note)
    return current


def send_purchase_order(*, actor, purchase_order, note="") -> PurchaseOrder:
    """The order goes to the supplier: its lines now count as on order and can be received."""
    require(actor, "inventory.change_purchaseorder")
    return _move_po(actor, purchase_order, transition="send", action="sent", note=_clean_note(note),
                    changes={"sent_at": timezone.now()})


def cancel_purchase_order(*, actor, purchase_order, reason) -> PurchaseOrder:
    """Cancel an order nothing was received on; its purchase requests are approved again (to be
    ordered elsewhere)."""
    require(actor, "inventory.change_purchaseorder")
    reason = _required_reason(reason)
    with transaction.atomic():
        if PurchaseOrderLine.objects.filter(purchase_order=purchase_order, received_quantity__gt=0).exists():
            raise ValidationError(_("Goods were received on %(number)s: close it instead of cancelling.")
                                  % {"number": purchase_order.number})
        cancelled = _move_po(actor, purchase_order, transition="cancel", action="cancelled", note=reason,
                             changes={"status_reason": reason})
        for request in PurchaseRequest.objects.select_for_update(of=("self",)).filter(
                purchase_order_line__purchase_order=cancelled, status=PR.ORDERED).order_by("pk"):
            take(request.reopen, actor=actor, refused=_request_refused(request))
            request.purchase_order_line = None
            request.save(update_fields=["status", "purchase_order_line"])
    return cancelled


def close_purchase_order(*, actor, purchase_order, reason) -> PurchaseOrder:
    """Close an order: nothing more is expected on it (what was not delivered is no longer on order)."""
    require(actor, "inventory.change_purchaseorder")
    reason = _required_reason(reason)
    return _move_po(actor, purchase_order, transition="close", action="closed", note=reason,
                    changes={"status_reason": reason})


def set_line_expected_date(*, actor, line, expected_date, reason) -> PurchaseOrderLine:
    """A new expected date for an open line (from a material delay request), as an event of its order."""
    with transaction.atomic():
        current = (PurchaseOrderLine.objects.select_for_update(of=("self",))
                   .select_related("purchase_order", "item").get(pk=line.pk))
        purchase_order = current.purchase_order
        if purchase_order.status not in [PO.DRAFT, *PO_OPEN]:
            raise ValidationError(_("Purchase order %(number)s is %(status)s: no goods are expected on it.")
                                  % {"number": purchase_order.number, "status": purchase_order.get_status_display()})
        ordered_on = timezone.localtime(purchase_order.created_at).date()
        if expected_date < ordered_on:
            raise ValidationError(_("The expected date cannot be before purchase order %(number)s was made (%(date)s).")
                                  % {"number": purchase_order.number,
                                     "date": formats.date_format(ordered_on, "SHORT_DATE_FORMAT")})
        previous = current.expected_date
        current.expected_date = expected_date
        current.save(update_fields=["expected_date"])
        purchase_order.events.record(
            action="expected_date", actor=actor, from_status=purchase_order.status, to_status=purchase_order.status,
            note=Text(gettext_noop("Line %(n)s (%(code)s): expected %(new)s instead of %(old)s. %(reason)s"),
                      n=current.line_no, code=current.item.code, new=expected_date, old=previous, reason=reason))
    return current


# --- goods receipt --------------------------------------------------------------------------------

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
    base = _stock_quantity(item, data.quantity, unit, action=_("Goods receipt"))
    most = _max_receivable(line, purchase_order.supplier)
    if base > most:
        raise ValidationError({"quantity": [
            _("At most %(most)s more of %(code)s can be received on this line (ordered %(ordered)s, received "
              "%(received)s, over-receipt tolerance %(tolerance)s %%).")
            % {"most": format_quantity(max(most, ZERO), item.unit), "code": item.code,
               "ordered": format_quantity(line.base_quantity, item.unit),
               "received": format_quantity(line.received_quantity, item.unit),
               "tolerance": format_number(purchase_order.supplier.over_receipt_percent)}]})
    note = _clean_note(data.note)
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
        reason=_("Goods receipt %(number)s") % {"number": number},
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

