"""Capable-to-promise: the earliest date the factory can deliver an order, and which other orders move
when it is accepted, computed from the live data without writing anything.

How a promise is made (promise_for_lines for typed lines, promise_for_order for a saved order):
1. What to make is plan_order's own definition (work_order_drafts._drafts: a work order per line and per made-in-house
   sub-assembly, from the active routing and BOM) and the work orders are built in memory as plan_order
   would build them (work_order_drafts.build_work_order), numbered with the numbers they would get next. Their
   earliest start is plan_order's too (work_order_drafts.earliest_start): when inventory keeps stock data, the day
   the saved order's material is at hand (inventory.requirements.material_ready_date); otherwise, and
   for lines still being typed (no saved order to net stock and reservations for), approval (now, for an
   order not approved yet) plus the longest purchase lead time of the bought components.
2. They are inserted into the stored plan exactly as plan_order inserts them (plans.insert_new_work,
   scheduling.insertion): a normal order into the free time of the work centers' units, moving nobody; a
   rush order into free time while it still makes its date from there, else as early as the released,
   started and locked work allows, pushing the planned operations in its way later (none earlier). The
   open work is read as plain rows (plans.open_work_rows) and only a rush order's impact builds the whole
   problem, so a promise costs tens of milliseconds of CPU at factory scale (bench/planning_scale.py).
3. The delivery date is the factory-local day on which the last new work order finishes. No shipping
   buffer day is added: the work orders' due instant is the end of the promised day (plans.due_instant),
   so promising the finishing day keeps the order on time in the plan it will get; packing and shipping
   happen on that day. The promised date is the requested date when it can be met, else that day.
4. The promise says what holds it (promise_limits: the material that arrives last and its purchase order,
   the work center booked until when, a holiday) and what would make it earlier, as texts rendered in the
   reader's language.
5. The impact: a normal order moves nobody; a rush order lists the orders whose work it pushes, by how
   much, and which become late against their own due dates.
6. Before anything was ever scheduled (some open operation has no place), the old way is kept: the open
   work with the order is scheduled in full by the dispatch rule and compared with the open work without
   it, and the promised date is checked against itself (at most MAX_PASSES schedules).

Reads only (no select_for_update, no writes): the open work and master data in a fixed number of
queries whatever the number of orders (plus a few per line of the new order for its routing and BOM).
"""

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from numbering import series
from numbering.services import peek
from orders.models import Order, OrderLine, OrderStatus, Priority

from . import plans, promise_limits, work_order_drafts
from .plan_selectors import duration_text
from .scheduling.engine import schedule
from .scheduling.insertion import insert_jobs, right_shift
from .scheduling.model import Problem, SchedulingInputError
from .scheduling.whatif import compare, what_if

MAX_PASSES = 4
# Orders whose promise is still to be made; an approved order keeps the date it was promised.
NOT_YET_APPROVED = (OrderStatus.DRAFT, OrderStatus.SUBMITTED)


@dataclass(frozen=True)
class OrderMove:
    """Another order whose finish moves later when the new order is accepted."""

    order_id: int
    number: str
    customer: str
    rush: bool
    old_finish: datetime
    new_finish: datetime
    delay_minutes: int
    late_minutes_before: int  # against its own due date; 0 when on time
    late_minutes_after: int

    @property
    def becomes_late(self):
        return self.late_minutes_after > 0 and self.late_minutes_before <= 0

    @property
    def delay_text(self):
        return duration_text(self.delay_minutes)


@dataclass
class Promise:
    rush: bool
    requested_date: date | None
    reasons: list[str] = field(default_factory=list)  # why there is no date (nothing else is set then)
    earliest_start: datetime | None = None
    finish: datetime | None = None  # when the last new work order finishes
    # The factory-local day of `finish`; when the requested date cannot be met, the earliest day that holds.
    earliest_date: date | None = None
    promise_date: date | None = None  # the requested date when it can be met, else the earliest date
    work_orders: list[str] = field(default_factory=list)  # the numbers they would get
    moves: list[OrderMove] = field(default_factory=list)
    impact_checked: bool = False
    # What holds the date (a Text) and what would make it earlier (Texts): planning.promise_limits.
    limit: object = None
    earlier: list = field(default_factory=list)
    # For the rush insertion's figures: operations of other orders that move, of how many.
    moved_operations: int = 0
    operations: int = 0

    @property
    def ok(self):
        return not self.reasons and self.finish is not None

    @property
    def requested_met(self):
        return self.ok and self.requested_date is not None and self.earliest_date <= self.requested_date

    @property
    def days_after_requested(self):
        if not self.ok or self.requested_date is None:
            return 0
        return max(0, (self.earliest_date - self.requested_date).days)

    @property
    def newly_late(self):
        return [move for move in self.moves if move.becomes_late]


def finish_day(instant):
    """The factory-local day work finishing at `instant` is done on (work ending at midnight belongs to
    the day before, as the due instant of a day is its end)."""
    return (instant - timedelta(microseconds=1)).astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _preview_numbers(count):
    """The next `count` work order numbers, read without taking them (plan_order takes them)."""
    return peek(series.WORK_ORDER, count)


class _Proposal:
    """The open work with an order's would-be work orders, ready to schedule again and again (only the
    new jobs are built again for each try of the promised date)."""

    def __init__(self, *, order, lines, now, replaced=()):
        self.order, self.now = order, plans.scheduling_start(now)  # as schedule_open_work starts
        self.lines = lines
        drafts, lead_days, errors = work_order_drafts._drafts(order, lines)
        self.errors = list(dict.fromkeys(errors))
        if self.errors:  # nothing to schedule: the open work is not even read
            return
        self.work = plans.open_work_rows()
        self.earliest_start = work_order_drafts.earliest_start(order, lead_days, now)
        built = [work_order_drafts.build_work_order(draft, order=order, number=number,
                                                    earliest_start=self.earliest_start, actor=None, pk=-k)
                 for k, (draft, number) in enumerate(zip(drafts, _preview_numbers(len(drafts)), strict=True), 1)]
        self.new_numbers = [work_order.number for work_order, _ops in built]
        self.new_work = plans.OpenWork(centers=self.work.centers, work_orders=[wo for wo, _ops in built],
                                       ops=[op for _wo, ops in built for op in ops])
        gone = {work_order.number for work_order in replaced}
        self.gone = gone
        # Stored placements for every open operation: the order goes into the current plan (insertion).
        self.bookings = self.work.bookings(exclude=gone)
        # Calendars are read once for both problems: the centers either of them may use.
        everything = plans.OpenWork(centers=self.work.centers, work_orders=[], ops=self.work.ops + self.new_work.ops)
        self.centers = everything.scheduling_centers(self.now)
        self.crews = everything.crews()

    @cached_property
    def current_jobs(self):
        """The open work as jobs: only the full schedule and a rush order's impact need them (thousands of
        objects at factory scale, so the plain insertion does without)."""
        return self.work.jobs()

    @property
    def kept_jobs(self):
        return [job for job in self.current_jobs if job.id not in self.gone]

    def baseline(self):
        """The open work without the order, scheduled now as plan_order would."""
        return schedule(self.work.problem(self.now, self.centers, self.current_jobs, crews=self.crews),
                        keep_released=True)

    def schedule(self, baseline):
        """The schedule with the order (its jobs built now, from the order's current promised date) and,
        given the baseline, the impact on the other jobs."""
        problem = self.work.problem(self.now, self.centers, self.kept_jobs + self.new_work.jobs(), crews=self.crews)
        if baseline is None:
            return schedule(problem, keep_released=True), None
        return what_if(problem, baseline)

    def finish(self, proposed):
        return max(proposed.job_finish[number] for number in self.new_numbers)

    @property
    def incremental(self):
        return getattr(self, "bookings", None) is not None

    def insert(self, *, rush, impact):
        """The order put into the current plan as plans.insert_new_work will put it: (Insertion, Shift or
        None). Only a rush order moves others, so only it needs the whole problem for its impact."""
        jobs = self.new_work.jobs()
        if rush and impact:
            problem = self.work.problem(self.now, self.centers, self.kept_jobs + jobs, crews=self.crews)
            shift = right_shift(problem, None, set(self.new_numbers), push=True)
            return shift.insertion, shift
        problem = Problem(centers=self.centers, jobs=tuple(jobs), start=self.now, timezone=settings.TIME_ZONE,
                          crews=self.crews)
        fixed = [booking.place for booking in self.bookings if booking.fixed] if rush else None
        crews = [booking.crew for booking in self.bookings if booking.crew]
        fixed_crews = [booking.crew for booking in self.bookings if booking.crew and booking.fixed] if rush else ()
        return insert_jobs(problem, [booking.place for booking in self.bookings], fixed=fixed, crew_bookings=crews,
                           fixed_crew_bookings=fixed_crews), None


def _promises(*, order, lines, now, impact, priorities, replaced=(), fixed_due=False):
    """One promise per priority in `priorities` (the order tried as normal and/or as rush order), from
    one read of the open work."""
    results = [Promise(rush=priority == Priority.RUSH, requested_date=order.requested_date) for priority in priorities]
    if not lines:
        for result in results:
            result.reasons.append(_("Add a line with a product and a quantity."))
        return results
    try:
        proposal = _Proposal(order=order, lines=lines, now=now, replaced=replaced)
        errors = proposal.errors
        baseline = proposal.baseline() if impact and not errors and not proposal.incremental else None
    except SchedulingInputError as exc:
        errors, baseline = [_("The schedule cannot be made: %(reason)s") % {"reason": str(exc)}], None
    promised = order.promised_date
    for result, priority in zip(results, priorities, strict=True):
        if errors:
            result.reasons.extend(errors)
            continue
        order.priority, order.promised_date = priority, promised
        try:
            if proposal.incremental:
                _insert(result, proposal, impact=impact, fixed_due=fixed_due)
            else:
                _settle(result, proposal, baseline, fixed_due=fixed_due)
        except SchedulingInputError as exc:
            result.reasons.append(_("The schedule cannot be made: %(reason)s") % {"reason": str(exc)})
    if len(results) == 2:
        promise_limits.drop_rush_hint_unless_faster(*results)
    return results


def _insert(result, proposal, *, impact, fixed_due):
    """The order inserted into the current plan (see the module docstring): one placement, no due-date loop
    (the placement does not depend on the due date); the impact of a rush order is its right-shift."""
    order, requested = proposal.order, result.requested_date
    if not fixed_due or order.promised_date is None:
        order.promised_date = requested or finish_day(proposal.earliest_start)
    inserted, shift = proposal.insert(rush=order.is_rush, impact=impact)
    result.earliest_start, result.finish, result.work_orders = proposal.earliest_start, inserted.finish, \
        proposal.new_numbers
    result.earliest_date = finish_day(inserted.finish)
    if fixed_due:
        result.promise_date = order.promised_date
    else:
        result.promise_date = requested if requested and result.earliest_date <= requested else result.earliest_date
    explanation = promise_limits.explain(inserted.binding, order=order, lines=proposal.lines, rush=order.is_rush)
    result.limit, result.earlier = explanation.limit, explanation.earlier
    if impact:
        result.impact_checked = True
        if shift is not None:
            result.moves = moves_between(proposal.work, shift.before, shift.proposed,
                                         compare(shift.before, shift.proposed), exclude=order.pk)
            result.moved_operations, result.operations = len(shift.moved), shift.operations


def _settle(result, proposal, baseline, *, fixed_due):
    """Schedule the order into `result`: as it is (`fixed_due`), or as promised the requested date and then,
    while it would finish later, the day it would finish (see the module docstring)."""
    order, requested = proposal.order, result.requested_date
    day = requested or finish_day(proposal.earliest_start)
    for _attempt in range(1 if fixed_due else MAX_PASSES):
        if not fixed_due:
            order.promised_date = day
        proposed, changes = proposal.schedule(baseline)
        finish = proposal.finish(proposed)
        if fixed_due or finish_day(finish) <= day:
            break
        day = finish_day(finish)
    result.earliest_start, result.finish, result.work_orders = proposal.earliest_start, finish, proposal.new_numbers
    result.earliest_date = finish_day(finish)
    if fixed_due:  # an approved order: its promise stands; without one, the date it would finish by
        result.promise_date = order.promised_date or max(filter(None, [requested, result.earliest_date]))
    else:
        result.promise_date = day
        if day != requested:  # the requested date cannot be met: the earliest date is the one that holds
            result.earliest_date = day
    if baseline is not None:
        result.moves = moves_between(proposal.work, baseline, proposed, changes, exclude=order.pk)
        result.impact_checked = True


def moves_between(work, baseline, proposed, changes, *, exclude):
    """The other orders of the open `work` whose last work order finishes later in `proposed` than in
    `baseline`, with their lateness before and after (used by the promise, the rush what-if and the
    impact of an order change)."""
    by_number = {wo.number: wo for wo in work.work_orders}
    touched = {by_number[change.job_id].order_id for change in changes.delayed if change.job_id in by_number}
    touched.discard(exclude)
    if not touched:
        return []
    numbers_of = {}
    for wo in work.work_orders:
        if wo.order_id in touched:
            numbers_of.setdefault(wo.order_id, []).append(wo.number)
    orders = Order.objects.filter(pk__in=touched).select_related("customer")
    moves = []
    for order in orders:
        numbers = [n for n in numbers_of[order.pk] if n in baseline.job_finish and n in proposed.job_finish]
        old = max(baseline.job_finish[n] for n in numbers)
        new = max(proposed.job_finish[n] for n in numbers)
        delay = round((new - old).total_seconds() / 60)
        if delay <= 0:  # only a sub-assembly or an earlier work order moved; the order still finishes then
            continue
        moves.append(OrderMove(
            order_id=order.pk, number=order.number, customer=order.customer.name, rush=order.is_rush,
            old_finish=old, new_finish=new, delay_minutes=delay,
            late_minutes_before=max(0, max(baseline.lateness.get(n, 0) for n in numbers)),
            late_minutes_after=max(0, max(proposed.lateness.get(n, 0) for n in numbers))))
    moves.sort(key=lambda move: (-move.delay_minutes, move.number))
    return moves


def promise_options(lines, *, now=None, requested_date=None, impact=False) -> list[Promise]:
    """The promises for a new order of `lines` ((product, quantity) pairs) as if approved now: as normal
    and as rush order, from one read of the open work."""
    order, order_lines = _new_order(lines, requested_date)
    return _promises(order=order, lines=order_lines, now=now or timezone.now(), impact=impact,
                     priorities=[Priority.NORMAL, Priority.RUSH])


def promise_for_lines(lines, *, now=None, rush=False, requested_date=None, impact=False) -> Promise:
    """The promise for a new order of `lines` ((product, quantity) pairs), as if approved now."""
    order, order_lines = _new_order(lines, requested_date)
    [result] = _promises(order=order, lines=order_lines, now=now or timezone.now(), impact=impact,
                         priorities=[Priority.RUSH if rush else Priority.NORMAL])
    return result


def _new_order(lines, requested_date):
    order = Order(requested_date=requested_date)
    return order, [OrderLine(order=order, line_no=number, product=product, quantity=quantity)
                   for number, (product, quantity) in enumerate(lines, 1)]


def promise_for_order(order, *, now=None, impact=True) -> Promise:
    """The promise for a saved order: not approved yet, as if approved now; approved, what planning it
    now would give (its work orders that are still planned are replaced, as plan_order replaces them)."""
    now = now or timezone.now()
    order = copy.copy(order)  # its promised date is tried out in memory; the caller's object stays as it is
    if order.status in NOT_YET_APPROVED:
        lines = list(order.lines.select_related("product").order_by("line_no"))
        [result] = _promises(order=order, lines=lines, now=now, impact=impact, priorities=[order.priority])
        return result
    if order.status != OrderStatus.APPROVED:
        result = Promise(rush=order.is_rush, requested_date=order.requested_date)
        result.reasons.append(_("Order %(number)s is %(status)s: its work is planned already.")
                              % {"number": order.number, "status": order.get_status_display()})
        return result
    lines, under_way = plans.lines_to_plan(order)
    if not lines:
        result = Promise(rush=order.is_rush, requested_date=order.requested_date)
        result.reasons.append(_("The work of every line of %(number)s is under way.") % {"number": order.number})
        return result
    [result] = _promises(order=order, lines=lines, now=now, impact=impact, priorities=[order.priority],
                         replaced=plans.replaced_work_orders(order, under_way), fixed_due=True)
    return result


def promised_date_for(order):
    """The stage-hook promise provider (orders.stage_hooks): the date approve_order stores when the
    reviewer gives none; None when no date can be promised (the reasons show on the order page)."""
    return promise_for_order(order, impact=False).promise_date
