from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderStatus
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order


@pytest.mark.django_db
def test_sales_enters_and_submits_and_desk_approves(client, sales, order_desk):
    customer = CustomerFactory()
    p1, p2 = ProductFactory(), ProductFactory(unit="kg")
    client.force_login(sales)
    date = (timezone.localdate() + timedelta(days=40)).isoformat()
    response = client.post(reverse("orders:create"), {
        "customer": f"{customer.code} — {customer.name}", "channel": "browser", "requested_date": date,
        "priority": "normal", "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
        "lines-0-product": p1.sku, "lines-0-quantity": "5", "lines-0-unit_price": "10.00",
        "lines-1-product": p2.sku, "lines-1-quantity": "1.250", "lines-1-unit_price": "",
        "action": "submit",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    order = Order.objects.get()
    assert order.status == OrderStatus.SUBMITTED
    assert str(order.total_amount) == "65.63"  # 5×10 + 1.25×12.50
    client.force_login(order_desk)
    page = client.get(reverse("orders:detail", args=[order.pk]))
    assert b"action-approve" in page.content
    client.post(reverse("orders:action", args=[order.pk, "approve"]), {"expected_status": "submitted"})
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert list(order.events.values_list("action", flat=True)) == ["created", "submit", "approve"]


@pytest.mark.django_db
def test_pages_render(client, sales):
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED)
    client.force_login(sales)
    for url in [reverse("home"), reverse("orders:list"), reverse("orders:create"),
                reverse("orders:detail", args=[order.pk]), reverse("alerts:list")]:
        assert client.get(url).status_code == 200, url
