"""A rejected order and a dispatched shipment are told to the order's sales owner (seed 000 §6.3), through
the alert rules (order_rejected, order_dispatched: rules as data, an administrator may switch them off),
with the reason or what left, in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from alerts.models import Alert, AlertRecipient, AlertRule
from orders.models import OrderStatus
from tests.fixtures.factories import make_order, user_with_role
from tests.shipping.helpers import fg_location, finished_good, pick, produce, qc_passed_order, ship

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]  # shipping writes a delivery note


def test_the_sales_owner_is_told_why_the_order_desk_rejected_the_order(client, role_users):
    owner = role_users["sales"]
    other_seller = user_with_role("sales")
    order = make_order(creator=owner, status=OrderStatus.SUBMITTED)
    client.force_login(role_users["order_desk"])
    client.post(reverse("orders:action", args=[order.pk, "reject"]),
                {"reason": "单价已过期 price list expired", "expected_status": "submitted"})
    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED

    alert = Alert.objects.get(kind="order_rejected")
    assert set(alert.recipients.values_list("user__username", flat=True)) == {owner.username}
    assert not AlertRecipient.objects.filter(user=other_seller).exists()
    assert alert.link == reverse("orders:detail", args=[order.pk])
    with translation.override("zh-hans"):
        assert alert.rendered_subject() == f"{order.customer.name} 的订单 {order.number} 被退回"
        assert alert.rendered_body() == "原因：单价已过期 price list expired。请修改订单后重新提交。"
    with translation.override("en"):
        assert alert.rendered_subject() == f"Order {order.number} for {order.customer.name} was rejected"

    client.force_login(owner)
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    page = client.get(reverse("alerts:list")).content.decode()
    assert f"订单 {order.number} 被退回" in page and "单价已过期" in page
    detail = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    # the button that follows the link says "open" (打开), not the "open" of a status (未结)
    assert 'data-testid="alert-open-link">打开</a>' in detail


def test_the_rule_is_data_switched_off_the_owner_is_not_told(role_users):
    AlertRule.objects.filter(kind="order_rejected").update(is_active=False)
    order = make_order(creator=role_users["sales"], status=OrderStatus.REJECTED)
    assert order.status == OrderStatus.REJECTED
    alert = Alert.objects.get(kind="order_rejected")
    assert not alert.recipients.exists()


def test_every_dispatched_shipment_is_told_to_the_sales_owner(role_users):
    product, item = finished_good()
    location = fg_location()
    order = qc_passed_order([product], [10])
    lot = produce(order, item, location, 10, "DL-1").moves[0].lot
    shipper = user_with_role("shipping")
    first = ship(shipper, order, [pick(order, 1, lot, location, 4)])
    second = ship(shipper, order, [pick(order, 1, lot, location, 6)])
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED

    alerts = list(Alert.objects.filter(kind="order_dispatched").order_by("pk"))
    assert [a.params["shipment"] for a in alerts] == [first.number, second.number]
    for alert in alerts:
        assert list(alert.recipients.values_list("user", flat=True)) == [order.created_by_id]
    with translation.override("zh-hans"):
        assert alerts[0].rendered_subject() == f"订单 {order.number} 已发货：发货单 {first.number}"
        assert alerts[0].rendered_body() == (f"{order.customer.name}：{product.sku}。"
                                             "承运商：顺丰速运 SF Express，运单号：SF1234567890。")
