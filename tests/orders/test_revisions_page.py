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


def test_order_pages_open_in_every_state_of_their_related_records(client, role_users):
    """A sweep of the pages around one order while its records are half-way: a change request nobody
    decided, a rush request under review with an event the system recorded (no person), for each role
    that may see them: none of them is a server error."""
    from rush import services as rush_services
    from tests.rush.setup import in_days

    order = planned_order(build_shop(), role_users["planner"], "10", days=20, release=False)
    change = changes.request_change(actor=role_users["sales"], order=order, kind="quantity",
                                    proposed={"lines": {"1": "12"}}, reason="more")
    rush = rush_services.request_rush(actor=role_users["sales"], order=order, requested_date=in_days(5),
                                      reason="customer line stop")
    rush.events.record(action="reviewed", actor=None, note="no review after 2 hours")
    pages = [reverse("orders:detail", args=[order.pk]), reverse("orders:revisions", args=[order.pk]),
             reverse("orders:change_detail", args=[change.pk]), reverse("rush:detail", args=[rush.pk])]
    for role in ("sales", "order_desk", "planner", "manager", "admin"):
        client.force_login(role_users[role])
        for url in pages:
            assert client.get(url).status_code in (200, 403), (role, url)
    client.force_login(role_users["manager"])
    rush_page = client.get(reverse("rush:detail", args=[rush.pk])).content.decode()
    assert "no review after 2 hours" in rush_page
