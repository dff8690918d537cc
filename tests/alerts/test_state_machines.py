"""The alert and channel delivery machines as tables (tests/fixtures/state_machines.py): each
transition the services take, from every state, allowed only from its declared sources."""

from itertools import count

import pytest

from alerts.models import Alert, AlertStatus, ChannelDelivery, ChannelEndpoint, DeliveryStatus
from tests.fixtures.state_machines import check_table

pytestmark = pytest.mark.django_db

_n = count(1)
A, D = AlertStatus, DeliveryStatus


def _alert(state=A.PENDING):
    return Alert.objects.create(kind="test", subject="Machine down", status=state)


def test_alert_table():
    expected = {
        "mark_delivered": ({A.PENDING, A.FAILED}, None, A.DELIVERED),
        "retry": ({A.FAILED}, None, A.PENDING),
        "escalate": (set(A.values), None, A.PENDING),
    }
    assert check_table(_alert, expected, A.values, updates={"mark_delivered", "retry"}) == 3 * 3


def test_channel_delivery_table():
    endpoint = ChannelEndpoint.objects.create(name="Shop floor group", kind="wecom", url="https://127.0.0.1/hook")

    def make(state):
        return ChannelDelivery.objects.create(alert=_alert(), endpoint=endpoint, level=next(_n), status=state)
    unsent = {D.PENDING, D.FAILED, D.SENDING}
    expected = {
        "claim": (unsent, None, D.SENDING),
        "succeed": ({D.SENDING}, None, D.SENT),
        "fail": ({D.SENDING}, None, D.FAILED),
        "stop": (unsent, None, D.STOPPED),
    }
    assert check_table(make, expected, D.values, updates=set(expected)) == 5 * 4



def test_the_admin_form_leaves_the_status_to_the_machine(rf):
    """A form that set the protected status would fail on save (django-fsm refuses the assignment)."""
    from django.contrib import admin
    from django.contrib.auth.models import User

    alert = _alert(A.FAILED)
    request = rf.get("/")
    request.user = User.objects.create_superuser("root", "root@factory.test", "pw-OrderFlow-2026")
    model_admin = admin.site._registry[Alert]
    assert "status" not in model_admin.get_form(request, alert).base_fields
    assert "status" in model_admin.get_readonly_fields(request, alert)
    with pytest.raises(AttributeError):
        alert.status = A.PENDING
