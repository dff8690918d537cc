"""An order marked at risk by a later stage says so on its page and in the list, with the reason."""

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderStatus
from tests.fixtures.factories import make_order, user_with_role

pytestmark = pytest.mark.django_db


def test_at_risk_order_shows_reason_on_its_page_and_a_mark_in_the_list(client):
    sales = user_with_role("sales")
    order = make_order(creator=sales, status=OrderStatus.APPROVED)
    calm = make_order(creator=sales, status=OrderStatus.APPROVED)
    Order.objects.filter(pk=order.pk).update(at_risk=True, at_risk_reason="CNC-1 breakdown",
                                             at_risk_since=timezone.now())
    order.events.record(action="at_risk", actor=sales, from_status=order.status, to_status=order.status,
                        note="CNC-1 breakdown")
    client.force_login(sales)

    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="at-risk"' in page and "CNC-1 breakdown" in page
    assert "Marked at risk" in page  # the timeline names the event instead of its code

    listing = client.get(reverse("orders:list")).content.decode()
    assert listing.count('data-testid="at-risk-mark"') == 1
    assert 'data-testid="at-risk"' not in client.get(reverse("orders:detail", args=[calm.pk])).content.decode()
