"""Insertion into an existing schedule (planning.scheduling.insertion): new work into free time, a rush
order pushing only what must move, and the constraint that bound the new work."""

from dataclasses import replace
from datetime import date

from planning.scheduling.calendar import WorkingCalendar
from planning.scheduling.engine import schedule
from planning.scheduling.insertion import Limit, insert_jobs, right_shift
from planning.scheduling.model import OperationStatus, Placement, WorkCenter

from .helpers import MONDAY, job, minutes, op, problem


def current_load():
    return [
        job("WO-1", op(1, "CNC", 60, status=OperationStatus.RELEASED,
                        fixed=Placement("CNC", 0, minutes(0), minutes(60))),
            op(2, "QC", 30), due=minutes(200)),
        job("WO-2", op(1, "CNC", 60), op(2, "QC", 30), due=minutes(160)),
        job("WO-3", op(1, "CNC", 60), op(2, "QC", 30), due=minutes(400)),
        job("WO-4", op(1, "PACK", 30), due=minutes(400)),
    ]


def bookings(current):
    return [(a.center, a.unit, a.start, a.end) for a in current.assignments.values()]


def stored(jobs, current):
    """The jobs with their current placements as stored ones (what planning reads from the database)."""
    return [replace(j, operations=tuple(replace(o, fixed=Placement(*_place(current, j.id, o.id)))
                                        for o in j.operations)) for j in jobs]


def _place(current, job_id, op_id):
    a = current.placement(job_id, op_id)
    return a.center, a.unit, a.start, a.end


def test_new_work_goes_into_free_time_and_names_the_booked_center():
    current = schedule(problem(["CNC", "QC", "PACK"], current_load()), keep_released=True)
    new = job("WO-9", op(1, "CNC", 45), op(2, "QC", 15), due=minutes(600))

    inserted = insert_jobs(problem(["CNC", "QC", "PACK"], [new]), bookings(current))

    assert inserted.start[("WO-9", 1)][2:] == (minutes(180), minutes(225))  # CNC busy 0–180
    assert inserted.finish == minutes(240)
    assert inserted.binding.limit == Limit.BOOKED and inserted.binding.center == "CNC"
    assert inserted.binding.until == minutes(180)


def test_material_binds_when_the_release_is_later_than_the_free_time():
    new = job("WO-9", op(1, "CNC", 45), release=minutes(500))
    inserted = insert_jobs(problem(["CNC"], [new]), [])
    assert inserted.binding.limit == Limit.MATERIAL and inserted.binding.until == minutes(500)
    assert inserted.finish == minutes(545)


def test_a_holiday_on_the_way_is_named():
    calendar = WorkingCalendar.build("day", shifts=[("08:00", "17:00")], holidays=[date(2026, 3, 3)])
    new = job("WO-9", op(1, "CNC", 60 * 12))
    inserted = insert_jobs(problem([WorkCenter("CNC", calendar=calendar)], [new]), [])
    assert inserted.binding.limit == Limit.CALENDAR and inserted.binding.holiday == date(2026, 3, 3)
    assert inserted.finish.date() == date(2026, 3, 4)


def test_nothing_in_the_way_is_the_work_itself():
    inserted = insert_jobs(problem(["CNC"], [job("WO-9", op(1, "CNC", 45))]), [])
    assert inserted.binding.limit == Limit.WORK and inserted.finish == minutes(45)


def test_a_rush_order_pushes_only_what_must_move_and_nothing_earlier():
    jobs = current_load()
    current = schedule(problem(["CNC", "QC", "PACK"], jobs), keep_released=True)
    rush = job("RUSH", op(1, "CNC", 45), op(2, "QC", 15), due=minutes(150), rush=True)

    shift = right_shift(problem(["CNC", "QC", "PACK"], [*stored(jobs, current), rush]), None, {"RUSH"})

    assert shift.insertion.start[("RUSH", 1)][2:] == (minutes(60), minutes(105))  # after the released WO-1
    assert ("WO-4", 1) not in shift.moved and ("WO-1", 1) not in shift.moved
    for key in shift.moved:
        assert shift.proposed.assignments[key].start > current.assignments[key].start
    for key, placed in current.assignments.items():
        assert shift.proposed.assignments[key].start >= placed.start  # never earlier
    assert shift.proposed.job_finish["WO-4"] == current.job_finish["WO-4"]
    assert {key[0] for key in shift.moved} <= {"WO-2", "WO-3"}
    assert shift.before.job_finish["WO-2"] == current.job_finish["WO-2"]
    assert shift.operations == 7


def test_without_push_the_full_schedule_keeps_everyone_and_matches_the_fast_insertion():
    jobs = current_load()
    current = schedule(problem(["CNC", "QC", "PACK"], jobs), keep_released=True)
    new = job("WO-9", op(1, "CNC", 45), op(2, "QC", 15), due=minutes(600))

    shift = right_shift(problem(["CNC", "QC", "PACK"], [*stored(jobs, current), new]), None, {"WO-9"}, push=False)
    fast = insert_jobs(problem(["CNC", "QC", "PACK"], [new]), bookings(current))

    assert shift.moved == [] and shift.insertion.start == fast.start and shift.insertion.binding == fast.binding
    assert MONDAY < shift.insertion.finish
