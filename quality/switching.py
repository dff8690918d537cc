"""The switching rules of GB/T 2828.1-2012 / ISO 2859-1:1999 (clause 9) as a small state machine.

Kept per product (quality.models.SamplingState); every lot inspected moves it with `after_lot`:
- normal → tightened when 2 of 5 or fewer consecutive lots are not accepted (9.3.1);
- tightened → normal after 5 consecutive lots accepted (9.3.2);
- normal → reduced when the switching score reaches 30 (9.3.3). The standard also asks for steady
  production and the responsible authority's consent; OrderFlow takes the score as that consent
  (the state page shows the score, and a manager can always put a product back to normal);
- reduced → normal when a lot is not accepted (9.3.4; irregular production is a manual reset);
- tightened → discontinued when 5 lots in all are not accepted while on tightened inspection (9.4);
  a manager resumes it on tightened inspection once corrective action was taken.

Switching score (9.3.3.2, single sampling), after each lot on normal inspection, per defect class:
Ac ≥ 2 → +3 if the lot would have been accepted at the next tighter AQL, else back to 0;
Ac 0 or 1 → +2 if the lot was accepted, else back to 0. With several defect classes the lot adds the
smallest of the class increments, and any class that resets the score resets it (the stricter reading).
"""

from dataclasses import dataclass, replace

from .sampling import NORMAL, REDUCED, TIGHTENED

DISCONTINUED = "discontinued"
WINDOW = 5  # "2 out of 5 or fewer consecutive lots"
REDUCED_SCORE = 30
TIGHTENED_ACCEPTED_TO_NORMAL = 5
TIGHTENED_REJECTED_TO_DISCONTINUE = 5


@dataclass(frozen=True)
class State:
    severity: str = NORMAL
    score: int = 0
    recent: str = ""  # "A"/"R" of the last lots since the last switch (at most WINDOW)
    tightened_rejections: int = 0
    discontinued: bool = False


@dataclass(frozen=True)
class ClassOutcome:
    """One defect class of one lot: its plan's Ac, the defects found, and Ac of the next tighter AQL."""

    acceptance: int
    defects: int
    tighter_acceptance: int | None = None

    @property
    def accepted(self):
        return self.defects <= self.acceptance


@dataclass(frozen=True)
class Switch:
    state: State
    reason: str = ""  # why the severity changed ("" when it did not)


def score_step(outcomes) -> int | None:
    """How much the lot adds to the switching score, or None when it resets the score to 0."""
    steps = []
    for outcome in outcomes:
        if not outcome.accepted:
            return None
        if outcome.acceptance >= 2:
            tighter = outcome.tighter_acceptance
            if tighter is None or outcome.defects > tighter:
                return None
            steps.append(3)
        else:
            steps.append(2)
    return min(steps) if steps else None


def after_lot(state: State, outcomes) -> Switch:
    """The state after one more lot (original inspection, not a re-submitted lot)."""
    outcomes = list(outcomes)
    accepted = all(outcome.accepted for outcome in outcomes)
    if state.discontinued:
        raise ValueError("Sampling inspection is discontinued; resume it first.")
    recent = (state.recent + ("A" if accepted else "R"))[-WINDOW:]
    if state.severity == NORMAL:
        step = score_step(outcomes)
        score = 0 if step is None else state.score + step
        if recent.count("R") >= 2:
            return Switch(State(severity=TIGHTENED), "two_of_five_rejected")
        if score >= REDUCED_SCORE:
            return Switch(State(severity=REDUCED), "switching_score")
        return Switch(replace(state, score=score, recent=recent))
    if state.severity == TIGHTENED:
        rejections = state.tightened_rejections + (0 if accepted else 1)
        if rejections >= TIGHTENED_REJECTED_TO_DISCONTINUE:
            return Switch(State(severity=TIGHTENED, tightened_rejections=rejections, discontinued=True),
                          "five_rejected_on_tightened")
        if recent.endswith("A" * TIGHTENED_ACCEPTED_TO_NORMAL):
            return Switch(State(severity=NORMAL), "five_accepted_on_tightened")
        return Switch(replace(state, recent=recent, tightened_rejections=rejections))
    if state.severity == REDUCED:
        if not accepted:
            return Switch(State(severity=NORMAL), "rejected_on_reduced")
        return Switch(replace(state, recent=recent))
    raise ValueError(f"Unknown severity {state.severity!r}")


def resumed(state: State) -> State:
    """After corrective action a discontinued scheme starts again on tightened inspection (9.4)."""
    return State(severity=TIGHTENED)
