"""Stock postings as the warehouse does them: receive, issue, transfer, adjust, return, scrap,
record production output, reverse, count; and lot status changes.

Each function is one user-visible action in one transaction: it checks the actor's permission and
the input, then writes through inventory.ledger.post_moves (ledger rows + balances under row locks).
Quantities given to the single-line functions are positive amounts in `unit` (default: the item's
unit); `post_stock` takes several signed lines at once (a prep sheet issuing ten materials is one
posting). Nothing is edited or deleted: a mistake is reversed by `reverse_stock_move`, which posts
the opposite rows linked to the originals.

After a posting that takes stock out, items whose usable stock fell below their reorder point (or
safety stock) raise one alert per item and day for the warehouse and the planners.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from inputs.visible import visible_strip
from systemtext.text import Text

from .ledger import (
    ZERO,
    DocumentRef,
    MoveLine,
    Posting,
    clean_reason,
    item_quantities,
    post_moves,
    register_document_type,
)
from .models import LOT_TRANSITION, Item, Lot, LotEvent, LotStatus, ManualPosting, MoveKind, StockBalance, StockMove
from .units import format_quantity

POST_PERMISSION = "inventory.post_stockmove"

register_document_type("manual", gettext_lazy("Manual entry"))
register_document_type("cycle_count", gettext_lazy("Cycle count"))
register_document_type("opening_balance", gettext_lazy("Opening balance"))
MAX_REASON = StockMove._meta.get_field("reason").max_length
# Reasons the system writes are stored as message id + values (systemtext.Text) and translated when shown.
CYCLE_COUNT_REASON = gettext_noop("cycle count")
CYCLE_COUNT_NOTE_REASON = gettext_noop("cycle count: %(note)s")
LOT_CREATED_REASON = gettext_noop("lot received")

# Which way each kind moves stock: +1 only in, −1 only out, 0 either (adjustments), None paired
# (a transfer's lines cancel out per item and lot).
KIND_SIGNS = {
    MoveKind.RECEIPT: 1, MoveKind.RETURN: 1, MoveKind.PRODUCTION_OUTPUT: 1,
    MoveKind.ISSUE: -1, MoveKind.SCRAP: -1,
    MoveKind.ADJUSTMENT: 0, MoveKind.TRANSFER: None,
}
# Kinds that need a reason typed by the user (why the stock changed without a document).
REASON_REQUIRED = {MoveKind.ADJUSTMENT, MoveKind.SCRAP}


def positive_quantity(quantity):
    if quantity is None or not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
        raise ValidationError({"quantity": [_("The quantity must be greater than zero.")]})
    return quantity


def _check_signs(kind, lines):
    sign = KIND_SIGNS[kind]
    for line in lines:
        if line.quantity is None or not line.quantity.is_finite() or line.quantity == 0:
            raise ValidationError({"quantity": [_("The quantity must not be zero.")]})
        if sign and (line.quantity > 0) != (sign > 0):
            raise ValidationError(_("A %(kind)s can only %(way)s stock.") % {
                "kind": MoveKind(kind).label.lower(), "way": _("add") if sign > 0 else _("take out")})
    if sign is None:
        net = {}
        for line in lines:
            key = (line.item.pk, line.lot.pk if line.lot else None, line.unit or line.item.unit)
            net[key] = net.get(key, ZERO) + line.quantity
        if any(net.values()):
            raise ValidationError(_("A transfer takes out as much as it puts in."))


def post_stock(*, actor, kind, lines, reason="", document: DocumentRef | None = None, order=None,
               demand: DocumentRef | None = None) -> Posting:
    """Post several signed lines as one posting of `kind` (for documents: a prep sheet, a purchase
    receipt, a shipment). `demand`: issuing consumes that demand's reservations first."""
    require(actor, POST_PERMISSION)
    if kind not in KIND_SIGNS:
        raise ValidationError(_("Unknown kind of stock move."))
    lines = list(lines)
    reason = clean_reason(reason, max_length=MAX_REASON, required=kind in REASON_REQUIRED)
    _check_signs(kind, lines)
    with transaction.atomic():
        posting = post_moves(actor=actor, kind=kind, lines=lines, reason=reason, document=document, order=order,
                             demand=demand)
        if any(move.quantity < 0 for move in posting.moves):
            check_stock_levels({line.item.pk: line.item for line in lines}.values())
    return posting


def _one_line(*, actor, kind, item, location, quantity, sign, unit="", lot=None, **posting):
    line = MoveLine(item=item, location=location, quantity=sign * positive_quantity(quantity), lot=lot, unit=unit)
    return post_stock(actor=actor, kind=kind, lines=[line], **posting)


# --- lots ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LotInput:
    """A lot named on a receipt: found by number for the item, or created with these details."""

    number: str
    supplier_lot: str = ""
    production_date: object = None
    expiry_date: object = None
    status: str = LotStatus.AVAILABLE


def lot_errors(item, data: LotInput):
    errors = {}
    number = (data.number or "").strip()
    if not number:
        errors["lot"] = [_("Enter a lot number.")]
    elif len(number) > Lot._meta.get_field("number").max_length or any(c.isspace() for c in number):
        errors["lot"] = [_("A lot number has at most 60 characters and no spaces.")]
    if len(data.supplier_lot or "") > Lot._meta.get_field("supplier_lot").max_length:
        errors["supplier_lot"] = [_("The supplier lot has at most 60 characters.")]
    if data.production_date and data.production_date > timezone.localdate():
        errors["production_date"] = [_("The production date cannot be in the future: goods are received after "
                                       "they were made.")]
    elif data.production_date and data.expiry_date and data.expiry_date < data.production_date:
        errors["expiry_date"] = [_("The expiry date is before the production date.")]
    if data.status not in LotStatus.values:
        errors["lot_status"] = [_("Unknown lot status.")]
    return errors


def find_or_create_lot(*, actor, item: Item, data: LotInput) -> Lot:
    """The item's lot with this number; a new one is created with the given details. Details given
    for an existing lot must match it (a lot's dates do not change with a second receipt)."""
    errors = lot_errors(item, data)
    if errors:
        raise ValidationError(errors)
    number = data.number.strip()
    lot, created = Lot.objects.get_or_create(item=item, number=number, defaults={
        "supplier_lot": (data.supplier_lot or "").strip(), "production_date": data.production_date,
        "expiry_date": data.expiry_date, "status": data.status, "created_by": actor})
    if created:
        LotEvent.objects.create(lot=lot, from_status="", to_status=lot.status, actor=actor,
                                reason=Text(LOT_CREATED_REASON))
        return lot
    for name, label in (("expiry_date", _("expiry date")), ("production_date", _("production date")),
                        ("supplier_lot", _("supplier lot"))):
        given = getattr(data, name)
        if given and given != getattr(lot, name):
            raise ValidationError({name: [_("Lot %(lot)s of %(code)s already exists with another %(field)s "
                                            "(%(value)s).") % {"lot": number, "code": item.code, "field": label,
                                                               "value": getattr(lot, name) or "—"}]})
    return lot


def set_lot_status(*, actor, lot: Lot, status, reason) -> Lot:
    """Release, quarantine or block a lot (recorded with who, when, from, to, why)."""
    require(actor, "inventory.change_lot")
    reason = reason if isinstance(reason, Text) else visible_strip(reason or "")
    if status not in LotStatus.values:
        raise ValidationError({"status": [_("Unknown lot status.")]})
    if not reason:
        raise ValidationError({"reason": [_("Enter a reason.")]})
    with transaction.atomic():
        current = Lot.objects.select_for_update().get(pk=lot.pk)
        from_status = current.status
        take(getattr(current, LOT_TRANSITION[status]), actor=actor,
             refused=_("Lot %(lot)s is already %(status)s.")
             % {"lot": current.number, "status": current.get_status_display().lower()})
        LotEvent.objects.create(lot=current, from_status=from_status, to_status=status, reason=reason, actor=actor)
        current.save(update_fields=["status"])
    return current


def _receipt_lot(actor, item, lot, lot_input):
    if lot is not None and lot_input is not None:
        raise TypeError("give lot or lot_input, not both")
    return find_or_create_lot(actor=actor, item=item, data=lot_input) if lot_input is not None else lot


# --- single-line postings ------------------------------------------------------------------------

def receive_stock(*, actor, item, location, quantity, unit="", lot=None, lot_input: LotInput | None = None,
                  reason="", document=None, order=None) -> Posting:
    """Goods received into `location` (a new lot is created from `lot_input` when needed)."""
    require(actor, POST_PERMISSION)
    with transaction.atomic():
        lot = _receipt_lot(actor, item, lot, lot_input)
        return _one_line(actor=actor, kind=MoveKind.RECEIPT, item=item, location=location, quantity=quantity, sign=1,
                         unit=unit, lot=lot, reason=reason, document=document, order=order)


def record_production_output(*, actor, item, location, quantity, unit="", lot=None,
                             lot_input: LotInput | None = None, reason="", document=None, order=None) -> Posting:
    """Finished or semi-finished goods made and put into stock."""
    require(actor, POST_PERMISSION)
    with transaction.atomic():
        lot = _receipt_lot(actor, item, lot, lot_input)
        return _one_line(actor=actor, kind=MoveKind.PRODUCTION_OUTPUT, item=item, location=location,
                         quantity=quantity, sign=1, unit=unit, lot=lot, reason=reason, document=document, order=order)


def issue_stock(*, actor, item, location, quantity, unit="", lot=None, reason="", document=None, order=None,
                demand: DocumentRef | None = None) -> Posting:
    """Stock issued (to production, a customer…); with `demand`, its reservations here are consumed first."""
    return _one_line(actor=actor, kind=MoveKind.ISSUE, item=item, location=location, quantity=quantity, sign=-1,
                     unit=unit, lot=lot, reason=reason, document=document, order=order, demand=demand)


def return_stock(*, actor, item, location, quantity, unit="", lot=None, reason="", document=None,
                 order=None) -> Posting:
    """Material coming back into stock (unused material from production, a customer return)."""
    return _one_line(actor=actor, kind=MoveKind.RETURN, item=item, location=location, quantity=quantity, sign=1,
                     unit=unit, lot=lot, reason=reason, document=document, order=order)


def scrap_stock(*, actor, item, location, quantity, unit="", lot=None, reason, document=None) -> Posting:
    """Stock written off as scrap (any lot status: expired and blocked stock is scrapped too)."""
    return _one_line(actor=actor, kind=MoveKind.SCRAP, item=item, location=location, quantity=quantity, sign=-1,
                     unit=unit, lot=lot, reason=reason, document=document)


def adjust_stock(*, actor, item, location, quantity, unit="", lot=None, reason, document=None) -> Posting:
    """A correction: `quantity` is signed (+ found, − missing), and a reason is required."""
    if quantity is None or not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity == 0:
        raise ValidationError({"quantity": [_("The quantity must not be zero.")]})
    line = MoveLine(item=item, location=location, quantity=quantity, lot=lot, unit=unit)
    return post_stock(actor=actor, kind=MoveKind.ADJUSTMENT, lines=[line], reason=reason, document=document)


def transfer_stock(*, actor, item, from_location, to_location, quantity, unit="", lot=None, reason="",
                   document=None) -> Posting:
    """Stock moved between two locations: one −row and one +row in one posting."""
    if from_location.pk == to_location.pk:
        raise ValidationError({"to_location": [_("Choose a different location to move to.")]})
    quantity = positive_quantity(quantity)
    lines = [MoveLine(item=item, location=from_location, quantity=-quantity, lot=lot, unit=unit),
             MoveLine(item=item, location=to_location, quantity=quantity, lot=lot, unit=unit)]
    return post_stock(actor=actor, kind=MoveKind.TRANSFER, lines=lines, reason=reason, document=document)


# --- the manual stock move form ----------------------------------------------------------------------

@dataclass(frozen=True)
class ManualMove:
    """What the manual stock move form asks for (only the fields of its kind matter)."""

    kind: str
    item: Item
    location: object
    quantity: Decimal
    unit: str = ""
    lot: Lot | None = None
    lot_input: LotInput | None = None
    to_location: object = None
    remove: bool = False  # an adjustment that takes stock out
    reason: str = ""
    document: DocumentRef | None = None


def post_manual_move(*, actor, move: ManualMove, entry_key) -> Posting:
    """Post one manual move once per `entry_key` (the form's one-time key, as the prep sheet scan and
    the goods receipt use): the same form sent again returns the first posting with `duplicate` set
    and writes nothing. Two copies racing meet on the key's unique index; the loser returns the
    winner's posting."""
    require(actor, POST_PERMISSION)
    if entry_key is None:
        raise ValidationError(_("The form has expired: reload the page and enter the move again."))
    existing = _posted_entry(entry_key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ManualPosting.objects.create(entry_key=entry_key, move_group=uuid.uuid4(), actor=actor)
            posting = _post_manual(actor, move)
            ManualPosting.objects.filter(entry_key=entry_key).update(move_group=posting.move_group)
            return posting
    except IntegrityError:
        existing = _posted_entry(entry_key)
        if existing is None:
            raise
        return existing


def _posted_entry(entry_key):
    entry = ManualPosting.objects.filter(entry_key=entry_key).first()
    if entry is None:
        return None
    moves = list(StockMove.objects.filter(move_group=entry.move_group).select_related("item", "location", "lot")
                 .order_by("pk"))
    return Posting(move_group=entry.move_group, moves=moves, duplicate=True)


def _post_manual(actor, move: ManualMove):
    common = {"actor": actor, "item": move.item, "quantity": move.quantity, "unit": move.unit,
              "reason": move.reason, "document": move.document}
    if move.kind == MoveKind.RECEIPT:
        return receive_stock(location=move.location, lot_input=move.lot_input, **common)
    if move.kind == MoveKind.TRANSFER:
        return transfer_stock(from_location=move.location, to_location=move.to_location, lot=move.lot, **common)
    if move.kind == MoveKind.ADJUSTMENT:
        common["quantity"] = -move.quantity if move.remove else move.quantity
        return adjust_stock(location=move.location, lot=move.lot, **common)
    service = {MoveKind.ISSUE: issue_stock, MoveKind.RETURN: return_stock, MoveKind.SCRAP: scrap_stock}.get(move.kind)
    if service is None:
        raise ValidationError(_("Unknown kind of stock move."))
    return service(location=move.location, lot=move.lot, **common)


# --- reversal ------------------------------------------------------------------------------------

def reverse_stock_move(*, actor, move: StockMove, reason) -> Posting:
    """Undo a whole posting (both sides of a transfer, every line of a count) with new opposite rows,
    each linked to the row it reverses. Refused for a posting already reversed, for a reversal, and
    when the stock it put somewhere has been used meanwhile."""
    require(actor, "inventory.reverse_stockmove")
    reason = clean_reason(reason, max_length=MAX_REASON, required=True)
    with transaction.atomic():
        originals = list(StockMove.objects.select_for_update(of=("self",)).filter(move_group=move.move_group)
                         .select_related("item", "lot", "location").order_by("pk"))
        if any(row.reversal_of_id for row in originals):
            raise ValidationError(_("This posting is itself a reversal; post the stock again instead."))
        if StockMove.objects.filter(reversal_of__in=originals).exists():
            raise ValidationError(_("This posting has already been reversed."))
        lines = [MoveLine(item=row.item, location=row.location, lot=row.lot, unit=row.entered_unit,
                          quantity=row.entered_quantity if row.quantity < 0 else -row.entered_quantity,
                          reversal_of=row) for row in originals]
        first = originals[0]
        document = DocumentRef(first.document_type, first.document_id, first.document_number) \
            if first.document_type else None
        posting = post_moves(actor=actor, kind=first.kind, lines=lines, reason=reason, document=document,
                             order=first.order)
        if any(m.quantity < 0 for m in posting.moves):
            check_stock_levels({row.item_id: row.item for row in originals}.values())
    return posting


# --- cycle count ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CountLine:
    """A counted balance row: `expected` is the on-hand shown when counting (refused if it changed)."""

    balance: StockBalance
    counted: Decimal
    expected: Decimal


def count_differences(lines):
    """[(line, difference)] for the counted lines whose count differs from what is recorded."""
    return [(line, line.counted - line.expected) for line in lines if line.counted != line.expected]


def count_stock(*, actor, lines, reason="") -> Posting | None:
    """Record a cycle count: one adjustment posting for the differences (reason “cycle count” plus
    what the user adds), and the counted rows stamped. Refused when a counted row changed since it was
    shown (count it again) or a count is negative or below what is reserved."""
    require(actor, "inventory.count_stock")
    lines = list(lines)
    if not lines:
        raise ValidationError(_("Enter at least one counted quantity."))
    extra = clean_reason(reason, max_length=MAX_REASON)
    reason = Text(CYCLE_COUNT_NOTE_REASON, note=extra) if extra else Text(CYCLE_COUNT_REASON)
    with transaction.atomic():
        current = {b.pk: b for b in StockBalance.objects.select_for_update(of=("self",))
                   .filter(pk__in=[line.balance.pk for line in lines]).select_related("item", "location", "lot")
                   .order_by("pk")}
        errors, moves = [], []
        for line in lines:
            balance = current[line.balance.pk]
            item = balance.item
            if line.counted is None or not line.counted.is_finite() or line.counted < 0:
                errors.append(_("%(code)s at %(location)s: the counted quantity cannot be negative.")
                              % {"code": item.code, "location": balance.location.code})
            elif balance.on_hand != line.expected:
                errors.append(_("%(code)s at %(location)s changed since the count sheet was shown (now %(now)s): "
                                "count it again.") % {"code": item.code, "location": balance.location.code,
                                                      "now": format_quantity(balance.on_hand, item.unit)})
            elif line.counted != balance.on_hand:
                moves.append(MoveLine(item=item, location=balance.location, lot=balance.lot,
                                      quantity=line.counted - balance.on_hand))
        if errors:
            raise ValidationError(errors)
        posting = None
        if moves:
            posting = post_stock(actor=actor, kind=MoveKind.ADJUSTMENT, lines=moves, reason=reason,
                                 document=DocumentRef("cycle_count"))
        StockBalance.objects.filter(pk__in=list(current)).update(last_counted_at=timezone.now())
    return posting


# --- stock levels --------------------------------------------------------------------------------

def check_stock_levels(items):
    """Alert the warehouse and planners about items whose usable stock (not reserved, not in a
    quarantined, blocked or expired lot) is below their reorder point or safety stock. One alert per
    item and day (the alert's dedupe key)."""
    items = [item for item in items if item.reorder_point > 0 or item.safety_stock > 0]
    if not items:
        return []
    quantities = item_quantities([item.pk for item in items])
    today = timezone.localdate().isoformat()
    alerts = []
    for item in items:
        _on_hand, usable = quantities[item.pk]
        level = max(item.reorder_point, item.safety_stock)
        if usable >= level:
            continue
        below_safety = usable < item.safety_stock
        params = {"code": item.code, "name": item.name, "usable": format_quantity(usable, item.unit),
                  "reorder_point": format_quantity(item.reorder_point, item.unit),
                  "safety_stock": format_quantity(item.safety_stock, item.unit)}
        alerts.append(create_alert(
            kind="stock_low",
            subject=gettext_noop("%(code)s is below its safety stock: %(usable)s usable") if below_safety
            else gettext_noop("%(code)s is below its reorder point: %(usable)s usable"),
            body=gettext_noop("%(code)s %(name)s: %(usable)s usable (reorder point %(reorder_point)s, safety "
                              "stock %(safety_stock)s). Order or make more."),
            params=params, severity="high" if below_safety else "info",
            link=reverse("inventory:stock_item", args=[item.pk]),
            roles=("warehouse", "planner"), dedupe_key=f"stock-low:{item.pk}:{today}"))
    return alerts
