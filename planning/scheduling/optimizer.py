"""The optimiser: OR-Tools CP-SAT on the same problem the built-in scheduler solves.

Model: one interval per operation and unit it may use (optional, exactly one present), NoOverlap per
unit, a redundant Cumulative per work center with several units, precedence with the minimum wait,
release times, fixed operations as fixed intervals. Objectives:

- ``"tardiness"``: minimise total tardiness, rush jobs first: a rush minute weighs more than every
  normal job's tardiness together, so the order is lexicographic;
- ``"makespan"``: minimise the last end (job-shop benchmarks).

The built-in scheduler's schedule is given as a hint, so the optimiser starts from it (and, where
calendars are shared, cannot end worse than it). The search
is seeded and uses ``workers`` threads (2 on a 2-core machine); a run that ends at its time limit
may differ between runs, a proven optimum does not.

Calendars, honestly: CP-SAT works on one integer timeline. The model uses the working-minute
timeline of the calendar most operations use (plain minutes when everything is always open). An
operation on a work center with another calendar gets its duration scaled by the ratio of weekly
working minutes, and minimum waits (calendar time) are scaled likewise, so with differing calendars
the model is an approximation. Its answer is therefore used only for what it decides — which unit
each operation runs on and in which order — and the schedule is then timed exactly on the real
calendars by the same code as the built-in scheduler. If that order cannot be timed exactly (it
would push work into a fixed operation), the built-in schedule is returned and the result says so.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from ortools.sat.python import cp_model

from .compiled import CompiledProblem
from .engine import schedule as built_in_schedule
from .model import Problem, Schedule, SchedulingInputError

OBJECTIVES = ("tardiness", "makespan")
WEEK_MINUTES = 7 * 24 * 60


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


class _Timeline:
    """Maps real minutes to the model's minutes (working minutes of the reference calendar)."""

    def __init__(self, compiled: CompiledProblem):
        counts = Counter(id(compiled.units[options[0][0]].timeline) for options in compiled.options)
        timelines = {id(unit.timeline): unit.timeline for unit in compiled.units}
        calendars = {id(unit.timeline): compiled.calendars[unit.center] for unit in compiled.units}
        reference = counts.most_common(1)[0][0] if counts else None
        self.timeline = timelines.get(reference)
        reference_calendar = calendars.get(reference)
        self.week = reference_calendar.weekly_minutes() if reference_calendar else WEEK_MINUTES
        self.week = self.week or WEEK_MINUTES
        self.reference = reference
        self.calendars = calendars

    def point(self, minute: int) -> int:
        if self.timeline is None or self.timeline.always_open:
            return minute
        if minute >= 0:
            return self.timeline.working_between(0, minute)
        return -self.timeline.working_between(minute, 0)

    def length(self, minutes: int, unit) -> int:
        if id(unit.timeline) == self.reference:
            return minutes
        calendar = self.calendars[id(unit.timeline)]
        own = calendar.weekly_minutes() if calendar else WEEK_MINUTES
        return math.ceil(minutes * self.week / (own or WEEK_MINUTES))

    def wait(self, minutes: int) -> int:
        return math.ceil(minutes * self.week / WEEK_MINUTES)


def optimize(problem: Problem, *, objective: str = "tardiness", time_limit: float = 10.0, workers: int = 2,
             seed: int = 0, progress: Callable[[float, float], None] | None = None,
             previous: Schedule | None = None, keep_released: bool = False) -> OptimizerResult:
    """Optimise ``problem``; ``progress(best_objective, elapsed_seconds)`` is called per better solution."""
    if objective not in OBJECTIVES:
        raise SchedulingInputError(_("Unknown objective “%(name)s”.") % {"name": objective})
    if time_limit <= 0:
        raise SchedulingInputError(_("The time limit must be above zero seconds."))
    started = time.perf_counter()
    compiled = CompiledProblem(problem, previous=previous, keep_released=keep_released)
    # The built-in schedule (with its improvement step where it runs) is the starting point.
    hint = built_in_schedule(problem, previous=previous, keep_released=keep_released, seed=seed)
    hint_unit, hint_start, _hint_end = compiled.read_schedule(hint)
    if not compiled.size:
        return OptimizerResult(hint, "optimal", 0, 0, time.perf_counter() - started, 0)

    timeline = _Timeline(compiled)
    model = cp_model.CpModel()
    n = compiled.size
    durations = [{unit: timeline.length(duration, compiled.units[unit]) for unit, duration in compiled.options[i]}
                 for i in range(n)]
    release = [timeline.point(minute) for minute in compiled.release]
    fixed = [None if f is None else (f[0], timeline.point(f[1]), timeline.point(f[2])) for f in compiled.fixed]
    horizon = (max(release) + sum(max(d.values()) for d in durations)
               + sum(timeline.wait(w) for preds in compiled.preds for _p, w in preds)
               + max((f[2] for f in fixed if f is not None), default=0) + 1)

    starts, ends, present = [], [], []
    per_unit: dict[int, list] = {u: [] for u in range(len(compiled.units))}
    per_center: dict[str, list] = {code: [] for code in compiled.center_units}
    for i in range(n):
        if fixed[i] is not None:
            unit, begin, finish = fixed[i]
            starts.append(begin)
            ends.append(finish)
            present.append({unit: True})
            interval = model.new_fixed_size_interval_var(begin, finish - begin, f"fixed{i}")
            per_unit[unit].append(interval)
            per_center[compiled.units[unit].center].append(interval)
            continue
        begin = model.new_int_var(release[i], horizon, f"s{i}")
        finish = model.new_int_var(release[i], horizon, f"e{i}")
        choices = {}
        for unit, duration in durations[i].items():
            if len(durations[i]) > 1:
                literal = model.new_bool_var(f"x{i}_{unit}")
                interval = model.new_optional_interval_var(begin, duration, finish, literal, f"i{i}_{unit}")
            else:
                literal = True
                interval = model.new_interval_var(begin, duration, finish, f"i{i}_{unit}")
            per_unit[unit].append(interval)
            per_center[compiled.units[unit].center].append(interval)
            choices[unit] = literal
        if len(choices) > 1:
            model.add_exactly_one(choices.values())
        starts.append(begin)
        ends.append(finish)
        present.append(choices)
    for intervals in per_unit.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    for code, intervals in per_center.items():
        if len(compiled.center_units[code]) > 1 and intervals:
            model.add_cumulative(intervals, [1] * len(intervals), len(compiled.center_units[code]))
    for i in range(n):
        if fixed[i] is not None:
            continue
        for p, wait in compiled.preds[i]:
            model.add(starts[i] >= ends[p] + timeline.wait(wait))

    if objective == "makespan":
        makespan = model.new_int_var(0, horizon, "makespan")
        model.add_max_equality(makespan, [ends[i] for i in range(n)])
        model.minimize(makespan)
    else:
        rush_terms, normal_terms = [], []
        for j, ops in enumerate(compiled.job_ops):
            if compiled.due[j] is None:
                continue
            due = timeline.point(compiled.due[j])
            tardiness = model.new_int_var(0, horizon + abs(due), f"t{j}")
            for i in ops:
                model.add(tardiness >= ends[i] - due)
            (rush_terms if compiled.rush[j] else normal_terms).append(tardiness)
        rush_weight = len(normal_terms) * (horizon + 1) + 1
        model.minimize(rush_weight * sum(rush_terms) + sum(normal_terms))

    _add_hint(model, compiled, timeline, fixed, starts, ends, present, hint_unit, hint_start)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    callback = _Progress(progress)
    status = solver.solve(model, callback)
    name = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible",
            cp_model.INFEASIBLE: "infeasible"}.get(status, "unknown")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        hint.seconds = time.perf_counter() - started
        return OptimizerResult(hint, name, None, None, hint.seconds, callback.solutions)

    unit_of = [0] * n
    sequences: list[list[tuple]] = [[] for _unit in compiled.units]
    for i in range(n):
        if fixed[i] is not None:
            unit_of[i] = fixed[i][0]
            begin, finish = fixed[i][1], fixed[i][2]
        else:
            unit_of[i] = next(u for u, lit in present[i].items() if lit is True or solver.boolean_value(lit))
            begin, finish = solver.value(starts[i]), solver.value(ends[i])
        sequences[unit_of[i]].append((begin, finish, i))
    ordered = [[i for _b, _f, i in sorted(sequence)] for sequence in sequences]
    timed = compiled.timing(unit_of, ordered)
    seconds = time.perf_counter() - started
    if timed is None:
        hint.seconds = seconds
        return OptimizerResult(hint, "not_timeable", solver.objective_value, solver.best_objective_bound, seconds,
                               callback.solutions)
    result = compiled.to_schedule(unit_of, timed[0], timed[1], method=f"cp-sat {objective}", seconds=seconds)
    return OptimizerResult(result, name, solver.objective_value, solver.best_objective_bound, seconds,
                           callback.solutions)


def _add_hint(model, compiled, timeline, fixed, starts, ends, present, unit_of, start):
    for i in range(compiled.size):
        if fixed[i] is not None:
            continue
        model.add_hint(starts[i], timeline.point(start[i]))
        model.add_hint(ends[i], timeline.point(start[i]) + timeline.length(
            compiled.duration_on(i, unit_of[i]), compiled.units[unit_of[i]]))
        for unit, literal in present[i].items():
            if literal is not True:
                model.add_hint(literal, unit == unit_of[i])
