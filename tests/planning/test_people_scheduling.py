"""People as a second resource (planning.scheduling.people): an operation needs a unit of its work center
and N people with a skill; the dispatcher, the insertion and the optimiser respect both."""

from dataclasses import replace

import pytest

from planning.scheduling.calendar import WorkingCalendar
from planning.scheduling.engine import schedule
from planning.scheduling.insertion import Limit, insert_jobs
from planning.scheduling.model import Crew, SchedulingInputError, WorkCenter
from planning.scheduling.optimizer import optimize
from planning.scheduling.validation import validate_schedule

from .helpers import MONDAY, at, job, minutes, op, problem, times

DAY = WorkingCalendar.build("day", shifts=[("08:00", "17:00")])
# The welders come in only in the afternoon.
AFTERNOON = WorkingCalendar.build("afternoon", shifts=[("13:00", "17:00")])


def with_crews(p, *crews):
    return replace(p, crews=tuple(crews))


def valid(p, s):
    assert validate_schedule(p, s) == []
    return s


def test_an_operation_waits_for_people_though_its_machine_is_free():
    # Two welding stations, but only two welders: the second job's weld (2 welders) waits for the first.
    p = with_crews(problem([WorkCenter("WELD", units=2)], [
        job("WO-1", op(1, "WELD", 60, skill="welder", people=2)),
        job("WO-2", op(1, "WELD", 60, skill="welder", people=2)),
    ]), Crew("C1", skills=(("welder", 2),)))
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 1) == (minutes(0), minutes(60))
    assert times(s, "WO-2", 1) == (minutes(60), minutes(120))
    # Without the people constraint both run at once on the two stations.
    plain = problem([WorkCenter("WELD", units=2)], [job("WO-1", op(1, "WELD", 60)), job("WO-2", op(1, "WELD", 60))])
    assert times(schedule(plain), "WO-2", 1) == (minutes(0), minutes(60))


def test_two_skills_are_separate_resources():
    p = with_crews(problem([WorkCenter("WELD", units=3)], [
        job("WO-1", op(1, "WELD", 60, skill="welder", people=1)),
        job("WO-2", op(1, "WELD", 60, skill="filler", people=1)),
        job("WO-3", op(1, "WELD", 60, skill="welder", people=1)),
    ]), Crew("C1", skills=(("welder", 1), ("filler", 1))))
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 1)[0] == minutes(0)
    assert times(s, "WO-2", 1)[0] == minutes(0)  # the filler operator is a different person
    assert times(s, "WO-3", 1)[0] == minutes(60)  # the one welder is busy until then


def test_the_crews_calendar_holds_work_until_the_people_are_on_shift():
    p = with_crews(problem([WorkCenter("WELD", calendar=DAY)], [
        job("WO-1", op(1, "WELD", 120, skill="welder", people=1)),
        job("WO-2", op(1, "WELD", 60)),  # no people needed: runs at once
    ]), Crew("PM", skills=(("welder", 1),), calendar=AFTERNOON))
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 1) == (at(2, 13), at(2, 15))
    assert times(s, "WO-2", 1) == (at(2, 8), at(2, 9))


def test_crews_add_up_and_people_are_held_only_in_working_time():
    # A long weld spans the night on a day-shift station: the welders are not needed at night.
    p = with_crews(problem([WorkCenter("WELD", units=2, calendar=DAY)], [
        job("WO-1", op(1, "WELD", 600, skill="welder", people=1)),
        job("WO-2", op(1, "WELD", 600, skill="welder", people=1)),
    ]), Crew("A", skills=(("welder", 1),), calendar=DAY), Crew("B", skills=(("welder", 1),), calendar=DAY))
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 1)[0] == times(s, "WO-2", 1)[0] == at(2, 8)


def test_more_people_than_any_crew_has_is_refused_clearly():
    p = with_crews(problem(["WELD"], [job("WO-1", op(1, "WELD", 60, skill="welder", people=3))]),
                   Crew("C1", skills=(("welder", 2),)))
    with pytest.raises(SchedulingInputError, match="3 people with skill welder"):
        schedule(p)


def test_no_people_constraint_is_the_old_path():
    p = with_crews(problem(["WELD"], [job("WO-1", op(1, "WELD", 60, skill="welder", people=0))]),
                   Crew("C1", skills=(("welder", 2),)))
    s = schedule(p)
    assert s.method == "dispatch+tabu"


def test_the_validity_check_finds_too_many_people():
    p = with_crews(problem([WorkCenter("WELD", units=2)], [
        job("WO-1", op(1, "WELD", 60, skill="welder", people=1)),
        job("WO-2", op(1, "WELD", 60, skill="welder", people=1)),
    ]), Crew("C1", skills=(("welder", 1),)))
    without = schedule(replace(p, crews=(Crew("C1", skills=(("welder", 2),)),)))
    assert any("people with skill welder" in error for error in validate_schedule(p, without))


def test_insertion_waits_for_people_and_names_them_as_the_limit():
    p = with_crews(problem(["WELD", "FRAME"], [
        job("NEW", op(1, "WELD", 60, skill="welder", people=2)),
    ]), Crew("C1", skills=(("welder", 2),)))
    # The welding station is free, but both welders weld on the frame line until minute 90.
    inserted = insert_jobs(p, [("FRAME", 0, minutes(0), minutes(90))],
                           crew_bookings=[("welder", 2, "FRAME", 0, minutes(0), minutes(90))])
    assert inserted.start[("NEW", 1)][2:] == (minutes(90), minutes(150))
    assert inserted.binding.limit == Limit.PEOPLE
    assert inserted.binding.skill == "welder"
    assert inserted.binding.until == minutes(90)
    assert (inserted.binding.people, inserted.binding.on_shift) == (2, 2)
    # Without the welders' bookings it goes at once.
    assert insert_jobs(p, [("FRAME", 0, minutes(0), minutes(90))]).start[("NEW", 1)][2] == minutes(0)


def test_the_optimiser_respects_the_people():
    p = with_crews(problem([WorkCenter("A"), WorkCenter("B")], [
        job("WO-1", op(1, "A", 60, skill="welder", people=1), op(2, "B", 30), due=minutes(200)),
        job("WO-2", op(1, "B", 60, skill="welder", people=1), op(2, "A", 30), due=minutes(90)),
    ]), Crew("C1", skills=(("welder", 1),)))
    result = optimize(p, time_limit=2, workers=1)
    assert validate_schedule(p, result.schedule) == []
    first, second = sorted([times(result.schedule, "WO-1", 1), times(result.schedule, "WO-2", 1)])
    assert first[1] <= second[0]  # the one welder welds one at a time
    assert result.schedule.lateness["WO-2"] <= 0  # the urgent one got the welder first
    assert MONDAY <= first[0]


def test_the_cpsat_model_has_a_cumulative_per_skill_with_the_crews_calendar():
    """On the model itself (not only the exact timing afterwards): two welds on two stations with one welder,
    who comes in at 13:00, never overlap and start no earlier than 13:00 in the model's minutes."""
    from planning.scheduling.compiled import CompiledProblem
    from planning.scheduling.cpsat_model import Timeline, build_model, make_solver, read_solution

    p = with_crews(problem([WorkCenter("WELD", units=2, calendar=DAY)], [
        job("WO-1", op(1, "WELD", 60, skill="welder", people=1), due=minutes(60)),
        job("WO-2", op(1, "WELD", 60, skill="welder", people=1), due=minutes(60)),
    ]), Crew("PM", skills=(("welder", 1),), calendar=AFTERNOON))
    compiled = CompiledProblem(p)
    timeline = Timeline(compiled)
    built = build_model(compiled, timeline, "tardiness")
    solver = make_solver(5, 1, 0)
    solver.solve(built.model)
    solution = read_solution(built, solver)
    afternoon = timeline.point(5 * 60)  # 13:00 is five working hours after Monday 08:00
    first, second = sorted(zip(solution.begin, solution.finish, strict=True))
    assert first[0] >= afternoon and first[1] <= second[0]
    # Without the crew both would start at 08:00 on the two stations.
    without = CompiledProblem(problem([WorkCenter("WELD", units=2, calendar=DAY)], [
        job("WO-1", op(1, "WELD", 60), due=minutes(60)), job("WO-2", op(1, "WELD", 60), due=minutes(60))]))
    plain = build_model(without, Timeline(without), "tardiness")
    solver.solve(plain.model)
    assert read_solution(plain, solver).begin == [0, 0]
