"""The customer notice rule pages (in-app instead of the Django admin): managers edit which order events send
which notice, by e-mail/SMS, rush only; customer service sees them; bad input is refused with a clear message
and writes nothing; each change is in the change history."""

import pytest
from django.urls import reverse

from accounts.models import UserProfile
from audit.models import ChangeLogEntry
from notices.models import NoticeRule
from tests.fixtures.factories import user_with_role

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def manager():
    user = user_with_role("manager", username="boss")
    UserProfile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
    return user


@pytest.fixture
def dispatched(rules):
    return NoticeRule.objects.get(kind="dispatched")


def _state(rule):
    rule.refresh_from_db()
    return (rule.order_actions, rule.by_email, rule.by_sms, rule.only_rush, rule.is_active)


def test_the_pages_show_the_saved_rule_in_chinese(client, manager, dispatched):
    client.force_login(manager)
    page = client.get(reverse("notices:rule_list")).content.decode()
    assert "通知规则" in page and "已发货" in page and "部分发货" in page
    page = client.get(reverse("notices:rule_edit", args=[dispatched.pk])).content.decode()
    assert "通知规则：已发货" in page and "触发通知的订单事件" in page
    assert 'value="partial_shipment" id="id_order_actions_' in page or 'value="partial_shipment"' in page
    assert "checked" in page and "变更历史" in page
    assert "通知规则" in client.get(reverse("notices:home")).content.decode()


def test_a_valid_save_changes_the_rule_and_its_history(client, manager, dispatched):
    client.force_login(manager)
    response = client.post(reverse("notices:rule_edit", args=[dispatched.pk]),
                           {"order_actions": ["ship"], "by_email": "on", "only_rush": "on"})
    assert response.status_code == 302
    assert _state(dispatched) == (["ship"], True, False, True, True)
    client.post(reverse("notices:rule_edit", args=[dispatched.pk]), {"action": "deactivate"})
    assert not _state(dispatched)[4]
    assert ChangeLogEntry.objects.filter(object_id=str(dispatched.pk)).count() == 2


@pytest.mark.parametrize("data, message", [
    ({"order_actions": ["ship"]}, "请至少勾选一项"),
    ({"order_actions": ["explode"], "by_email": "on"}, "explode"),
])
def test_bad_input_is_refused_and_writes_nothing(client, manager, dispatched, data, message):
    client.force_login(manager)
    before = (_state(dispatched), ChangeLogEntry.objects.count())
    page = client.post(reverse("notices:rule_edit", args=[dispatched.pk]), data).content.decode()
    assert message in page
    assert (_state(dispatched), ChangeLogEntry.objects.count()) == before


def test_roles_without_the_permission_are_refused(client, dispatched):
    client.force_login(user_with_role("production"))
    assert client.get(reverse("notices:rule_list")).status_code == 403
    service = user_with_role("customer_service")
    client.force_login(service)
    page = client.get(reverse("notices:rule_edit", args=[dispatched.pk])).content.decode()
    assert 'data-testid="rule-form"' not in page
    before = _state(dispatched)
    assert client.post(reverse("notices:rule_edit", args=[dispatched.pk]),
                       {"order_actions": ["ship"], "by_email": "on"}).status_code == 403
    assert _state(dispatched) == before
