"""The webhook delivery machine as a table (tests/fixtures/state_machines.py): claim, outcome, stop and
the operations page's retry, from every state, allowed only from their declared sources."""

import pytest

from api import services as api_services
from api.models import WebhookDelivery, WebhookStatus, WebhookSubscription
from orders.models import OrderStatus
from tests.fixtures.factories import make_order, user_with_role
from tests.fixtures.state_machines import check_table

pytestmark = pytest.mark.django_db

S = WebhookStatus


def test_webhook_delivery_table():
    admin, sales = user_with_role("admin"), user_with_role("sales")
    key, _raw = api_services.create_api_key(actor=admin, name="ERP", user=sales)
    event = make_order(creator=sales, status=OrderStatus.SUBMITTED, admin=admin).events.last()

    def make(state):  # one subscription each: an event is told to a subscription once
        subscription = WebhookSubscription.objects.create(api_key=key, url="https://127.0.0.1/hook", secret="s")
        return WebhookDelivery.objects.create(subscription=subscription, event=event, status=state)
    unsent = {S.PENDING, S.FAILED, S.SENDING}
    expected = {
        "claim": (unsent, None, S.SENDING),
        "succeed": ({S.SENDING}, None, S.SENT),
        "fail": ({S.SENDING}, None, S.FAILED),
        "stop": (unsent, None, S.STOPPED),
        "retry": ({S.FAILED}, None, S.PENDING),
    }
    assert check_table(make, expected, S.values, updates=set(expected)) == 5 * 5
