"""Issuing a material prep sheet (inventory.prep_sheets) to production, and returning unused material.

- `issue_prep_sheet_material`: the warehouse scans (or types) a lot number or an item code: the
  sheet line is found from it, the quantity defaults to what the line still needs (as much as that
  lot has there), and the material leaves stock for the order (an issue posting through
  inventory.stock_services, consuming the order's reservation on that row). Issued material is not
  kept as stock at a work-in-process location: usable stock counts every location, so material on the
  shop floor would be offered to other orders; the ledger rows name the order and the sheet instead.
  Refused, writing nothing: an order that is not planned (cancelled, on hold…), a quarantined, blocked
  or expired lot, a lot or item that is on no line of the sheet, more than the line still needs. The
  same scan submitted twice (the form's entry key) posts once; two issues of one line at the same time
  are serialised by the sheet's row lock, the second sees what the first issued.
- `return_prep_sheet_material`: unused material comes back to stock (a return posting).
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import django_fsm as fsm
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from orders.models import OrderStatus
from systemtext.text import Text

from .ledger import MoveLine, issuable_lot_errors, shortage_message, usable_stock
from .models import (
    Item,
    Location,
    Lot,
    MoveKind,
    PrepSheetMove,
    PrepSheetMoveKind,
    Reservation,
    ReservationStatus,
    StockBalance,
)
from .prep_sheets import _locked_sheet, _note, _order_refusal, _set_status, sheet_document
from .purchasing import order_demand
from .requirements import ZERO
from .reservations import allocation_order, release_reservation, reserve_stock
from .stock_services import post_stock
from .units import format_quantity, quantity_text

# --- issuing ----------------------------------------------------------------------------------------

@dataclass
class IssueResult:
    move: PrepSheetMove
    duplicate: bool = False


def _candidates(lines):
    items = {}
    for line in lines:
        items[line.item_id] = line.item
        if line.substitute_item_id:
            items[line.substitute_item_id] = line.substitute_item
    return items


def _resolve_code(code, lines):
    """(item, lot or None) the scanned code names among the sheet's items, or a ValidationError."""
    items = _candidates(lines)
    lots = list(Lot.objects.filter(number=code).select_related("item"))
    for lot in lots:
        if lot.item_id in items:
            return items[lot.item_id], lot
    if lots:
        other = lots[0]
        raise ValidationError(_("Lot %(lot)s belongs to %(code)s %(name)s, which is not on prep sheet %(sheet)s.")
                              % {"lot": code, "code": other.item.code, "name": other.item.name,
                                 "sheet": lines[0].sheet.number})
    item = next((item for item in items.values() if item.code.lower() == code.lower()), None)
    if item is not None:
        return item, None
    other = Item.objects.filter(code__iexact=code).first()
    if other is not None:
        raise ValidationError(_("%(code)s is not on prep sheet %(sheet)s (an approved substitute is needed to issue "
                                "it instead of a line's item).") % {"code": other.code, "sheet": lines[0].sheet.number})
    raise ValidationError(_("No lot or item has the code “%(code)s”.") % {"code": code})


def _line_for(item, lot, lines, chosen):
    """The line to issue `item` (and `lot`) on: the chosen one, else the first that still needs it,
    preferring the one whose suggested lot it is."""
    if chosen is not None:
        line = next((ln for ln in lines if ln.pk == chosen.pk), None)
        if line is None or item.pk not in (line.item_id, line.substitute_item_id):
            raise ValidationError(_("%(code)s cannot be issued on that line.") % {"code": item.code})
        if line.to_issue <= 0:
            raise ValidationError(_("Line %(n)s is fully issued.") % {"n": line.line_no})
        return line
    open_lines = [ln for ln in lines if item.pk in (ln.item_id, ln.substitute_item_id) and ln.to_issue > 0]
    if not open_lines:
        raise ValidationError(_("Everything of %(code)s on this sheet is already issued.") % {"code": item.code})
    own = [ln for ln in open_lines if lot is not None and ln.lot_id == lot.pk]
    return (own or open_lines)[0]


def _reserved_here(order, item, location, lot):
    return (Reservation.objects.filter(order=order, item=item, location=location, lot=lot,
                                       status=ReservationStatus.ACTIVE)
            .aggregate(open=Sum(F("quantity") - F("consumed")))["open"] or ZERO)


def _source(order, item, lot, line, location):
    """(location, lot, quantity the order may take there) to issue from."""
    balances = StockBalance.objects.filter(item=item, on_hand__gt=0, location__is_active=True).select_related(
        "location", "lot")
    if lot is None and line.lot_id and item.pk == line.item_id:
        lot = line.lot
    if lot is not None:
        balances = balances.filter(lot=lot)
    else:
        balances = balances.filter(usable_stock()).order_by()
    if location is not None:
        balances = balances.filter(location=location)
    rows = list(balances)
    if not rows:
        if lot is None:
            raise ValidationError(_("No usable stock of %(code)s%(where)s: scan the lot to issue from.")
                                  % {"code": item.code, "where": _(" at %(location)s") % {"location": location.code}
                                     if location else ""})
        raise ValidationError(_("Lot %(lot)s of %(code)s is not in stock%(where)s.")
                              % {"lot": lot.number, "code": item.code,
                                 "where": _(" at %(location)s") % {"location": location.code} if location else ""})
    for row in rows:
        row.for_order = row.available + _reserved_here(order, item, row.location, row.lot)
    if line.location_id and any(row.location_id == line.location_id for row in rows):
        row = next(row for row in rows if row.location_id == line.location_id)
    else:
        row = sorted(rows, key=lambda r: (-r.for_order, *allocation_order(r)))[0]
    return row


def issue_prep_sheet_material(*, actor, sheet, code, quantity=None, line=None, location=None,
                              entry_key=None) -> IssueResult:
    """Issue material for a sheet line from a scanned lot number or item code (module docstring)."""
    require(actor, "inventory.issue_materialprepsheet")
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": [_("Scan or type a lot number or an item code.")]})
    if quantity is not None and (not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0):
        raise ValidationError({"quantity": [_("The quantity must be greater than zero.")]})
    entry_key = entry_key or uuid.uuid4()
    existing = PrepSheetMove.objects.filter(entry_key=entry_key).first()
    if existing is not None:
        return IssueResult(existing, duplicate=True)
    try:
        with transaction.atomic():
            return _issue(actor, sheet, code, quantity, line, location, entry_key)
    except IntegrityError:
        existing = PrepSheetMove.objects.filter(entry_key=entry_key).first()
        if existing is None:
            raise
        return IssueResult(existing, duplicate=True)


def _issue(actor, sheet, code, quantity, chosen_line, location, entry_key):
    sheet, order, lines = _locked_sheet(sheet)
    if PrepSheetMove.objects.filter(entry_key=entry_key).exists():  # the same scan, waiting for our lock
        return IssueResult(PrepSheetMove.objects.get(entry_key=entry_key), duplicate=True)
    if order.status != OrderStatus.PLANNED:
        raise ValidationError(_order_refusal(order, "issue"))
    refused = (_("Prep sheet %(number)s is %(status)s: nothing more can be issued on it.")
               % {"number": sheet.number, "status": sheet.get_status_display()})
    if not fsm.can_proceed(sheet.issue):
        raise ValidationError(refused)
    item, lot = _resolve_code(code, lines)
    line = _line_for(item, lot, lines, chosen_line)
    if lot is not None:
        errors = issuable_lot_errors(item, lot)
        if errors:
            raise ValidationError(errors)
    source = _source(order, item, lot, line, location)
    lot = source.lot
    errors = issuable_lot_errors(item, lot)
    if errors:
        raise ValidationError(errors)
    if quantity is None:
        quantity = min(line.to_issue, max(source.for_order, ZERO))
        if quantity <= 0:
            raise ValidationError(shortage_message(item, lot, source.location, source))
    elif quantity > line.to_issue:
        raise ValidationError({"quantity": [_("Line %(n)s needs only %(left)s more.")
                                            % {"n": line.line_no, "left": format_quantity(line.to_issue, item.unit)}]})
    posting = post_stock(
        actor=actor, kind=MoveKind.ISSUE, lines=[MoveLine(item=item, location=source.location, quantity=-quantity,
                                                          lot=lot)],
        reason=Text(gettext_noop("Prep sheet %(number)s line %(n)s"), number=sheet.number, n=line.line_no),
        document=sheet_document(sheet), order=order, demand=order_demand(order))
    move = PrepSheetMove.objects.create(line=line, kind=PrepSheetMoveKind.ISSUE, item=item, lot=lot,
                                        location=source.location, quantity=quantity, move_group=posting.move_group,
                                        entry_key=entry_key, actor=actor)
    line.issued_quantity += quantity
    line.save(update_fields=["issued_quantity"])
    _release_excess(actor, order, line.item, lines)
    substitute = (Text(gettext_noop(" (substitute for %(code)s)"), code=line.item.code) if item.pk != line.item_id
                  else "")
    _set_status(actor, sheet, "issue", "issued", complete=all(ln.to_issue <= 0 for ln in lines), refused=refused,
                note=Text(gettext_noop("Line %(n)s: %(quantity)s of %(code)s%(substitute)s%(lot)s from %(location)s."),
                     n=line.line_no, quantity=quantity_text(quantity, item.unit), code=item.code, substitute=substitute,
                     lot=Text(gettext_noop(", lot %(lot)s"), lot=lot.number) if lot else "",
                     location=source.location.code))
    return IssueResult(move)


def _release_excess(actor, order, item, lines):
    """Reservations of the order for `item` beyond what its lines still need are given back (material
    was issued from another lot or bin than the one reserved). Whole reservations are released, the
    ones on rows no open line points to first; a part released too much is reserved again there."""
    wanted = sum((ln.to_issue for ln in lines if ln.item_id == item.pk), ZERO)
    reservations = list(Reservation.objects.filter(order=order, item=item, status=ReservationStatus.ACTIVE)
                        .select_related("location", "lot"))
    excess = sum((r.quantity - r.consumed for r in reservations), ZERO) - wanted
    if excess <= 0:
        return
    suggested = {(ln.location_id, ln.lot_id) for ln in lines if ln.item_id == item.pk and ln.to_issue > 0}
    reservations.sort(key=lambda r: ((r.location_id, r.lot_id) in suggested, -r.pk))
    for reservation in reservations:
        if excess <= 0:
            break
        open_quantity = reservation.quantity - reservation.consumed
        release_reservation(actor=actor, reservation=reservation,
                            reason=Text(gettext_noop("issued from another lot or bin")))
        if open_quantity > excess:
            reserve_stock(actor=actor, item=item, quantity=open_quantity - excess, demand=order_demand(order),
                          order=order, location=reservation.location, lot=reservation.lot, partial=True)
        excess -= open_quantity


# --- returning --------------------------------------------------------------------------------------

def _net_by_lot(line):
    """{(item id, lot id, location id): net issued} of the line, from its moves."""
    net = defaultdict(lambda: ZERO)
    for move in line.moves.all():
        sign = 1 if move.kind == PrepSheetMoveKind.ISSUE else -1
        net[(move.item_id, move.lot_id, move.location_id)] += sign * move.quantity
    return net


def return_prep_sheet_material(*, actor, line, quantity, reason, lot=None, location=None,
                               entry_key=None) -> PrepSheetMove:
    """Unused material of a line back into stock: `lot` (default: the lot issued last that is still out)
    into `location` (default: where it was issued from). The same `entry_key` twice (a resent form)
    returns the first return's move and posts nothing more, as an issue does."""
    require(actor, "inventory.issue_materialprepsheet")
    reason = _note(reason, required=True, field="reason")
    if quantity is None or not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
        raise ValidationError({"quantity": [_("The quantity must be greater than zero.")]})
    existing = PrepSheetMove.objects.filter(entry_key=entry_key).first() if entry_key else None
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _return(actor, line, quantity, reason, lot, location, entry_key)
    except IntegrityError:
        existing = PrepSheetMove.objects.filter(entry_key=entry_key).first() if entry_key else None
        if existing is None:
            raise
        return existing


def _return(actor, line, quantity, reason, lot, location, entry_key):
    """The return under the sheet lock (the issue's shape: lock, check the key again, post)."""
    sheet, order, lines = _locked_sheet(line.sheet)
    if entry_key and PrepSheetMove.objects.filter(entry_key=entry_key).exists():  # waited for our lock
        return PrepSheetMove.objects.get(entry_key=entry_key)
    line = next(ln for ln in lines if ln.pk == line.pk)
    refused = _("Prep sheet %(number)s is cancelled.") % {"number": sheet.number}
    if not fsm.can_proceed(sheet.take_back):
        raise ValidationError(refused)
    out = {key: qty for key, qty in _net_by_lot(line).items() if qty > 0}
    if lot is not None:
        out = {key: qty for key, qty in out.items() if key[1] == lot.pk}
    if location is not None:
        keyed = {}
        for (item_id, lot_id, _from), qty in out.items():
            keyed[(item_id, lot_id, location.pk)] = keyed.get((item_id, lot_id, location.pk), ZERO) + qty
        out = keyed
    from_lot = _(" from lot %(lot)s") % {"lot": lot.number} if lot else ""
    if not out:
        raise ValidationError(_("Nothing of line %(n)s is out to be returned%(lot)s.")
                              % {"n": line.line_no, "lot": from_lot})
    (item_id, lot_id, location_id), available = list(out.items())[-1]
    if quantity > available:
        raise ValidationError({"quantity": [_("Only %(out)s of line %(n)s is out%(lot)s.")
                                            % {"out": format_quantity(available, line.item.unit),
                                               "n": line.line_no, "lot": from_lot}]})
    item = Item.objects.get(pk=item_id)
    back_lot = Lot.objects.get(pk=lot_id) if lot_id else None
    back_to = Location.objects.get(pk=location_id)
    posting = post_stock(actor=actor, kind=MoveKind.RETURN, lines=[MoveLine(item=item, location=back_to,
                                                                             quantity=quantity, lot=back_lot)],
                         reason=reason, document=sheet_document(sheet), order=order)
    move = PrepSheetMove.objects.create(line=line, kind=PrepSheetMoveKind.RETURN, item=item, lot=back_lot,
                                        location=back_to, quantity=quantity, note=reason,
                                        move_group=posting.move_group, entry_key=entry_key, actor=actor)
    line.returned_quantity += quantity
    line.save(update_fields=["returned_quantity"])
    _set_status(actor, sheet, "take_back", "returned", refused=refused,
                note=Text(gettext_noop("Line %(n)s: %(quantity)s of %(code)s back to %(location)s. %(reason)s"),
                     n=line.line_no, quantity=quantity_text(quantity, item.unit), code=item.code,
                     location=back_to.code, reason=reason))
    return move
