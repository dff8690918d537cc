"""The optimiser: OR-Tools CP-SAT on the same problem the built-in scheduler solves.

The model (cpsat_model.py) has one interval per operation and unit it may use, NoOverlap per unit,
precedence with minimum waits, releases and fixed operations. Objectives:

- ``"tardiness"``: minimise total tardiness, rush jobs first: a rush minute weighs more than every
  normal job's tardiness together, so the order is lexicographic;
- ``"makespan"``: minimise the last end (job-shop benchmarks).

How a run spends its time (``strategy="lns"``, the default):

1. the built-in schedule (dispatch, and its tabu search when no job has a due date) is the hint;
2. CP-SAT solves the whole model for a share of the time (60 % up to LARGE_MODEL operations, 15 %
   above): small problems end here, proven;
3. above LARGE_MODEL operations, when no job has a due date, the tabu search goes on for 20 % of the
   time from the start (on large job shops it gains more in a second than CP-SAT in ten);
4. large-neighbourhood search (large_neighbourhood.py) improves the better of the two until the limit.

``strategy="plain"`` is step 1 and then the whole model for all the time: what the benchmarks compare
against. The search is seeded and uses ``workers`` threads (2 on a 2-core machine); a run that ends at
its time limit may differ between runs, a proven optimum does not. The result is never worse than the
built-in schedule it started from.

Calendars, honestly: CP-SAT works on one integer timeline. The model uses the working-minute timeline of
the calendar most operations use (plain minutes when everything is always open). An operation on a work
center with another calendar gets its duration scaled by the ratio of weekly working minutes, and
minimum waits (calendar time) are scaled likewise, so with differing calendars the model is an
approximation. People (crews with skills, scheduling.people) are a Cumulative per skill with the crews'
calendars mapped the same way; the exact timing then respects them too. Its answer is therefore used
only for what it decides — which unit each operation runs on and in which order — and the schedule is
then timed exactly on the real calendars by the same code as the built-in scheduler. If that order
cannot be timed exactly (it would push work into a fixed operation), the built-in schedule is returned
and the result says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from ortools.sat.python import cp_model

from .compiled import CompiledProblem
from .cpsat_model import Timeline, add_hint, build_model, make_solver, read_solution, solution_of
from .engine import _Units
from .engine import schedule as built_in_schedule
from .large_neighbourhood import NeighbourhoodSearch
from .model import Problem, Schedule, SchedulingInputError

OBJECTIVES = ("tardiness", "makespan")
STRATEGIES = ("lns", "plain")
# Shares of the time limit: (whole model, longer tabu search) by model size. The whole model proves small
# problems optimal, gives the search its bound, and up to a few hundred operations CP-SAT improves it
# well (Taillard 15x15); on larger ones it hardly moves from its hint, and the tabu search and then the
# large-neighbourhood search get the time. Large-neighbourhood search has what is left.
LARGE_MODEL = 500  # operations
SMALL_SHARES = (0.6, 0.0)
LARGE_SHARES = (0.15, 0.2)
TABU_ITERATIONS = 1_000_000  # a cap; the time share ends the search


@dataclass
class OptimizerResult:
    schedule: Schedule
    status: str  # optimal, feasible, infeasible, unknown, not_timeable
    objective: float | None  # in the model's minutes
    bound: float | None
    seconds: float
    solutions: int

    @property
    def proven_optimal(self) -> bool:
        return self.status == "optimal"


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[float, float], None] | None):
        super().__init__()
        self.report = report
        self.solutions = 0

    def on_solution_callback(self):
        self.solutions += 1
        if self.report is not None:
            self.report(self.ObjectiveValue(), self.WallTime())


def optimize(problem: Problem, *, objective: str = "tardiness", time_limit: float = 10.0, workers: int = 2,
             seed: int = 0, progress: Callable[[float, float], None] | None = None,
             previous: Schedule | None = None, keep_released: bool = False,
             strategy: str = "lns") -> OptimizerResult:
    """Optimise ``problem``; ``progress(best_objective, elapsed_seconds)`` is called per better solution.

    ``strategy="lns"`` (the default) solves the whole model for a first share of the time, then improves
    the best solution by large-neighbourhood search (large_neighbourhood.py); ``"plain"`` gives CP-SAT
    the whole time on the whole model (the benchmarks compare the two)."""
    if objective not in OBJECTIVES:
        raise SchedulingInputError(_("Unknown objective “%(name)s”.") % {"name": objective})
    if strategy not in STRATEGIES:
        raise SchedulingInputError(_("Unknown strategy “%(name)s”.") % {"name": strategy})
    if time_limit <= 0:
        raise SchedulingInputError(_("The time limit must be above zero seconds."))
    started = time.perf_counter()
    compiled = CompiledProblem(problem, previous=previous, keep_released=keep_released)
    # The built-in schedule (with its improvement step where it runs) is the starting point.
    hint = built_in_schedule(problem, previous=previous, keep_released=keep_released, seed=seed)
    hint_unit, hint_start, _hint_end = compiled.read_schedule(hint)
    if not compiled.size:
        return OptimizerResult(hint, "optimal", 0, 0, time.perf_counter() - started, 0)

    timeline = Timeline(compiled)
    built = build_model(compiled, timeline, objective)
    hinted = add_hint(built, compiled, timeline, hint_unit, hint_start)
    deadline = started + float(time_limit)
    whole_share, tabu_share = SMALL_SHARES if compiled.size <= LARGE_MODEL else LARGE_SHARES
    whole_model_seconds = time_limit if strategy == "plain" else time_limit * whole_share
    solver = make_solver(max(0.01, min(whole_model_seconds, deadline - time.perf_counter())), workers, seed)
    callback = _Progress(progress)
    status = solver.solve(built.model, callback)
    name = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible",
            cp_model.INFEASIBLE: "infeasible"}.get(status, "unknown")
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    best = read_solution(built, solver) if found else None
    bound = solver.best_objective_bound if found else None
    solutions = callback.solutions
    if strategy == "lns" and status not in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
        # The search goes on from the better of the whole model's answer and the built-in schedule (CP-SAT
        # does not always find its hint within a short time on a large model).
        if hint.method == "dispatch+tabu" and tabu_share:  # no due dates: the tabu search goes on a while
            longer = built_in_schedule(problem, previous=previous, keep_released=keep_released, seed=seed,
                                       iterations=TABU_ITERATIONS,
                                       deadline=min(deadline, time.perf_counter() + time_limit * tabu_share))
            if longer.makespan < hint.makespan:
                hint, hinted = longer, solution_of(built, compiled, timeline, *compiled.read_schedule(longer)[:2])
        start_from = best if best is not None and best.cost <= hinted.cost else hinted
        search = NeighbourhoodSearch(built, workers=workers, seed=seed, deadline=deadline, bound=bound,
                                     jobs=compiled.job_ops,
                                     report=None if progress is None else
                                     lambda cost: progress(cost, time.perf_counter() - started))
        # A solution even when CP-SAT found none on the whole model in its share: the search starts from
        # the built-in schedule (valid; and timed exactly on the real calendars at the end, as every answer).
        best = search.improve(start_from)
        solutions += search.solutions
        name = "optimal" if search.proven_optimal else "feasible"
        bound = best.cost if search.proven_optimal else bound
    if best is None:
        hint.seconds = time.perf_counter() - started
        return OptimizerResult(hint, name, None, None, hint.seconds, solutions)
    return _result(compiled, built, best, name, bound, objective, started, hint, solutions)


def _result(compiled, built, best, name, bound, objective, started, hint, solutions):
    sequences: list[list[tuple]] = [[] for _unit in compiled.units]
    for i in range(compiled.size):
        sequences[best.unit_of[i]].append((best.begin[i], best.finish[i], i))
    ordered = [[i for _b, _f, i in sorted(sequence)] for sequence in sequences]
    if compiled.crews.active:  # timed with the people too, in the order of the optimiser's starts
        order = sorted(range(compiled.size), key=lambda i: (best.begin[i], best.finish[i], i))
        timed = time_in_order(compiled, best.unit_of, order)
    else:
        timed = compiled.timing(best.unit_of, ordered)
    seconds = time.perf_counter() - started
    if timed is None:
        hint.seconds = seconds
        return OptimizerResult(hint, "not_timeable", best.cost, bound, seconds, solutions)
    result = compiled.to_schedule(best.unit_of, timed[0], timed[1], method=f"cp-sat {objective}", seconds=seconds)
    return OptimizerResult(result, name, best.cost, bound, seconds, solutions)


def time_in_order(compiled, unit_of, order):
    """Start and end of every operation when each is placed, in `order` (a precedence- and unit-consistent
    order, e.g. by the optimiser's starts), as early as its predecessors, release, its unit (after the
    operations before it there) and its people allow. Fixed operations stay."""
    n = compiled.size
    crews = compiled.crews
    units = _Units(compiled)
    usage = crews.usage()
    start, end = [0] * n, [0] * n
    last_on_unit = {}
    for i in range(n):
        if compiled.fixed[i] is not None:
            unit, start[i], end[i] = compiled.fixed[i]
            units.occupy(unit, start[i], end[i])
            crews.occupy(usage, units.timelines[unit], i, start[i], end[i])
    for i in order:
        if compiled.fixed[i] is not None:
            continue
        unit = unit_of[i]
        earliest = compiled.release[i]
        for p, wait in compiled.preds[i]:
            earliest = max(earliest, end[p] + wait)
        earliest = max(earliest, last_on_unit.get(unit, earliest))
        start[i], end[i], _waited = crews.fit(usage, units, i, unit, earliest, compiled.duration_on(i, unit))
        units.occupy(unit, start[i], end[i])
        crews.occupy(usage, units.timelines[unit], i, start[i], end[i])
        last_on_unit[unit] = end[i]
    return start, end
