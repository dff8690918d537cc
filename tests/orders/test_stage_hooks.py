"""The stage hooks run inside the order's transaction: a stage that refuses rolls the order change back."""

import pytest
from django.core.exceptions import ValidationError

from orders import stage_hooks
from orders.models import OrderEvent, OrderStatus
from orders.services import cancel_order, transition_order
from tests.fixtures.factories import make_order, user_with_role

pytestmark = pytest.mark.django_db


def test_on_transition_sees_every_transition():
    desk = user_with_role("order_desk")
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED)
    registered = []

    def record(**kwargs):
        registered.append(kwargs)

    stage_hooks.register_on_transition(record)
    try:
        transition_order(actor=desk, order=order, action="approve")
    finally:
        stage_hooks.on_transition.remove(record)
    assert [(c["action"], c["from_status"], c["order"].status) for c in registered] == [
        ("approve", OrderStatus.SUBMITTED, OrderStatus.APPROVED)]


def test_a_refusing_cancel_hook_leaves_the_order_as_it_was():
    desk = user_with_role("order_desk")
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED)
    events_before = OrderEvent.objects.filter(order=order).count()

    def refuse(*, actor, order):
        raise ValidationError("work under way")

    stage_hooks.register_on_cancel(refuse)
    try:
        with pytest.raises(ValidationError):
            cancel_order(actor=desk, order=order, reason="customer withdrew")
    finally:
        stage_hooks.on_cancel.remove(refuse)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert OrderEvent.objects.filter(order=order).count() == events_before
