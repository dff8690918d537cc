"""The revision history of an order opens whatever state its change requests are in (an undecided
request has no decider yet: the page once failed with a server error on it)."""

import pytest
from django.urls import reverse

from orders import changes
from tests.rush.setup import build_shop, planned_order

pytestmark = pytest.mark.django_db


def test_the_revisions_page_shows_an_undecided_change_request(client, role_users):
    order = planned_order(build_shop(), role_users["planner"], "10", days=5, release=False)
    request = changes.request_change(actor=role_users["sales"], order=order, kind="quantity",
                                     proposed={"lines": {"1": "15"}}, reason="customer needs more")
    client.force_login(role_users["sales"])
    response = client.get(reverse("orders:revisions", args=[order.pk]))
    assert response.status_code == 200
    row = response.content.decode().split('data-testid="change-requests"')[1]
    assert request.number in row and "—" in row  # no decider yet: a dash, not an error

    changes.reject_change(actor=role_users["order_desk"], request=request, reason="not now")
    page = client.get(reverse("orders:revisions", args=[order.pk])).content.decode()
    name = role_users["order_desk"].get_full_name() or role_users["order_desk"].username
    assert name in page.split('data-testid="change-requests"')[1]
