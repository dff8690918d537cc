"""Shipments as the shipping desk handles them: create (a draft, or a draft shipped at once), ship,
cancel a draft, change carrier and tracking number. Proof of delivery, confirming delivery and closing
the order are in shipping.deliveries.

Rules (each refusal is a ValidationError with every problem found; nothing is written then):
- Only an order that passed QC ships, and only goods of its own lines: per line at most what is
  ordered and not yet shipped, per item at most what QC passed for this order and is not yet shipped
  (the order's production output in the stock ledger minus what its shipments issued), from an
  available, unexpired lot of the line's item, with the stock there (checked under row locks by the
  ledger when shipping).
- Shipping locks the order row first, so two shipments of one order are shipped one after the
  other: the second sees what the first shipped and is refused if there is nothing left.
- Shipping issues the lines from stock (one posting whose document is the shipment) and adds to
  OrderLine.shipped_quantity in the same transaction. When every line is shipped the order moves
  qc_passed → shipped (transition "ship", whose condition goods_not_dispatched asks the same of the
  shipment lines) and leftover drafts are cancelled; otherwise it stays qc_passed with a "partial
  shipment" event on its timeline.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q, Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from documents import services as document_services
from inputs.visible import visible_strip
from inventory.ledger import DocumentRef, MoveLine, balance_key, post_moves, shortage_message
from inventory.models import Item, Location, Lot, LotStatus, MoveKind, StockBalance, StockMove
from inventory.stock_services import check_stock_levels
from inventory.units import decimals_of, format_quantity, quantity_text, to_base_quantity
from numbering import series
from numbering.services import next_number
from orders.models import Order, OrderLine, OrderStatus, Unit
from orders.services import transition_order
from systemtext.text import Text, listed

from .models import Shipment, ShipmentLine, ShipmentStatus

SHIP = "orders.ship_order"
# The ledger's document type of shipment issues (registered in ShippingConfig.ready).
SHIPMENT_DOCUMENT = "shipment"
DELIVERY_NOTE = "delivery_note"
ZERO = Decimal("0")
ST = ShipmentStatus


@dataclass(frozen=True)
class PickInput:
    """`quantity` (in the order line's unit) of `lot` at `location` for `order_line`."""

    order_line: OrderLine
    lot: Lot | None
    location: Location
    quantity: Decimal | None
    packages: int = 0


@dataclass(frozen=True)
class ShipmentDetails:
    ship_to_name: str
    ship_to_address: str
    contact_name: str = ""
    contact_phone: str = ""
    carrier: str = ""
    tracking_number: str = ""
    planned_ship_date: object = None
    gross_weight_kg: Decimal | None = None
    net_weight_kg: Decimal | None = None
    note: str = ""

# A shipment's number before what happened to it, in the order's timeline.
NUMBERED = gettext_noop("%(number)s: %(text)s")


def details_for(order) -> ShipmentDetails:
    """What a new shipment of `order` starts from: the customer's shipping address and contact."""
    customer = order.customer
    return ShipmentDetails(ship_to_name=customer.name, ship_to_address=customer.shipping_address,
                           contact_name=customer.contact_name, contact_phone=customer.contact_phone)


# --- checks ----------------------------------------------------------------------------------------

def _text_errors(details: ShipmentDetails):
    errors = []
    if not (details.ship_to_name or "").strip():
        errors.append(_("Enter the consignee."))
    if not (details.ship_to_address or "").strip():
        errors.append(_("Enter the shipping address."))
    limits = (("ship_to_name", _("The consignee")), ("contact_name", _("The contact person")),
              ("contact_phone", _("The phone number")), ("carrier", _("The carrier")),
              ("tracking_number", _("The tracking number")), ("note", _("The note")))
    for name, label in limits:
        limit = Shipment._meta.get_field(name).max_length
        if len(getattr(details, name) or "") > limit:
            errors.append(_("%(field)s has at most %(n)s characters.") % {"field": label, "n": limit})
    return errors


def _weight_errors(details: ShipmentDetails):
    errors = []
    weights = ((details.gross_weight_kg, _("The gross weight")), (details.net_weight_kg, _("The net weight")))
    for value, label in weights:
        if value is not None and (not value.is_finite() or value <= 0 or decimals_of(value) > 3
                                  or value >= Decimal("1e9")):
            errors.append(_("%(field)s must be more than 0 kg, with at most 3 decimals.") % {"field": label})
    if not errors and details.gross_weight_kg is not None and details.net_weight_kg is not None \
            and details.net_weight_kg > details.gross_weight_kg:
        errors.append(_("The net weight cannot be more than the gross weight."))
    return errors


def status_error(order):
    """Why `order` cannot ship now, or None."""
    if order.status == OrderStatus.QC_PASSED:
        return None
    if order.status == OrderStatus.CANCELLED:
        return _("Order %(number)s is cancelled: nothing can be shipped.") % {"number": order.number}
    if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CLOSED):
        return _("Order %(number)s is already fully shipped: nothing is left to ship.") % {"number": order.number}
    return _("Order %(number)s is %(status)s: only orders that passed QC are shipped.") % {
        "number": order.number, "status": order.get_status_display().lower()}


def goods_not_dispatched(order):
    """Shipping's condition of the order's ship (orders.stage_hooks, Hook.TRANSITION_CHECK): shipments that
    left (shipped or delivered) carry every line's ordered quantity."""
    left_factory = ShipmentLine.objects.filter(shipment__order=order, shipment__status__in=[ST.SHIPPED, ST.DELIVERED])
    dispatched = dict(left_factory.values("order_line_id").annotate(total=Sum("quantity"))
                      .values_list("order_line_id", "total"))
    problems = []
    for line in order.lines.select_related("product").order_by("line_no"):
        left = line.quantity - (dispatched.get(line.pk) or ZERO)
        if left > 0:
            problems.append(_("%(line)s: %(quantity)s not dispatched.") % {
                "line": line_label(line), "quantity": format_quantity(left, line.product.unit)})
    return problems


def qc_passed_unshipped(order):
    """{item id: quantity in the item's unit} that passed QC for `order` (its production output in the
    ledger) and is not yet shipped (its shipment issues). Reversed postings count with their sign."""
    rows = (StockMove.objects.filter(order=order)
            .filter(Q(kind=MoveKind.PRODUCTION_OUTPUT) | Q(kind=MoveKind.ISSUE, document_type=SHIPMENT_DOCUMENT))
            .values("item_id").annotate(total=Sum("quantity")))
    return {row["item_id"]: row["total"] for row in rows}


def own_lots_unshipped(order):
    """{(item id, lot id): quantity in the item's unit} of the order's own finished lots: what its
    production output put into each lot (quality posts a passed lot with the order on the move) minus
    what its shipments took from that lot. Only these lots ship for the order (docs/delivery.md)."""
    rows = (StockMove.objects.filter(order=order, lot__isnull=False)
            .filter(Q(kind=MoveKind.PRODUCTION_OUTPUT) | Q(kind=MoveKind.ISSUE, document_type=SHIPMENT_DOCUMENT))
            .values("item_id", "lot_id").annotate(total=Sum("quantity")))
    return {(row["item_id"], row["lot_id"]): row["total"] for row in rows}


def stock_items(products):
    """{product id: its stock item}."""
    return {item.product_id: item for item in Item.objects.filter(product__in=list(products))}


def line_label(line):
    return _("Line %(n)s (%(sku)s)") % {"n": line.line_no, "sku": line.product.sku}


def _lot_error(item, lot, today):
    if lot is None:
        return _("%(code)s: choose the lot to ship from.") % {"code": item.code}
    if lot.item_id != item.pk:
        return _("Lot %(lot)s is of %(other)s, not of %(code)s.") % {
            "lot": lot.number, "other": lot.item.code, "code": item.code}
    if lot.status != LotStatus.AVAILABLE:
        return _("Lot %(lot)s of %(code)s is %(status)s: it cannot be shipped.") % {
            "lot": lot.number, "code": item.code, "status": lot.get_status_display().lower()}
    if lot.is_expired(today):
        return _("Lot %(lot)s of %(code)s expired on %(date)s: it cannot be shipped.") % {
            "lot": lot.number, "code": item.code, "date": lot.expiry_date.isoformat()}
    return None


@dataclass
class _CheckedPick:
    line: OrderLine
    item: Item
    lot: Lot
    location: Location
    quantity: Decimal
    base: Decimal
    packages: int


def check_picks(order, picks, *, check_stock=True):
    """The picks as stored data (fresh lines, lots and locations), or ValidationError with every
    problem. `check_stock` compares with the stock on hand now (without locks: the posting checks
    again under its locks)."""
    error = status_error(order)
    if error:
        raise ValidationError(error)
    picks = list(picks)
    if not picks:
        raise ValidationError(_("Choose at least one lot and a quantity to ship."))
    lines = {line.pk: line for line in order.lines.select_related("product")}
    items = stock_items({line.product_id for line in lines.values()})
    lots = Lot.objects.select_related("item").in_bulk({p.lot.pk for p in picks if p.lot is not None})
    locations = Location.objects.in_bulk({p.location.pk for p in picks if p.location is not None})
    today = timezone.localdate()
    errors, checked = [], []
    for pick in picks:
        line = lines.get(pick.order_line.pk)
        if line is None:
            errors.append(_("The goods chosen are not for a line of order %(number)s.") % {"number": order.number})
            continue
        label, unit = line_label(line), line.product.unit
        quantity = pick.quantity
        if quantity is None or not quantity.is_finite() or quantity <= 0:
            errors.append(_("%(line)s: the quantity must be more than zero.") % {"line": label})
            continue
        if decimals_of(quantity.normalize()) > Unit.decimals(unit):
            errors.append(_("%(line)s: a quantity in %(unit)s has at most %(n)s decimals.")
                          % {"line": label, "unit": unit, "n": Unit.decimals(unit)})
            continue
        if pick.packages is None or pick.packages < 0:
            errors.append(_("%(line)s: the number of packages cannot be negative.") % {"line": label})
            continue
        item = items.get(line.product_id)
        if item is None:
            errors.append(_("%(line)s: product %(sku)s has no stock item, so it cannot be shipped from stock.")
                          % {"line": label, "sku": line.product.sku})
            continue
        lot = lots.get(pick.lot.pk) if pick.lot is not None else None
        location = locations.get(pick.location.pk) if pick.location is not None else None
        problem = _lot_error(item, lot, today) or (
            None if location is not None else _("%(code)s: choose where to take it from.") % {"code": item.code})
        if problem:
            errors.append(problem)
            continue
        try:
            base = to_base_quantity(item, quantity, unit, action=_("Shipment"))
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        checked.append(_CheckedPick(line, item, lot, location, quantity, base, pick.packages))
    errors.extend(_total_errors(order, checked))
    if check_stock and not errors:
        errors.extend(_stock_errors(checked))
    if errors:
        raise ValidationError(errors)
    return checked


def _total_errors(order, checked):
    errors = []
    per_line, per_item = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for pick in checked:
        per_line[pick.line.pk] += pick.quantity
        per_item[pick.item.pk] += pick.base
    lines = {pick.line.pk: pick.line for pick in checked}
    for line_id, total in per_line.items():
        line = lines[line_id]
        left = line.quantity - line.shipped_quantity
        if total > left:
            errors.append(_("%(line)s: only %(left)s is left to ship (%(ordered)s ordered, %(shipped)s shipped); "
                            "%(asked)s was chosen.") % {
                "line": line_label(line), "left": format_quantity(max(left, ZERO), line.product.unit),
                "ordered": format_quantity(line.quantity, line.product.unit),
                "shipped": format_quantity(line.shipped_quantity, line.product.unit),
                "asked": format_quantity(total, line.product.unit)})
    errors.extend(_lot_owner_errors(order, checked))
    passed = qc_passed_unshipped(order)
    items = {pick.item.pk: pick.item for pick in checked}
    for item_id, total in per_item.items():
        item, available = items[item_id], passed.get(item_id) or ZERO
        if total > available:
            errors.append(_("%(code)s: only %(passed)s passed QC for order %(number)s and is not shipped yet; "
                            "%(asked)s was chosen.") % {
                "code": item.code, "passed": format_quantity(max(available, ZERO), item.unit),
                "number": order.number, "asked": format_quantity(total, item.unit)})
    return errors


def _lot_owner_errors(order, checked):
    """Goods of another order (a rush order's passed lot) or free stock never ship for this order,
    whatever the form offered: per lot at most what this order made into it and has not shipped."""
    own = own_lots_unshipped(order)
    per_lot, picked = defaultdict(lambda: ZERO), {}
    for pick in checked:
        per_lot[(pick.item.pk, pick.lot.pk)] += pick.base
        picked[(pick.item.pk, pick.lot.pk)] = pick
    errors = []
    for key, total in per_lot.items():
        pick, left = picked[key], own.get(key)
        if left is None:
            errors.append(_("Lot %(lot)s of %(code)s was not made for order %(number)s: an order ships only its own "
                            "lots.") % {"lot": pick.lot.number, "code": pick.item.code, "number": order.number})
        elif total > left:
            errors.append(_("Lot %(lot)s of %(code)s holds only %(left)s made for order %(number)s and not shipped "
                            "yet; %(asked)s was chosen.") % {
                "lot": pick.lot.number, "code": pick.item.code, "number": order.number,
                "left": format_quantity(max(left, ZERO), pick.item.unit),
                "asked": format_quantity(total, pick.item.unit)})
    return errors


def _stock_errors(checked):
    wanted = defaultdict(lambda: ZERO)
    where = {}
    for pick in checked:
        key = balance_key(pick.item.pk, pick.location.pk, pick.lot.pk)
        wanted[key] += pick.base
        where[key] = pick
    condition = Q(pk__in=[])
    for item_id, location_id, lot_id in wanted:
        condition |= Q(item_id=item_id, location_id=location_id, lot_id=lot_id)
    balances = {balance_key(b.item_id, b.location_id, b.lot_id): b for b in StockBalance.objects.filter(condition)}
    errors = []
    for key, base in wanted.items():
        balance = balances.get(key)
        if balance is None or balance.available < base:
            pick = where[key]
            errors.append(shortage_message(pick.item, pick.lot, pick.location, balance))
    return errors


def _date_error(actual_ship_date):
    if actual_ship_date is not None and actual_ship_date > timezone.localdate():
        return _("The ship date cannot be in the future.")
    return None


# --- shipments -------------------------------------------------------------------------------------

def create_shipment(*, actor, order, details: ShipmentDetails, picks, entry_key=None, ship_now=False,
                    actual_ship_date=None) -> Shipment:
    """A draft shipment of `order` with the chosen lots; shipped at once with `ship_now`. The same
    `entry_key` twice (a double-clicked button) returns the first shipment instead of a second."""
    require(actor, SHIP)
    entry_key = entry_key or uuid.uuid4()
    existing = Shipment.objects.filter(entry_key=entry_key).first()
    if existing is not None:
        return existing
    errors = _text_errors(details) + _weight_errors(details)
    date_error = _date_error(actual_ship_date) if ship_now else None
    if date_error:
        errors.append(date_error)
    try:
        with transaction.atomic():
            current = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
            try:
                checked = check_picks(current, picks)
            except ValidationError as exc:
                errors.extend(exc.messages)
            if errors:
                raise ValidationError(errors)
            shipment = Shipment.objects.create(
                number=next_number(series.SHIPMENT), order=current, entry_key=entry_key, created_by=actor,
                ship_to_name=details.ship_to_name.strip(), ship_to_address=details.ship_to_address.strip(),
                contact_name=details.contact_name.strip(), contact_phone=details.contact_phone.strip(),
                carrier=details.carrier.strip(), tracking_number=details.tracking_number.strip(),
                planned_ship_date=details.planned_ship_date, gross_weight_kg=details.gross_weight_kg,
                net_weight_kg=details.net_weight_kg, note=details.note.strip())
            ShipmentLine.objects.bulk_create(
                ShipmentLine(shipment=shipment, line_no=n, order_line=pick.line, item=pick.item, lot=pick.lot,
                             location=pick.location, quantity=pick.quantity, packages=pick.packages)
                for n, pick in enumerate(checked, start=1))
            shipment.events.record(action="created", actor=actor, to_status=ST.DRAFT)
            if ship_now:
                _ship(actor=actor, order=current, shipment=shipment, actual_ship_date=actual_ship_date)
    except IntegrityError:
        # The other click of a double-click committed first: hand back its shipment.
        existing = Shipment.objects.filter(entry_key=entry_key).first()
        if existing is None:
            raise
        return existing
    return Shipment.objects.get(pk=shipment.pk)


def ship_shipment(*, actor, shipment, actual_ship_date=None) -> Shipment:
    """Ship a draft: issue its lots from stock, count them as shipped on the order lines, and move the
    order to shipped when nothing is left to ship."""
    require(actor, SHIP)
    date_error = _date_error(actual_ship_date)
    if date_error:
        raise ValidationError(date_error)
    with transaction.atomic():
        # The order first (as create_shipment and the delivery do): shipments of one order queue here.
        order = Order.objects.select_for_update().select_related("customer").get(pk=shipment.order_id)
        current = Shipment.objects.select_for_update().get(pk=shipment.pk)
        _ship(actor=actor, order=order, shipment=current, actual_ship_date=actual_ship_date)
    return Shipment.objects.get(pk=shipment.pk)


def refusal_values(shipment):
    """The values of a refusal's message: the shipment's number and its status in the reader's words."""
    return {"number": shipment.number, "status": shipment.get_status_display().lower()}


def _ship(*, actor, order, shipment, actual_ship_date):
    shipment.order = order  # the locked row: the transition's condition reads its status
    take(shipment.ship, actor=actor, unmet=status_error(order),
         refused=_("Shipment %(number)s is %(status)s: only a draft can be shipped.") % refusal_values(shipment))
    lines = list(shipment.lines.select_related("order_line__product", "item", "lot__item", "location")
                 .order_by("line_no"))
    picks = [PickInput(line.order_line, line.lot, line.location, line.quantity, line.packages) for line in lines]
    check_picks(order, picks, check_stock=False)  # the posting checks the stock under its row locks
    ship_date = actual_ship_date or timezone.localdate()
    _ship_date_errors(order, lines, ship_date)
    posting = post_moves(
        actor=actor, kind=MoveKind.ISSUE,
        lines=[MoveLine(item=line.item, location=line.location, quantity=-line.quantity, lot=line.lot,
                        unit=line.order_line.product.unit) for line in lines],
        reason=Text(gettext_noop("Shipment %(number)s"), number=shipment.number),
        document=DocumentRef(SHIPMENT_DOCUMENT, shipment.pk, shipment.number), order=order)
    for line in lines:
        OrderLine.objects.filter(pk=line.order_line_id).update(shipped_quantity=F("shipped_quantity") + line.quantity)
    now = timezone.now()
    shipment.shipped_by, shipment.shipped_at = actor, now
    shipment.actual_ship_date = ship_date
    shipment.move_group = posting.move_group
    shipment.save(update_fields=["status", "shipped_by", "shipped_at", "actual_ship_date", "move_group",
                                 "updated_at"])
    summary = listed([Text(gettext_noop("%(sku)s %(quantity)s (%(lot)s)"), sku=line.order_line.product.sku,
                           quantity=quantity_text(line.quantity, line.order_line.product.unit), lot=line.lot.number)
                      for line in lines])
    shipment.events.record(action="shipped", actor=actor, from_status=ST.DRAFT, to_status=ST.SHIPPED,
                           note=Text(gettext_noop("Shipped: %(lines)s"), lines=summary))
    check_stock_levels({line.item.pk: line.item for line in lines}.values())
    if order.lines.filter(shipped_quantity__lt=F("quantity")).exists():
        order.events.record(action="partial_shipment", actor=actor, from_status=order.status,
                            to_status=order.status, note=Text(NUMBERED, number=shipment.number, text=summary))
    else:
        transition_order(actor=actor, order=order, action="ship",
                         note=Text(NUMBERED, number=shipment.number, text=summary))
        _cancel_leftover_drafts(actor=actor, order=order, keep=shipment)
    _alert_owner_dispatched(order, shipment, lines)
    _request_delivery_note(actor, shipment)


def _alert_owner_dispatched(order, shipment, lines):
    """Seed 000 §6.3: once goods leave, sales follows up with the customer. The order's sales owner is told
    (rule order_dispatched, alerts.defaults) which products left and how to trace them; the quantities are
    on the shipment's page (the link), shown there in the reader's format."""
    products = ", ".join(dict.fromkeys(line.order_line.product.sku for line in lines))
    create_alert(
        kind="order_dispatched",
        subject=gettext_noop("Order %(order)s dispatched: shipment %(shipment)s"),
        body=gettext_noop("%(customer)s: %(products)s. Carrier: %(carrier)s, tracking number: %(tracking)s."),
        params={"order": order.number, "shipment": shipment.number, "customer": order.customer.name,
                "products": products, "carrier": shipment.carrier or "—",
                "tracking": shipment.tracking_number or "—"},
        link=reverse("shipping:shipment_detail", args=[shipment.pk]), owner=order.created_by, rush=order.is_rush,
        dedupe_key=f"order-dispatched:{shipment.pk}")


def _ship_date_errors(order, lines, ship_date):
    """Goods do not leave before they were made: a backdated ship date must not be before the day a
    shipped lot went into stock for the order (its production output, after QC)."""
    made = (StockMove.objects.filter(order=order, kind=MoveKind.PRODUCTION_OUTPUT,
                                     lot__in=[line.lot_id for line in lines])
            .values("lot_id").annotate(first=Min("created_at")))
    numbers = {line.lot_id: line.lot.number for line in lines}
    errors = []
    for row in made:
        made_on = timezone.localtime(row["first"]).date()
        if ship_date < made_on:
            errors.append(_("The ship date %(date)s is before lot %(lot)s was put into stock for order %(number)s "
                            "(%(made)s).") % {
                "date": formats.date_format(ship_date, "SHORT_DATE_FORMAT"), "lot": numbers[row["lot_id"]],
                "number": order.number, "made": formats.date_format(made_on, "SHORT_DATE_FORMAT")})
    if errors:
        raise ValidationError(errors)


def _cancel_leftover_drafts(*, actor, order, keep):
    reason = Text(gettext_noop("Order %(number)s is fully shipped."), number=order.number)
    for draft in Shipment.objects.select_for_update().filter(order=order, status=ST.DRAFT).exclude(pk=keep.pk):
        take(draft.cancel, actor=actor,
             refused=_("Shipment %(number)s is %(status)s: only a draft can be cancelled.") % refusal_values(draft))
        draft.cancel_reason = reason
        draft.save(update_fields=["status", "cancel_reason", "cancel_reason_values", "updated_at"])
        draft.events.record(action="cancelled", actor=actor, from_status=ST.DRAFT, to_status=ST.CANCELLED,
                            note=reason)


def _request_delivery_note(actor, shipment):
    """Queue the delivery note (送货单) in the customer's document language (the kind's default), ready to
    print when the truck leaves."""
    from .documents import PERMISSION  # cycle: documents → selectors → services

    if actor.has_perm(PERMISSION):
        document_services.request_document(actor=actor, kind=DELIVERY_NOTE, obj=shipment)


def cancel_shipment(*, actor, shipment, reason) -> Shipment:
    """Cancel a draft (nothing was issued yet); a shipped shipment is not cancelled but returned."""
    require(actor, SHIP)
    reason = visible_strip(reason or "")
    if not reason:
        raise ValidationError(_("Give a reason."))
    if len(reason) > Shipment._meta.get_field("cancel_reason").max_length:
        raise ValidationError(_("The reason has at most 300 characters."))
    with transaction.atomic():
        current = Shipment.objects.select_for_update().get(pk=shipment.pk)
        refused = _("Shipment %(number)s is %(status)s: only a draft can be cancelled.") % refusal_values(current)
        take(current.cancel, actor=actor, refused=refused)
        current.cancel_reason = reason
        current.save(update_fields=["status", "cancel_reason", "updated_at"])
        current.events.record(action="cancelled", actor=actor, from_status=ST.DRAFT, to_status=ST.CANCELLED,
                              note=reason)
    return current


def update_tracking(*, actor, shipment, carrier, tracking_number) -> Shipment:
    """Change the carrier and tracking number (often known only after pick-up) of an open shipment."""
    require(actor, SHIP)
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    errors = _text_errors(ShipmentDetails("-", "-", carrier=carrier, tracking_number=tracking_number))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if not current.is_open:
            raise ValidationError(_("Shipment %(number)s is %(status)s: its tracking can no longer be changed.")
                                  % refusal_values(current))
        if (current.carrier, current.tracking_number) == (carrier, tracking_number):
            return current
        note = f"{current.carrier or '—'} {current.tracking_number or '—'} → {carrier or '—'} {tracking_number or '—'}"
        current.carrier, current.tracking_number = carrier, tracking_number
        current.save(update_fields=["carrier", "tracking_number", "updated_at"])
        current.events.record(action="tracking_changed", actor=actor, from_status=current.status,
                              to_status=current.status, note=note)
    return current
