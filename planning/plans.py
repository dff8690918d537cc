"""Planning an approved order into work orders, scheduling all open work, and releasing the plan.

plan_order(actor, order) — for an approved order:
- per order line, the item sold as the line's product (Item.product) is made in one work order with
  the operations of its active routing (times copied from the routing, so a later routing change does
  not move planned work).
- batches: when the item's active routing has a maximum batch size, the quantity is split into work
  orders of at most that size, full batches first (250 at most 100 → 100, 100, 50). Each batch is its
  own work order with its own operations; its batch number is its work order number (one code to trace
  a batch on the floor, on labels and in the records). Without a maximum, one work order per line.
- every made-in-house component of the item's BOM gets sub-assembly work orders per batch (parent =
  the batch that consumes it, quantity = that batch's requirement), which must finish before the
  parent's first operation starts. A sub-assembly whose own routing has a maximum batch size is split
  the same way (each piece for the same parent batch).
- earliest start of the order's work orders = the later of now and (the order's approval time plus the
  longest purchase lead time, in calendar days, of the bought components in the explosion): bought
  material is assumed to be ordered on approval and nothing is assumed in stock yet.
- re-planning cancels the order's work orders that are still planned (they are kept, cancelled, with
  an event) and makes new ones, in the same transaction; lines that already have released or started
  work are left alone. The order row is locked first, so a double click plans once after the other.
- then the new work orders are inserted into the stored plan (insert_new_work, planning.scheduling.insertion):
  a normal order into free time, moving nobody; a rush order into free time while it still makes its
  date, else as early as released, started and locked work allows, pushing only the planned operations in
  its way later. The due-date promise places them the same way. Before anything was ever scheduled, and
  on the planner's explicit "Replan everything" (planning/replan.py), ALL open work orders are scheduled
  with planning.scheduling.engine (schedule_open_work: released and started operations, and locked ones,
  keep their places; planned ones are placed anew, rush first, earliest due first; a work center that is
  down is closed until its "down until" time). A work
  order's due instant is the end of the order's promised date (else the line's, else the order's
  requested date) in the factory's time zone.
Nothing is written when the order is not approved, the actor may not plan, a product has no item, an
item has no active routing, a routing uses an inactive work center or the schedule cannot be made.

release_plan(actor, order): the order's planned work orders and their operations are released, then
the order moves approved → planned through orders.services.transition_order (which writes the event).
Where plans need approval (settings.PLAN_APPROVAL_REQUIRED), the production department head's approval
releases instead (planning.plan_approval), and an order whose plan awaits approval is not planned again.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from accounts.permissions import require
from config.transitions import take_in_update
from numbering import series
from numbering.services import next_number
from orders.models import Order, OrderStatus, Priority
from orders.services import transition_order

from . import work_order_drafts
from .models import (
    OPEN_WORK_ORDER_STATUSES,
    PlanSubmission,
    PlanSubmissionStatus,
    WorkCenter,
    WorkOrder,
    WorkOrderOperation,
    WorkOrderStatus,
)
from .scheduling.calendar import Closure
from .scheduling.engine import schedule
from .scheduling.insertion import right_shift
from .scheduling.model import Job, Operation, OperationStatus, Placement, Problem, SchedulingInputError
from .scheduling.model import WorkCenter as SchedulingWorkCenter
from .selectors import scheduling_crews, working_calendar

WO = WorkOrderStatus
SCHEDULER_STATUS = {WO.PLANNED: OperationStatus.PLANNED, WO.RELEASED: OperationStatus.RELEASED,
                    WO.IN_PROGRESS: OperationStatus.STARTED}


@dataclass
class LateOrder:
    order: Order
    due: datetime
    finish: datetime
    late_minutes: int


@dataclass
class PlanResult:
    order: Order
    work_orders: list
    finish: datetime | None
    late_orders: list[LateOrder] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def late_minutes(self):
        return next((late.late_minutes for late in self.late_orders if late.order.pk == self.order.pk), 0)


def due_instant(order, line=None):
    """The end of the promised date (else the line's, else the order's requested date), factory time."""
    day = order.promised_date or (line.requested_date if line is not None else None) or order.requested_date
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _create(draft, *, order, actor, earliest_start):
    work_order, operations = work_order_drafts.build_work_order(
        draft, order=order, number=next_number(series.WORK_ORDER), earliest_start=earliest_start, actor=actor)
    work_order.save(force_insert=True)
    WorkOrderOperation.objects.bulk_create(operations)  # their work_order_id is taken from the saved row
    work_order.events.record(action="planned", actor=actor, to_status=WO.PLANNED)
    return work_order


def _root_line(work_order, by_pk):
    while work_order.parent_id is not None and work_order.parent_id in by_pk:
        work_order = by_pk[work_order.parent_id]
    return work_order.order_line_id


def replaced_work_orders(order, keep_lines):
    """The order's planned work orders that planning it again replaces: all but the sub-assemblies of
    lines whose work is under way (`keep_lines`)."""
    by_pk = {wo.pk: wo for wo in WorkOrder.objects.filter(order=order).order_by("pk")}
    return [wo for wo in by_pk.values() if wo.status == WO.PLANNED and _root_line(wo, by_pk) not in keep_lines]


def lines_to_plan(order):
    """The order's lines that (re-)planning makes work orders for, and the ids of the lines whose work is
    already released or started (left alone)."""
    under_way = set(WorkOrder.objects.filter(order=order, order_line__isnull=False)
                    .exclude(status__in=[WO.PLANNED, WO.CANCELLED]).values_list("order_line_id", flat=True))
    lines = [line for line in order.lines.select_related("product").order_by("line_no") if line.pk not in under_way]
    return lines, under_way


def _cancel_planned(order, actor, keep_lines):
    """The order's planned work orders are replaced: cancelled (kept for the record), never deleted.
    Sub-assemblies of lines whose work is under way (`keep_lines`) stay."""
    for work_order in replaced_work_orders(order, keep_lines):
        work_order.cancel()
        work_order.save()
        take_in_update(work_order.operations.all(), "cancel")
        work_order.events.record(action="replanned", actor=actor, from_status=WO.PLANNED,
                                 to_status=WO.CANCELLED)


def plan_order(*, actor, order, now=None) -> PlanResult:
    """Make the order's work orders and schedule all open work (see the module docstring)."""
    require(actor, "orders.plan_order")
    now = now or timezone.now()
    with transaction.atomic():
        # Work centers first, then the order: the lock order of every change of the schedule (adjustments,
        # order cancellation, exception reports), so two of them queue instead of deadlocking.
        lock_scheduling()
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.APPROVED:
            raise ValidationError(_("Order %(number)s is %(status)s; only approved orders are planned.")
                                  % {"number": order.number, "status": order.get_status_display()})
        if PlanSubmission.objects.filter(order=order, status=PlanSubmissionStatus.SUBMITTED).exists():
            raise ValidationError(_("The plan of order %(number)s awaits the department head's approval: withdraw "
                                    "it before planning again.") % {"number": order.number})
        lines, under_way = lines_to_plan(order)
        drafts, lead_days, errors = work_order_drafts._drafts(order, lines)
        if errors:
            raise ValidationError(list(dict.fromkeys(errors)))
        _cancel_planned(order, actor, under_way)
        earliest = work_order_drafts.earliest_start(order, lead_days, now)
        created = [_create(draft, order=order, actor=actor, earliest_start=earliest) for draft in drafts]
        plan = insert_new_work(work_orders=created, rush=order.is_rush, now=now)
        for work_order in created:
            work_order.refresh_from_db(fields=["planned_start", "planned_end"])
        finishes = [wo.planned_end for wo in created if wo.planned_end]
        return PlanResult(order=order, work_orders=created, finish=max(finishes, default=None),
                          late_orders=plan.late_orders, conflicts=plan.conflicts)


# --- scheduling --------------------------------------------------------------------------------

@dataclass
class ScheduledWork:
    late_orders: list[LateOrder]
    conflicts: list[str]


def _fixed_placement(op):
    if op.planned_work_center is None or op.planned_start is None or op.planned_end is None:
        return None
    return Placement(op.planned_work_center.code, op.planned_unit or 0, op.planned_start, op.planned_end)


@lru_cache(maxsize=4096)
def _exact_number(number: Decimal):
    numerator, denominator = number.as_integer_ratio()
    return numerator if denominator == 1 else Fraction(numerator, denominator)


def _plain(number):
    """A Decimal as the exact number the scheduler computes with: a whole one (30.000) as an int, which
    is much faster than the fractions the scheduler makes of Decimals, others (0.75) as a Fraction made
    once per value. The results are the same."""
    return _exact_number(number) if isinstance(number, Decimal) else number


def _jobs(work_orders, ops_by_wo):
    open_children = defaultdict(list)
    for work_order in work_orders:
        if work_order.parent_id and ops_by_wo.get(work_order.pk):
            open_children[work_order.parent_id].append(work_order)
    jobs = []
    for work_order in work_orders:
        ops = ops_by_wo.get(work_order.pk)
        if not ops:
            continue
        order = work_order.order
        operations, previous = [], None
        for op in ops:
            if previous is None:
                children = open_children[work_order.pk]
                after = tuple((child.number, ops_by_wo[child.pk][-1].sequence) for child in children)
                wait = max([ops_by_wo[child.pk][-1].min_wait_minutes for child in children], default=0)
            else:
                after, wait = (previous.sequence,), previous.min_wait_minutes
            alternative = op.alternative_work_center
            operations.append(Operation(
                id=op.sequence, center=op.work_center.code, run_per_unit=_plain(op.run_minutes_per_unit),
                setup=_plain(op.setup_minutes), min_wait=_plain(wait), after=after,
                alternative=alternative.code if alternative is not None and alternative.is_active else None,
                status=SCHEDULER_STATUS[op.status], locked=op.locked, fixed=_fixed_placement(op),
                skill=op.skill.code if op.people_required else None, people=op.people_required))
            previous = op
        # Sub-assemblies carry the order's due date: they are needed before it.
        jobs.append(Job(id=work_order.number, operations=tuple(operations), quantity=_plain(work_order.quantity),
                        due=due_instant(order, work_order.order_line), release=work_order.earliest_start,
                        rush=order.is_rush))
    return jobs


def _scheduling_center(center, now, calendars=None):
    """The work center for the scheduler; a center that is down (a breakdown) is closed until it is back.
    `calendars` holds the calendars built so far by id: centers sharing a calendar share one (read once,
    and the scheduler compiles its timeline once)."""
    calendars = {} if calendars is None else calendars
    if center.calendar_id not in calendars:
        calendars[center.calendar_id] = working_calendar(center.calendar)
    scheduling = SchedulingWorkCenter(code=center.code, units=center.parallel_units,
                                      efficiency=_plain(center.efficiency_percent),
                                      calendar=calendars[center.calendar_id], name=center.name)
    if center.down_until is None or center.down_until <= now:
        return scheduling
    calendar = scheduling.calendar
    down = Closure(start=now, end=center.down_until, reason=_("Work center down"))
    return replace(scheduling, calendar=replace(calendar, closures=(*calendar.closures, down)))


@dataclass(frozen=True, slots=True)
class Booking:
    """A stored placement (center code, unit, start, end); `fixed`: released, started or locked (a rush
    order does not move it)."""

    place: tuple
    fixed: bool
    crew: tuple | None = None  # (skill, people, center, unit, start, end) when it needs people


@dataclass
class OpenWork:
    """The open work orders (oldest first) and their open operations (in sequence), and all work
    centers: what schedule_open_work schedules, and what the due-date promise adds its work orders to."""

    centers: list
    work_orders: list
    ops: list

    @property
    def ops_by_wo(self):
        ops_by_wo = defaultdict(list)
        for op in self.ops:
            ops_by_wo[op.work_order_id].append(op)
        return ops_by_wo

    def scheduling_centers(self, now):
        """The scheduler's work centers that the operations may use."""
        used = {op.work_center_id for op in self.ops} | {op.alternative_work_center_id for op in self.ops} | {
            op.planned_work_center_id for op in self.ops}
        calendars = {}
        return tuple(_scheduling_center(center, now, calendars) for center in self.centers if center.pk in used)

    def jobs(self):
        return _jobs(self.work_orders, self.ops_by_wo)

    def bookings(self, *, exclude=()) -> list[Booking] | None:
        """The stored placement of every open operation (but those of the work orders numbered in
        `exclude`), or None when one has none: the current plan that new work is inserted into."""
        number_of = {wo.pk: wo.number for wo in self.work_orders}
        bookings = []
        for op in self.ops:
            if number_of.get(op.work_order_id) in exclude:
                continue
            if op.planned_start is None or op.planned_end is None or op.planned_work_center is None:
                return None
            place = (op.planned_work_center.code, op.planned_unit or 0, op.planned_start, op.planned_end)
            bookings.append(Booking(place, fixed=op.locked or op.status != WO.PLANNED,
                                    crew=(op.skill.code, op.people_required, *place) if op.people_required else None))
        return bookings

    def problem(self, now, centers=None, jobs=None, crews=None):
        """The scheduling problem; `centers` (from scheduling_centers) and `jobs` when the caller reuses them."""
        return Problem(centers=self.scheduling_centers(now) if centers is None else centers,
                       jobs=tuple(self.jobs() if jobs is None else jobs), start=now, timezone=settings.TIME_ZONE,
                       crews=self.crews() if crews is None else crews)

    def crews(self):
        """The crews, read only when some operation needs people (planning.scheduling.people)."""
        return scheduling_crews() if any(op.people_required for op in self.ops) else ()


def lock_scheduling():
    """Lock every work center (in pk order), as open_work(lock=True) does: the lock each change of the
    schedule takes before it writes any work order or operation, so two changes queue instead of
    deadlocking on each other's rows (plan_order, the adjustments, the order-cancel hook)."""
    list(WorkCenter.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def open_work(*, lock=False) -> OpenWork:
    """The open work in three queries. `lock`: the work centers are locked (select_for_update) so two
    planners never schedule at the same time."""
    centers = WorkCenter.objects.select_related("calendar").order_by("pk")
    centers = list(centers.select_for_update() if lock else centers)  # locked before the work is read
    work_orders = list(WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES)
                       .select_related("order", "order_line").order_by("pk"))
    ops = (WorkOrderOperation.objects.filter(work_order__in=[wo.pk for wo in work_orders],
                                             status__in=OPEN_WORK_ORDER_STATUSES)
           .select_related("work_center", "alternative_work_center", "planned_work_center", "skill")
           .order_by("work_order_id", "sequence"))
    return OpenWork(centers=centers, work_orders=work_orders, ops=list(ops))


def current_problem(now, *, lock=False) -> tuple[OpenWork, Problem]:
    """The live open work and the scheduling problem it makes from `now` (a whole minute, see
    scheduling_start): what schedule_open_work schedules and the optimiser (planning.optimisation)
    optimises, built the same way for both. `lock` as for open_work."""
    work = open_work(lock=lock)
    return work, work.problem(now)


@dataclass(slots=True)
class _OrderRow:
    pk: int
    promised_date: object
    requested_date: object
    is_rush: bool


@dataclass(slots=True)
class _LineRow:
    requested_date: object


@dataclass(slots=True)
class _WorkOrderRow:
    pk: int
    number: str
    parent_id: int | None
    order_id: int
    order: _OrderRow
    order_line: _LineRow | None
    quantity: Decimal
    earliest_start: datetime | None


@dataclass(slots=True, frozen=True)
class _SkillRow:
    code: str


@dataclass(slots=True)
class _OperationRow:
    work_order_id: int
    sequence: int
    work_center_id: int
    work_center: WorkCenter
    alternative_work_center_id: int | None
    alternative_work_center: WorkCenter | None
    planned_work_center_id: int | None
    planned_work_center: WorkCenter | None
    setup_minutes: Decimal
    run_minutes_per_unit: Decimal
    min_wait_minutes: Decimal
    status: str
    locked: bool
    planned_unit: int | None
    planned_start: datetime | None
    planned_end: datetime | None
    skill: _SkillRow | None
    people_required: int


def open_work_rows() -> OpenWork:
    """The open work as open_work reads it, but as plain rows with the fields the scheduling problem is
    made of (no model instances: a few times faster at factory scale), for questions that write nothing
    (the due-date promise). Three queries, no locks."""
    centers = list(WorkCenter.objects.select_related("calendar").order_by("pk"))
    center = {c.pk: c for c in centers}.get
    orders = {}
    work_orders = []
    for (pk, number, parent_id, order_id, line_id, quantity, earliest_start, promised, requested, priority,
         line_date) in (WorkOrder.objects.filter(status__in=OPEN_WORK_ORDER_STATUSES).order_by("pk").values_list(
            "pk", "number", "parent_id", "order_id", "order_line_id", "quantity", "earliest_start",
            "order__promised_date", "order__requested_date", "order__priority", "order_line__requested_date")):
        if order_id not in orders:
            orders[order_id] = _OrderRow(order_id, promised, requested, priority == Priority.RUSH)
        work_orders.append(_WorkOrderRow(pk, number, parent_id, order_id, orders[order_id],
                                         _LineRow(line_date) if line_id else None, quantity, earliest_start))
    ops = [_OperationRow(wo_id, sequence, center_id, center(center_id), alternative_id, center(alternative_id),
                         planned_id, center(planned_id), setup, run, wait, status, locked, unit, start, end,
                         _SkillRow(skill) if skill else None, people)
           for (wo_id, sequence, center_id, alternative_id, planned_id, setup, run, wait, status, locked, unit, start,
                end, skill, people) in WorkOrderOperation.objects.filter(
               work_order__status__in=OPEN_WORK_ORDER_STATUSES, status__in=OPEN_WORK_ORDER_STATUSES)
           .order_by("work_order_id", "sequence").values_list(
               "work_order_id", "sequence", "work_center_id", "alternative_work_center_id", "planned_work_center_id",
               "setup_minutes", "run_minutes_per_unit", "min_wait_minutes", "status", "locked", "planned_unit",
               "planned_start", "planned_end", "skill__code", "people_required")]
    return OpenWork(centers=centers, work_orders=work_orders, ops=ops)


def scheduling_start(now=None):
    """Where a schedule starts: the whole minute of `now`. The scheduler counts whole minutes from it, so
    fixed (locked, started, released) places are read and written back exactly, instead of drifting by
    the seconds of `now` at every run."""
    return (now or timezone.now()).replace(second=0, microsecond=0)


def _write_rows(model, rows, fields):
    """Store `fields` of `rows` (only the rows whose place changed). On PostgreSQL one UPDATE … FROM
    (VALUES …) per 1,000 rows: Django's bulk_update builds a CASE per field and row, which took seconds
    for a factory's 2,000 operations; elsewhere bulk_update."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, fields, batch_size=500)
        return

    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    table, qn = meta.db_table, connection.ops.quote_name
    assignments = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in columns)
    # Typed casts, so that NULLs and timestamps in VALUES keep their column types.
    casts = ", ".join([f"v.id::{meta.pk.db_type(connection)}"]
                      + [f"v.{qn(c.column)}::{c.db_type(connection)}" for c in columns])
    names = ", ".join(["id"] + [qn(c.column) for c in columns])
    sql = (f"UPDATE {qn(table)} AS t SET {assignments} FROM (SELECT {casts} FROM (VALUES %s) AS v({names})) AS v "
           f"WHERE t.{qn(meta.pk.column)} = v.id")
    values = [(row.pk, *(getattr(row, c.attname) for c in columns)) for row in rows]
    with connection.cursor() as cursor:
        execute_values(cursor.cursor if hasattr(cursor, "cursor") else cursor, sql, values, page_size=1000)


def schedule_open_work(*, now=None, improve_due=False) -> ScheduledWork:
    """Schedule every open work order operation and store the placements. Must run inside the caller's
    transaction. Work centers are locked first so two planners never schedule at the same time.
    `improve_due`: the dispatch is followed by the due-date improvement (scheduling.tardiness), as the
    planner's "Replan everything" does."""
    now = scheduling_start(now)
    work, problem = current_problem(now, lock=True)
    if not work.ops:
        return ScheduledWork(late_orders=[], conflicts=[])
    try:
        result = schedule(problem, keep_released=True, improve_due=improve_due)
    except SchedulingInputError as exc:
        raise ValidationError(_("The plan cannot be scheduled: %(reason)s") % {"reason": str(exc)}) from None
    return store_schedule(work, result)


def insert_new_work(*, work_orders, rush, now=None) -> ScheduledWork:
    """Put `work_orders` (just made) into the stored plan without re-dispatching the rest
    (planning.scheduling.insertion): a normal order into the free time, moving nobody; a rush order as
    early as the released, started and locked work allows, pushing later only the planned operations in
    its way. The due-date promise places them the same way. When some open operation has no place yet
    (nothing was ever scheduled), every open operation is scheduled instead (schedule_open_work)."""
    now = scheduling_start(now)
    work, problem = current_problem(now, lock=True)
    new_numbers = {wo.number for wo in work_orders}
    number_of = {wo.pk: wo.number for wo in work.work_orders}
    if any(op.planned_start is None for op in work.ops if number_of[op.work_order_id] not in new_numbers):
        return schedule_open_work(now=now)
    try:
        shift = right_shift(problem, None, new_numbers, push=rush)
    except SchedulingInputError as exc:
        raise ValidationError(_("The plan cannot be scheduled: %(reason)s") % {"reason": str(exc)}) from None
    return store_schedule(work, shift.proposed)


def store_schedule(work, result) -> ScheduledWork:
    """Write the placements of `result` (a Schedule of all of `work`) where they changed, and the late orders."""
    centers, work_orders, ops, ops_by_wo = work.centers, work.work_orders, work.ops, work.ops_by_wo
    center_by_code = {center.code: center for center in centers}
    by_number = {wo.number: wo for wo in work_orders}
    number_of = {wo.pk: wo.number for wo in work_orders}
    changed_ops = []
    for op in ops:
        placed = result.placement(number_of[op.work_order_id], op.sequence)
        center = center_by_code[placed.center]
        if (op.planned_work_center_id, op.planned_unit, op.planned_start, op.planned_end) != (
                center.pk, placed.unit, placed.start, placed.end):
            changed_ops.append(op)
        op.planned_work_center = center
        op.planned_unit, op.planned_start, op.planned_end = placed.unit, placed.start, placed.end
    _write_rows(WorkOrderOperation, changed_ops, ["planned_work_center", "planned_unit", "planned_start",
                                                   "planned_end"])
    changed_work_orders = []
    for work_order in work_orders:
        mine = ops_by_wo.get(work_order.pk)
        if not mine:
            continue
        start, end = min(op.planned_start for op in mine), max(op.planned_end for op in mine)
        if (work_order.planned_start, work_order.planned_end) != (start, end):
            work_order.planned_start, work_order.planned_end = start, end
            changed_work_orders.append(work_order)
    _write_rows(WorkOrder, changed_work_orders, ["planned_start", "planned_end"])
    late = {}
    for late_job in result.late_jobs:
        order = by_number[late_job.job_id].order
        if order.pk not in late or late[order.pk].late_minutes < late_job.late_minutes:
            late[order.pk] = LateOrder(order=order, due=late_job.due, finish=late_job.finish,
                                       late_minutes=late_job.late_minutes)
    late_orders = sorted(late.values(), key=lambda item: (not item.order.is_rush, -item.late_minutes))
    return ScheduledWork(late_orders=late_orders, conflicts=list(result.conflicts))


# --- release -----------------------------------------------------------------------------------

def release_plan(*, actor, order) -> Order:
    """Release the order's planned work orders (and their operations) and move the order to planned. Where
    plans need approval (settings.PLAN_APPROVAL_REQUIRED) the planner submits instead, and the production
    department head's approval releases (planning.plan_approval)."""
    require(actor, "orders.plan_order")
    if settings.PLAN_APPROVAL_REQUIRED:
        raise ValidationError(_("Plans are released when the production department head approves them: submit "
                                "the plan of order %(number)s for approval.") % {"number": order.number})
    with transaction.atomic():
        lock_scheduling()  # released operations stay put in later reschedules: no reschedule may run meanwhile
        order = Order.objects.select_for_update().get(pk=order.pk)
        return release_locked_plan(actor=actor, order=order)


def release_locked_plan(*, actor, order) -> Order:
    """The release itself, for a caller holding the scheduling lock and the order's row lock (release_plan,
    and the head's approval)."""
    if order.status != OrderStatus.APPROVED:
        raise ValidationError(_("Order %(number)s is %(status)s; only an order's approved plan is released.")
                              % {"number": order.number, "status": order.get_status_display()})
    work_orders = list(WorkOrder.objects.filter(order=order, status=WO.PLANNED).order_by("pk"))
    if not work_orders:
        raise ValidationError(_("Order %(number)s has no planned work orders: plan it first.")
                              % {"number": order.number})
    for work_order in work_orders:
        work_order.release()
        work_order.save()
        work_order.events.record(action="release", actor=actor, from_status=WO.PLANNED,
                                 to_status=WO.RELEASED)
    take_in_update(WorkOrderOperation.objects.filter(work_order__in=work_orders), "release")
    return transition_order(actor=actor, order=order, action="release_plan", expected_status=OrderStatus.APPROVED)
