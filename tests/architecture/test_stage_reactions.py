"""The registry of stage reactions (orders.stage_hooks.REACTIONS): every handler imports and is callable,
every named transition is a transition of the order state machine, and the transitions whose effects
later stages must carry out have their reactions (docs/architecture.md)."""

import pytest
from django.utils.module_loading import import_string

from orders.models import Order
from orders.stage_hooks import CANCEL_ACTIONS, REACTIONS, Hook, handlers, reactions

ORDER_TRANSITIONS = {t.name for t in Order._meta.get_field("status").get_all_transitions(Order)}

# (hook, transition) -> the stages that must react: without them the order moves on and a stage is left behind.
REQUIRED = {
    (Hook.CANCEL_LOCK, "cancel"): {"planning"},
    (Hook.CANCEL_LOCK, "cancel_held"): {"planning"},
    (Hook.ON_CANCEL, "cancel"): {"planning", "inventory"},
    (Hook.ON_CANCEL, "cancel_held"): {"planning", "inventory"},
    (Hook.ON_TRANSITION, "prepare_materials"): {"inventory", "api"},
    (Hook.ON_TRANSITION, "finish_production"): {"quality", "api"},
    (Hook.ON_TRANSITION, "pass_qc"): {"quality", "api"},
    (Hook.TRANSITION_CHECK, "pass_qc"): {"quality"},
    (Hook.TRANSITION_CHECK, "fail_qc"): {"quality"},
    (Hook.TRANSITION_CHECK, "ship"): {"shipping"},
    (Hook.TRANSITION_CHECK, "close"): {"quality", "shipping", "settlement"},
    (Hook.PROMISE, "approve"): {"planning"},
}


@pytest.mark.parametrize("reaction", REACTIONS, ids=lambda r: f"{r.stage}-{r.hook}-{r.handler}")
def test_every_registered_handler_imports_from_its_stage(reaction):
    assert callable(import_string(reaction.handler))
    assert reaction.handler.split(".")[0] == reaction.stage
    assert isinstance(reaction.hook, Hook)
    assert set(reaction.transitions) <= ORDER_TRANSITIONS, reaction


@pytest.mark.parametrize(("hook", "transition"), sorted(REQUIRED))
def test_every_transition_that_needs_reactions_has_them(hook, transition):
    assert {r.stage for r in reactions(hook, transition)} >= REQUIRED[(hook, transition)]


def test_cancel_reactions_are_tied_to_the_cancel_transitions_only():
    for reaction in REACTIONS:
        if reaction.hook in (Hook.CANCEL_LOCK, Hook.ON_CANCEL):
            assert set(reaction.transitions) == set(CANCEL_ACTIONS), reaction
    assert handlers(Hook.ON_CANCEL, "approve") == [] and handlers(Hook.CANCEL_LOCK, "submit") == []


def test_at_most_one_promise_provider_and_no_duplicates():
    assert len(reactions(Hook.PROMISE)) <= 1
    keys = [(r.hook, r.handler) for r in REACTIONS]
    assert len(keys) == len(set(keys))
