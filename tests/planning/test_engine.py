"""The built-in scheduler on small hand-checked cases, and property tests on random instances."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.scheduling.calendar import NoWorkingTimeError, WorkingCalendar
from planning.scheduling.engine import schedule
from planning.scheduling.model import OperationStatus, Placement, SchedulingInputError, WorkCenter
from planning.scheduling.validation import validate_schedule

from .helpers import MONDAY, at, job, minutes, op, problem, times

DAY_SHIFT = WorkingCalendar.build("day", shifts=[("08:00", "17:00")])


def valid(p, s, **options):
    errors = validate_schedule(p, s, **options)
    assert errors == []
    return s


# -- precedence, waits, calendars --------------------------------------------------------------

def test_operations_follow_their_predecessor():
    p = problem(["CUT", "WELD"], [job("WO-1", op(10, "CUT", 60), op(20, "WELD", 30))])
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 10) == (minutes(0), minutes(60))
    assert times(s, "WO-1", 20) == (minutes(60), minutes(90))
    assert s.makespan == 90


def test_minimum_wait_after_the_predecessor():
    p = problem(["CUT", "PAINT"], [job("WO-1", op(10, "CUT", 60), op(20, "PAINT", 30, min_wait=45))])
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 20) == (minutes(105), minutes(135))


def test_minimum_wait_runs_through_the_night_in_calendar_time():
    # Painting ends Monday 16:00; drying takes 18 hours (calendar time) -> assembly Tuesday 10:00.
    centers = [WorkCenter("PAINT", calendar=DAY_SHIFT), WorkCenter("ASSY", calendar=DAY_SHIFT)]
    p = problem(centers, [job("WO-1", op(1, "PAINT", 480), op(2, "ASSY", 60, min_wait=18 * 60))])
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 2) == (at(3, 10), at(3, 11))


def test_explicit_predecessors_allow_parallel_branches_and_sub_assemblies():
    p = problem(["A", "B", "C"], [
        job("SUB", op(1, "C", 50)),
        job("WO-1", op(1, "A", 30), op(2, "B", 40), op(3, "A", 10, after=(1, 2, ("SUB", 1)))),
    ])
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 2)[0] == minutes(0)  # the branches run side by side
    assert times(s, "WO-1", 3) == (minutes(50), minutes(60))


def test_a_weekend_and_a_holiday_push_work_to_monday():
    # Thursday 5 March 16:00, 2 hours of work: one hour on Thursday, Friday is a holiday, the
    # weekend is closed, so the second hour is Monday 9 March 08:00-09:00.
    calendar = WorkingCalendar.build("day", shifts=[("08:00", "17:00")], holidays=[date(2026, 3, 6)])
    p = problem([WorkCenter("CNC", calendar=calendar)], [job("WO-1", op(1, "CNC", 120))], start=at(5, 16))
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 1) == (at(5, 16), at(9, 9))


def test_overtime_adds_capacity():
    calendar = WorkingCalendar.build("day", shifts=[("08:00", "17:00")], holidays=[date(2026, 3, 6)],
                                     overtime={date(2026, 3, 7): [("08:00", "12:00")]})
    p = problem([WorkCenter("CNC", calendar=calendar)], [job("WO-1", op(1, "CNC", 120))], start=at(5, 16))
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 1) == (at(5, 16), at(7, 9))


def test_work_released_at_night_starts_with_the_next_shift():
    p = problem([WorkCenter("CNC", calendar=DAY_SHIFT)], [job("WO-1", op(1, "CNC", 60), release=at(2, 20))])
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 1) == (at(3, 8), at(3, 9))


def test_efficiency_stretches_run_time_but_not_setup():
    # 100 units x 1 min at 80 % -> 125 min, plus 10 min setup.
    p = problem([WorkCenter("LATHE", efficiency=80)],
                [job("WO-1", op(1, "LATHE", 1, setup=10), quantity=100)])
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 1) == (minutes(0), minutes(135))


def test_fractional_run_times_round_up_to_whole_minutes():
    p = problem(["PACK"], [job("WO-1", op(1, "PACK", 0.1), quantity=10),
                           job("WO-2", op(1, "PACK", 0.1), quantity=11)])
    s = valid(p, schedule(p))
    durations = sorted((a.end - a.start).total_seconds() / 60 for a in s.assignments.values())
    assert durations == [1, 2]


# -- capacity and priority ----------------------------------------------------------------------

def test_two_parallel_units_halve_the_wait():
    jobs = [job("WO-1", op(1, "CNC", 60)), job("WO-2", op(1, "CNC", 60))]
    one = schedule(problem([WorkCenter("CNC", units=1)], jobs))
    two = valid(problem([WorkCenter("CNC", units=2)], jobs), schedule(problem([WorkCenter("CNC", units=2)], jobs)))
    assert one.makespan == 120
    assert two.makespan == 60
    assert {two.placement("WO-1", 1).unit, two.placement("WO-2", 1).unit} == {0, 1}


def test_rush_overtakes_a_normal_job_with_an_earlier_due_date():
    p = problem(["CNC"], [
        job("WO-1", op(1, "CNC", 60), due=minutes(60)),
        job("WO-2", op(1, "CNC", 60), due=minutes(600), rush=True),
    ])
    s = valid(p, schedule(p))
    assert times(s, "WO-2", 1) == (minutes(0), minutes(60))
    assert times(s, "WO-1", 1) == (minutes(60), minutes(120))
    assert s.lateness == {"WO-1": 60, "WO-2": -540}
    assert [(late.job_id, late.late_minutes) for late in s.late_jobs] == [("WO-1", 60)]


def test_earlier_due_date_goes_first_then_the_job_id_in_natural_order():
    p = problem(["CNC"], [
        job("WO-10", op(1, "CNC", 30), due=minutes(500)),
        job("WO-9", op(1, "CNC", 30), due=minutes(500)),
        job("WO-11", op(1, "CNC", 30), due=minutes(100)),
    ])
    s = valid(p, schedule(p))
    order = sorted(["WO-9", "WO-10", "WO-11"], key=lambda j: s.placement(j, 1).start)
    assert order == ["WO-11", "WO-9", "WO-10"]


def test_late_jobs_list_rush_first_then_the_latest():
    p = problem(["CNC"], [
        job("A", op(1, "CNC", 100), due=minutes(0)),
        job("B", op(1, "CNC", 100), due=minutes(0)),
        job("R", op(1, "CNC", 100), due=minutes(0), rush=True),
    ])
    s = valid(p, schedule(p))
    assert [late.job_id for late in s.late_jobs] == ["R", "B", "A"]
    assert s.total_tardiness == 100 + 200 + 300
    assert s.rush_tardiness == 100


def test_alternative_work_center_used_when_the_main_one_is_busy():
    p = problem([WorkCenter("CNC-1"), WorkCenter("CNC-2", efficiency=50)], [
        job("WO-1", op(1, "CNC-1", 120), due=minutes(100)),
        job("WO-2", op(1, "CNC-1", 30, alternative="CNC-2"), due=minutes(200)),
    ])
    s = valid(p, schedule(p))
    # On CNC-1 it would end at 150; on the slower CNC-2 it runs 60 minutes from 0.
    assert s.placement("WO-2", 1).center == "CNC-2"
    assert times(s, "WO-2", 1) == (minutes(0), minutes(60))


def test_alternative_not_used_when_the_main_center_finishes_earlier():
    p = problem([WorkCenter("CNC-1"), WorkCenter("CNC-2", efficiency=50)], [
        job("WO-1", op(1, "CNC-1", 20), due=minutes(100)),
        job("WO-2", op(1, "CNC-1", 30, alternative="CNC-2"), due=minutes(200)),
    ])
    s = valid(p, schedule(p))
    assert s.placement("WO-2", 1).center == "CNC-1"


# -- frozen operations and incremental rescheduling ---------------------------------------------

def test_frozen_operations_are_not_moved_by_an_incremental_reschedule():
    p = problem(["CNC", "QC"], [
        job("WO-1", op(1, "CNC", 60), op(2, "QC", 10), due=minutes(500)),
        job("WO-2", op(1, "CNC", 60), op(2, "QC", 10), due=minutes(600)),
    ])
    before = valid(p, schedule(p))
    assert times(before, "WO-1", 1) == (minutes(0), minutes(60))
    # WO-1's first operation has started; a rush order arrives.
    p2 = problem(["CNC", "QC"], [
        job("WO-1", op(1, "CNC", 60, status=OperationStatus.STARTED), op(2, "QC", 10), due=minutes(500)),
        job("WO-2", op(1, "CNC", 60), op(2, "QC", 10), due=minutes(600)),
        job("RUSH", op(1, "CNC", 30), op(2, "QC", 10), due=minutes(100), rush=True),
    ])
    after = valid(p2, schedule(p2, previous=before), previous=before)
    assert times(after, "WO-1", 1) == (minutes(0), minutes(60))
    assert after.placement("WO-1", 1).fixed
    assert times(after, "RUSH", 1) == (minutes(60), minutes(90))  # right after the started work
    assert times(after, "WO-2", 1) == (minutes(90), minutes(150))


def test_released_operations_stay_only_when_asked():
    base = [job("WO-1", op(1, "CNC", 60), due=minutes(500)),
            job("WO-2", op(1, "CNC", 60, status=OperationStatus.RELEASED), due=minutes(600))]
    before = schedule(problem(["CNC"], base))
    assert times(before, "WO-2", 1) == (minutes(60), minutes(120))
    p2 = problem(["CNC"], [*base, job("RUSH", op(1, "CNC", 30), rush=True, due=minutes(60))])
    moved = valid(p2, schedule(p2, previous=before), previous=before)
    kept = valid(p2, schedule(p2, previous=before, keep_released=True), previous=before, keep_released=True)
    assert times(moved, "WO-2", 1) == (minutes(90), minutes(150))
    assert times(kept, "WO-2", 1) == (minutes(60), minutes(120))
    assert times(kept, "RUSH", 1) == (minutes(0), minutes(30))  # fits in the gap before it
    assert times(kept, "WO-1", 1) == (minutes(120), minutes(180))


def test_a_locked_operation_keeps_its_given_placement():
    fixed = Placement("CNC", 0, minutes(30), minutes(90))
    p = problem(["CNC"], [
        job("WO-1", op(1, "CNC", 60, locked=True, fixed=fixed)),
        job("WO-2", op(1, "CNC", 45)),
        job("WO-3", op(1, "CNC", 20)),
    ])
    s = valid(p, schedule(p))
    assert times(s, "WO-1", 1) == (minutes(30), minutes(90))
    assert times(s, "WO-3", 1) == (minutes(0), minutes(20))  # the gap before the locked work
    assert times(s, "WO-2", 1) == (minutes(90), minutes(135))


def test_a_fixed_operation_before_its_predecessor_is_reported_not_moved():
    fixed = Placement("QC", 0, minutes(0), minutes(10))
    p = problem(["CNC", "QC"], [job("WO-1", op(1, "CNC", 60), op(2, "QC", 10, locked=True, fixed=fixed))])
    s = schedule(p)
    assert times(s, "WO-1", 2) == (minutes(0), minutes(10))
    assert len(s.conflicts) == 1 and "2 (WO-1)" in s.conflicts[0]


def test_the_same_input_gives_the_same_schedule():
    jobs = [job(f"WO-{k}", op(1, "A", 10 + k), op(2, "B", 30 - k), due=minutes(100 + 7 * k)) for k in range(12)]
    first, second = schedule(problem(["A", "B"], jobs)), schedule(problem(["A", "B"], list(jobs)))
    assert first.assignments == second.assignments


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("operation", "message"), [
    (op(1, "CNC", 0), "takes no time"),
    (op(1, "CNC", -5), "negative"),
    (op(1, "CNC", 10, setup=-1), "negative"),
    (op(1, "CNC", 10, min_wait=-1), "negative"),
    (op(1, "NOPE", 10), "does not exist"),
    (op(1, "CNC", 10, alternative="CNC"), "alternative"),
])
def test_bad_operations_are_rejected_with_a_message(operation, message):
    with pytest.raises(SchedulingInputError, match=message):
        schedule(problem(["CNC"], [job("WO-1", operation)]))


def test_a_zero_quantity_is_rejected():
    with pytest.raises(SchedulingInputError, match="quantity"):
        schedule(problem(["CNC"], [job("WO-1", op(1, "CNC", 10), quantity=0)]))


def test_a_job_without_operations_is_rejected():
    with pytest.raises(SchedulingInputError, match="no operations"):
        schedule(problem(["CNC"], [job("WO-1")]))


def test_an_operation_cycle_is_rejected():
    p = problem(["CNC"], [job("WO-1", op(1, "CNC", 10, after=(3,)), op(2, "CNC", 10, after=(1,)),
                                  op(3, "CNC", 10, after=(2,)))])
    with pytest.raises(SchedulingInputError, match="cycle") as raised:
        schedule(p)
    assert "1 (WO-1)" in str(raised.value)


def test_a_missing_predecessor_is_rejected():
    p = problem(["CNC"], [job("WO-1", op(1, "CNC", 10), op(2, "CNC", 10, after=(7,)))])
    with pytest.raises(SchedulingInputError, match="follows 7 .*does not exist"):
        schedule(p)


def test_a_work_center_without_working_time_is_rejected():
    with pytest.raises(NoWorkingTimeError):
        WorkCenter("CNC", calendar=WorkingCalendar.build("never", shifts=[]))


def test_a_started_operation_without_times_is_rejected():
    p = problem(["CNC"], [job("WO-1", op(1, "CNC", 10, status=OperationStatus.STARTED))])
    with pytest.raises(SchedulingInputError, match="no start and end"):
        schedule(p)


def test_overlapping_fixed_operations_are_rejected():
    p = problem(["CNC"], [
        job("WO-1", op(1, "CNC", 60, locked=True, fixed=Placement("CNC", 0, minutes(0), minutes(60)))),
        job("WO-2", op(1, "CNC", 60, locked=True, fixed=Placement("CNC", 0, minutes(30), minutes(90)))),
    ])
    with pytest.raises(SchedulingInputError, match="overlap"):
        schedule(p)


def test_naive_due_dates_are_rejected():
    with pytest.raises(SchedulingInputError, match="timezone-aware"):
        schedule(problem(["CNC"], [job("WO-1", op(1, "CNC", 10), due=MONDAY.replace(tzinfo=None))]))


# -- properties on random instances ---------------------------------------------------------------

CALENDARS = [
    None,
    WorkingCalendar.build("day", shifts=[("08:00", "12:00"), ("13:00", "17:00")], holidays=[date(2026, 3, 4)]),
    WorkingCalendar.build("two shifts", shifts=[("06:00", "14:00"), ("14:00", "22:00")], days=range(6),
                          overtime={date(2026, 3, 8): [("08:00", "12:00")]}),
    WorkingCalendar.build("nights", shifts=[("22:00", "06:00")], days=range(7)),
]


@st.composite
def instances(draw):
    center_count = draw(st.integers(1, 3))
    centers = [WorkCenter(f"C{c}", units=draw(st.integers(1, 2)), efficiency=draw(st.sampled_from([50, 80, 100, 125])),
                          calendar=draw(st.sampled_from(CALENDARS))) for c in range(center_count)]
    jobs = []
    for j in range(draw(st.integers(1, 5))):
        operations = []
        for k in range(draw(st.integers(1, 4))):
            center = draw(st.integers(0, center_count - 1))
            alternative = draw(st.one_of(st.none(), st.integers(0, center_count - 1)))
            operations.append(op(k, f"C{center}", draw(st.integers(1, 300)), setup=draw(st.integers(0, 30)),
                                 min_wait=draw(st.sampled_from([0, 0, 15, 600])),
                                 alternative=None if alternative in (None, center) else f"C{alternative}"))
        jobs.append(job(f"WO-{j}", *operations, rush=draw(st.booleans()),
                        due=draw(st.one_of(st.none(), st.integers(0, 5000).map(minutes))),
                        release=draw(st.one_of(st.none(), st.integers(-100, 3000).map(minutes)))))
    return problem(centers, jobs)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.booleans())
def test_random_schedules_are_valid_and_deterministic(p, improve):
    first = schedule(p, improve=improve)
    assert validate_schedule(p, first) == []
    assert schedule(p, improve=improve).assignments == first.assignments


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.data())
def test_random_incremental_reschedules_keep_frozen_work(p, data):
    before = schedule(p)
    frozen = {}
    jobs = []
    for j in p.jobs:
        operations = []
        for o in j.operations:
            status = data.draw(st.sampled_from(list(OperationStatus)))
            if status in (OperationStatus.STARTED, OperationStatus.DONE):
                frozen[(j.id, o.id)] = before.placement(j.id, o.id)
            operations.append(type(o)(**{**o.__dict__, "status": status}))
        jobs.append(type(j)(**{**j.__dict__, "operations": tuple(operations)}))
    jobs.append(job("RUSH", op("x", p.centers[0].code, 90), rush=True, due=minutes(60)))
    p2 = problem(list(p.centers), jobs)
    after = schedule(p2, previous=before)
    assert validate_schedule(p2, after, previous=before) == []
    for key, placed in frozen.items():
        assert (after.assignments[key].start, after.assignments[key].end) == (placed.start, placed.end)


# -- the validity checker itself ----------------------------------------------------------------

def test_the_checker_finds_overlaps_closed_time_and_broken_precedence():
    from dataclasses import replace
    from datetime import timedelta

    centers = [WorkCenter("CNC", calendar=DAY_SHIFT), WorkCenter("QC", calendar=DAY_SHIFT)]
    p = problem(centers, [job("WO-1", op(1, "CNC", 60), op(2, "QC", 30)), job("WO-2", op(1, "CNC", 60))])
    good = valid(p, schedule(p))

    def broken(key, **changes):
        assignments = dict(good.assignments)
        assignments[key] = replace(assignments[key], **changes)
        return replace(good, assignments=assignments)

    first = good.placement("WO-1", 1)
    other = good.placement("WO-2", 1)
    overlap = broken(("WO-2", 1), start=first.start, end=first.start + timedelta(minutes=60), unit=first.unit)
    assert any("overlap" in e for e in validate_schedule(p, overlap))
    night = broken(("WO-2", 1), start=other.start.replace(hour=20), end=other.start.replace(hour=21))
    assert any("not working time" in e for e in validate_schedule(p, night))
    early = broken(("WO-1", 2), start=first.start, end=first.start + timedelta(minutes=30))
    assert any("before 1 (WO-1) ends" in e for e in validate_schedule(p, early))
    short = broken(("WO-1", 1), end=first.end - timedelta(minutes=1))
    assert any("working minutes are done" in e for e in validate_schedule(p, short))
