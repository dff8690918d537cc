"""What-if: which orders move, and by how much, when a rush order is inserted."""

from dataclasses import replace

from planning.scheduling.engine import schedule
from planning.scheduling.model import OperationStatus, Placement
from planning.scheduling.whatif import compare, what_if

from .helpers import job, minutes, op, problem

STARTED_AT_ZERO = Placement("CNC", 0, minutes(0), minutes(60))


def current_load():
    return [
        job("WO-1", op(1, "CNC", 60, status=OperationStatus.STARTED, fixed=STARTED_AT_ZERO), op(2, "QC", 30),
            due=minutes(200)),
        job("WO-2", op(1, "CNC", 60), op(2, "QC", 30), due=minutes(160)),
        job("WO-3", op(1, "CNC", 60), op(2, "QC", 30), due=minutes(400)),
    ]


def test_inserting_a_rush_order_shows_which_orders_finish_later_and_which_become_late():
    current = schedule(problem(["CNC", "QC"], current_load()))
    assert current.late_jobs == []
    rush = job("RUSH", op(1, "CNC", 45), op(2, "QC", 15), due=minutes(150), rush=True)
    proposed, impact = what_if(problem(["CNC", "QC"], [*current_load(), rush]), current)

    assert impact.added == ["RUSH"]
    assert [(c.job_id, c.delay_minutes) for c in impact.delayed] == [("WO-2", 45), ("WO-3", 45)]
    assert [c.job_id for c in impact.newly_late] == ["WO-2"]
    assert impact.newly_late[0].late_after == 35
    assert proposed.job_finish["WO-1"] == current.job_finish["WO-1"]  # started work is not moved


def test_nothing_moves_when_the_new_order_fits_in_idle_time():
    current = schedule(problem(["CNC", "QC", "PACK"], current_load()))
    extra = job("WO-4", op(1, "PACK", 20), due=minutes(600))
    _proposed, impact = what_if(problem(["CNC", "QC", "PACK"], [*current_load(), extra]), current)
    assert impact.moves_nothing
    assert impact.added == ["WO-4"]


def test_compare_lists_removed_and_earlier_jobs():
    before = schedule(problem(["CNC", "QC"], current_load()))
    without_two = [j for j in current_load() if j.id != "WO-2"]
    after = schedule(problem(["CNC", "QC"], without_two))
    impact = compare(before, after)
    assert impact.removed == ["WO-2"]
    assert [(c.job_id, c.delay_minutes) for c in impact.earlier] == [("WO-3", -60)]
    assert impact.delayed == []


def test_a_later_due_date_change_shows_up_as_a_move():
    before = schedule(problem(["CNC", "QC"], current_load()))
    changed = [replace(j, due=minutes(900)) if j.id == "WO-2" else j for j in current_load()]
    _after, impact = what_if(problem(["CNC", "QC"], changed), before)
    assert [(c.job_id, c.delay_minutes) for c in impact.delayed] == [("WO-2", 60)]
    assert [(c.job_id, c.delay_minutes) for c in impact.earlier] == [("WO-3", -60)]
