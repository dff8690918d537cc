"""The CP-SAT optimiser: benchmark optimum, tardiness with rush first, fixed work, calendars."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from bench import jobshop
from planning.scheduling.calendar import WorkingCalendar
from planning.scheduling.compiled import CompiledProblem
from planning.scheduling.cpsat_model import Timeline, add_hint, build_model
from planning.scheduling.engine import schedule
from planning.scheduling.large_neighbourhood import NeighbourhoodSearch
from planning.scheduling.model import Placement, SchedulingInputError, WorkCenter
from planning.scheduling.optimizer import optimize
from planning.scheduling.validation import validate_schedule

from .helpers import job, minutes, op, problem, times
from .test_engine import instances

INSTANCES = Path(__file__).resolve().parents[2] / "bench" / "instances"


def test_ft06_is_solved_to_its_known_optimum_of_55():
    p = jobshop.read(INSTANCES / "ft06.txt").to_problem()
    progress = []
    result = optimize(p, objective="makespan", time_limit=20, progress=lambda best, seconds: progress.append(best))
    assert result.proven_optimal
    assert result.schedule.makespan == 55
    assert validate_schedule(p, result.schedule) == []
    assert progress and progress[-1] == 55
    assert progress == sorted(progress, reverse=True)


def test_tardiness_puts_rush_first_even_at_a_higher_total():
    # Either order makes one job 60 minutes late; the rush job must be the one on time.
    p = problem(["CNC"], [
        job("WO-1", op(1, "CNC", 60), due=minutes(60)),
        job("RUSH", op(1, "CNC", 60), due=minutes(60), rush=True),
        job("WO-2", op(1, "CNC", 10), due=minutes(200)),
    ])
    result = optimize(p, time_limit=5)
    assert result.proven_optimal
    assert validate_schedule(p, result.schedule) == []
    assert result.schedule.rush_tardiness == 0
    assert times(result.schedule, "RUSH", 1) == (minutes(0), minutes(60))
    assert result.schedule.total_tardiness == 60


def test_tardiness_beats_the_dispatch_rule_when_it_can():
    # Earliest-due-first runs the long job first and makes all three late (5 + 10 + 20 minutes);
    # the two short ones first make only the long one late (25 minutes).
    p = problem(["CNC"], [
        job("LONG", op(1, "CNC", 100), due=minutes(95)),
        job("SHORT-1", op(1, "CNC", 10), due=minutes(100)),
        job("SHORT-2", op(1, "CNC", 10), due=minutes(100)),
    ])
    dispatch = schedule(p)
    result = optimize(p, time_limit=5)
    assert dispatch.total_tardiness == 35
    assert result.proven_optimal
    assert result.schedule.total_tardiness == 25
    assert [late.job_id for late in result.schedule.late_jobs] == ["LONG"]
    assert validate_schedule(p, result.schedule) == []


def test_fixed_operations_and_alternatives_are_respected():
    fixed = Placement("CNC-1", 0, minutes(0), minutes(120))
    p = problem([WorkCenter("CNC-1"), WorkCenter("CNC-2", efficiency=50)], [
        job("WO-1", op(1, "CNC-1", 120, locked=True, fixed=fixed), due=minutes(120)),
        job("WO-2", op(1, "CNC-1", 30, alternative="CNC-2"), due=minutes(60)),
    ])
    result = optimize(p, time_limit=5)
    assert validate_schedule(p, result.schedule) == []
    assert times(result.schedule, "WO-1", 1) == (minutes(0), minutes(120))
    assert result.schedule.placement("WO-2", 1).center == "CNC-2"
    assert result.schedule.late_jobs == []


def test_calendars_are_timed_exactly_after_optimising():
    day = WorkingCalendar.build("day", shifts=[("08:00", "12:00"), ("13:00", "17:00")])
    nights = WorkingCalendar.build("nights", shifts=[("22:00", "06:00")], days=range(7))
    p = problem([WorkCenter("A", calendar=day), WorkCenter("B", calendar=nights, units=2)], [
        job(f"WO-{k}", op(1, "A", 90 + 10 * k), op(2, "B", 200, min_wait=30), due=minutes(600 + 300 * k))
        for k in range(4)
    ])
    result = optimize(p, time_limit=5)
    assert result.status in ("optimal", "feasible")
    assert validate_schedule(p, result.schedule) == []


@settings(max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_optimised_schedules_pass_the_same_checker(p):
    result = optimize(p, time_limit=1)
    assert validate_schedule(p, result.schedule) == []


def test_bad_options_are_rejected():
    p = problem(["CNC"], [job("WO-1", op(1, "CNC", 10))])
    with pytest.raises(SchedulingInputError, match="objective"):
        optimize(p, objective="profit")
    with pytest.raises(SchedulingInputError, match="time limit"):
        optimize(p, time_limit=0)


@pytest.mark.parametrize(("name", "optimum"), [("la01", 666), ("la02", 655), ("la03", 597), ("la04", 590),
                                               ("la05", 593)])
def test_the_lawrence_instances_reach_their_known_optima(name, optimum):
    # Proving the published optimum is the check that the instance data was copied exactly.
    p = jobshop.read(INSTANCES / f"{name}.txt").to_problem()
    result = optimize(p, objective="makespan", time_limit=30)
    assert result.proven_optimal
    assert result.schedule.makespan == optimum


# -- large-neighbourhood search ----------------------------------------------------------------------

def _search_from_the_built_in(p, objective, seconds):
    """The neighbourhood search alone, from the built-in schedule, for ``seconds``."""
    compiled = CompiledProblem(p)
    hint = schedule(p)
    timeline = Timeline(compiled)
    built = build_model(compiled, timeline, objective)
    start = add_hint(built, compiled, timeline, *compiled.read_schedule(hint)[:2])
    search = NeighbourhoodSearch(built, workers=2, seed=3, deadline=time.perf_counter() + seconds, bound=None,
                                 jobs=compiled.job_ops)
    return compiled, hint, start, search.improve(start), search


def _timed(compiled, solution):
    sequences = [[] for _unit in compiled.units]
    for i in sorted(range(compiled.size), key=lambda i: solution.begin[i]):
        sequences[solution.unit_of[i]].append(i)
    start, end, _order = compiled.timing(solution.unit_of, sequences)
    return compiled.to_schedule(solution.unit_of, start, end)


def test_the_search_proves_ft06_optimal_from_the_dispatch_schedule():
    p = jobshop.read(INSTANCES / "ft06.txt").to_problem()
    compiled, hint, start, best, search = _search_from_the_built_in(p, "makespan", 30)
    # It grows the neighbourhood until it holds every operation, then proves the optimum of 55.
    assert search.proven_optimal
    assert best.cost == 55 and start.cost >= 55
    assert validate_schedule(p, _timed(compiled, best)) == []


def test_the_search_returns_a_valid_schedule_no_worse_than_its_start_on_a_large_instance():
    p = jobshop.read(INSTANCES / "ta51.txt").to_problem()  # 750 operations
    compiled, hint, start, best, search = _search_from_the_built_in(p, "makespan", 3)
    assert start.cost == hint.makespan
    assert best.cost <= start.cost
    assert search.neighbourhoods > 0
    timed = _timed(compiled, best)
    assert validate_schedule(p, timed) == []
    assert timed.makespan == best.cost  # always-open machines: the model's minutes are the real ones


def test_the_search_keeps_alternatives_and_calendars_valid_for_tardiness():
    from bench.scheduler import factory_problem

    p = factory_problem(orders=40, centers=6, seed=11)
    compiled, hint, start, best, search = _search_from_the_built_in(p, "tardiness", 2)
    assert best.cost <= start.cost
    assert validate_schedule(p, _timed(compiled, best)) == []


@pytest.mark.parametrize("strategy", ["lns", "plain"])
def test_both_strategies_end_no_worse_than_the_built_in_schedule(strategy):
    p = jobshop.read(INSTANCES / "ta51.txt").to_problem()
    result = optimize(p, objective="makespan", time_limit=2, strategy=strategy)
    assert validate_schedule(p, result.schedule) == []
    assert result.schedule.makespan <= schedule(p).makespan
    with pytest.raises(SchedulingInputError, match="strategy"):
        optimize(p, strategy="guess")
