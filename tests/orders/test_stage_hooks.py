"""The stage reactions run inside the order's transaction: a stage that refuses rolls the order change back.
The registry itself (every handler imports, the transitions that need reactions have them) is checked in
tests/architecture/test_stage_reactions.py."""

import pytest
from django.core.exceptions import ValidationError

from orders import stage_hooks
from orders.models import OrderEvent, OrderStatus
from orders.services import cancel_order, transition_order
from orders.stage_hooks import Hook, StageReaction
from tests.fixtures.factories import make_order, user_with_role

pytestmark = pytest.mark.django_db

SEEN = []


def record(**kwargs):
    SEEN.append(kwargs)


def refuse(*, actor, order):
    raise ValidationError("work under way")


def with_reaction(monkeypatch, reaction):
    monkeypatch.setattr(stage_hooks, "REACTIONS", stage_hooks.REACTIONS + (reaction,))


def test_an_on_transition_reaction_without_transitions_sees_every_transition(monkeypatch):
    desk = user_with_role("order_desk")
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED)
    SEEN.clear()
    with_reaction(monkeypatch, StageReaction("tests", Hook.ON_TRANSITION, f"{__name__}.record"))
    transition_order(actor=desk, order=order, action="approve")
    assert [(c["action"], c["from_status"], c["order"].status) for c in SEEN] == [
        ("approve", OrderStatus.SUBMITTED, OrderStatus.APPROVED)]


def test_a_reaction_runs_only_for_its_transitions(monkeypatch):
    desk = user_with_role("order_desk")
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED)
    SEEN.clear()
    with_reaction(monkeypatch, StageReaction("tests", Hook.ON_TRANSITION, f"{__name__}.record", ("reject",)))
    transition_order(actor=desk, order=order, action="approve")
    assert SEEN == []


def test_a_refusing_cancel_reaction_leaves_the_order_as_it_was(monkeypatch):
    desk = user_with_role("order_desk")
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED)
    events_before = OrderEvent.objects.filter(order=order).count()
    with_reaction(monkeypatch, StageReaction("tests", Hook.ON_CANCEL, f"{__name__}.refuse",
                                             stage_hooks.CANCEL_ACTIONS))
    with pytest.raises(ValidationError):
        cancel_order(actor=desk, order=order, reason="customer withdrew")
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert OrderEvent.objects.filter(order=order).count() == events_before
