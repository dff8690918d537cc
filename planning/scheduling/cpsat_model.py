"""The optimiser's CP-SAT model: built once per run, solved whole (optimizer.py) and in neighbourhoods
(large_neighbourhood.py).

Model: one interval per operation and unit it may use (optional, exactly one present), NoOverlap per
unit, a redundant Cumulative per work center with several units, precedence with the minimum wait,
release times, fixed operations as fixed intervals, and one ``cost`` variable that is minimised.
Times are the model's minutes (see ``Timeline``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .compiled import CompiledProblem

WEEK_MINUTES = 7 * 24 * 60


class Timeline:
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


@dataclass
class CpSatModel:
    """The model and its variables: ``starts[i]``/``ends[i]`` (ints for fixed operations), ``present[i]``
    maps each unit operation ``i`` may use to its literal (True when it has one unit), ``cost`` is what is
    minimised (``makespan`` tells whether it is the last end). The model's own numbers are kept for the
    neighbourhood search: ``durations[i]`` per unit, ``release[i]``, ``preds[i]`` as (predecessor, wait)."""

    model: cp_model.CpModel
    starts: list
    ends: list
    present: list[dict]
    fixed: list
    cost: cp_model.IntVar
    makespan: bool
    durations: list[dict]
    release: list[int]
    preds: list[list[tuple[int, int]]]
    horizon: int
    due: list[tuple[list[int], int, bool]]  # (operations, due, rush) of each job with a due date
    rush_weight: int

    def cost_of(self, finish: list[int]) -> int:
        """The cost of a solution with these ends, as the model counts it."""
        if self.makespan:
            return max(finish, default=0)
        cost = 0
        for ops, due, rush in self.due:
            late = max(0, max(finish[i] for i in ops) - due)
            cost += late * self.rush_weight if rush else late
        return cost

    @property
    def size(self) -> int:
        return len(self.starts)


@dataclass
class Solution:
    """A solution in the model's minutes: unit, start and end of every operation, and its cost."""

    unit_of: list[int]
    begin: list[int]
    finish: list[int]
    cost: int


def make_solver(seconds, workers, seed) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(seconds)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    return solver


def read_solution(built: CpSatModel, solver: cp_model.CpSolver) -> Solution:
    n = built.size
    unit_of, begin, finish = [0] * n, [0] * n, [0] * n
    for i in range(n):
        if built.fixed[i] is not None:
            unit_of[i], begin[i], finish[i] = built.fixed[i]
            continue
        unit_of[i] = next(u for u, lit in built.present[i].items() if lit is True or solver.boolean_value(lit))
        begin[i], finish[i] = solver.value(built.starts[i]), solver.value(built.ends[i])
    return Solution(unit_of, begin, finish, int(solver.value(built.cost)))


def build_model(compiled: CompiledProblem, timeline: Timeline, objective: str) -> CpSatModel:
    model = cp_model.CpModel()
    n = compiled.size
    durations = [{unit: timeline.length(duration, compiled.units[unit]) for unit, duration in compiled.options[i]}
                 for i in range(n)]
    release = [timeline.point(minute) for minute in compiled.release]
    fixed = [None if f is None else (f[0], timeline.point(f[1]), timeline.point(f[2])) for f in compiled.fixed]
    horizon = (max(release) + sum(max(d.values()) for d in durations)
               + sum(timeline.wait(w) for preds in compiled.preds for _p, w in preds)
               + max((f[2] for f in fixed if f is not None), default=0) + 1)
    horizon = _people_horizon(compiled, timeline, horizon)

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
    _add_people(model, compiled, timeline, horizon, fixed, starts, ends, present, durations)
    for i in range(n):
        if fixed[i] is not None:
            continue
        for p, wait in compiled.preds[i]:
            model.add(starts[i] >= ends[p] + timeline.wait(wait))
    preds = [[(p, timeline.wait(wait)) for p, wait in compiled.preds[i]] for i in range(n)]

    due_jobs, rush_weight = [], 1
    if objective == "makespan":
        cost = model.new_int_var(0, horizon, "makespan")
        model.add_max_equality(cost, [ends[i] for i in range(n)])
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
            due_jobs.append((ops, due, compiled.rush[j]))
        rush_weight = len(normal_terms) * (horizon + 1) + 1
        cost = model.new_int_var(0, rush_weight * (horizon + 1) * (len(rush_terms) + len(normal_terms) + 1), "cost")
        model.add(cost == rush_weight * sum(rush_terms) + sum(normal_terms))
    model.minimize(cost)
    return CpSatModel(model, starts, ends, present, fixed, cost, objective == "makespan", durations, release,
                      preds, horizon, due_jobs, rush_weight)


def _people_horizon(compiled, timeline, horizon):
    """The horizon, long enough for the people: with crews off shift part of the time, the work needs
    `horizon` minutes with every crew of a skill on shift, plus the work again (whole operations must fit)."""
    crews = compiled.crews
    if not crews.active:
        return horizon
    longest = horizon
    for pool in crews.pools:
        minute = full = step = 0
        while full < horizon and step < 100_000:
            following = pool.next_change(minute)
            following = minute + WEEK_MINUTES if following == float("inf") else following
            if pool.capacity(minute) == pool.peak:
                full += timeline.point(following) - timeline.point(minute)
            minute, step = following, step + 1
        longest = max(longest, timeline.point(minute) + horizon)
    return longest


def _add_people(model, compiled, timeline, horizon, fixed, starts, ends, present, durations):
    """People as a resource: a Cumulative per skill, each operation that needs people demanding its head
    count over its interval, with capacity the skill's peak head count; where fewer are on shift (the
    crews' calendars) a fixed interval takes the difference away. Real minutes are mapped to the model's
    as everything else is (``Timeline.point``), so a crew on the reference calendar is exact."""
    crews = compiled.crews
    if not crews.active:
        return
    per_pool: dict[int, list] = {}
    for i, need in enumerate(crews.need):
        if need is None:
            continue
        pool, people = need
        if fixed[i] is not None:
            _unit, begin, finish = fixed[i]
            if finish > begin:
                interval = model.new_fixed_size_interval_var(begin, finish - begin, f"pf{i}")
                per_pool.setdefault(pool.index, []).append((interval, people))
            continue
        for unit, literal in present[i].items():
            duration = durations[i][unit]
            if literal is True:
                interval = model.new_interval_var(starts[i], duration, ends[i], f"p{i}_{unit}")
            else:
                interval = model.new_optional_interval_var(starts[i], duration, ends[i], literal, f"p{i}_{unit}")
            per_pool.setdefault(pool.index, []).append((interval, people))
    for index, demands in per_pool.items():
        pool = crews.pools[index]
        minute = step = 0  # nothing that may move starts before the schedule's start
        # Walk the real minutes until the model's horizon: the periods with fewer people than the peak.
        while timeline.point(minute) < horizon and step < 100_000:
            following = pool.next_change(minute)
            following = minute + WEEK_MINUTES if following == float("inf") else following
            on_shift = pool.capacity(minute)
            begin, finish = max(0, timeline.point(minute)), min(horizon, timeline.point(following))
            if on_shift < pool.peak and finish > begin:
                blocker = model.new_fixed_size_interval_var(begin, finish - begin, f"off{index}_{step}")
                demands.append((blocker, pool.peak - on_shift))
            minute, step = following, step + 1
        model.add_cumulative([interval for interval, _people in demands], [people for _i, people in demands],
                             pool.peak)


def solution_of(built, compiled, timeline, unit_of, start) -> Solution:
    """A schedule (units and real start minutes) as a Solution in the model's minutes."""
    begin, finish = [0] * compiled.size, [0] * compiled.size
    for i in range(compiled.size):
        if built.fixed[i] is not None:
            _unit, begin[i], finish[i] = built.fixed[i]
        else:
            begin[i] = timeline.point(start[i])
            finish[i] = begin[i] + built.durations[i][unit_of[i]]
    return Solution(list(unit_of), begin, finish, built.cost_of(finish))


def add_hint(built, compiled, timeline, unit_of, start) -> Solution:
    """Hint the model with a schedule (the built-in one); returns it as a Solution in the model's minutes."""
    hinted = solution_of(built, compiled, timeline, unit_of, start)
    for i in range(compiled.size):
        if built.fixed[i] is not None:
            continue
        built.model.add_hint(built.starts[i], hinted.begin[i])
        built.model.add_hint(built.ends[i], hinted.finish[i])
        for unit, literal in built.present[i].items():
            if literal is not True:
                built.model.add_hint(literal, unit == unit_of[i])
    return hinted
