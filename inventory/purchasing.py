"""Purchasing: suppliers, purchase requests and purchase orders (goods received on them: goods_receipts).

The flow:
- a purchase request (PR-2026-00001) asks for an item by a date, by hand or — one click on an order's
  materials panel — for every shortage of the order that open purchase orders do not cover
  (`request_order_shortages`; clicking twice makes no second request: one live request per order and
  item, a database constraint);
- an approver approves or rejects it (with a reason); approved requests become lines of a purchase
  order (PO-2026-00001) to a supplier: item, quantity and unit (converted to the stock unit when the
  line is written: a unit that does not convert is refused), price, expected date;
- a purchase order is a draft until sent; goods are received against the lines of a sent order,
  partially or in full (inventory.goods_receipts); its status follows (partially received, received), and
  it can be closed short (with a reason) or cancelled while nothing was received. Every change is a
  PurchaseOrderEvent.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from audit.changes import record_change, stored_snapshot
from config.transitions import take
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from orders.masterdata_services import validate_code
from orders.models import MONEY, Order
from systemtext.text import Text

from .ledger import DocumentRef
from .models import (
    PO_OPEN,
    PR_LIVE,
    Item,
    PurchaseOrder,
    PurchaseOrderAction,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    PurchaseRequest,
    PurchaseRequestStatus,
    Supplier,
)
from .requirements import OPEN_FOR_MATERIALS, order_requirements
from .units import to_base_quantity

PO = PurchaseOrderStatus
PR = PurchaseRequestStatus
MAX_PRICE = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - Decimal("0.01")
MAX_PO_LINES = 200
SUPPLIER_FIELDS = ("code", "name", "contact_name", "phone", "email", "address", "currency", "over_receipt_percent",
                   "is_active", "lead_time_days")

# What an order's demand is called on reservations (inventory.reservations) made for it.
ORDER_DEMAND = "order"


def order_demand(order):
    return DocumentRef(ORDER_DEMAND, order.pk, order.number)


def clean_note(note, field="note", max_length=300):
    note = visible_strip(note or "")
    if len(note) > max_length:
        raise ValidationError({field: [_("At most %(n)s characters.") % {"n": max_length}]})
    return note


def _required_reason(reason):
    reason = clean_note(reason, "reason")
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    return reason


def _positive(quantity, field="quantity"):
    if quantity is None or not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
        raise ValidationError({field: [_("The quantity must be greater than zero.")]})
    return quantity


def stock_quantity(item, quantity, unit, field="quantity", *, action=None):
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
        stock_quantity(item, quantity, item.unit, action=_("Purchase request"))
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
    note = clean_note(note)
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
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "decision_note_values"])
    return current


def approve_purchase_request(*, actor, request, note="") -> PurchaseRequest:
    require(actor, "inventory.approve_purchaserequest")
    return _decide(actor, request, "approve", clean_note(note))


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
        base = stock_quantity(line.item, line.quantity, unit, action=_("Purchase order"))
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
    note = clean_note(note, max_length=2000)
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
    return _move_po(actor, purchase_order, transition="send", action="sent", note=clean_note(note),
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
