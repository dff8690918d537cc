"""The built-in finite-capacity scheduler: deterministic, fast, calendar-aware.

How it places work (Giffler-Thompson active schedule generation, generalised to parallel units,
alternative work centers, calendars and fixed operations):

1. Fixed operations (started, done, locked; released ones when asked) occupy their slots first.
2. Repeatedly, among operations whose predecessors are all placed, find the one that can finish
   earliest (on any unit it may use, at the earliest gap that fits, honouring release, predecessors
   plus minimum wait and the unit's calendar). Call that finish time C and that unit U.
3. The operations that could start on U before C compete for it; the winner is chosen by the
   dispatch rule below and placed where it finishes earliest (U or another unit it may use).

Dispatch rule: rush jobs first; then the earliest due date (jobs without one last); then the job
with the most work remaining; then the earliest release; then the job id (natural order, "WO-9"
before "WO-10"); then the operation's position in the job. The same input always gives the same
schedule.

When no job has a due date (the job-shop benchmarks, or a plain "finish everything" load), a short
improvement step follows: a tabu search that swaps adjacent operations on the critical path (the
N5 neighbourhood of Nowicki and Smutnicki) for a fixed number of iterations with a fixed seed, so it
stays deterministic. It never moves fixed operations and keeps the best schedule by (rush
tardiness, total tardiness, makespan). With due dates the dispatch result is returned as is, so a
planner can explain every position by the rule above (``improve=True`` forces the step), unless
``improve_due=True`` asks for the due-date improvement (scheduling.tardiness), whose every swap is
recorded in ``Schedule.moves`` so that the plan stays explainable.

Rescheduling is incremental: pass the previous schedule and the operations that are started, done
or locked keep their places (``keep_released=True`` keeps released ones too); everything else is
placed anew around them.
"""

from __future__ import annotations

import heapq
import time
from bisect import bisect_right

from .compiled import CompiledProblem, natural_key
from .improvement import default_iterations, improve_schedule
from .model import Problem, Schedule
from .tardiness import improve_tardiness

NO_DUE = float("inf")


def schedule(problem: Problem, *, previous: Schedule | None = None, keep_released: bool = False,
             improve: bool | None = None, iterations: int | None = None, seed: int = 0,
             deadline: float | None = None, improve_due: bool = False) -> Schedule:
    """Schedule ``problem``; see the module docstring for the rules. ``deadline`` (a time.perf_counter()
    value) also ends the improvement step: the optimiser gives it many iterations and a time instead.
    ``improve_due``: for work with due dates, the explainable tardiness improvement (scheduling.tardiness)
    follows the dispatch; its moves are in ``Schedule.moves``."""
    started = time.perf_counter()
    compiled = CompiledProblem(problem, previous=previous, keep_released=keep_released)
    unit_of, start, end = construct(compiled)
    method = "dispatch"
    if compiled.crews.active:
        # The improvement steps time operations by their units alone; with people as a second resource
        # the dispatch (which respects both) is the answer, and the optimiser (CP-SAT) improves on it.
        return compiled.to_schedule(unit_of, start, end, method=method, seconds=time.perf_counter() - started)
    if improve_due and compiled.size and any(due is not None for due in compiled.due):
        start, end, moves = improve_tardiness(compiled, unit_of, start, end)
        result = compiled.to_schedule(unit_of, start, end, method="dispatch+tardiness",
                                      seconds=time.perf_counter() - started)
        result.moves = moves
        return result
    if improve is None:
        improve = all(due is None for due in compiled.due)
    if improve and compiled.size:
        budget = default_iterations(compiled.size) if iterations is None else iterations
        unit_of, start, end = improve_schedule(compiled, unit_of, start, end, iterations=budget, seed=seed,
                                               deadline=deadline)
        method = "dispatch+tabu"
    return compiled.to_schedule(unit_of, start, end, method=method, seconds=time.perf_counter() - started)


class _Units:
    """Busy intervals per unit and the earliest gap that fits an operation."""

    def __init__(self, compiled: CompiledProblem):
        self.timelines = [unit.timeline for unit in compiled.units]
        self.starts: list[list[int]] = [[] for _unit in compiled.units]
        self.ends: list[list[int]] = [[] for _unit in compiled.units]

    def fit(self, unit: int, earliest: int, duration: int) -> tuple[int, int]:
        timeline, starts, ends = self.timelines[unit], self.starts[unit], self.ends[unit]
        begin = earliest
        k = bisect_right(ends, begin)
        count = len(starts)
        while k < count:
            # A gap shorter in calendar minutes than the work cannot hold it: skip without asking
            # the calendar (working minutes never exceed calendar minutes).
            if starts[k] - begin >= duration:
                first = timeline.next_working(begin)
                finish = timeline.add_working(first, duration)
                if finish <= starts[k]:
                    return first, finish
            if ends[k] > begin:
                begin = ends[k]
            k += 1
        first = timeline.next_working(begin)
        return first, timeline.add_working(first, duration)

    def occupy(self, unit: int, begin: int, finish: int) -> None:
        k = bisect_right(self.starts[unit], begin)
        self.starts[unit].insert(k, begin)
        self.ends[unit].insert(k, finish)


def construct(compiled: CompiledProblem):
    """Giffler-Thompson generation with the dispatch rule; returns (unit_of, start, end) lists."""
    n = compiled.size
    units = _Units(compiled)
    unit_of, start, end = [-1] * n, [0] * n, [0] * n
    placed = [False] * n
    options, preds, succs = compiled.options, compiled.preds, compiled.succs
    job_of = compiled.job_of
    nominal = [opts[0][1] for opts in options]
    remaining = [sum(nominal[i] for i in ops) for ops in compiled.job_ops]
    static_key = [((not compiled.rush[j]), NO_DUE if compiled.due[j] is None else compiled.due[j])
                  for j in range(len(compiled.jobs))]
    job_name = [natural_key(job.id) for job in compiled.jobs]
    crews = compiled.crews
    people = crews.active  # False: the path without crews, exactly as before they existed
    usage = crews.usage()
    need = crews.need
    sharing: list[set[int]] = [set() for _pool in crews.pools]  # ready operations that need a pool's people
    stale = [False] * n  # its best place may have lost its people: found again before it is used

    for i, fixed in enumerate(compiled.fixed):
        if fixed is not None:
            unit_of[i], start[i], end[i] = fixed
            placed[i] = True
            units.occupy(*fixed)
            if people:
                crews.occupy(usage, units.timelines[fixed[0]], i, fixed[1], fixed[2])
            remaining[job_of[i]] -= nominal[i]

    waiting = [sum(1 for p, _wait in preds[i] if not placed[p]) for i in range(n)]
    earliest = [0] * n
    best: list[tuple[int, int, int] | None] = [None] * n  # (finish, start, unit) of a ready operation
    version = [0] * n
    heap: list[tuple[int, int, int]] = []
    users: list[set[int]] = [set() for _unit in compiled.units]  # ready operations that may use a unit
    best_on: list[set[int]] = [set() for _unit in compiled.units]  # ready operations whose best is there

    def evaluate(i):
        if best[i] is not None:
            best_on[best[i][2]].discard(i)
        choice = None
        for unit, duration in options[i]:
            if people and need[i] is not None:
                begin, finish, _waited = crews.fit(usage, units, i, unit, earliest[i], duration)
            else:
                begin, finish = units.fit(unit, earliest[i], duration)
            if choice is None or finish < choice[0]:
                choice = (finish, begin, unit)
        best[i] = choice
        stale[i] = False
        best_on[choice[2]].add(i)
        version[i] += 1
        heapq.heappush(heap, (choice[0], i, version[i]))

    def make_ready(i):
        latest = compiled.release[i]
        for p, wait in preds[i]:
            latest = max(latest, end[p] + wait)
        earliest[i] = latest
        for unit, _duration in options[i]:
            users[unit].add(i)
        if people and need[i] is not None:
            sharing[need[i][0].index].add(i)
        evaluate(i)

    def priority(i):
        j = job_of[i]
        return static_key[j] + (-remaining[j], compiled.release[i], job_name[j], i)

    for i in range(n):
        if not placed[i] and not waiting[i]:
            make_ready(i)
    while heap:
        finish, i, seen_version = heapq.heappop(heap)
        if placed[i] or seen_version != version[i]:
            continue
        if people and stale[i]:
            evaluate(i)
            continue
        unit = best[i][2]
        contenders = [i]
        on_unit = best_on[unit]
        for k in users[unit]:
            # Exact shortcuts before asking for a fit: an operation cannot start before its earliest
            # time, and one whose best place is on this unit already knows its start there (it is
            # evaluated again whenever the unit takes an operation).
            if k == i or earliest[k] >= finish:
                continue
            begin_k = best[k][1] if k in on_unit else units.fit(unit, earliest[k], compiled.duration_on(k, unit))[0]
            if begin_k < finish:
                contenders.append(k)
        chosen = min(contenders, key=priority)
        if chosen != i:
            heapq.heappush(heap, (finish, i, seen_version))
        if people and stale[chosen]:
            evaluate(chosen)
            continue
        finish, begin, unit = best[chosen]
        placed[chosen] = True
        unit_of[chosen], start[chosen], end[chosen] = unit, begin, finish
        units.occupy(unit, begin, finish)
        if people:
            crews.occupy(usage, units.timelines[unit], chosen, begin, finish)
        remaining[job_of[chosen]] -= nominal[chosen]
        for other, _duration in options[chosen]:
            users[other].discard(chosen)
        best_on[unit].discard(chosen)
        for k in list(best_on[unit]):
            # Only a place that overlaps the new busy interval has to be found again: more busy
            # time elsewhere on the unit neither frees an earlier gap nor takes this one.
            if begin < best[k][0] and finish > best[k][1]:
                evaluate(k)
        if people and need[chosen] is not None:
            pool = need[chosen][0]
            sharing[pool.index].discard(chosen)
            for k in sharing[pool.index]:
                # The same for the people, lazily: a place that overlaps the people now booked is found
                # again when it is next looked at (popped, or chosen).
                if not stale[k] and begin < best[k][0] and finish > best[k][1]:
                    stale[k] = True
        for s, _wait in succs[chosen]:
            waiting[s] -= 1
            if not waiting[s] and not placed[s]:
                make_ready(s)
    return unit_of, start, end


__all__ = ["schedule", "construct"]
