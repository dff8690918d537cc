"""Event timelines name each action by its declared label, in the reader's language; actions another stage
writes on a document (shipping on the order) are declared on the document, not patched in at start-up."""

import pytest
from django.urls import reverse
from django.utils import translation

from orders.models import OrderAction, OrderStatus
from rush import services as rush_services
from rush.models import RushAction
from tests.fixtures.factories import make_order, user_with_role
from tests.rush.setup import in_days

pytestmark = pytest.mark.django_db

WRITTEN_BY_OTHER_STAGES = [OrderAction.PARTIAL_SHIPMENT, OrderAction.DELIVERY_RECORDED,
                           OrderAction.TRACKING_LINK_CREATED, OrderAction.CHANGE_REQUESTED]


def _labels(language, actions):
    with translation.override(language):
        return [str(action.label) for action in actions]


def _page(client, url, language):
    client.post(reverse("accounts:switch_language"), {"language": language})
    return client.get(url).content.decode()


def test_the_order_timeline_names_other_stages_actions_in_both_languages(client):
    sales = user_with_role("sales")
    order = make_order(creator=sales, status=OrderStatus.APPROVED)
    for action in WRITTEN_BY_OTHER_STAGES:
        order.events.record(action=action, actor=sales, from_status=order.status, to_status=order.status)
    client.force_login(sales)
    url = reverse("orders:detail", args=[order.pk])
    english, chinese = _labels("en", WRITTEN_BY_OTHER_STAGES), _labels("zh-hans", WRITTEN_BY_OTHER_STAGES)
    assert all(en != zh for en, zh in zip(english, chinese, strict=True))  # each label is translated
    for language, labels in (("en", english), ("zh-hans", chinese)):
        page = _page(client, url, language)
        for action, label in zip(WRITTEN_BY_OTHER_STAGES, labels, strict=True):
            assert f'data-action="{action.value}"><strong>{label}</strong>' in page, (language, label)


def test_the_rush_timeline_names_its_actions_in_both_languages(client, role_users):
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED)
    rush = rush_services.request_rush(actor=role_users["sales"], order=order, requested_date=in_days(5),
                                      reason="customer line stop")
    client.force_login(role_users["manager"])
    url = reverse("rush:detail", args=[rush.pk])
    for language in ("en", "zh-hans"):
        page = _page(client, url, language)
        assert _labels(language, [RushAction.REQUESTED])[0] in page.split('data-action="requested"')[1], language
