"""A replayed order entry (the same form sent twice: double click, reload, retry) is answered with what
actually happened to the order the first sending made, in the reader's language; it never claims the order
stayed a draft, and it never makes a second order."""

import uuid

import pytest

from orders.models import Order, OrderStatus
from tests.security.test_bad_input import entry_post, shop, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "This entry was already saved as order {number}; nothing was saved twice. The order is now "
           "“Submitted”."),
    ("zh-hans", "此录入已保存为订单 {number}，没有重复保存。订单当前为“已提交”。"),
])
def test_a_replayed_submit_says_the_order_was_already_submitted(shop, language, expected):  # noqa: F811
    client = signed_in(shop["sales"], language)
    data = entry_post(entry_key=str(uuid.uuid4()), action="submit")
    first = client.post("/orders/new/", data, follow=True)
    order = Order.objects.get()
    assert order.status == OrderStatus.SUBMITTED
    again = client.post("/orders/new/", data, follow=True)
    shown = messages_of(again)
    assert shown == [expected.format(number=order.number)], shown
    assert not any("草稿" in m or "draft" in m for m in shown)
    assert Order.objects.count() == 1 and len(messages_of(first)) == 1


def test_a_replayed_draft_that_is_still_a_draft_can_be_submitted_by_the_second_sending(shop):  # noqa: F811
    client = signed_in(shop["sales"])
    key = str(uuid.uuid4())
    client.post("/orders/new/", entry_post(entry_key=key), follow=True)
    again = client.post("/orders/new/", entry_post(entry_key=key, action="submit"), follow=True)
    order = Order.objects.get()
    assert order.status == OrderStatus.SUBMITTED
    assert messages_of(again) == [f"Order {order.number} was submitted for review."]
