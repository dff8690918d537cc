"""The "Optimise" button: CP-SAT (planning.scheduling.optimizer) over all open work as a Celery task, its
proposal shown beside the current plan, and applied only when the planner accepts it.

Lifecycle of an OptimisationRun: queued → running → done → applied | discarded; failed on any error.

- request_optimisation (planners, orders.plan_order): a time limit of 5 to 300 seconds; one run at a
  time (refused while another is queued or running). The run stores the basis — a SHA-256 fingerprint of
  the open work (see open_work_basis) — and its task is queued when the transaction commits.
- run_optimisation (the task's work): claims the run with a conditional UPDATE queued → running, so a
  duplicate delivery does nothing. It reads the open work under the scheduling lock, exactly as
  plans.schedule_open_work does (plans.current_problem; started, released and locked operations keep
  their places: keep_released=True), replaces the basis with the fingerprint of what it read (so the
  basis always describes the data the proposal was computed on), measures the current plan (the stored
  placements), and runs the optimiser with the run's time limit. The optimiser starts from the built-in
  scheduler's schedule of the same data (its hint) — the schedule schedule_open_work stores, so the
  search starts from the current plan. progress_percent (elapsed / limit) is written by a small thread
  every PROGRESS_EVERY seconds and at once when the solver reports a better solution; done sets 100 and
  stores the proposal. An error marks the run failed with its message; a run left running past its time
  limit plus STUCK_AFTER (a worker that died), or queued past QUEUED_GIVE_UP, is marked failed by the
  periodic sweep (tasks.sweep_optimisation_runs) and by the next request.
- apply_optimisation: under the scheduling lock; refuses a run that is not done, a proposal older than
  PROPOSAL_VALID_FOR (its times would be in the past), a basis that no longer matches the live open work,
  a proposal that planning.scheduling.validation.validate_schedule finds invalid, and one that is not
  better than the current plan (a worse schedule is never applied). Then it writes the operations'
  placements and the work orders' planned start and end, one WorkOrderEvent "optimised" per work order
  whose planned start or end moved (who, when, from → to), and marks the run applied.
- discard_optimisation: a done run is discarded. Both record decided_by/decided_at.

Without a broker (the embedded default, tasks eager) the run is computed inside the request that asks for
it, so that request takes up to the time limit; with a worker it returns at once and the page polls.

What "better" means (the weighting): rush first, lexicographically — (rush tardiness, total tardiness,
makespan), compared in that order. A minute of rush tardiness outweighs any amount of normal tardiness;
this is the optimiser's own objective ("tardiness": rush minutes weigh more than all normal minutes
together) and CompiledProblem.objective's order. Tardiness is per work order (the scheduler's jobs;
sub-assemblies carry their order's due date), in calendar minutes after the due instant (the end of the
promised date, else the requested date, factory time). Makespan is the minutes from the run's start to
the last planned end. The run's *_tardiness_minutes fields hold the total (rush + normal); the proposal
keeps rush and normal separately, the number of late orders, and every order's finish before and after.
"""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import django_fsm as fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from config.celery_app import delay_on_commit
from config.transitions import take, take_in_update
from systemtext.text import Text, stored_fields

from .models import (
    CalendarException,
    CalendarShift,
    OptimisationRun,
    OptimisationStatus,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderOperation,
)
from .plan_selectors import duration_text
from .plans import current_problem, due_instant, open_work, scheduling_start
from .scheduling.calendar import to_minute
from .scheduling.compiled import CompiledProblem, natural_key
from .scheduling.model import SchedulingInputError
from .scheduling.validation import validate_schedule

logger = logging.getLogger(__name__)

RS = OptimisationStatus
PERMISSION = "orders.plan_order"
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 5, 300
DEFAULT_TIME_LIMIT = 30
IN_FLIGHT = (RS.QUEUED, RS.RUNNING)
SOLVER_WORKERS = 2  # CP-SAT threads: the worker machines have two cores
PROGRESS_EVERY = 0.5  # seconds between progress writes (a better solution writes at once)
STUCK_AFTER = timedelta(minutes=5)  # beyond the time limit: building and storing take a while on big plans
LOST_TASK_AFTER = timedelta(minutes=1)  # queued this long: the task was probably lost, send it again
QUEUED_GIVE_UP = timedelta(minutes=30)  # queued this long: no worker takes it
PROPOSAL_VALID_FOR = timedelta(hours=1)
ERROR_MAX_CHARS = 4000


# --- the basis: a fingerprint of the open work -----------------------------------------------------

def _stamp(moment):
    return None if moment is None else moment.isoformat()


def _number(value):
    return None if value is None else format(value.normalize(), "f")


def open_work_basis(work) -> str:
    """SHA-256 of everything the schedule of `work` (plans.OpenWork) depends on: the open work orders
    (status, quantity, earliest start, parent, due instant, rush), their open operations (ids, status,
    lock, quantity, times, work centers, placements), and the work centers (units, efficiency, active,
    down time) with their calendars' shifts and exceptions. Two queries besides `work`'s own."""
    centers = work.centers
    calendar_ids = sorted({center.calendar_id for center in centers if center.calendar_id})
    shifts = list(CalendarShift.objects.filter(calendar_id__in=calendar_ids)
                  .order_by("calendar_id", "weekday", "start", "end", "pk")
                  .values_list("calendar_id", "weekday", "start", "end"))
    exceptions = list(CalendarException.objects.filter(calendar_id__in=calendar_ids)
                      .order_by("calendar_id", "date", "kind", "start", "pk")
                      .values_list("calendar_id", "date", "kind", "start", "end"))
    calendars = {center.calendar_id: center.calendar.time_zone for center in centers if center.calendar_id}
    parts = (
        settings.TIME_ZONE,
        sorted(calendars.items()),
        [(c.pk, c.code, c.parallel_units, _number(c.efficiency_percent), c.is_active, c.calendar_id,
          _stamp(c.down_until)) for c in centers],
        [(s[0], s[1], s[2].isoformat(), s[3].isoformat()) for s in shifts],
        [(e[0], e[1].isoformat(), e[2], _stamp(e[3]), _stamp(e[4])) for e in exceptions],
        [(wo.pk, wo.number, wo.status, _number(wo.quantity), _stamp(wo.earliest_start), wo.parent_id, wo.order_id,
          wo.order_line_id, _stamp(due_instant(wo.order, wo.order_line)), wo.order.is_rush)
         for wo in work.work_orders],
        [(op.pk, op.work_order_id, op.sequence, op.status, op.locked, _number(op.quantity), _number(op.setup_minutes),
          _number(op.run_minutes_per_unit), _number(op.min_wait_minutes), op.work_center_id,
          op.alternative_work_center_id, op.planned_work_center_id, op.planned_unit, _stamp(op.planned_start),
          _stamp(op.planned_end)) for op in work.ops],
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# --- measuring schedules ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """What the comparison shows of one schedule (minutes)."""

    rush_tardiness: int
    normal_tardiness: int
    makespan: int
    late_orders: int

    @property
    def total_tardiness(self):
        return self.rush_tardiness + self.normal_tardiness

    @property
    def texts(self):
        """The minutes as "2 d 3 h 15 min", for the page."""
        return {name: duration_text(getattr(self, name))
                for name in ("rush_tardiness", "normal_tardiness", "total_tardiness", "makespan")}

    @property
    def key(self):
        """What "better" compares, smallest first: rush tardiness, then total tardiness, then makespan."""
        return (self.rush_tardiness, self.total_tardiness, self.makespan)

    def as_json(self):
        return {"rush_tardiness": self.rush_tardiness, "normal_tardiness": self.normal_tardiness,
                "makespan": self.makespan, "late_orders": self.late_orders}

    @classmethod
    def from_json(cls, data):
        return cls(**{name: int(data[name]) for name in ("rush_tardiness", "normal_tardiness", "makespan",
                                                          "late_orders")})


def _order_finishes(schedule, work):
    """{order id: (finish, lateness)} — the order's latest work order end and its largest lateness."""
    result = {}
    for wo in work.work_orders:
        if wo.number not in schedule.job_finish:
            continue
        finish, lateness = schedule.job_finish[wo.number], schedule.lateness.get(wo.number)
        known = result.get(wo.order_id)
        if known is None:
            result[wo.order_id] = (finish, lateness)
        else:
            result[wo.order_id] = (max(known[0], finish), max(known[1], lateness))
    return result


def figures(schedule, work) -> Figures:
    late_orders = sum(1 for _finish, lateness in _order_finishes(schedule, work).values() if lateness > 0)
    return Figures(rush_tardiness=schedule.rush_tardiness,
                   normal_tardiness=schedule.total_tardiness - schedule.rush_tardiness,
                   makespan=schedule.makespan, late_orders=late_orders)


def _schedule_from(compiled, placements, what):
    """A Schedule of `compiled` from {(work order number, sequence): (center code, unit, start, end)}."""
    n = compiled.size
    unit_of, start, end = [0] * n, [0] * n, [0] * n
    for i, key in enumerate(compiled.keys):
        placed = placements.get(key)
        if placed is None or None in (placed[0], placed[2], placed[3]):
            raise ValidationError(_("Operation %(op)s of work order %(wo)s has no place in %(what)s.")
                                  % {"op": key[1], "wo": key[0], "what": what})
        center, unit, begin, finish = placed
        units = compiled.center_units.get(center, [])
        if not 0 <= (unit or 0) < len(units):
            raise ValidationError(_("Operation %(op)s of work order %(wo)s is on a unit %(center)s does not have.")
                                  % {"op": key[1], "wo": key[0], "center": center})
        unit_of[i] = units[unit or 0]
        start[i], end[i] = to_minute(begin, compiled.origin), to_minute(finish, compiled.origin, ceil=True)
    return compiled.to_schedule(unit_of, start, end, method=what)


def stored_schedule(compiled, work):
    """The current plan: the open operations' stored placements, as a Schedule of `compiled`."""
    number_of = {wo.pk: wo.number for wo in work.work_orders}
    placements = {
        (number_of[op.work_order_id], op.sequence): (
            op.planned_work_center.code if op.planned_work_center else None, op.planned_unit, op.planned_start,
            op.planned_end)
        for op in work.ops}
    return _schedule_from(compiled, placements, _("the current plan"))


def proposal_schedule(compiled, proposal):
    placements = {(row["work_order"], row["sequence"]): (row["center"], row["unit"],
                                                         datetime.fromisoformat(row["start"]),
                                                         datetime.fromisoformat(row["end"]))
                  for row in proposal.get("operations", [])}
    return _schedule_from(compiled, placements, _("the proposal"))


def _compiled(problem):
    try:
        return CompiledProblem(problem, keep_released=True)
    except SchedulingInputError as exc:
        raise ValidationError(_("The plan cannot be scheduled: %(reason)s") % {"reason": str(exc)}) from None


# --- user actions ------------------------------------------------------------------------------------

def parse_time_limit(value) -> int:
    """Whole seconds from MIN_TIME_LIMIT to MAX_TIME_LIMIT, else a ValidationError saying so."""
    message = _("Enter a time limit of %(min)s to %(max)s seconds.") % {"min": MIN_TIME_LIMIT, "max": MAX_TIME_LIMIT}
    if isinstance(value, bool):
        raise ValidationError(message)
    try:
        seconds = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(message) from None
    if not MIN_TIME_LIMIT <= seconds <= MAX_TIME_LIMIT:
        raise ValidationError(message)
    return seconds


def request_optimisation(*, actor, time_limit_seconds) -> OptimisationRun:
    """Queue an optimisation of all open work (see the module docstring)."""
    require(actor, PERMISSION)
    limit = parse_time_limit(time_limit_seconds)
    fail_stuck_runs()
    from .tasks import optimise_schedule  # cycle: tasks imports this module

    with transaction.atomic():
        work = open_work(lock=True)  # the scheduling lock: a consistent basis, and one request at a time
        if OptimisationRun.objects.filter(status__in=IN_FLIGHT).exists():
            raise ValidationError(_("An optimisation is already queued or running; wait for it to finish."))
        if not work.ops:
            raise ValidationError(_("There is no open work to optimise."))
        run = OptimisationRun.objects.create(requested_by=actor, time_limit_seconds=limit,
                                             basis=open_work_basis(work))
        delay_on_commit(optimise_schedule, run.pk)
    return run


def _locked_run(run):
    locked = OptimisationRun.objects.select_for_update().filter(pk=run.pk).first()
    if locked is None:
        raise ValidationError(_("This optimisation no longer exists."))
    return locked


def _refuse_unless_done(run, message, transition):
    """`message` names the action and takes the run's %(status)s."""
    if not fsm.can_proceed(getattr(run, transition)):
        raise ValidationError(message % {"status": run.get_status_display()})


def _decide(run, actor, transition):
    take(getattr(run, transition), actor=actor, refused=_("This optimisation is %(status)s: nothing was changed.")
         % {"status": run.get_status_display()})
    run.decided_by, run.decided_at = actor, timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])


def apply_optimisation(*, actor, run) -> OptimisationRun:
    """Write the run's proposal as the plan (see the module docstring for what is refused)."""
    require(actor, PERMISSION)
    now = timezone.now()
    fresh = OptimisationRun.objects.filter(pk=run.pk).only("proposal", "status").first()
    start = fresh.proposal.get("start") if fresh is not None else None
    start = datetime.fromisoformat(start) if start else None  # a done run's proposal never changes
    with transaction.atomic():
        # The scheduling lock first (the order every schedule change takes it in), then the run's row.
        work, problem = current_problem(start or scheduling_start(now), lock=True)
        run = _locked_run(run)
        _refuse_unless_done(run, _("Only a finished optimisation can be applied; this one is %(status)s."), "apply")
        if run.finished_at is None or run.finished_at < now - PROPOSAL_VALID_FOR or start is None:
            raise ValidationError(_("This proposal is more than an hour old; its times have passed. Run the "
                                    "optimisation again."))
        if open_work_basis(work) != run.basis:
            raise ValidationError(_("The plan changed since this optimisation ran; run it again."))
        compiled = _compiled(problem)
        current = stored_schedule(compiled, work)
        proposed = proposal_schedule(compiled, run.proposal)
        problems = validate_schedule(problem, proposed, keep_released=True)
        if problems:
            logger.error("Optimisation run %s: invalid proposal: %s", run.pk, problems)
            raise ValidationError(_("The proposal does not fit the open work (%(problem)s); run the optimisation "
                                    "again.") % {"problem": problems[0]})
        if not figures(proposed, work).key < figures(current, work).key:
            raise ValidationError(_("The proposal is not better than the current plan; nothing was changed."))
        _write_placements(work, proposed, actor=actor, run=run)
        _decide(run, actor, "apply")
    return run


def _write_placements(work, schedule, *, actor, run):
    center_by_code = {center.code: center for center in work.centers}
    number_of = {wo.pk: wo.number for wo in work.work_orders}
    ops_by_wo = work.ops_by_wo
    for op in work.ops:
        placed = schedule.placement(number_of[op.work_order_id], op.sequence)
        op.planned_work_center = center_by_code[placed.center]
        op.planned_unit, op.planned_start, op.planned_end = placed.unit, placed.start, placed.end
    WorkOrderOperation.objects.bulk_update(work.ops, ["planned_work_center", "planned_unit", "planned_start",
                                                      "planned_end"], batch_size=500)
    changed, events = [], []
    for wo in work.work_orders:
        mine = ops_by_wo.get(wo.pk)
        if not mine:
            continue
        before = (wo.planned_start, wo.planned_end)
        wo.planned_start = min(op.planned_start for op in mine)
        wo.planned_end = max(op.planned_end for op in mine)
        if before == (wo.planned_start, wo.planned_end):
            continue
        changed.append(wo)
        events.append(WorkOrderEvent(
            work_order=wo, action="optimised", actor=actor, from_status=wo.status, to_status=wo.status,
            note=Text(gettext_noop("Optimisation %(run)s accepted: planned %(old_start)s – %(old_end)s → "
                                   "%(start)s – %(end)s."), run=run.pk, old_start=before[0], old_end=before[1],
                      start=wo.planned_start, end=wo.planned_end)))
    WorkOrder.objects.bulk_update(changed, ["planned_start", "planned_end"], batch_size=500)
    WorkOrderEvent.objects.bulk_create(events)


def discard_optimisation(*, actor, run) -> OptimisationRun:
    require(actor, PERMISSION)
    with transaction.atomic():
        run = _locked_run(run)
        _refuse_unless_done(run, _("Only a finished optimisation can be discarded; this one is %(status)s."),
                            "discard")
        _decide(run, actor, "discard")
    return run


# --- the task's work -----------------------------------------------------------------------------------

def claim_run(run_id):
    """queued → running in one conditional UPDATE; the run, or None when another delivery has it or it is
    no longer queued."""
    claimed = take_in_update(OptimisationRun.objects.filter(pk=run_id), "start", started_at=timezone.now(),
                             progress_percent=0)
    return OptimisationRun.objects.get(pk=run_id) if claimed else None


class _ProgressWriter(threading.Thread):
    """Writes progress_percent = elapsed / limit (at most 99 until done) every PROGRESS_EVERY seconds, and at
    once when the solver reports a better solution (its callback runs on a solver thread; it only wakes
    this one). Own database connection, closed at the end. Progress is advisory: a failed write is logged
    and the optimisation goes on."""

    def __init__(self, run_id, limit_seconds):
        super().__init__(name=f"optimisation-{run_id}-progress", daemon=True)
        self.run_id, self.limit = run_id, limit_seconds
        self.started = time.monotonic()
        self.wake, self.finished = threading.Event(), threading.Event()
        self.solutions = 0
        self.written = 0

    def on_solution(self, _objective, _elapsed):
        self.solutions += 1
        self.wake.set()

    def percent(self):
        return min(99, int((time.monotonic() - self.started) * 100 / self.limit))

    def run(self):
        try:
            while not self.finished.is_set():
                self.wake.wait(PROGRESS_EVERY)
                self.wake.clear()
                percent = self.percent()
                if percent > self.written and not self.finished.is_set():
                    OptimisationRun.objects.filter(pk=self.run_id, status=RS.RUNNING).update(
                        progress_percent=percent)
                    self.written = percent
        except DatabaseError:
            logger.warning("Optimisation run %s: progress not written", self.run_id, exc_info=True)
        finally:
            connection.close()

    def stop(self):
        self.finished.set()
        self.wake.set()
        self.join()


def _error_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, SchedulingInputError):
        return Text(gettext_noop("The plan cannot be optimised: %(reason)s"), reason=str(exc))
    return f"{type(exc).__name__}: {exc}"


def _failure(message):
    """The error columns of a failed run (a queryset update skips the field's save hook)."""
    return stored_fields("error", message if isinstance(message, Text) else message[:ERROR_MAX_CHARS])


def _fail(run_id, message):
    take_in_update(OptimisationRun.objects.filter(pk=run_id, status=RS.RUNNING), "fail",
                   finished_at=timezone.now(), **_failure(message))


def run_optimisation(run_id):
    """Claim and compute one run (the task's body). Safe to run twice: only the delivery that claims the
    run works on it. Any error marks the run failed with its message."""
    run = claim_run(run_id)
    if run is None:
        return OptimisationRun.objects.filter(pk=run_id).first()
    try:
        result = _optimise(run)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong is shown on the run's page
        logger.exception("Optimisation run %s failed", run_id)
        _fail(run_id, _error_text(exc))
    else:
        take_in_update(OptimisationRun.objects.filter(pk=run_id), "finish", progress_percent=100,
                       finished_at=timezone.now(), **result)
    return OptimisationRun.objects.get(pk=run_id)


def _optimise(run):
    """The proposal and its figures for `run`, as OptimisationRun field values."""
    now = scheduling_start()
    with transaction.atomic():  # a consistent snapshot, read under the scheduling lock, which is let go at once
        work, problem = current_problem(now, lock=True)
        basis = open_work_basis(work)
    if not work.ops:
        raise ValidationError(_("There is no open work to optimise."))
    compiled = _compiled(problem)
    current = stored_schedule(compiled, work)
    # Another connection cannot see the run while the caller's transaction is open (an eager task in a
    # test): progress is then written only at the end.
    writer = None if connection.in_atomic_block else _ProgressWriter(run.pk, run.time_limit_seconds)
    if writer:
        writer.start()
    # lazy: OR-Tools loads in ~0.3 s: the optimisation run imports it, not every web start-up.
    from .scheduling.optimizer import optimize

    try:
        result = optimize(problem, objective="tardiness", time_limit=run.time_limit_seconds, workers=SOLVER_WORKERS,
                          progress=writer.on_solution if writer else None, keep_released=True)
    finally:
        if writer:
            writer.stop()
    proposed = result.schedule
    current_figures, proposed_figures = figures(current, work), figures(proposed, work)
    proposal = {
        "start": now.isoformat(),
        "solver": {"status": result.status, "seconds": round(result.seconds, 2), "solutions": result.solutions,
                   "method": proposed.method},
        "current": current_figures.as_json(),
        "proposed": proposed_figures.as_json(),
        "orders": _order_rows(work, current, proposed),
        "operations": _operation_rows(work, current, proposed),
    }
    return {"basis": basis, "proposal": proposal,
            "current_tardiness_minutes": current_figures.total_tardiness,
            "proposed_tardiness_minutes": proposed_figures.total_tardiness,
            "current_makespan_minutes": current_figures.makespan,
            "proposed_makespan_minutes": proposed_figures.makespan}


def _order_rows(work, current, proposed):
    before, after = _order_finishes(current, work), _order_finishes(proposed, work)
    orders = {wo.order_id: wo.order for wo in work.work_orders}
    rows = []
    for order_id in sorted(before, key=lambda pk: natural_key(orders[pk].number)):
        order = orders[order_id]
        rows.append({"id": order_id, "number": order.number, "rush": order.is_rush,
                     "current_finish": before[order_id][0].isoformat(), "current_lateness": before[order_id][1],
                     "proposed_finish": after[order_id][0].isoformat(), "proposed_lateness": after[order_id][1]})
    return rows


def _operation_rows(work, current, proposed):
    number_of = {wo.pk: wo.number for wo in work.work_orders}
    rows = []
    for op in work.ops:
        key = (number_of[op.work_order_id], op.sequence)
        new, old = proposed.placement(*key), current.placement(*key)
        rows.append({"id": op.pk, "work_order": key[0], "sequence": op.sequence, "center": new.center,
                     "unit": new.unit, "start": new.start.isoformat(), "end": new.end.isoformat(),
                     "was": {"center": old.center, "unit": old.unit, "start": old.start.isoformat(),
                             "end": old.end.isoformat()}})
    return rows


# --- the sweep ---------------------------------------------------------------------------------------------

def fail_stuck_runs(now=None) -> int:
    """Mark failed the runs left running past their time limit plus STUCK_AFTER (the worker died or was
    stopped) and those queued past QUEUED_GIVE_UP; how many."""
    now = now or timezone.now()
    failed = 0
    # The status is loaded too: the run's state machine reads it when the row is built.
    running = OptimisationRun.objects.filter(status=RS.RUNNING).only("pk", "status", "started_at", "time_limit_seconds")
    for run in running:
        if run.started_at is None or run.started_at + timedelta(seconds=run.time_limit_seconds) + STUCK_AFTER < now:
            failed += take_in_update(
                OptimisationRun.objects.filter(pk=run.pk, status=RS.RUNNING, started_at=run.started_at), "fail",
                finished_at=now, **_failure(Text(gettext_noop(
                    "The optimisation did not finish within its time limit (its worker stopped); run it again."))))
    failed += take_in_update(
        OptimisationRun.objects.filter(status=RS.QUEUED, created_at__lt=now - QUEUED_GIVE_UP), "fail",
        finished_at=now, **_failure(Text(gettext_noop(
            "No worker started the optimisation within %(minutes)s minutes; run it again."),
            minutes=int(QUEUED_GIVE_UP.total_seconds() // 60))))
    return failed


def lost_run_ids(now=None):
    """Queued runs whose task seems lost (queued longer than LOST_TASK_AFTER): the sweep sends them again;
    the conditional claim makes a second delivery harmless."""
    now = now or timezone.now()
    return list(OptimisationRun.objects.filter(status=RS.QUEUED, created_at__lt=now - LOST_TASK_AFTER)
                .order_by("created_at").values_list("pk", flat=True))
