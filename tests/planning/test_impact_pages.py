"""The promise and impact panels: the entry form's "Earliest delivery" (htmx), the order and plan pages'
impact panel, the approve form's promised date, and who may call the endpoints.

The factory is tests.planning.test_promise's: CUT Monday to Friday 08:00–17:00, one hour per unit.
These requests run at the real current time, so a date is checked against promise_for_lines asked just
before and just after (the clock may pass a minute in between)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from orders.models import Order, OrderStatus
from planning.plans import plan_order
from planning.promise import promise_for_lines
from tests.fixtures.factories import make_order, user_with_role
from tests.planning.test_promise import approved, lines, shop  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
ENTRY = reverse("planning:entry_promise")
PASSWORD = "pw-OrderFlow-2026"  # UserFactory's


def entry_data(shop, quantity, *, requested, priority="normal", extra=None):  # noqa: F811
    data = {"customer": "", "requested_date": requested.isoformat(), "priority": priority,
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "200", "lines-0-product": f"{shop['product'].sku} — {shop['product'].name}",
            "lines-0-quantity": quantity, "lines-0-unit_price": ""}
    data.update(extra or {})
    return data


def day(value):
    return date_format(value, "DATE_FORMAT")


@pytest.fixture
def sales_client(client, role_users):
    client.force_login(role_users["sales"])
    return client


def test_entry_panel_says_the_requested_date_can_be_met(sales_client, shop):  # noqa: F811
    requested = timezone.localdate() + timedelta(days=60)

    response = sales_client.post(ENTRY, entry_data(shop, "2", requested=requested))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count(f"Requested {day(requested)} can be met") == 2  # as normal and as rush order
    assert 'data-testid="promise-normal"' in body and 'data-testid="promise-rush"' in body


def test_entry_panel_gives_the_earliest_possible_date(sales_client, shop):  # noqa: F811
    requested = timezone.localdate() + timedelta(days=1)
    before = promise_for_lines(lines(shop, "100"), requested_date=requested)  # about 11 working days

    body = sales_client.post(ENTRY, entry_data(shop, "100", requested=requested, priority="rush")).content.decode()

    after = promise_for_lines(lines(shop, "100"), requested_date=requested)
    verdict = re.search(r"Earliest possible: (\S+) \((\d+) days after requested\)", body)
    assert verdict is not None
    assert verdict[1] in {day(before.promise_date), day(after.promise_date)}
    assert int(verdict[2]) in {before.days_after_requested, after.days_after_requested} and int(verdict[2]) > 5
    assert '<tr data-testid="promise-rush" class="selected">' in body  # the priority chosen on the form


@pytest.mark.parametrize("change, message", [
    ({"lines-0-quantity": "ten"}, "Quantities must be numbers"),
    ({"lines-0-quantity": "-3"}, "Quantities must be above zero"),
    ({"lines-0-quantity": ""}, "Complete every line"),
    ({"lines-0-product": "", "lines-0-quantity": ""}, "Add a line"),
    ({"lines-0-product": "NO-SUCH-SKU"}, "No product NO-SUCH-SKU"),
    ({"lines-TOTAL_FORMS": "x"}, "Add a line"),
])
def test_entry_panel_bad_or_partial_input_gets_a_neutral_message(sales_client, shop, change, message):  # noqa: F811
    response = sales_client.post(ENTRY, entry_data(shop, "2", requested=timezone.localdate(), extra=change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'data-testid="promise-message"' in response.content.decode()


def test_entry_panel_for_a_product_without_routing_names_the_reason(sales_client, shop):  # noqa: F811
    from planning.models import Routing

    Routing.objects.filter(item=shop["finished"]).update(is_active=False)
    body = sales_client.post(ENTRY, entry_data(shop, "2", requested=timezone.localdate())).content.decode()
    assert "has no active routing" in body and 'data-testid="promise-reasons"' in body


@pytest.mark.parametrize("role, status", [("sales", 200), ("order_desk", 200), ("warehouse", 403),
                                          ("production", 403), ("planner", 403)])
def test_entry_endpoint_only_for_entry_and_review_roles(client, role_users, shop, role, status):  # noqa: F811
    client.force_login(role_users[role])
    assert client.post(ENTRY, entry_data(shop, "2", requested=timezone.localdate())).status_code == status


def test_entry_endpoint_refuses_anonymous_users_without_a_role_and_get(client, role_users, django_user_model):
    assert client.post(ENTRY, {}).status_code == 302  # anonymous: to the login page
    client.force_login(role_users["sales"])
    assert client.get(ENTRY).status_code == 405
    client.force_login(django_user_model.objects.create_user("no-role"))
    assert client.post(ENTRY, {}).status_code == 403


def test_entry_page_loads_the_panel_for_sales(sales_client):
    body = sales_client.get(reverse("orders:create")).content.decode()
    assert 'data-testid="entry-promise"' in body and ENTRY in body


# --- order page, plan page, approve -------------------------------------------------------------

def submitted(shop, quantity, **kwargs):  # noqa: F811
    return make_order(creator=user_with_role("sales"), status=OrderStatus.SUBMITTED, products=[shop["product"]],
                      quantities=[Decimal(quantity)], **kwargs)


def test_order_page_of_a_submitted_order_shows_promise_impact_and_fills_the_approve_date(client, role_users, shop):  # noqa: F811
    other = approved(shop, "9", requested=timezone.localdate())
    plan_order(actor=role_users["planner"], order=other)  # due today: the rush order below makes it later
    # Needed today: waiting in free time behind `other` would miss it, so the rush goes first and moves it.
    order = submitted(shop, "3", priority="rush", rush_reason="customer line down", requested_in_days=0)
    client.force_login(role_users["order_desk"])

    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert reverse("planning:order_promise", args=[order.pk]) in page
    assert 'id="approve-promised-date"' in page
    body = client.get(reverse("planning:order_promise", args=[order.pk])).content.decode()

    assert 'data-testid="promise-date"' in body
    assert "Accepting this order moves" in body and "rush first" in body
    rows = re.findall(r'data-testid="impact-row"', body)
    assert len(rows) == 1 and other.number in body
    filled = re.search(r'id="approve-promised-date" value="([\d-]+)" hx-swap-oob="true"', body)
    assert filled is not None and filled[1] >= timezone.localdate().isoformat()


def test_plan_page_shows_the_impact_before_planning(client, role_users, shop):  # noqa: F811
    order = approved(shop, "2")
    client.force_login(role_users["planner"])
    page = client.get(reverse("planning:plan_detail", args=[order.pk])).content.decode()
    assert reverse("planning:order_promise", args=[order.pk]) in page

    body = client.get(reverse("planning:order_promise", args=[order.pk])).content.decode()
    assert "Planning this order moves" in body and "No other order finishes later." in body
    assert "approve-promised-date" not in body  # approved already: nothing to fill


@pytest.mark.parametrize("role, status", [("order_desk", 200), ("planner", 200), ("manager", 200),
                                          ("sales", 403), ("warehouse", 403)])
def test_order_promise_endpoint_permissions(client, role_users, shop, role, status):  # noqa: F811
    order = submitted(shop, "1")
    client.force_login(role_users[role])
    assert client.get(reverse("planning:order_promise", args=[order.pk])).status_code == status


def test_order_promise_for_an_order_planned_already_says_so(client, role_users, shop):  # noqa: F811
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.PLANNED, products=[shop["product"]])
    client.force_login(role_users["order_desk"])
    body = client.get(reverse("planning:order_promise", args=[order.pk])).content.decode()
    assert "planned already" in body
    assert client.get(reverse("planning:order_promise", args=[999999])).status_code == 404


def test_approve_form_stores_the_date_the_reviewer_leaves_or_types(client, role_users, shop):  # noqa: F811
    client.force_login(role_users["order_desk"])
    typed = submitted(shop, "1")
    chosen = timezone.localdate() + timedelta(days=45)
    client.post(reverse("orders:action", args=[typed.pk, "approve"]),
                {"expected_status": "submitted", "promised_date": chosen.isoformat()})
    typed.refresh_from_db()
    assert (typed.status, typed.promised_date) == (OrderStatus.APPROVED, chosen)

    empty = submitted(shop, "1", requested_in_days=20)
    client.post(reverse("orders:action", args=[empty.pk, "approve"]),
                {"expected_status": "submitted", "promised_date": ""})
    empty.refresh_from_db()
    assert empty.promised_date == empty.requested_date  # the promise: one hour of work is done well before


def test_approve_form_with_a_bad_date_changes_nothing(client, role_users, shop):  # noqa: F811
    order = submitted(shop, "1")
    client.force_login(role_users["order_desk"])
    response = client.post(reverse("orders:action", args=[order.pk, "approve"]),
                           {"expected_status": "submitted", "promised_date": "next tuesday"}, follow=True)
    assert "Enter a valid date." in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.promised_date) == (OrderStatus.SUBMITTED, None)
    assert Order.objects.filter(pk=order.pk, events__action="approve").count() == 0


def test_review_queue_and_plan_list_check_one_order_on_click(client, role_users, shop):  # noqa: F811
    order = submitted(shop, "40", requested_in_days=1)  # a week of work: not by tomorrow
    waiting = approved(shop, "1")
    url = reverse("planning:order_promise", args=[order.pk]) + "?compact=1"
    client.force_login(role_users["order_desk"])
    assert url in client.get(reverse("orders:review_queue")).content.decode()

    body = client.get(url).content.decode()

    assert 'data-testid="promise-compact"' in body and re.search(r"\+\d+ d", body)
    assert "approve-promised-date" not in body  # the queue has no approve form to fill
    client.force_login(role_users["planner"])
    page = client.get(reverse("planning:plan_list")).content.decode()
    assert reverse("planning:order_promise", args=[waiting.pk]) + "?compact=1" in page


# --- in a real browser ------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_entry_panel_follows_typing_and_approve_takes_the_filled_date(page, live_server, login, role_users,
                                                                              shop, browser):  # noqa: F811
    from playwright.sync_api import expect

    requested = timezone.localdate() + timedelta(days=60)
    login(page, live_server, "sales", PASSWORD)
    page.goto(f"{live_server.url}{reverse('orders:create')}")
    panel = page.locator("[data-testid=entry-promise]")
    expect(panel.locator("[data-testid=promise-message]")).to_be_visible()  # no lines yet: a neutral message
    page.locator("#id_requested_date").fill(requested.isoformat())
    page.locator("#id_lines-0-product").fill(shop["product"].sku)
    page.locator("#id_lines-0-quantity").press_sequentially("2", delay=30)
    expect(panel.locator("[data-testid=promise-normal] [data-testid=promise-verdict]")).to_have_text(
        f"Requested {day(requested)} can be met")
    expect(panel.locator("[data-testid=promise-rush] [data-testid=promise-date]")).to_be_visible()
    page.locator("#id_lines-0-quantity").fill("lots")
    page.locator("#id_lines-0-quantity").dispatch_event("change")
    expect(panel.locator("[data-testid=promise-message]")).to_contain_text("Quantities must be numbers")

    order = submitted(shop, "1", requested_in_days=20)
    desk = login(browser.new_context().new_page(), live_server, "order_desk", PASSWORD)
    desk.goto(f"{live_server.url}{reverse('orders:detail', args=[order.pk])}")
    expect(desk.locator("#order-promise [data-testid=promise-date]")).to_be_visible()
    date_field = desk.locator("#approve-promised-date")
    expect(date_field).to_have_value(order.requested_date.isoformat())  # filled by the panel: the promise
    desk.locator("[data-testid=action-approve] button[type=submit]").click()
    expect(desk.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-approved\b"))
    order.refresh_from_db()
    assert order.promised_date == order.requested_date
