"""A problem checked and turned into integer minutes and index arrays, shared by the scheduler, its
improvement step, the optimiser and the validity checker.

Operation ``i`` may run on any unit in ``options[i]`` (the units of its work center first, then
those of its alternative), each with its own duration in working minutes on that unit's calendar.
``preds[i]`` holds ``(predecessor, min_wait)`` pairs. Fixed operations keep ``fixed[i] = (unit, start,
end)``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from .calendar import from_minute, timeline_for, to_minute
from .model import (
    Assignment,
    LateJob,
    OperationStatus,
    Placement,
    Problem,
    Schedule,
    SchedulingInputError,
)
from .people import Crews

ALWAYS_FIXED = (OperationStatus.STARTED, OperationStatus.DONE)


def _exact(value) -> int | Fraction:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Fraction(str(value))
    try:
        return Fraction(value)
    except (TypeError, ValueError):
        raise SchedulingInputError(_("“%(value)s” is not a number.") % {"value": value}) from None


def _ratio(value) -> tuple[int, int]:
    """(numerator, denominator > 0) of a number, exactly."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, 1
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    if isinstance(value, Decimal) and value.is_finite():
        return value.as_integer_ratio()
    exact = _exact(value)
    return exact.numerator, exact.denominator


def natural_key(value) -> tuple:
    """Sort "WO-9" before "WO-10": digits compare as numbers."""
    parts = [part for part in re.split(r"(\d+)", str(value)) if part]
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)


@dataclass(frozen=True)
class Unit:
    center: str
    number: int
    timeline: object


class CompiledProblem:
    def __init__(self, problem: Problem, *, previous: Schedule | None = None, keep_released: bool = False):
        self.problem = problem
        try:
            self.tz = ZoneInfo(problem.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SchedulingInputError(_("Unknown time zone “%(tz)s”.") % {"tz": problem.timezone}) from None
        if problem.start.tzinfo is None:
            raise SchedulingInputError(_("The schedule start must be timezone-aware."))
        self.origin = problem.start.astimezone(ZoneInfo("UTC"))
        self._compile_centers(problem.centers)
        self._compile_jobs(problem.jobs)
        self._compile_precedence()
        self._compile_fixed(previous, keep_released)
        self.crews = Crews(self, problem)  # people as a second resource (scheduling.people)

    # -- compiling ----------------------------------------------------------------------------
    def _compile_centers(self, centers):
        self.units: list[Unit] = []
        self.center_units: dict[str, list[int]] = {}
        self.efficiency: dict[str, Fraction] = {}
        timelines = {}
        for center in centers:
            if center.code in self.center_units:
                raise SchedulingInputError(_("Work center %(code)s appears twice.") % {"code": center.code})
            if not isinstance(center.units, int) or center.units < 1:
                raise SchedulingInputError(
                    _("Work center %(code)s needs at least one unit (machine or crew).") % {"code": center.code})
            efficiency = _exact(center.efficiency)
            if efficiency <= 0:
                raise SchedulingInputError(
                    _("Work center %(code)s needs an efficiency above 0 %%.") % {"code": center.code})
            self.efficiency[center.code] = efficiency
            key = id(center.calendar)
            if key not in timelines:  # centers sharing a calendar share its compiled timeline
                timelines[key] = timeline_for(center.calendar, self.tz, self.origin)
            self.center_units[center.code] = []
            for number in range(center.units):
                self.center_units[center.code].append(len(self.units))
                self.units.append(Unit(center.code, number, timelines[key]))
        self.calendars = {center.code: center.calendar for center in centers}

    def _compile_jobs(self, jobs):
        self.jobs = list(jobs)
        self.keys: list[tuple] = []
        self.index: dict[tuple, int] = {}
        self.job_of: list[int] = []
        self.job_ops: list[list[int]] = []
        self.options: list[list[tuple[int, int]]] = []
        self.release: list[int] = []
        self.due: list[int | None] = []
        self.rush: list[bool] = []
        seen_jobs = set()
        for j, job in enumerate(self.jobs):
            if job.id in seen_jobs:
                raise SchedulingInputError(_("Job %(job)s appears twice.") % {"job": job.id})
            seen_jobs.add(job.id)
            if not job.operations:
                raise SchedulingInputError(_("Job %(job)s has no operations.") % {"job": job.id})
            quantity = _exact(job.quantity)
            if quantity <= 0:
                raise SchedulingInputError(_("Job %(job)s needs a quantity above zero.") % {"job": job.id})
            for name, instant in (("due", job.due), ("release", job.release)):
                if instant is not None and instant.tzinfo is None:
                    raise SchedulingInputError(
                        _("The %(what)s time of job %(job)s must be timezone-aware.") % {"what": name, "job": job.id})
            release = 0 if job.release is None else max(0, to_minute(job.release, self.origin, ceil=True))
            self.due.append(None if job.due is None else to_minute(job.due, self.origin))
            self.rush.append(bool(job.rush))
            self.job_ops.append([])
            for op in job.operations:
                key = (job.id, op.id)
                if key in self.index:
                    raise SchedulingInputError(
                        _("Job %(job)s has two operations %(op)s.") % {"job": job.id, "op": op.id})
                self.index[key] = len(self.keys)
                self.job_ops[j].append(len(self.keys))
                self.keys.append(key)
                self.job_of.append(j)
                self.release.append(release)
                self.options.append(self._options(job, op, quantity))

    def _options(self, job, op, quantity):
        names = {"job": job.id, "op": op.id}
        # Exact integer arithmetic on (numerator, denominator) pairs: the same result as with fractions,
        # several times faster, and this runs for every operation of every schedule and promise.
        (sn, sd), (rn, rd), (qn, qd) = _ratio(op.setup), _ratio(op.run_per_unit), _ratio(quantity)
        if sn < 0 or rn < 0 or _ratio(op.min_wait)[0] < 0:
            raise SchedulingInputError(
                _("Operation %(op)s of job %(job)s has a negative time; times must be zero or more.") % names)
        if sn * rd * qd + rn * qn * sd <= 0:
            raise SchedulingInputError(
                _("Operation %(op)s of job %(job)s takes no time: give it a setup or run time above zero.") % names)
        options = []
        centers = [op.center] + ([op.alternative] if op.alternative else [])
        if op.alternative == op.center:
            raise SchedulingInputError(
                _("Operation %(op)s of job %(job)s names its own work center as the alternative.") % names)
        for code in centers:
            if code not in self.center_units:
                raise SchedulingInputError(
                    _("Operation %(op)s of job %(job)s needs work center %(center)s, which does not exist.")
                    % {**names, "center": code})
            en, ed = _ratio(self.efficiency[code])
            # setup + run × quantity × 100 / efficiency (in %), rounded up to whole minutes
            numerator = sn * rd * qd * en + rn * qn * 100 * ed * sd
            duration = -(-numerator // (sd * rd * qd * en))
            options.extend((unit, duration) for unit in self.center_units[code])
        return options

    def _compile_precedence(self):
        n = len(self.keys)
        self.preds: list[list[tuple[int, int]]] = [[] for _i in range(n)]
        self.succs: list[list[tuple[int, int]]] = [[] for _i in range(n)]
        for j, job in enumerate(self.jobs):
            explicit = any(op.after for op in job.operations)
            for position, op in enumerate(job.operations):
                i = self.job_ops[j][position]
                wait = math.ceil(_exact(op.min_wait))
                if explicit:
                    refs = [ref if isinstance(ref, tuple) else (job.id, ref) for ref in op.after]
                else:
                    refs = [(job.id, job.operations[position - 1].id)] if position else []
                for ref in refs:
                    if ref not in self.index:
                        raise SchedulingInputError(
                            _("Operation %(op)s of job %(job)s follows %(ref)s, which does not exist.")
                            % {"op": op.id, "job": job.id, "ref": f"{ref[1]} ({ref[0]})"})
                    p = self.index[ref]
                    if p == i:
                        raise SchedulingInputError(
                            _("Operation %(op)s of job %(job)s follows itself.") % {"op": op.id, "job": job.id})
                    self.preds[i].append((p, wait))
                    self.succs[p].append((i, wait))
        self.topological = self._topological_order()

    def _topological_order(self):
        waiting = [len(p) for p in self.preds]
        ready = [i for i in range(len(waiting)) if not waiting[i]]
        order = []
        while ready:
            i = ready.pop()
            order.append(i)
            for s, _wait in self.succs[i]:
                waiting[s] -= 1
                if not waiting[s]:
                    ready.append(s)
        if len(order) < len(waiting):
            cycle = self._find_cycle({i for i in range(len(waiting)) if waiting[i]})
            raise SchedulingInputError(
                _("The operations %(cycle)s follow each other in a cycle; no order can satisfy them.")
                % {"cycle": " → ".join(f"{self.keys[i][1]} ({self.keys[i][0]})" for i in cycle)})
        return order

    def _find_cycle(self, stuck):
        # Every stuck operation has a stuck predecessor: walking back must revisit one.
        i = min(stuck)
        path, seen = [], {}
        while i not in seen:
            seen[i] = len(path)
            path.append(i)
            i = next(p for p, _wait in self.preds[i] if p in stuck)
        cycle = path[seen[i]:][::-1]
        return cycle + [cycle[0]]

    def _compile_fixed(self, previous, keep_released):
        self.fixed: list[tuple[int, int, int] | None] = [None] * len(self.keys)
        by_unit: dict[int, list[tuple[int, int, int]]] = {}
        for j, job in enumerate(self.jobs):
            for position, op in enumerate(job.operations):
                i = self.job_ops[j][position]
                must = op.locked or op.status in ALWAYS_FIXED
                may = keep_released and op.status == OperationStatus.RELEASED
                if not (must or may):
                    continue
                placement = op.fixed
                if placement is None and previous is not None and (job.id, op.id) in previous.assignments:
                    old = previous.assignments[(job.id, op.id)]
                    placement = Placement(old.center, old.unit, old.start, old.end)
                names = {"op": op.id, "job": job.id}
                if placement is None:
                    if must:
                        raise SchedulingInputError(
                            _("Operation %(op)s of job %(job)s is started, done or locked but has no start and end.")
                            % names)
                    continue
                unit = self._fixed_unit(i, placement, names)
                if placement.start.tzinfo is None or placement.end.tzinfo is None or placement.end <= placement.start:
                    raise SchedulingInputError(
                        _("The fixed times of operation %(op)s of job %(job)s must be aware and end after the start.")
                        % names)
                start, end = to_minute(placement.start, self.origin), to_minute(placement.end, self.origin, ceil=True)
                self.fixed[i] = (unit, start, end)
                by_unit.setdefault(unit, []).append((start, end, i))
        for unit, intervals in by_unit.items():
            intervals.sort()
            for (_s1, e1, a), (s2, _e2, b) in zip(intervals, intervals[1:], strict=False):
                if s2 < e1:
                    raise SchedulingInputError(
                        _("Fixed operations %(a)s and %(b)s overlap on %(center)s unit %(unit)s.")
                        % {"a": f"{self.keys[a][1]} ({self.keys[a][0]})", "b": f"{self.keys[b][1]} ({self.keys[b][0]})",
                           "center": self.units[unit].center, "unit": self.units[unit].number + 1})

    def _fixed_unit(self, i, placement, names):
        units = self.center_units.get(placement.center, [])
        allowed = {unit for unit, _duration in self.options[i]}
        if not 0 <= placement.unit < len(units) or units[placement.unit] not in allowed:
            raise SchedulingInputError(
                _("Operation %(op)s of job %(job)s is fixed on a unit of a work center it cannot use.") % names)
        return units[placement.unit]

    # -- helpers ------------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return len(self.keys)

    def duration_on(self, i: int, unit: int) -> int:
        for candidate, duration in self.options[i]:
            if candidate == unit:
                return duration
        raise KeyError(unit)

    def label(self, i: int) -> str:
        return f"{self.keys[i][1]} ({self.keys[i][0]})"

    def timing(self, unit_of: list[int], sequences: list[list[int]]):
        """Start and end of every operation (and the order they were timed in) when each unit runs
        its ``sequences`` in order, each operation as early as its predecessors, release, unit and
        calendar allow (fixed ones stay).

        Returns None when the orders contradict precedence (a cycle) or push an operation into a
        fixed one that follows it on the same unit."""
        n = len(unit_of)
        unit_prev = [-1] * n
        unit_next = [-1] * n
        for sequence in sequences:
            for a, b in zip(sequence, sequence[1:], strict=False):
                unit_prev[b] = a
                unit_next[a] = b
        waiting = [len(self.preds[i]) + (unit_prev[i] >= 0) for i in range(n)]
        ready = [i for i in range(n) if not waiting[i]]
        start, end = [0] * n, [0] * n
        fixed, preds, succs, release, units = self.fixed, self.preds, self.succs, self.release, self.units
        order = []
        while ready:
            i = ready.pop()
            order.append(i)
            if fixed[i] is not None:
                start[i], end[i] = fixed[i][1], fixed[i][2]
            else:
                earliest = release[i]
                for p, wait in preds[i]:
                    if end[p] + wait > earliest:
                        earliest = end[p] + wait
                before = unit_prev[i]
                if before >= 0 and end[before] > earliest:
                    earliest = end[before]
                timeline = units[unit_of[i]].timeline
                if timeline.always_open:
                    start[i], end[i] = earliest, earliest + self._duration(i, unit_of[i])
                else:
                    start[i] = timeline.next_working(earliest)
                    end[i] = timeline.add_working(start[i], self._duration(i, unit_of[i]))
                after = unit_next[i]
                if after >= 0 and fixed[after] is not None and fixed[after][1] < end[i]:
                    return None
            for s, _wait in succs[i]:
                waiting[s] -= 1
                if not waiting[s]:
                    ready.append(s)
            after = unit_next[i]
            if after >= 0:
                waiting[after] -= 1
                if not waiting[after]:
                    ready.append(after)
        if len(order) < n:
            return None
        return start, end, order

    def _duration(self, i, unit):
        options = self.options[i]
        if options[0][0] == unit:
            return options[0][1]
        return self.duration_on(i, unit)

    def lower_bound(self) -> int:
        """A makespan no schedule can beat (0 when calendars or fixed operations make it unclear):
        the longest precedence chain, and the load of each work center shared by its units."""
        if any(not unit.timeline.always_open for unit in self.units) or any(self.fixed):
            return 0
        shortest = [min(duration for _unit, duration in options) for options in self.options]
        finish = [0] * self.size
        for i in self.topological:
            finish[i] = max([self.release[i]] + [finish[p] + wait for p, wait in self.preds[i]]) + shortest[i]
        bound = max(finish, default=0)
        for code, units in self.center_units.items():
            own = [i for i in range(self.size) if all(self.units[u].center == code for u, _d in self.options[i])]
            if own:
                load = sum(shortest[i] for i in own)
                bound = max(bound, min(self.release[i] for i in own) + -(-load // len(units)))
        return bound

    def objective(self, end: list[int]) -> tuple[int, int, int]:
        """(rush tardiness, total tardiness, makespan) in minutes: what "better" means."""
        rush_late = late = 0
        for j, ops in enumerate(self.job_ops):
            if self.due[j] is None:
                continue
            tardiness = max(0, max(end[i] for i in ops) - self.due[j])
            late += tardiness
            if self.rush[j]:
                rush_late += tardiness
        return rush_late, late, max(end, default=0)

    def to_schedule(self, unit_of, start, end, *, method="", seconds=0.0) -> Schedule:
        origin, tz = self.origin, self.tz
        assignments = {}
        for i, key in enumerate(self.keys):
            unit = self.units[unit_of[i]]
            assignments[key] = Assignment(key[0], key[1], unit.center, unit.number, from_minute(start[i], origin, tz),
                                          from_minute(end[i], origin, tz), fixed=self.fixed[i] is not None)
        job_finish, lateness, late_jobs = {}, {}, []
        for j, job in enumerate(self.jobs):
            finish = max(end[i] for i in self.job_ops[j])
            job_finish[job.id] = from_minute(finish, origin, tz)
            if self.due[j] is not None:
                lateness[job.id] = finish - self.due[j]
                if finish > self.due[j]:
                    late_jobs.append(LateJob(job.id, self.rush[j], job.due, job_finish[job.id], finish - self.due[j]))
        late_jobs.sort(key=lambda late: (not late.rush, -late.late_minutes, natural_key(late.job_id)))
        conflicts = []
        for i in range(self.size):
            if self.fixed[i] is None:
                continue
            for p, wait in self.preds[i]:
                if end[p] + wait > start[i]:
                    conflicts.append(_("Fixed operation %(op)s starts before its predecessor %(pred)s allows.")
                                     % {"op": self.label(i), "pred": self.label(p)})
        return Schedule(start=self.problem.start, assignments=assignments, job_finish=job_finish, lateness=lateness,
                        late_jobs=late_jobs, makespan=max(end, default=0), conflicts=conflicts, method=method,
                        seconds=seconds)

    def read_schedule(self, schedule: Schedule):
        """Unit and minutes of every operation of ``schedule`` (which must cover this problem)."""
        unit_of, start, end = [0] * self.size, [0] * self.size, [0] * self.size
        for i, key in enumerate(self.keys):
            placed = schedule.assignments.get(key)
            if placed is None:
                raise KeyError(key)
            units = self.center_units.get(placed.center, [])
            unit_of[i] = units[placed.unit] if 0 <= placed.unit < len(units) else -1
            start[i] = to_minute(placed.start, self.origin)
            end[i] = to_minute(placed.end, self.origin)
        return unit_of, start, end
