"""The posting engine of the stock ledger: every stock write goes through `post_moves`.

One call is one posting: its ledger rows share a `move_group` and are written in the caller's
transaction together with the balance rows they change, so a balance always equals the sum of its
ledger rows. How a posting stays correct when many people post at once:

- The balance rows a posting touches are locked (SELECT … FOR UPDATE) in one statement ordered by
  id, so two postings that share rows wait for each other instead of deadlocking. Missing balance
  rows are first inserted (INSERT … ON CONFLICT DO NOTHING, in key order), so two first receipts
  into the same place make one row.
- Quantities are checked against the locked rows: on hand never goes below zero or below what is
  reserved (available = on hand − reserved), and a refusal names what is available
  ("Only 12.500 kg of RM-1 lot L1 available at A-01-02").
- Issuing for a demand (a work order…) first consumes that demand's reservations on the row.

Permission checks, the kind's sign rules and the user-facing actions are in inventory.stock_services;
this module knows only lines, balances and reservations.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

import django_fsm as fsm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from inputs.visible import visible_strip
from systemtext.text import Text

from .models import Item, Location, Lot, LotStatus, MoveKind, Reservation, ReservationStatus, StockBalance, StockMove
from .units import format_quantity, to_base_quantity

ZERO = Decimal("0")


@dataclass(frozen=True)
class DocumentRef:
    """The document behind a move or the demand behind a reservation, named without a foreign key
    (purchase receipt, prep sheet, work order, shipment, import file…)."""

    type: str
    id: int | None = None
    number: str = ""

    def __str__(self):
        return self.number or f"{self.type} {self.id or ''}".strip()


@dataclass(frozen=True)
class DocumentType:
    """How pages name and link a kind of document that stock moves point to."""

    label: object  # lazy translated
    url: Callable[[int], str] | None = None  # document id -> its page


# Filled by the apps that post stock (in their AppConfig.ready), so the ledger and lot pages can
# name and link a purchase receipt, a prep sheet or a shipment without inventory importing them.
DOCUMENT_TYPES: dict[str, DocumentType] = {}


def register_document_type(type_, label, url=None):
    DOCUMENT_TYPES[type_] = DocumentType(label=label, url=url)


def describe_moves(moves):
    """Set `kind_label`, `document_label` and `document_url` on each move (for the pages; labels are
    translated once per call, not once per row)."""
    kinds = {value: str(label) for value, label in MoveKind.choices}
    for move in moves:
        move.kind_label = kinds.get(move.kind, move.kind)
        known = DOCUMENT_TYPES.get(move.document_type)
        move.document_label = known.label if known else move.document_type.replace("_", " ")
        move.document_url = known.url(move.document_id) if known and known.url and move.document_id else ""
    return moves


@dataclass(frozen=True)
class MoveLine:
    """One side of a posting: `quantity` (signed: + into the location, − out of it) of `item`/`lot`,
    in `unit` (blank: the item's own unit)."""

    item: Item
    location: Location
    quantity: Decimal
    lot: Lot | None = None
    unit: str = ""
    reversal_of: StockMove | None = None

    @property
    def key(self):
        return balance_key(self.item.pk, self.location.pk, self.lot.pk if self.lot else None)


def balance_key(item_id, location_id, lot_id):
    return (item_id, location_id, lot_id)


def _sort_key(key):
    item_id, location_id, lot_id = key
    return (item_id, location_id, lot_id or 0)


def _key_filter(keys):
    condition = Q(pk__in=[])
    for item_id, location_id, lot_id in keys:
        condition |= Q(item_id=item_id, location_id=location_id,
                       **({"lot_id": lot_id} if lot_id else {"lot__isnull": True}))
    return condition


def lock_balances(keys, *, create=()):
    """{key: StockBalance} for `keys`, locked until the transaction ends; the keys in `create` get a
    (zero) row first when they have none. Keys without a row are missing from the result."""
    keys = sorted(set(keys), key=_sort_key)
    if create:
        missing = sorted(set(create), key=_sort_key)
        StockBalance.objects.bulk_create(
            [StockBalance(item_id=i, location_id=loc, lot_id=lot) for i, loc, lot in missing], ignore_conflicts=True)
    if not keys:
        return {}
    rows = (StockBalance.objects.select_for_update().filter(_key_filter(keys)).order_by("pk"))
    return {balance_key(b.item_id, b.location_id, b.lot_id): b for b in rows}


def where_text(item, lot, location):
    """“RM-1 lot L1 at A-01-02” for messages."""
    if lot is not None:
        return _("%(code)s lot %(lot)s at %(location)s") % {"code": item.code, "lot": lot.number,
                                                             "location": location.code}
    return _("%(code)s at %(location)s") % {"code": item.code, "location": location.code}


def shortage_message(item, lot, location, balance):
    available = balance.available if balance is not None else ZERO
    message = _("Only %(available)s of %(where)s available.") % {
        "available": format_quantity(max(available, ZERO), item.unit), "where": where_text(item, lot, location)}
    if balance is not None and balance.reserved > 0:
        message += " " + _("%(reserved)s more is reserved for other demands.") % {
            "reserved": format_quantity(balance.reserved, item.unit)}
    return message


def issuable_lot_errors(item, lot, *, today=None):
    """Why stock of `lot` may not be issued or reserved (quarantined, blocked, expired): messages."""
    if lot is None:
        return []
    if lot.status != LotStatus.AVAILABLE:
        return [_("Lot %(lot)s of %(code)s is %(status)s: it cannot be issued or reserved.")
                % {"lot": lot.number, "code": item.code, "status": lot.get_status_display().lower()}]
    if lot.is_expired(today):
        return [_("Lot %(lot)s of %(code)s expired on %(date)s: it cannot be issued or reserved.")
                % {"lot": lot.number, "code": item.code, "date": lot.expiry_date.isoformat()}]
    return []


def fresh_lines(lines):
    """The lines with their items, locations and lots as stored now (a lot may have been blocked or a
    location deactivated since the caller read them): three queries."""
    items = Item.objects.in_bulk({line.item.pk for line in lines})
    locations = Location.objects.in_bulk({line.location.pk for line in lines})
    lots = Lot.objects.select_related("item").in_bulk({line.lot.pk for line in lines if line.lot is not None})
    return [replace(line, item=items[line.item.pk], location=locations[line.location.pk],
                    lot=lots[line.lot.pk] if line.lot is not None else None) for line in lines]


def line_errors(kind, line: MoveLine):
    """The problems of one line on its own (no balances needed), and its base-unit quantity."""
    item, lot, location = line.item, line.lot, line.location
    errors = []
    base = None
    if line.quantity is None or not line.quantity.is_finite() or line.quantity == 0:
        errors.append(_("%(code)s: the quantity must not be zero.") % {"code": item.code})
    else:
        try:
            base = to_base_quantity(item, line.quantity, line.unit or item.unit, action=MoveKind(kind).label)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if lot is not None and lot.item_id != item.pk:
        errors.append(_("Lot %(lot)s belongs to %(other)s, not to %(code)s.")
                      % {"lot": lot.number, "other": lot.item.code, "code": item.code})
    incoming = base is not None and base > 0
    if incoming and line.reversal_of is None:
        if not location.is_active:
            errors.append(_("Location %(location)s is inactive: nothing can be put there.")
                          % {"location": location.code})
        if not item.is_active:
            errors.append(_("%(code)s is inactive: it cannot be taken into stock.") % {"code": item.code})
    if kind == MoveKind.ISSUE and base is not None and base < 0 and line.reversal_of is None:
        errors.extend(issuable_lot_errors(item, lot))
    return errors, base


@dataclass
class Posting:
    """What a post wrote: its ledger rows (in line order) and the reservations it consumed."""

    move_group: uuid.UUID
    moves: list[StockMove] = field(default_factory=list)
    consumed: list[Reservation] = field(default_factory=list)
    duplicate: bool = False  # the same one-time entry key was posted before: nothing new was written


def _consume_reservations(balance, demand, needed):
    """Consume the demand's active reservations on `balance`, oldest first, up to `needed`: the
    reservations changed and the quantity they covered."""
    if demand is None or needed <= 0:
        return [], ZERO
    reservations = (Reservation.objects.select_for_update()
                    .filter(item_id=balance.item_id, location_id=balance.location_id, lot_id=balance.lot_id,
                            status=ReservationStatus.ACTIVE, demand_type=demand.type, demand_id=demand.id)
                    .order_by("created_at", "pk"))
    changed, covered = [], ZERO
    for reservation in reservations:
        if covered >= needed:
            break
        take = min(reservation.quantity - reservation.consumed, needed - covered)
        reservation.consumed += take
        if fsm.can_proceed(reservation.consume):  # all of it consumed
            reservation.consume()
            reservation.closed_at = timezone.now()
        covered += take
        changed.append(reservation)
    return changed, covered


def clean_reason(reason, *, max_length, required=False):
    """A reason for a ledger row or a reservation: a system text (systemtext.Text, stored as message id +
    values) as it is; typed text without the blank around it (inputs.visible), refused when it is required
    and empty or when it is longer than `max_length`."""
    if isinstance(reason, Text):
        return reason
    reason = visible_strip(reason or "")
    if required and not reason:
        raise ValidationError({"reason": [_("Enter a reason.")]})
    if len(reason) > max_length:
        raise ValidationError({"reason": [_("The reason is at most %(n)s characters.") % {"n": max_length}]})
    return reason


def post_moves(*, actor, kind, lines, reason="", document: DocumentRef | None = None, order=None,
               demand: DocumentRef | None = None) -> Posting:
    """Write one posting of `kind` (call inside transaction.atomic). All lines are checked before
    anything is written; any problem raises ValidationError with every message and writes nothing."""
    lines = list(lines)
    if not lines:
        raise ValidationError(_("Nothing to post."))
    lines = fresh_lines(lines)
    errors, bases = [], []
    for line in lines:
        messages, base = line_errors(kind, line)
        errors.extend(messages)
        bases.append(base)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():  # a refusal also takes back the balance rows created for it
        return _write_posting(actor=actor, kind=kind, lines=lines, bases=bases, reason=reason, document=document,
                              order=order, demand=demand)


def _write_posting(*, actor, kind, lines, bases, reason, document, order, demand):
    errors = []
    incoming = [line.key for line, base in zip(lines, bases, strict=True) if base > 0]
    balances = lock_balances([line.key for line in lines], create=incoming)

    posting = Posting(move_group=uuid.uuid4())
    now = timezone.now()
    touched = {}
    for line, base in zip(lines, bases, strict=True):
        balance = balances.get(line.key)
        if balance is None:  # taking out of a place that never held this item/lot
            errors.append(shortage_message(line.item, line.lot, line.location, None))
            continue
        if base < 0:
            consumed, covered = _consume_reservations(balance, demand, -base)
            balance.reserved -= covered
            posting.consumed.extend(consumed)
            if -base > balance.available:
                balance.reserved += covered  # the message shows the row as it was
                errors.append(shortage_message(line.item, line.lot, line.location, balance))
                continue
        balance.on_hand += base
        touched[line.key] = balance
        posting.moves.append(StockMove(
            move_group=posting.move_group, kind=kind, item=line.item, lot=line.lot, location=line.location,
            quantity=base, balance_after=balance.on_hand, entered_quantity=abs(line.quantity),
            entered_unit=line.unit or line.item.unit, reason=reason, reversal_of=line.reversal_of,
            document_type=document.type if document else "", document_id=document.id if document else None,
            document_number=document.number if document else "", order=order, actor=actor, created_at=now))
    if errors:
        raise ValidationError(errors)
    StockMove.objects.bulk_create(posting.moves)
    for balance in touched.values():
        StockBalance.objects.filter(pk=balance.pk).update(on_hand=balance.on_hand, reserved=balance.reserved,
                                                          updated_at=now)
    # Written with a queryset update: the rows were locked in _consume_reservations, and their status was
    # changed there through the Reservation transitions (an update does not go through the FSM).
    for reservation in posting.consumed:
        Reservation.objects.filter(pk=reservation.pk).update(consumed=reservation.consumed, status=reservation.status,
                                                             closed_at=reservation.closed_at)
    return posting


def usable_stock(today=None):
    """The balance rows whose stock may be issued or reserved: no lot, or an available lot that has
    not expired."""
    today = today or timezone.localdate()
    return Q(lot__isnull=True) | (Q(lot__status=LotStatus.AVAILABLE)
                                 & (Q(lot__expiry_date__isnull=True) | Q(lot__expiry_date__gte=today)))


def item_quantities(item_ids, *, today=None):
    """{item id: (on hand, usable)} where usable = on hand − reserved in stock that may be issued
    (no lot, or an available unexpired lot). One query."""
    usable_lot = usable_stock(today)
    result = defaultdict(lambda: (ZERO, ZERO))
    rows = (StockBalance.objects.filter(item_id__in=list(item_ids)).values("item_id")
            .annotate(total=Sum("on_hand"), usable=Sum(F("on_hand") - F("reserved"), filter=usable_lot)))
    for row in rows:
        result[row["item_id"]] = (row["total"] or ZERO, row["usable"] or ZERO)
    return result
