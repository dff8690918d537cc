"""New work put into an existing schedule without re-dispatching the rest: the fast due-date promise and
the minimal-disturbance rush insertion.

- ``insert_jobs(problem, bookings)``: ``problem`` holds only the new jobs; ``bookings`` are the busy
  intervals of the current schedule per unit. Each new operation (in precedence order) goes into the
  earliest free time on any unit it may use, where it fits whole on the unit's calendar. Nothing booked
  moves. The result says which constraint bound the last new operation (``Binding``): material (the
  job's release), a booked unit, the calendar (a holiday on the way), or just the work itself.
- ``right_shift(problem, current, new_jobs)``: ``problem`` holds the current jobs and the new ones. The
  new jobs are placed as early as only the immovable operations allow (started, released, locked: the
  ``fixed`` of the compiled problem); then every other operation keeps its unit and its order on that
  unit and starts at the later of its current start and what its predecessors and the unit now allow.
  No operation moves earlier; only those that must make room move later. ``Shift.moved`` counts them.

Both work on the compiled problem's integer minutes (``compiled.CompiledProblem``) and the engine's
gap search (``engine._Units``), so a placement is exactly what the dispatcher would compute for the
same gap.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .calendar import from_minute, to_minute
from .compiled import CompiledProblem, natural_key
from .engine import _Units
from .model import Problem, Schedule, SchedulingInputError
from .people import working_pieces


class Limit(StrEnum):
    MATERIAL = "material"  # the job may not start before its release (material arrival)
    BOOKED = "booked"  # the unit is busy with other work until `until`
    CALENDAR = "calendar"  # a holiday on a work center of the chain
    WORK = "work"  # nothing waits: the work itself takes this long
    PEOPLE = "people"  # the unit is free but the people with the skill are busy or off shift until `until`


@dataclass(frozen=True)
class Binding:
    """What the last new operation waited for. ``job_id``/``op_id`` name the operation where the chain
    of waiting stopped; ``center`` its work center; ``until`` the instant it waited for (the release,
    the end of the booking before it, or the holiday's date for CALENDAR)."""

    limit: Limit
    job_id: object
    op_id: object
    center: str
    until: datetime | None = None
    holiday: object = None  # a date, for CALENDAR
    skill: str | None = None  # for PEOPLE: the skill, its people needed and the most on shift at once
    people: int = 0
    on_shift: int = 0


@dataclass
class Insertion:
    start: dict  # (job_id, op_id) -> (center, unit number, start, end), datetimes
    job_finish: dict  # job_id -> datetime
    finish: datetime
    binding: Binding


Booking = tuple[str, int, datetime, datetime]  # work center code, unit number (0-based), start, end


class _Placer:
    """Places operations at the earliest gap and remembers why each starts when it does."""

    def __init__(self, compiled: CompiledProblem, units: _Units, usage=None):
        self.compiled, self.units = compiled, units
        n = compiled.size
        self.unit_of, self.start, self.end = [-1] * n, [0] * n, [0] * n
        self.earliest, self.after = [0] * n, [-1] * n  # after: the predecessor that set `earliest`, or -1
        self.usage = compiled.crews.usage() if usage is None else usage  # people booked (scheduling.people)
        self.waited = [False] * n  # whether the people, not the unit, set the start

    def fit(self, units, usage, i, unit, earliest, duration):
        """(begin, finish, waited for people) on `unit`: the engine's gap search, and the people if needed."""
        if self.compiled.crews.need[i] is None:
            return (*units.fit(unit, earliest, duration), False)
        return self.compiled.crews.fit(usage, units, i, unit, earliest, duration)

    def book(self, units, usage, i, unit, begin, finish):
        units.occupy(unit, begin, finish)
        self.compiled.crews.occupy(usage, units.timelines[unit], i, begin, finish)

    def place(self, i):
        compiled = self.compiled
        earliest, after = compiled.release[i], -1
        for p, wait in compiled.preds[i]:
            if self.end[p] + wait > earliest:
                earliest, after = self.end[p] + wait, p
        choice = None
        for unit, duration in compiled.options[i]:
            begin, finish, waited = self.fit(self.units, self.usage, i, unit, earliest, duration)
            # Of units finishing alike, one where only the people held it back: that is what binds it.
            if choice is None or finish < choice[1] or (finish == choice[1] and waited and not choice[3]):
                choice = (begin, finish, unit, waited)
        begin, finish, unit, self.waited[i] = choice
        self.unit_of[i], self.start[i], self.end[i] = unit, begin, finish
        self.earliest[i], self.after[i] = earliest, after
        self.book(self.units, self.usage, i, unit, begin, finish)

    def binding(self, ops) -> Binding:
        """Walk back from the last of `ops` to finish along what made each one wait."""
        compiled, units = self.compiled, self.units
        i = max(ops, key=lambda k: (self.end[k], -k))
        chain = []
        while True:
            chain.append(i)
            job_id, op_id = compiled.keys[i]
            unit = compiled.units[self.unit_of[i]]
            free = units.timelines[self.unit_of[i]].next_working(self.earliest[i])
            if self.start[i] > free and self.waited[i]:
                pool, people = compiled.crews.need[i]
                on_shift = max(capacity for _b, _e, capacity in pool.changes(free, self.start[i]))
                return Binding(Limit.PEOPLE, job_id, op_id, unit.center, self._instant(self.start[i]),
                               skill=pool.skill, people=people, on_shift=on_shift)
            if self.start[i] > free:
                ends = sorted(units.ends[self.unit_of[i]])
                k = bisect_right(ends, self.start[i])
                booked = ends[k - 1] if k else self.start[i]
                return Binding(Limit.BOOKED, job_id, op_id, unit.center, self._instant(booked))
            if self.after[i] >= 0:
                i = self.after[i]
                continue
            if self.earliest[i] > 0 and self.earliest[i] == compiled.release[i]:
                return Binding(Limit.MATERIAL, job_id, op_id, unit.center, self._instant(self.earliest[i]))
            break
        holiday, center = self._holiday_on(chain)
        if holiday is not None:
            return Binding(Limit.CALENDAR, job_id, op_id, center, None, holiday)
        return Binding(Limit.WORK, job_id, op_id, unit.center)

    def _holiday_on(self, chain):
        """The first holiday between the chain's start and its end on a calendar the chain works on."""
        compiled = self.compiled
        first = self._instant(min(self.start[i] for i in chain)).date()
        last = self._instant(max(self.end[i] for i in chain)).date()
        for i in sorted(chain, key=lambda k: self.start[k]):
            center = compiled.units[self.unit_of[i]].center
            calendar = compiled.calendars.get(center)
            if calendar is None:
                continue
            days = sorted(day for day in calendar.holidays if first <= day <= last)
            if days:
                return days[0], center
        return None, None

    def _instant(self, minute):
        return from_minute(minute, self.compiled.origin, self.compiled.tz)


class _RushPlacer(_Placer):
    """A rush job's operations: into free time (moving nobody) while the job can still make its due date
    from there; from the first operation where it cannot, as early as only the immovable work allows
    (the planned work in the way is pushed later afterwards). A rush job without a due date goes as
    early as it can."""

    def __init__(self, compiled, free_units: _Units, fixed_units: _Units, free_usage=None, fixed_usage=None):
        super().__init__(compiled, fixed_units, fixed_usage)
        self.free = free_units
        self.free_usage = compiled.crews.usage() if free_usage is None else free_usage
        self.pushing = False

    def place(self, i):
        if not self.pushing:
            compiled = self.compiled
            earliest, after = compiled.release[i], -1
            for p, wait in compiled.preds[i]:
                if self.end[p] + wait > earliest:
                    earliest, after = self.end[p] + wait, p
            begin, finish, waited, unit = min(
                ((*self.fit(self.free, self.free_usage, i, u, earliest, d), u) for u, d in compiled.options[i]),
                key=lambda choice: (choice[1], choice[3]))
            if self._makes_due(i, finish):
                self.unit_of[i], self.start[i], self.end[i] = unit, begin, finish
                self.earliest[i], self.after[i], self.waited[i] = earliest, after, waited
                self.book(self.free, self.free_usage, i, unit, begin, finish)
                self.book(self.units, self.usage, i, unit, begin, finish)
                return
            self.pushing = True
        super().place(i)

    def _makes_due(self, i, finish):
        """Whether every job that `i` leads to still meets its due date when i ends at `finish` and the
        operations after it go as early as the immovable work allows."""
        compiled = self.compiled
        ends = {i: finish}
        for k in self._after(i):
            earliest = compiled.release[k]
            for p, wait in compiled.preds[k]:
                earliest = max(earliest, ends.get(p, self.end[p]) + wait)
            ends[k] = min(self.units.fit(u, earliest, d)[1] for u, d in compiled.options[k])
        for k, end in ends.items():
            due = compiled.due[compiled.job_of[k]]
            if due is None or end > due:
                return False
        return True

    def _after(self, i):
        """The operations that follow `i` (through precedence), in precedence order."""
        seen, stack = set(), [i]
        while stack:
            for s, _wait in self.compiled.succs[stack.pop()]:
                if s not in seen:
                    seen.add(s)
                    stack.append(s)
        return [k for k in self.compiled.topological if k in seen]


def _units_with(compiled: CompiledProblem, bookings) -> _Units:
    """The engine's gap finder with `bookings` as busy time, on the units the problem's operations may use
    (the others are nobody's concern here)."""
    units = _Units(compiled)
    used = {unit for options in compiled.options for unit, _duration in options}
    origin = compiled.origin.timestamp()
    per_unit: dict[int, list[tuple[int, int]]] = {}
    for center, number, begin, finish in bookings:
        indexes = compiled.center_units.get(center)
        if indexes is None or not 0 <= number < len(indexes) or indexes[number] not in used:
            continue
        # Whole minutes from the origin, as calendar.to_minute counts them (start down, end up).
        end = -int((origin - finish.timestamp()) // 60)
        if end <= 0:
            continue  # over before the schedule starts: in nobody's way
        per_unit.setdefault(indexes[number], []).append((int((begin.timestamp() - origin) // 60), end))
    for unit, intervals in per_unit.items():
        intervals.sort()
        units.starts[unit] = [begin for begin, _end in intervals]
        units.ends[unit] = [end for _begin, end in intervals]
    return units


def _usage_with(compiled: CompiledProblem, crew_bookings):
    """The people booked by `crew_bookings` ((skill, people, center, unit number, start, end) each), held in
    the working time of their unit as the scheduler books them; skills no new operation needs are skipped."""
    crews = compiled.crews
    usage = crews.usage()
    if not crews.active:
        return usage
    needed = {need[0].skill for need in crews.need if need is not None}
    origin = compiled.origin.timestamp()
    for skill, people, center, number, begin, finish in crew_bookings:
        indexes = compiled.center_units.get(center)
        if skill not in needed or not people or indexes is None or not 0 <= number < len(indexes):
            continue
        end = -int((origin - finish.timestamp()) // 60)
        if end <= 0:
            continue
        timeline = compiled.units[indexes[number]].timeline
        for piece_begin, piece_end in working_pieces(timeline, int((begin.timestamp() - origin) // 60), end):
            usage.add(crews.pool_of[skill], piece_begin, piece_end, people)
    return usage


def insert_jobs(problem: Problem, bookings, *, fixed=None, crew_bookings=(), fixed_crew_bookings=()) -> Insertion:
    """Put the jobs of `problem` into the free time left by `bookings` (see the module docstring); with
    `fixed` (the immovable bookings) as rush jobs, as right_shift places them. `crew_bookings` (and, for a
    rush job, `fixed_crew_bookings`) are the people the current plan holds: (skill, people, center, unit
    number, start, end); the centers they name must be in the problem."""
    compiled = CompiledProblem(problem)
    if not compiled.size:
        raise SchedulingInputError("Nothing to insert.")
    if fixed is None:
        placer = _Placer(compiled, _units_with(compiled, bookings), _usage_with(compiled, crew_bookings))
    else:
        placer = _RushPlacer(compiled, _units_with(compiled, bookings), _units_with(compiled, fixed),
                             _usage_with(compiled, crew_bookings), _usage_with(compiled, fixed_crew_bookings))
    for i in insertion_order(compiled, range(compiled.size)):
        placer.place(i)
    return _insertion(compiled, placer, range(compiled.size))


def _insertion(compiled, placer, ops) -> Insertion:
    ops = list(ops)
    placed, job_finish = {}, {}
    for i in ops:
        unit = compiled.units[placer.unit_of[i]]
        begin, finish = placer._instant(placer.start[i]), placer._instant(placer.end[i])
        placed[compiled.keys[i]] = (unit.center, unit.number, begin, finish)
        job_id = compiled.keys[i][0]
        job_finish[job_id] = max(job_finish.get(job_id, finish), finish)
    return Insertion(start=placed, job_finish=job_finish, finish=max(job_finish.values()),
                     binding=placer.binding(ops))


@dataclass
class Shift:
    """The schedule after a right-shift insertion: ``proposed`` (every job), ``before`` (the current
    finishes and lateness of the jobs that were there), the new jobs' ``insertion`` and ``moved``, the
    (job_id, op_id) keys of the operations that start later than before."""

    proposed: Schedule
    before: Schedule
    insertion: Insertion | None  # None when every operation of the new jobs is fixed already
    moved: list
    operations: int  # operations that were there before (the denominator of the moved share)


def right_shift(problem: Problem, current: Schedule | None, new_jobs, *, push: bool = True) -> Shift:
    """Insert `new_jobs` (ids of jobs in `problem`) as early as the immovable operations allow and push
    the others only as far as they must (see the module docstring); with ``push=False`` into the free
    time left by every operation, moving none (what ``insert_jobs`` does, with the whole schedule as the
    result). Every other operation must have a placement in `current` or its own ``fixed`` placement
    (the stored schedule)."""
    new_jobs = set(new_jobs)
    compiled = CompiledProblem(problem, previous=current, keep_released=True)
    n = compiled.size
    # A new job's started, released or locked operations stay where they are, like everyone's.
    is_new = [compiled.keys[i][0] in new_jobs and compiled.fixed[i] is None for i in range(n)]
    units = _Units(compiled)
    free = _Units(compiled)
    placer = _RushPlacer(compiled, free, units) if push else _Placer(compiled, units)
    was_start, was_end = [0] * n, [0] * n
    obstacles, everything = [], []
    crews = compiled.crews
    for i in range(n):
        if is_new[i]:
            continue
        unit, begin, finish = compiled.fixed[i] or _stored(compiled, i, current)
        placer.unit_of[i], was_start[i], was_end[i] = unit, begin, finish
        placer.start[i], placer.end[i] = begin, finish
        everything.append((unit, begin, finish))
        if crews.active:  # the people they hold: all of them in the free time, the immovable ones as obstacles
            if compiled.fixed[i] is not None or not push:
                crews.occupy(placer.usage, units.timelines[unit], i, begin, finish)
            if push:
                crews.occupy(placer.free_usage, units.timelines[unit], i, begin, finish)
        if compiled.fixed[i] is not None or not push:
            obstacles.append((unit, begin, finish))
    _occupy_all(units, obstacles)
    _occupy_all(free, everything)
    new_ops = [i for i in range(n) if is_new[i]]
    for i in insertion_order(compiled, new_ops):
        placer.place(i)
    if push:
        _push_later(compiled, placer, units, is_new, was_start, was_end)
    moved = [compiled.keys[i] for i in range(n) if not is_new[i] and placer.start[i] != was_start[i]]
    proposed = compiled.to_schedule(placer.unit_of, placer.start, placer.end, method="insertion")
    before = _finishes(compiled, was_end, [j for j, job in enumerate(compiled.jobs) if job.id not in new_jobs])
    return Shift(proposed=proposed, before=before, moved=moved, operations=n - len(new_ops),
                 insertion=_insertion(compiled, placer, new_ops) if new_ops else None)


def insertion_order(compiled: CompiledProblem, ops):
    """`ops` in precedence order, otherwise by job id (natural order) and position: the same order whether
    the problem holds only the new jobs (the promise) or every job (planning), so both place alike."""
    chosen = set(ops)
    waiting = {i: sum(1 for p, _wait in compiled.preds[i] if p in chosen) for i in ops}
    heap = [(natural_key(compiled.keys[i][0]), i) for i in ops if not waiting[i]]
    heapq.heapify(heap)
    ordered = []
    while heap:
        _key, i = heapq.heappop(heap)
        ordered.append(i)
        for s, _wait in compiled.succs[i]:
            if s in chosen:
                waiting[s] -= 1
                if not waiting[s]:
                    heapq.heappush(heap, (natural_key(compiled.keys[s][0]), s))
    return ordered


def _stored(compiled, i, current):
    job_id, op_id = compiled.keys[i]
    placement = None
    if current is not None and (job_id, op_id) in current.assignments:
        placement = current.assignments[(job_id, op_id)]
    else:
        job = compiled.jobs[compiled.job_of[i]]
        placement = next((op.fixed for op in job.operations if op.id == op_id), None)
    if placement is None:
        raise SchedulingInputError(f"{op_id} ({job_id}) has no place in the current schedule.")
    units = compiled.center_units.get(placement.center, [])
    if not 0 <= placement.unit < len(units):
        raise SchedulingInputError(f"{op_id} ({job_id}) is placed on a unit that does not exist.")
    return (units[placement.unit], to_minute(placement.start, compiled.origin),
            to_minute(placement.end, compiled.origin, ceil=True))


def _occupy_all(units, intervals):
    per_unit: dict[int, list[tuple[int, int]]] = {}
    for unit, begin, finish in intervals:
        per_unit.setdefault(unit, []).append((begin, finish))
    for unit, spans in per_unit.items():
        spans.sort()
        units.starts[unit] = [begin for begin, _end in spans]
        units.ends[unit] = [end for _begin, end in spans]


def _push_later(compiled, placer, units, is_new, was_start, was_end):
    """Every movable operation of the current schedule, in its unit's order, at the later of its current
    start and what its predecessors and unit now allow; untouched ones keep their exact place."""
    n = compiled.size
    movable = [not is_new[i] and compiled.fixed[i] is None for i in range(n)]
    unit_prev = [-1] * n
    unit_next = [-1] * n
    by_unit: dict[int, list[int]] = {}
    for i in range(n):
        if movable[i]:
            by_unit.setdefault(placer.unit_of[i], []).append(i)
    for sequence in by_unit.values():
        sequence.sort(key=lambda k: (was_start[k], was_end[k], k))
        for a, b in zip(sequence, sequence[1:], strict=False):
            unit_prev[b], unit_next[a] = a, b
    waiting = [0] * n
    for i in range(n):
        if movable[i]:
            waiting[i] = sum(1 for p, _wait in compiled.preds[i] if movable[p]) + (unit_prev[i] >= 0)
    ready = [i for i in range(n) if movable[i] and not waiting[i]]
    done = 0
    while ready:
        i = ready.pop()
        done += 1
        unit = placer.unit_of[i]
        earliest = was_start[i]
        for p, wait in compiled.preds[i]:
            earliest = max(earliest, placer.end[p] + wait)
        if unit_prev[i] >= 0:
            earliest = max(earliest, placer.end[unit_prev[i]])
        duration = compiled.duration_on(i, unit)
        begin, finish, _waited = placer.fit(units, placer.usage, i, unit, earliest, duration)
        if begin == was_start[i]:
            finish = was_end[i]  # not pushed: its stored place, exactly
        placer.start[i], placer.end[i] = begin, finish
        placer.book(units, placer.usage, i, unit, begin, finish)
        for s, _wait in compiled.succs[i]:
            if movable[s]:
                waiting[s] -= 1
                if not waiting[s]:
                    ready.append(s)
        if unit_next[i] >= 0:
            waiting[unit_next[i]] -= 1
            if not waiting[unit_next[i]]:
                ready.append(unit_next[i])
    if done < sum(movable):
        raise SchedulingInputError("The current schedule contradicts its own precedence.")


def _finishes(compiled, end, jobs) -> Schedule:
    """The finishes and lateness of `jobs` (indexes) with operation ends `end`, as a Schedule to compare."""
    job_finish, lateness = {}, {}
    for j in jobs:
        ops = compiled.job_ops[j]
        if not ops:
            continue
        finish = max(end[i] for i in ops)
        job_id = compiled.jobs[j].id
        job_finish[job_id] = from_minute(finish, compiled.origin, compiled.tz)
        if compiled.due[j] is not None:
            lateness[job_id] = finish - compiled.due[j]
    return Schedule(start=compiled.problem.start, assignments={}, job_finish=job_finish, lateness=lateness,
                    late_jobs=[], makespan=max(end, default=0))
