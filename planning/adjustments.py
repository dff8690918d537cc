"""Plan adjustments by the planner: move an operation, change its work center, lock or unlock it, split a
work order (planning.work_order_split). Each is one function `verb_noun(*, actor, ...)`; the Gantt dialog
and the plan page call them.

Common rules:
- only planners (orders.plan_order); only operations of planned or released work orders that have not
  started (not in progress, done or cancelled); splitting only planned work orders.
- one transaction: the work centers are locked first (the lock every scheduling run takes, so an
  adjustment and a plan never interleave), then the rows. A check that fails writes nothing.
- stale requests are refused: the form sends the version of the operation or work order it showed
  (operation_version / work_order_version, a digest of the fields the adjustment depends on) and
  the service compares it with the locked row.
- a WorkOrderEvent records who did what, from → to. Then all open work is rescheduled
  (plans.schedule_open_work) and the result lists the orders whose planned finish changed (the
  latest planned end of their open work orders, before and after).

Move (move_operation): the operation is laid on the work center's working time as the scheduler lays it
(duration = setup + run per unit × quantity × 100 / efficiency, rounded up to whole minutes, counted on
the center's calendar; it may run over breaks and nights, holding its unit). The start must be working
time, not in the past and not before the work order's earliest start (materials). It may not start
before a predecessor (the operation before it, or for a first operation the sub-assemblies' last ones)
ends plus that one's minimum wait. The unit must be free of every other open operation for the whole
time (the free unit with the lowest number when none is chosen); the operations that follow it (the
rest of its work order and the work orders it is a sub-assembly for) are not in the way: they are
pushed later by the reschedule. A released follower that would start too early loses its place and is
placed again; a locked or started one that would start too early refuses the move. The moved operation
is locked at its new place.

Change work center (change_work_center): to the routing operation's work center or its alternative (the
routing's times are for those machines; any other center could not be trusted with them). The
operation is pinned to the chosen center (the scheduler no longer picks between the two for it) and
placed again by the reschedule. A locked operation must be unlocked (or moved) first.

Split (split_work_order) is in planning.work_order_split, under the same common rules.
"""

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from systemtext.text import Text

from .models import OPEN_WORK_ORDER_STATUSES, WorkCenter, WorkOrder, WorkOrderOperation, WorkOrderStatus
from .plans import (
    _scheduling_center,
    lock_scheduling,
    schedule_open_work,
)
from .scheduling.calendar import WorkingTime

WO = WorkOrderStatus
ADJUSTABLE = (WO.PLANNED, WO.RELEASED)
QTY_STEP = Decimal("0.001")


# --- results -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FinishChange:
    order_id: int
    order_number: str
    before: datetime | None
    after: datetime | None

    @property
    def delay_minutes(self):
        """Calendar minutes later (negative: earlier); None when one side is not planned."""
        if self.before is None or self.after is None:
            return None
        return round((self.after - self.before).total_seconds() / 60)


@dataclass
class Adjustment:
    summary: str
    finish_changes: list[FinishChange] = field(default_factory=list)
    late_orders: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    work_order: WorkOrder | None = None  # the new work order of a split


# --- versions (stale requests) -------------------------------------------------------------------

def _digest(parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _stamp(moment):
    return None if moment is None else moment.timestamp()


def operation_version(op):
    """A digest of what an operation adjustment depends on; the form sends the one it showed."""
    return _digest((op.status, op.locked, op.work_center_id, op.alternative_work_center_id,
                    op.planned_work_center_id, op.planned_unit, _stamp(op.planned_start), _stamp(op.planned_end),
                    format(op.quantity.normalize(), "f"), op.started_at is not None))


def work_order_version(work_order):
    return _digest((work_order.status, format(work_order.quantity.normalize(), "f"), _stamp(work_order.updated_at)))


def _check_version(actual, expected, what):
    if not expected or actual != expected:
        raise ValidationError(_("%(what)s was changed by someone else meanwhile. Nothing was done; look at it "
                                "again.") % {"what": what})


# --- reading and checking ------------------------------------------------------------------------


OPERATION_RELATED = ("work_order__order", "work_order__item", "work_center", "alternative_work_center",
                     "planned_work_center", "routing_operation__work_center",
                     "routing_operation__alternative_work_center")


def _locked_operation(pk):
    """The operation and its work order, locked, with what the checks read."""
    work_order_id = WorkOrderOperation.objects.select_for_update().filter(pk=pk).values_list(
        "work_order_id", flat=True).first()
    if work_order_id is None:
        raise ValidationError(_("This operation no longer exists."))
    WorkOrder.objects.select_for_update().filter(pk=work_order_id).values_list("pk", flat=True).first()
    return WorkOrderOperation.objects.select_related(*OPERATION_RELATED).get(pk=pk)


def _label(op):
    return _("operation %(sequence)s of %(work_order)s") % {"sequence": op.sequence,
                                                             "work_order": op.work_order.number}


def _operation_to_change(operation, expected_version):
    """In the adjustment's transaction: the scheduling lock, then the operation and its work order locked
    and read again; refused when the form showed another version or the work has started."""
    lock_scheduling()
    op = _locked_operation(operation.pk)
    _check_version(operation_version(op), expected_version, _title(op))
    _check_adjustable(op)
    return op


def _place_again(operations):
    """Forget the places of `operations` (released ones keep theirs otherwise): the reschedule places them."""
    WorkOrderOperation.objects.filter(pk__in=[op.pk for op in operations]).update(
        planned_work_center=None, planned_unit=None, planned_start=None, planned_end=None)


def _title(op):
    return _("Operation %(sequence)s of %(work_order)s") % {"sequence": op.sequence,
                                                             "work_order": op.work_order.number}


def _check_adjustable(op):
    work_order = op.work_order
    if work_order.status not in ADJUSTABLE:
        raise ValidationError(_("Work order %(number)s is %(status)s: only planned or released work can be changed.")
                              % {"number": work_order.number, "status": work_order.get_status_display()})
    if op.status not in ADJUSTABLE or op.started_at is not None:
        status = op.get_status_display() if op.status not in ADJUSTABLE else WO.IN_PROGRESS.label
        raise ValidationError(_("Operation %(sequence)s of %(number)s is %(status)s: only operations that have not "
                                "started can be changed.")
                              % {"sequence": op.sequence, "number": work_order.number, "status": status})


def factory_time(moment):
    """A time as the planner reads it on the Gantt: factory time zone, to the minute, in the reader's format."""
    return date_format(moment.astimezone(ZoneInfo(settings.TIME_ZONE)), "DATETIME_FORMAT") if moment else "—"


def placement_text(op):
    """Where and when the operation is planned, as a stored text (str() of it reads in the active language)."""
    if op.planned_start is None:
        return Text(gettext_noop("not scheduled"))
    center = op.planned_work_center or op.work_center
    return Text(gettext_noop("%(center)s unit %(unit)s, %(start)s – %(end)s"), center=center.code,
                unit=(op.planned_unit or 0) + 1, start=op.planned_start, end=op.planned_end)


def center_choices(op):
    """The work centers the operation may be put on: its routing operation's center and alternative (and
    the ones it carries now), in that order, without repeats; inactive ones included (refused with a
    clear message when chosen)."""
    routing_op = op.routing_operation
    candidates = [op.work_center, op.alternative_work_center]
    if routing_op is not None:
        candidates = [routing_op.work_center, routing_op.alternative_work_center, *candidates]
    choices, seen = [], set()
    for center in candidates:
        if center is not None and center.pk not in seen:
            seen.add(center.pk)
            choices.append(center)
    return choices


def _target_center(op, center):
    allowed = {choice.pk for choice in center_choices(op)}
    if center.pk not in allowed:
        raise ValidationError(_("Operation %(sequence)s cannot run on %(center)s: its routing names %(allowed)s.")
                              % {"sequence": op.sequence, "center": center.code,
                                 "allowed": ", ".join(c.code for c in center_choices(op))})
    center = WorkCenter.objects.select_related("calendar").get(pk=center.pk)  # fresh: active, units, efficiency
    if not center.is_active:
        raise ValidationError(_("Work center %(center)s is inactive: choose another.") % {"center": center.code})
    return center


def working_minutes(op, center, quantity=None):
    """The operation's working minutes on `center` as the scheduler counts them (planning.scheduling.model):
    setup + run per unit × the work order's quantity × 100 / efficiency, rounded up."""
    efficiency = Fraction(center.efficiency_percent)
    quantity = Fraction(op.work_order.quantity if quantity is None else quantity)
    work = Fraction(op.setup_minutes) * efficiency + Fraction(op.run_minutes_per_unit) * quantity * 100
    return math.ceil(work / efficiency)


def _working_time(center, now):
    return WorkingTime(_scheduling_center(center, now).calendar, settings.TIME_ZONE)


def _wait(minutes):
    return timedelta(minutes=math.ceil(minutes))


def _open_ops(work_order_ids):
    return list(WorkOrderOperation.objects.filter(work_order_id__in=work_order_ids, status__in=OPEN_WORK_ORDER_STATUSES,
                                                  work_order__status__in=OPEN_WORK_ORDER_STATUSES)
                .select_related("work_order", "planned_work_center", "work_center").order_by("sequence"))


def _predecessors(op):
    """The operations `op` waits for and the wait after each: the open operation before it in its work
    order, or for its first open one the last open operation of each open sub-assembly (with the longest
    of their waits, as the scheduler takes it)."""
    mine = _open_ops([op.work_order_id])
    before = [other for other in mine if other.sequence < op.sequence]
    if before:
        return [(before[-1], _wait(before[-1].min_wait_minutes))]
    children = list(WorkOrder.objects.filter(parent_id=op.work_order_id, status__in=OPEN_WORK_ORDER_STATUSES)
                    .values_list("pk", flat=True))
    last = {}
    for child_op in _open_ops(children):
        last[child_op.work_order_id] = child_op  # ordered by sequence: the last one stays
    wait = _wait(max([child.min_wait_minutes for child in last.values()], default=0))
    return [(child, wait) for child in last.values()]


def _followers(op):
    """The open operations that follow `op`, in order: the rest of its work order, then every operation of
    the work order it is a sub-assembly for, and so on up (each waits for the one before)."""
    chain = [other for other in _open_ops([op.work_order_id]) if other.sequence > op.sequence]
    parent_id = op.work_order.parent_id
    while parent_id is not None:
        parent = WorkOrder.objects.filter(pk=parent_id, status__in=OPEN_WORK_ORDER_STATUSES).first()
        if parent is None:
            break
        chain += _open_ops([parent.pk])
        parent_id = parent.parent_id
    return chain


def _is_fixed(op):
    return op.locked or op.status == WO.IN_PROGRESS or op.started_at is not None


def _check_after_predecessors(op, start):
    for pred, wait in _predecessors(op):
        if pred.planned_end is None:
            continue
        earliest = pred.planned_end + wait
        if start < earliest:
            names = {"op": op.sequence, "pred": _label(pred), "end": factory_time(pred.planned_end),
                     "earliest": factory_time(earliest)}
            if wait:
                raise ValidationError(_("Operation %(op)s cannot start before %(pred)s ends at %(end)s plus its "
                                        "wait: the earliest start is %(earliest)s.") % names)
            raise ValidationError(_("Operation %(op)s cannot start before %(pred)s ends at %(end)s.") % names)


def _followers_to_place_again(op, followers, end):
    """The released followers that lose their place because they would start before the moved operation
    (or a follower pushed by it) ends; a locked or started follower in the way refuses the move."""
    earliest = end + _wait(op.min_wait_minutes)
    for index, follower in enumerate(followers):
        if follower.planned_start is not None and follower.planned_start >= earliest:
            return []  # it already starts late enough, so the ones after it are not pushed either
        if _is_fixed(follower):
            raise ValidationError(_("%(follower)s is locked at %(start)s, before this operation would end (%(end)s): "
                                    "unlock or move it first.")
                                  % {"follower": _title(follower),
                                     "start": factory_time(follower.planned_start), "end": factory_time(end)})
        # Where a pushed follower lands is the reschedule's business; released ones after it are placed anew.
        return [other for other in followers[index:] if other.status == WO.RELEASED and not _is_fixed(other)]
    return []


def _unit_for(op, center, unit, start, end, ignore):
    """A unit of `center` free from `start` to `end` (the one asked for, else the operation's own, else the
    lowest free one); operations in `ignore` (the operation and the followers it pushes) do not count."""
    if unit is not None and not 0 <= unit < center.parallel_units:
        raise ValidationError(_("%(center)s has units 1 to %(n)s.") % {"center": center.code,
                                                                        "n": center.parallel_units})
    busy = {}
    for other in (WorkOrderOperation.objects.filter(
            planned_work_center=center, status__in=OPEN_WORK_ORDER_STATUSES,
            work_order__status__in=OPEN_WORK_ORDER_STATUSES, planned_start__lt=end, planned_end__gt=start)
            .exclude(pk__in=ignore).select_related("work_order").order_by("planned_start")):
        busy.setdefault(other.planned_unit or 0, other)

    def taken(number, other):
        return ValidationError(_("%(center)s unit %(unit)s is busy from %(start)s to %(end)s with %(op)s.") % {
            "center": center.code, "unit": number + 1, "start": factory_time(other.planned_start),
            "end": factory_time(other.planned_end), "op": _label(other)})

    if unit is not None:
        if unit in busy:
            raise taken(unit, busy[unit])
        return unit
    own = [op.planned_unit] if op.planned_work_center_id == center.pk and op.planned_unit is not None else []
    for number in [*own, *range(center.parallel_units)]:
        if number not in busy:
            return number
    if center.parallel_units == 1:
        raise taken(0, busy[0])
    first = min(busy.values(), key=lambda other: other.planned_start)
    raise ValidationError(_("Every unit of %(center)s is busy at that time (for example with %(op)s from %(start)s "
                            "to %(end)s).") % {"center": center.code, "op": _label(first),
                                               "start": factory_time(first.planned_start),
                                               "end": factory_time(first.planned_end)})


def _pin(op, center):
    """The operation runs on `center` only (the scheduler no longer picks between center and alternative)."""
    if center.pk != op.work_center_id or op.alternative_work_center_id is not None:
        op.work_center, op.alternative_work_center = center, None
        return True
    return False


# --- rescheduling --------------------------------------------------------------------------------

def _order_finishes():
    rows = (WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES).order_by()
            .values("order_id", "order__number").annotate(finish=Max("planned_end")))
    return {row["order_id"]: (row["order__number"], row["finish"]) for row in rows}


def _reschedule(*, summary, before, now, check=(), work_order=None):
    """Schedule all open work again, check that `check` (pairs of operation ids and the wait between them)
    still run in order, and list the orders whose planned finish changed."""
    plan = schedule_open_work(now=now)
    _check_order_kept(check)
    after = _order_finishes()
    changes = []
    for order_id in sorted(set(before) | set(after), key=lambda pk: (before.get(pk) or after.get(pk))[0]):
        number, old = before.get(order_id, (None, None))
        number, new = after.get(order_id, (number, None))
        if old != new:
            changes.append(FinishChange(order_id, number, old, new))
    return Adjustment(summary=str(summary), finish_changes=changes, late_orders=plan.late_orders,
                      conflicts=plan.conflicts, work_order=work_order)


def _check_order_kept(pairs):
    if not pairs:
        return
    ids = {pk for pair in pairs for pk in pair[:2]}
    ops = {op.pk: op for op in WorkOrderOperation.objects.filter(pk__in=ids).select_related("work_order")}
    for first, then, wait in pairs:
        a, b = ops[first], ops[then]
        if a.planned_end and b.planned_start and b.planned_start < a.planned_end + wait:
            raise ValidationError(_("This change would make %(then)s start at %(start)s, before %(first)s ends at "
                                    "%(end)s: choose another time or unlock it.")
                                  % {"then": _label(b), "start": factory_time(b.planned_start), "first": _label(a),
                                     "end": factory_time(a.planned_end)})


def _sequence_pairs(op, followers):
    """(earlier id, later id, wait) for the operation's predecessors, itself and its followers."""
    pairs = [(pred.pk, op.pk, wait) for pred, wait in _predecessors(op)]
    line = [op, *followers]
    pairs += [(a.pk, b.pk, _wait(a.min_wait_minutes)) for a, b in zip(line, line[1:], strict=False)]
    return pairs


# --- the adjustments -------------------------------------------------------------------------------

def move_operation(*, actor, operation, start, expected_version, unit=None, work_center=None, now=None) -> Adjustment:
    """Move `operation` to `start` (a unit of `work_center`, by default where it is planned), lock it there
    and reschedule the rest (see the module docstring). `unit` is 0-based; None picks a free one."""
    require(actor, "orders.plan_order")
    now = now or timezone.now()
    if not isinstance(start, datetime) or timezone.is_naive(start):
        raise ValidationError(_("Enter the new start as a date and time."))
    start = start.replace(second=0, microsecond=0)  # the scheduler counts whole minutes
    with transaction.atomic():
        op = _operation_to_change(operation, expected_version)
        center = _target_center(op, work_center or op.planned_work_center or op.work_center)
        if start < now.replace(second=0, microsecond=0):
            raise ValidationError(_("The new start %(start)s is in the past.") % {"start": factory_time(start)})
        hours = _working_time(center, now)
        if hours.next_working_instant(start) != start:
            raise ValidationError(_("%(start)s is not working time on %(center)s (a break, night, weekend, holiday or "
                                    "closure in its calendar). The next working time is %(next)s.")
                                  % {"start": factory_time(start), "center": center.code,
                                     "next": factory_time(hours.next_working_instant(start))})
        end = hours.finish(start, working_minutes(op, center))
        earliest = op.work_order.earliest_start
        if earliest is not None and start < earliest:
            raise ValidationError(_("Operation %(op)s cannot start before %(when)s, when the materials of %(wo)s are "
                                    "expected.") % {"op": op.sequence, "when": factory_time(earliest),
                                                    "wo": op.work_order.number})
        _check_after_predecessors(op, start)
        followers = _followers(op)
        unplace = _followers_to_place_again(op, followers, end)
        pushed = {other.pk for other in followers if not _is_fixed(other)}
        unit = _unit_for(op, center, unit, start, end, ignore={op.pk} | pushed)
        before, was = _order_finishes(), placement_text(op)
        fields = ["planned_work_center", "planned_unit", "planned_start", "planned_end", "locked"]
        if center.pk not in (op.work_center_id, op.alternative_work_center_id):
            _pin(op, center)  # a center of the routing the operation was taken off: the lock needs it allowed
            fields += ["work_center", "alternative_work_center"]
        op.planned_work_center, op.planned_unit, op.planned_start, op.planned_end = center, unit, start, end
        op.locked = True
        op.save(update_fields=fields)
        _place_again(unplace)
        summary = Text(gettext_noop("Operation %(op)s of %(wo)s moved: %(was)s → %(now)s; locked there."),
                       op=op.sequence, wo=op.work_order.number, was=was, now=placement_text(op))
        op.work_order.events.record(action="operation_moved", actor=actor,
                                    from_status=op.work_order.status, to_status=op.work_order.status, note=summary)
        return _reschedule(summary=summary, before=before, now=now, check=_sequence_pairs(op, followers))


def change_work_center(*, actor, operation, work_center, expected_version, now=None) -> Adjustment:
    """Put `operation` on `work_center` (its routing's center or alternative) and let the reschedule place it."""
    require(actor, "orders.plan_order")
    now = now or timezone.now()
    with transaction.atomic():
        op = _operation_to_change(operation, expected_version)
        center = _target_center(op, work_center)
        if op.locked:
            raise ValidationError(_("Operation %(op)s is locked at its place: unlock it first, or move it to a time "
                                    "on %(center)s.") % {"op": op.sequence, "center": center.code})
        was = op.work_center.code + (f" / {op.alternative_work_center.code}" if op.alternative_work_center else "")
        if not _pin(op, center):
            raise ValidationError(_("Operation %(op)s already runs on %(center)s only.")
                                  % {"op": op.sequence, "center": center.code})
        before = _order_finishes()
        followers = _followers(op)
        op.planned_work_center = op.planned_unit = op.planned_start = op.planned_end = None
        op.save(update_fields=["work_center", "alternative_work_center", "planned_work_center", "planned_unit",
                               "planned_start", "planned_end"])
        # Released work keeps its place in a reschedule; the operation and its released followers are placed anew.
        _place_again([other for other in followers if other.status == WO.RELEASED and not _is_fixed(other)])
        summary = Text(gettext_noop("Operation %(op)s of %(wo)s: work center %(was)s → %(now)s."),
                       op=op.sequence, wo=op.work_order.number, was=was, now=center.code)
        op.work_order.events.record(action="work_center_changed", actor=actor,
                                    from_status=op.work_order.status, to_status=op.work_order.status, note=summary)
        return _reschedule(summary=summary, before=before, now=now, check=_sequence_pairs(op, followers))


def set_operation_lock(*, actor, operation, locked: bool, expected_version, now=None) -> Adjustment:
    """Lock `operation` at its current place (later plans keep it there), or unlock it."""
    require(actor, "orders.plan_order")
    now = now or timezone.now()
    with transaction.atomic():
        op = _operation_to_change(operation, expected_version)
        if op.locked == bool(locked):
            raise ValidationError(_("Operation %(op)s is already locked.") % {"op": op.sequence} if locked else
                                  _("Operation %(op)s is not locked.") % {"op": op.sequence})
        if locked and op.planned_start is None:
            raise ValidationError(_("Operation %(op)s has no place yet: plan the order first.") % {"op": op.sequence})
        before = _order_finishes()
        op.locked = bool(locked)
        op.save(update_fields=["locked"])
        names = {"op": op.sequence, "wo": op.work_order.number, "place": placement_text(op)}
        summary = (Text(gettext_noop("Operation %(op)s of %(wo)s locked at %(place)s."), **names) if locked
                   else Text(gettext_noop("Operation %(op)s of %(wo)s unlocked (was at %(place)s); the plan may "
                                          "move it."), **names))
        op.work_order.events.record(action="operation_locked" if locked else "operation_unlocked",
                                    actor=actor, from_status=op.work_order.status, to_status=op.work_order.status,
                                    note=summary)
        return _reschedule(summary=summary, before=before, now=now)
