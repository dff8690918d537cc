"""The due-date improvement (planning.scheduling.tardiness): better plans for due-dated work, every move
recorded."""

from planning.scheduling.engine import schedule

from .helpers import job, minutes, op, problem


def jobs():
    # Dispatch puts A first (earliest due) on CNC; B is short and due soon after: swapping saves B's
    # lateness and costs A nothing it had spare... A has slack, B has none.
    return [
        job("WO-A", op(1, "CNC", 100), due=minutes(100)),  # due 100, finishes at 100 by dispatch
        job("WO-B", op(1, "CNC", 10), op(2, "QC", 100), due=minutes(105)),
        job("WO-C", op(1, "QC", 30), due=minutes(400)),
    ]


def test_the_improvement_lowers_tardiness_and_records_each_move():
    plain = schedule(problem(["CNC", "QC"], jobs()))
    improved = schedule(problem(["CNC", "QC"], jobs()), improve_due=True)

    assert improved.method == "dispatch+tardiness"
    assert (improved.rush_tardiness, improved.total_tardiness) < (plain.rush_tardiness, plain.total_tardiness)
    assert improved.moves
    first = improved.moves[0]
    assert first.center in {"CNC", "QC"} and first.saved > 0
    assert sum(move.saved for move in improved.moves) == plain.total_tardiness - improved.total_tardiness


def test_without_late_work_nothing_moves():
    relaxed = [job("WO-A", op(1, "CNC", 10), due=minutes(500))]
    improved = schedule(problem(["CNC"], relaxed), improve_due=True)
    assert improved.moves == [] and improved.total_tardiness == 0
