"""The switching rules of GB/T 2828.1 clause 9, lot by lot."""

import pytest

from quality.sampling import NORMAL, REDUCED, TIGHTENED
from quality.switching import ClassOutcome, State, after_lot, resumed, score_step

ACCEPT = [ClassOutcome(acceptance=1, defects=0)]  # Ac 1: an accepted lot adds 2
REJECT = [ClassOutcome(acceptance=1, defects=2)]


def run(state, lots):
    reasons = []
    for lot in lots:
        switch = after_lot(state, lot)
        state = switch.state
        reasons.append(switch.reason)
    return state, reasons


def test_normal_to_tightened_when_two_of_five_consecutive_lots_are_rejected():
    state, reasons = run(State(), [ACCEPT, REJECT, ACCEPT, ACCEPT, REJECT])
    assert state.severity == TIGHTENED and reasons[-1] == "two_of_five_rejected"


def test_two_rejections_six_lots_apart_do_not_tighten():
    state, _ = run(State(), [REJECT, ACCEPT, ACCEPT, ACCEPT, ACCEPT, REJECT])
    assert state.severity == NORMAL


def test_tightened_back_to_normal_after_five_consecutive_accepted_lots():
    state, reasons = run(State(severity=TIGHTENED), [ACCEPT] * 4)
    assert state.severity == TIGHTENED
    state, reasons = run(state, [ACCEPT])
    assert state.severity == NORMAL and reasons == ["five_accepted_on_tightened"]
    assert state.score == 0


def test_a_rejection_on_tightened_restarts_the_count_of_accepted_lots():
    state, _ = run(State(severity=TIGHTENED), [ACCEPT] * 4 + [REJECT] + [ACCEPT] * 4)
    assert state.severity == TIGHTENED
    state, _ = run(state, [ACCEPT])
    assert state.severity == NORMAL


def test_discontinued_after_five_rejected_lots_on_tightened_and_resumed_tightened():
    lots = [REJECT, ACCEPT, REJECT, ACCEPT, REJECT, ACCEPT, REJECT, ACCEPT]
    state, _ = run(State(severity=TIGHTENED), lots)
    assert not state.discontinued and state.tightened_rejections == 4
    state, reasons = run(state, [REJECT])
    assert state.discontinued and reasons == ["five_rejected_on_tightened"]
    with pytest.raises(ValueError):
        after_lot(state, ACCEPT)
    assert resumed(state) == State(severity=TIGHTENED)


def test_normal_to_reduced_when_the_switching_score_reaches_30():
    # Ac 1: +2 per accepted lot → 30 after 15 lots
    state, reasons = run(State(), [ACCEPT] * 14)
    assert state.severity == NORMAL and state.score == 28
    state, reasons = run(state, [ACCEPT])
    assert state.severity == REDUCED and reasons == ["switching_score"]


def test_ac_two_or_more_adds_three_only_when_accepted_at_the_tighter_aql():
    tight_ok = [ClassOutcome(acceptance=5, defects=2, tighter_acceptance=3)]
    state, _ = run(State(), [tight_ok] * 9)
    assert state.score == 27
    not_tight = [ClassOutcome(acceptance=5, defects=4, tighter_acceptance=3)]  # accepted, but not one step tighter
    state, _ = run(state, [not_tight])
    assert state.severity == NORMAL and state.score == 0
    state, _ = run(state, [tight_ok] * 10)
    assert state.severity == REDUCED


def test_several_classes_add_the_smallest_step_and_any_reset_wins():
    assert score_step([ClassOutcome(5, 1, 3), ClassOutcome(0, 0)]) == 2
    assert score_step([ClassOutcome(5, 1, 3), ClassOutcome(2, 2, 1)]) is None
    assert score_step([ClassOutcome(5, 1, 3), ClassOutcome(1, 2)]) is None


def test_a_rejection_on_normal_resets_the_score():
    state, _ = run(State(), [ACCEPT] * 10 + [REJECT])
    assert state.score == 0 and state.severity == NORMAL


def test_reduced_back_to_normal_on_one_rejected_lot():
    state, reasons = run(State(severity=REDUCED), [ACCEPT, ACCEPT, REJECT])
    assert state.severity == NORMAL and reasons[-1] == "rejected_on_reduced"
