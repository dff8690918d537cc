"""Material preparation for a planned order: reserving its materials, the material prep sheet
(物料准备单, MP-2026-00001), issuing, returning, substitutes and production's acceptance.

- `reserve_order_materials`: what the order still needs and is free in stock is reserved for it
  (FEFO/FIFO, inventory.reservations), demand "order:<id>".
- `generate_prep_sheet`: for a planned order, first reserves what can be, then lists one line per
  reservation (item, quantity, lot and bin to pick from) in the order of the picking walk (location
  pick sequence); what could not be reserved is a line without lot and bin (still short). An order
  has at most one open sheet (draft, partially issued, issued).
- issuing the sheet's material and returning what is unused: inventory.prep_sheet_issuing.
- `approve_substitution`: someone with the permission (planners, managers) approves another item for
  a line, with a reason; the warehouse may then issue it for that line (same unit, one for one).
- `accept_prep_sheet`: production confirms per line what it received, or reports a discrepancy with a
  note (the warehouse is alerted). When every line is accepted and the order has all it needs, the
  order moves planned → materials_ready (orders.services.transition_order, action
  "prepare_materials") with the accepting production user as the actor (production holds that
  permission: its acceptance is what completes the step). While a sheet is open, the order's bare
  "Materials ready" action is refused (`refuse_materials_ready_while_preparing`).
- Cancelling the order (`release_on_cancel`): its reservations are released, its open purchase
  requests and open sheets cancelled. Refused while material is issued to it and not returned: the
  physical material must come back first, and the warehouse records that return.
"""

from collections import defaultdict
from dataclasses import dataclass

import django_fsm as fsm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from documents import services as document_services
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from orders.models import Order, OrderStatus
from orders.services import transition_order
from systemtext.text import Text

from .documents import KIND
from .ledger import DocumentRef
from .models import (
    OPEN_SHEET,
    PR_LIVE,
    MaterialPrepSheet,
    MaterialPrepSheetLine,
    MoveKind,
    PrepSheetPrintBatch,
    PrepSheetStatus,
    PurchaseRequest,
    Reservation,
    ReservationStatus,
    StockMove,
)
from .purchasing import order_demand
from .requirements import OPEN_FOR_MATERIALS, order_requirements
from .reservations import allocation_order, release_order_reservations, reserve_stock
from .units import format_quantity

S = PrepSheetStatus
DOCUMENT_TYPE = "prep_sheet"
# Lines with nothing to pick from (still short) come last on the walk.
END_OF_WALK = 10**9
MAX_NOTE = 300


def sheet_document(sheet):
    return DocumentRef(DOCUMENT_TYPE, sheet.pk, sheet.number)

def _note(text, *, required=False, field="note"):
    text = visible_strip(text or "")
    if required and not text:
        raise ValidationError({field: [_("Give a reason.")]})
    if len(text) > MAX_NOTE:
        raise ValidationError({field: [_("At most %(n)s characters.") % {"n": MAX_NOTE}]})
    return text


def _order_refusal(order, action):
    """Why nothing can be reserved, issued or accepted for `order` now, as a whole sentence per action
    (fragments like "issued" do not compose into correct Chinese)."""
    values = {"number": order.number, "status": order.get_status_display()}
    if order.status == OrderStatus.CANCELLED:
        return {
            "reserve": _("Order %(number)s is cancelled: no material can be reserved for it."),
            "issue": _("Order %(number)s is cancelled: no material can be issued for it."),
            "accept": _("Order %(number)s is cancelled: no material can be accepted for it."),
        }[action] % values
    if order.status == OrderStatus.ON_HOLD:
        return {
            "reserve": _("Order %(number)s is on hold: no material is reserved for it until it is resumed."),
            "issue": _("Order %(number)s is on hold: no material is issued for it until it is resumed."),
            "accept": _("Order %(number)s is on hold: no material is accepted for it until it is resumed."),
        }[action] % values
    return {
        "reserve": _("Order %(number)s is %(status)s: material is reserved only for planned orders."),
        "issue": _("Order %(number)s is %(status)s: material is issued only for planned orders."),
        "accept": _("Order %(number)s is %(status)s: material is accepted only for planned orders."),
    }[action] % values


# --- reserving --------------------------------------------------------------------------------------

def _reserve_missing(actor, order, requirements):
    made = []
    for component in requirements.components:
        quantity = component.to_reserve
        if quantity > 0:
            made += reserve_stock(actor=actor, item=component.item, quantity=quantity, demand=order_demand(order),
                                  order=order, partial=True)
    return made


def reserve_order_materials(*, actor, order) -> list[Reservation]:
    """Reserve for the order what it still needs and is free in stock (FEFO/FIFO)."""
    require(actor, "inventory.add_reservation")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in OPEN_FOR_MATERIALS:
            raise ValidationError(_order_refusal(order, "reserve"))
        requirements = order_requirements(order)
        if requirements.errors:
            raise ValidationError(requirements.errors)
        made = _reserve_missing(actor, order, requirements)
        if not made:
            raise ValidationError(_("Nothing to reserve for order %(number)s: what it needs is reserved or issued, "
                                    "or not in stock.") % {"number": order.number})
    return made


# --- generating the sheet ---------------------------------------------------------------------------

def _lines_for(requirements, reservations):
    """Unsaved sheet lines: per component, one per reservation (FEFO order) up to what is still
    needed, then the rest without lot and bin."""
    by_item = defaultdict(list)
    for reservation in reservations:
        by_item[reservation.item_id].append(reservation)
    lines = []
    for component in requirements.components:
        left = component.still_needed
        for reservation in sorted(by_item.get(component.item.pk, ()), key=allocation_order):
            if left <= 0:
                break
            take = min(reservation.quantity - reservation.consumed, left)
            left -= take
            lines.append(MaterialPrepSheetLine(item=component.item, required_quantity=take, lot=reservation.lot,
                                               location=reservation.location,
                                               pick_sequence=reservation.location.pick_sequence))
        if left > 0:
            lines.append(MaterialPrepSheetLine(item=component.item, required_quantity=left, pick_sequence=END_OF_WALK))
    lines.sort(key=lambda ln: (ln.pick_sequence, ln.location.code if ln.location else "", ln.item.code,
                               ln.lot.number if ln.lot else ""))
    return lines


def generate_prep_sheet(*, actor, order, note="") -> MaterialPrepSheet:
    """The prep sheet of a planned order (see the module docstring)."""
    require(actor, "inventory.add_materialprepsheet")
    note = _note(note)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.PLANNED:
            raise ValidationError(_("Order %(number)s is %(status)s: a prep sheet is made for a planned order.")
                                  % {"number": order.number, "status": order.get_status_display()})
        existing = MaterialPrepSheet.objects.filter(order=order, status__in=OPEN_SHEET).first()
        if existing is not None:
            raise ValidationError(_("Order %(number)s already has prep sheet %(sheet)s.")
                                  % {"number": order.number, "sheet": existing.number})
        requirements = order_requirements(order)
        if requirements.errors:
            raise ValidationError(requirements.errors)
        if actor.has_perm("inventory.add_reservation"):
            _reserve_missing(actor, order, requirements)
        reservations = (Reservation.objects.filter(order=order, status=ReservationStatus.ACTIVE)
                        .select_related("lot", "location"))
        lines = _lines_for(requirements, reservations)
        if not lines:
            raise ValidationError(_("Order %(number)s needs no material from the stores (everything is issued).")
                                  % {"number": order.number})
        sheet = MaterialPrepSheet.objects.create(number=next_number(series.PREP_SHEET), order=order,
                                                 note=note, created_by=actor)
        for number, line in enumerate(lines, start=1):
            line.sheet, line.line_no = sheet, number
        MaterialPrepSheetLine.objects.bulk_create(lines)
        short = sum(1 for line in lines if line.location is None)
        sheet.events.record(action="created", actor=actor, to_status=S.DRAFT,
                            note=Text(gettext_noop("%(lines)s lines, %(short)s still short."), lines=len(lines),
                                      short=short))
    return sheet


@dataclass
class DayGeneration:
    sheets: list
    problems: list  # (order, messages)


def generate_open_prep_sheets(*, actor) -> DayGeneration:
    """A prep sheet for every planned order that has no open one (the day's batch). An order with a
    problem is reported and does not stop the others."""
    require(actor, "inventory.add_materialprepsheet")
    with_sheet = MaterialPrepSheet.objects.filter(status__in=OPEN_SHEET).values("order_id")
    orders = list(Order.objects.filter(status=OrderStatus.PLANNED).exclude(pk__in=with_sheet)
                  .order_by("-priority", "requested_date", "pk"))
    result = DayGeneration([], [])
    for order in orders:
        try:
            result.sheets.append(generate_prep_sheet(actor=actor, order=order))
        except ValidationError as exc:
            result.problems.append((order, exc.messages))
    return result


def cancel_prep_sheet(*, actor, sheet, reason) -> MaterialPrepSheet:
    """Withdraw an open sheet nothing is issued on (the order's reservations stay)."""
    require(actor, "inventory.change_materialprepsheet")
    reason = _note(reason, required=True, field="reason")
    with transaction.atomic():
        current = MaterialPrepSheet.objects.select_for_update().get(pk=sheet.pk)
        refused = (_("Prep sheet %(number)s is %(status)s: it cannot be cancelled.")
                   % {"number": current.number, "status": current.get_status_display()})
        if current.status in OPEN_SHEET and not fsm.can_proceed(current.cancel):  # open, but material is out
            refused = (_("Material is issued on prep sheet %(number)s: return it before cancelling.")
                       % {"number": current.number})
        _set_status(actor, current, "cancel", "cancelled", reason, refused=refused)
    return current


def _set_status(actor, sheet, transition, action, note, *, refused, by_system=False, complete=None, **changes):
    """Take `transition` (a MaterialPrepSheet transition's name) and record it as `action`. `by_system`:
    a consequence of an order step the caller has already checked (its cancellation or change)."""
    from_status = sheet.status
    method = getattr(sheet, transition)
    take(method, actor=None if by_system else actor, refused=refused,
         **({} if complete is None else {"complete": complete}))
    for name, value in changes.items():
        setattr(sheet, name, value)
    sheet.save()
    sheet.events.record(action=action, actor=actor, from_status=from_status, to_status=sheet.status,
                        note=note)


def request_print_batch(*, actor, sheets, day, language=None) -> PrepSheetPrintBatch:
    """One PDF job per sheet (documents pipeline, rendered by the worker), kept together so the page
    can show their progress. A sheet whose PDF is already being made joins with that job."""
    sheets = [sheet for sheet in sheets if sheet.status != S.CANCELLED]
    if not sheets:
        raise ValidationError(_("There is no prep sheet to print for %(day)s.") % {"day": date_format(day)})
    with transaction.atomic():
        documents = [document_services.request_document(actor=actor, kind=KIND, obj=sheet, language=language)
                     for sheet in sheets]
        batch = PrepSheetPrintBatch.objects.create(day=day, language=documents[0].language, requested_by=actor)
        batch.sheets.set(sheets)
        batch.documents.set(documents)
    return batch


# --- substitutes ------------------------------------------------------------------------------------

def approve_substitution(*, actor, line, substitute, reason) -> MaterialPrepSheetLine:
    """Allow `substitute` to be issued for `line` (one for one, in the same unit)."""
    require(actor, "inventory.approve_substitution")
    reason = _note(reason, required=True, field="reason")
    with transaction.atomic():
        sheet = MaterialPrepSheet.objects.select_for_update().get(pk=line.sheet_id)
        current = MaterialPrepSheetLine.objects.select_related("item").get(pk=line.pk)
        errors = []
        if sheet.status not in OPEN_SHEET:
            errors.append(_("Prep sheet %(number)s is %(status)s.") % {"number": sheet.number,
                                                                        "status": sheet.get_status_display()})
        if substitute.pk == current.item_id:
            errors.append(_("Choose another item than the line's own."))
        elif substitute.unit != current.item.unit:
            errors.append(_("%(code)s is stocked in %(unit)s, the line in %(line_unit)s: a substitute needs the same "
                            "unit.") % {"code": substitute.code, "unit": substitute.unit,
                                        "line_unit": current.item.unit})
        if not substitute.is_active:
            errors.append(_("%(code)s is inactive.") % {"code": substitute.code})
        if errors:
            raise ValidationError(errors)
        current.substitute_item, current.substitute_reason = substitute, reason
        current.substitute_approved_by, current.substitute_approved_at = actor, timezone.now()
        current.save(update_fields=["substitute_item", "substitute_reason", "substitute_approved_by",
                                    "substitute_approved_at"])
        sheet.events.record(action="substitution", actor=actor, from_status=sheet.status, to_status=sheet.status,
                            note=Text(gettext_noop("Line %(n)s: %(substitute)s may be issued instead of %(code)s. "
                                                   "%(reason)s"), n=current.line_no, substitute=substitute.code,
                                      code=current.item.code, reason=reason))
    return current


# --- the sheet's lock -------------------------------------------------------------------------------

def _locked_sheet(sheet):
    """The sheet locked (serialises issues, returns and acceptance of one sheet) and its lines. Its order
    is locked first (docs/locking.md: order before prep sheet before stock balances), so an issue and the
    order's cancellation queue instead of deadlocking, and the loser sees the winner's outcome."""
    order_id = MaterialPrepSheet.objects.filter(pk=sheet.pk).values_list("order_id", flat=True).get()
    order = Order.objects.select_for_update().get(pk=order_id)
    current = MaterialPrepSheet.objects.select_for_update().get(pk=sheet.pk)
    lines = list(MaterialPrepSheetLine.objects.filter(sheet=current).select_related(
        "item", "substitute_item", "lot", "location").order_by("line_no"))
    for line in lines:
        line.sheet = current
    return current, order, lines


# --- acceptance by production -----------------------------------------------------------------------

@dataclass
class AcceptResult:
    sheet: MaterialPrepSheet
    order_ready: bool
    missing: list  # component requirements still not issued when every line is accepted


def accept_prep_sheet(*, actor, sheet, accepted=(), discrepancies=None) -> AcceptResult:
    """Production confirms the lines it received (`accepted`: line ids) or reports a discrepancy per
    line (`discrepancies`: {line id: note}); see the module docstring."""
    require(actor, "inventory.accept_materialprepsheet")
    accepted = {int(pk) for pk in accepted}
    discrepancies = {int(pk): visible_strip(note or "") for pk, note in (discrepancies or {}).items()}
    with transaction.atomic():
        sheet, order, lines = _locked_sheet(sheet)
        by_pk = {line.pk: line for line in lines}
        errors = _acceptance_errors(sheet, order, by_pk, accepted, discrepancies)
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        for pk in sorted(accepted):
            line = by_pk[pk]
            line.accepted_quantity, line.accepted_by, line.accepted_at = line.net_issued, actor, now
            line.discrepancy_note, line.discrepancy_by, line.discrepancy_at = "", None, None
        for pk, note in discrepancies.items():
            line = by_pk[pk]
            line.discrepancy_note, line.discrepancy_by, line.discrepancy_at = note, actor, now
        MaterialPrepSheetLine.objects.bulk_update(
            [by_pk[pk] for pk in accepted | set(discrepancies)],
            ["accepted_quantity", "accepted_by", "accepted_at", "discrepancy_note", "discrepancy_by", "discrepancy_at"])
        if accepted:
            sheet.events.record(action="accepted_lines", actor=actor, from_status=sheet.status, to_status=sheet.status,
                                note=Text(gettext_noop("Lines accepted: %(lines)s."),
                                          lines=[by_pk[pk].line_no for pk in sorted(accepted)]))
        for pk, note in discrepancies.items():
            sheet.events.record(action="discrepancy", actor=actor, from_status=sheet.status, to_status=sheet.status,
                                note=Text(gettext_noop("Line %(n)s: %(note)s"), n=by_pk[pk].line_no, note=note))
            _alert_discrepancy(sheet, order, by_pk[pk], note, actor)
        if not all(line.is_accepted for line in lines):
            return AcceptResult(sheet, order_ready=False, missing=[])
        requirements = order_requirements(order)
        missing = [c for c in requirements.components if c.still_needed > 0]
        _set_status(actor, sheet, "accept", "accepted", Text(gettext_noop("Every line accepted.")), accepted_by=actor,
                    accepted_at=now, refused=_("Prep sheet %(number)s is %(status)s.")
                    % {"number": sheet.number, "status": sheet.get_status_display()})
        if missing or requirements.errors:
            return AcceptResult(sheet, order_ready=False, missing=missing)
        transition_order(actor=actor, order=order, action="prepare_materials", expected_status=OrderStatus.PLANNED,
                         note=Text(gettext_noop("Materials issued on %(sheet)s and accepted by production."),
                                   sheet=sheet.number))
    return AcceptResult(sheet, order_ready=True, missing=[])


def accept_all_issued(*, actor, sheet) -> AcceptResult:
    """Production accepts everything issued on the sheet that it has not accepted yet (one click from its
    acceptance queue); the lines are chosen under the sheet's lock, so an issue made meanwhile is included
    and nothing is accepted twice."""
    require(actor, "inventory.accept_materialprepsheet")
    with transaction.atomic():
        current, _order, lines = _locked_sheet(sheet)
        pending = [line.pk for line in lines if line.to_accept > 0]
        if not pending and current.status in (S.PARTIALLY_ISSUED, S.ISSUED):
            raise ValidationError(_("Nothing issued on prep sheet %(number)s is waiting to be accepted.")
                                  % {"number": current.number})
        return accept_prep_sheet(actor=actor, sheet=current, accepted=pending)


def _acceptance_errors(sheet, order, by_pk, accepted, discrepancies):
    if sheet.status not in (S.PARTIALLY_ISSUED, S.ISSUED):
        if sheet.status == S.DRAFT:
            return [_("Nothing has been issued on prep sheet %(number)s yet.") % {"number": sheet.number}]
        return [_("Prep sheet %(number)s is %(status)s.") % {"number": sheet.number,
                                                               "status": sheet.get_status_display()}]
    if order.status != OrderStatus.PLANNED:
        return [_order_refusal(order, "accept")]
    if not accepted and not discrepancies:
        return [_("Tick the lines you received, or report a discrepancy with a note.")]
    errors = []
    for pk in accepted | set(discrepancies):
        if pk not in by_pk:
            errors.append(_("A line is not on prep sheet %(number)s.") % {"number": sheet.number})
    if errors:
        return errors
    for pk in sorted(accepted & set(discrepancies)):
        errors.append(_("Line %(n)s: accept it or report a discrepancy, not both.") % {"n": by_pk[pk].line_no})
    for pk in sorted(accepted):
        if by_pk[pk].to_accept <= 0:
            errors.append(_("Line %(n)s: nothing issued is waiting to be accepted.") % {"n": by_pk[pk].line_no})
    for pk, note in sorted(discrepancies.items()):
        if not note:
            errors.append(_("Line %(n)s: describe the discrepancy.") % {"n": by_pk[pk].line_no})
        elif len(note) > MAX_NOTE:
            errors.append(_("Line %(n)s: at most %(max)s characters.") % {"n": by_pk[pk].line_no, "max": MAX_NOTE})
    return errors


def _alert_discrepancy(sheet, order, line, note, actor):
    create_alert(
        kind="prep_sheet_discrepancy",
        subject=gettext_noop("Discrepancy on prep sheet %(sheet)s line %(line)s (order %(order)s)"),
        body=gettext_noop("%(code)s %(name)s: %(note)s (reported by %(who)s)"),
        params={"sheet": sheet.number, "line": line.line_no, "order": order.number, "code": line.item.code,
                "name": line.item.name, "note": note, "who": actor.get_full_name() or actor.get_username()},
        link=reverse("inventory:prep_sheet_detail", args=[sheet.pk]),
        severity="high" if order.is_rush else "info", roles=("warehouse",),
        dedupe_key=f"prep-discrepancy:{line.pk}:{timezone.now().isoformat()}")


# --- the order's stage hooks ------------------------------------------------------------------------

def refuse_materials_ready_while_preparing(*, actor, order, action, from_status):
    """orders.stage_hooks on_transition: while a prep sheet of the order is open, the order becomes
    materials ready only through production's acceptance on it (accept_prep_sheet)."""
    if action != "prepare_materials":
        return
    sheet = MaterialPrepSheet.objects.filter(order=order, status__in=OPEN_SHEET).first()
    if sheet is not None:
        raise ValidationError(_("The materials of order %(number)s are being prepared on prep sheet %(sheet)s: the "
                                "order is ready when production accepts them there.")
                              % {"number": order.number, "sheet": sheet.number})


def release_on_cancel(*, actor, order):
    """orders.stage_hooks on_cancel: release the order's reservations, cancel its open purchase
    requests and prep sheets; refused while material issued to it is not returned."""
    out = list(StockMove.objects.filter(order=order, kind__in=[MoveKind.ISSUE, MoveKind.RETURN])
               .values("item__code", "item__unit").annotate(net=Sum("quantity")).filter(net__lt=0)
               .order_by("item__code"))
    if out:
        raise ValidationError(_("Material was issued to order %(number)s (%(items)s): the warehouse returns it to "
                                "stock on the prep sheet before the order can be cancelled.")
                              % {"number": order.number, "items": ", ".join(
                                  f"{format_quantity(-row['net'], row['item__unit'])} {row['item__code']}"
                                  for row in out)})
    reason = Text(gettext_noop("order %(number)s cancelled"), number=order.number)
    release_order_reservations(actor=actor, order=order, reason=reason)
    now = timezone.now()
    for request in PurchaseRequest.objects.select_for_update(of=("self",)).filter(
            order=order, status__in=PR_LIVE).order_by("pk"):
        take(request.cancel, refused=str(reason))  # the order's cancellation was checked by its caller
        request.decided_by, request.decided_at, request.decision_note = actor, now, reason
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "decision_note_values"])
    for sheet in MaterialPrepSheet.objects.select_for_update().filter(order=order, status__in=OPEN_SHEET):
        _set_status(actor, sheet, "cancel", "cancelled", reason, refused=str(reason), by_system=True)
