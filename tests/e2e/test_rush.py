"""A rush order in a real Chromium, each step by its own person at their own device:

sales asks for a rush from the order page and sees the review's facts (the other orders the rush would
move); the planner, the warehouse and QC each sign their area's review; the manager approves; the
planner's Gantt has the rush order's bar first on the work center and the planner releases it; the
warehouse's prep sheet list and the operator's shop-floor tablet show it as 急单."""

import time

import pytest
from playwright.sync_api import expect

from alerts.models import Alert, AlertRule, EscalationStep
from alerts.services import escalate_due_alerts
from inventory.prep_sheets import generate_prep_sheet
from orders.models import Order
from planning.models import WorkOrderOperation
from rush.models import RushRequest, RushStatus
from tests.e2e.steps import open_tablet, operation_row
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_bom, make_item
from tests.inventory.stockdata import make_location, receive
from tests.rush.setup import build_shop, in_days, planned_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def rush_candidate():
    """A and B planned on CUT (not released), R planned behind them; R's flange needs 1 kg of steel each,
    which is in stock."""
    planner = user_with_role("planner", username="planner", first_name="Wei", last_name="Zhang")
    shop = build_shop()
    steel = make_item("STEEL", name="钢板 Steel plate", unit="kg")
    make_bom(shop["finished"], [(steel, 1, 0)])
    receive(steel, make_location("RM-1"), "100", lot="ST-1")
    # 30 + 30 hours ahead of R: waiting behind them R would miss its rush date, so they move for it.
    a = planned_order(shop, planner, "30", days=5, release=False)
    b = planned_order(shop, planner, "30", days=6, release=False)
    r = planned_order(shop, planner, "8", days=20, release=False, username="seller")
    for role in ("warehouse", "qc", "manager"):
        user_with_role(role, username=role)
    user_with_role("production", username="operator")
    return a, b, r


def sign(page, live_server, rush_request, area, verdict="feasible", conditions=""):
    page.goto(f"{live_server.url}/rush/{rush_request.pk}/")
    form = page.locator(f"[data-testid=sign-{area}]")
    form.locator(f"input[name=verdict][value={verdict}]").check()
    if conditions:
        form.locator("textarea[name=conditions]").fill(conditions)
    form.locator("button[type=submit]").click()
    expect(page.locator(f"[data-testid=review-{area}] [data-testid=review-verdict]")).to_be_visible()


def test_sales_requests_a_rush_reviewers_sign_the_manager_approves_and_every_stage_sees_it(
        sessions, live_server, rush_candidate):
    a, b, r = rush_candidate
    # The "rush approved" alert escalates to the general manager after 1 second here (15 minutes by default).
    rule = AlertRule.objects.get(kind="rush_approved")
    rule.steps.all().delete()
    EscalationStep.objects.create(rule=rule, level=1, delay_seconds=1, roles=["manager"])

    # Sales asks for the rush from the order page.
    seller = sessions("seller")
    seller.goto(f"{live_server.url}/orders/{r.pk}/")
    seller.locator("[data-testid=request-rush]").click()
    seller.locator("#id_requested_date").fill(in_days(-1).isoformat())
    seller.locator("#id_reason").fill("客户产线停线 customer line down")
    seller.locator("[data-testid=submit-rush-request]").click()
    expect(seller.locator("[data-testid=form-errors]")).to_contain_text("is in the past")
    assert not RushRequest.objects.exists()
    seller.locator("#id_requested_date").fill(in_days(2).isoformat())
    seller.locator("[data-testid=submit-rush-request]").click()
    expect(seller.locator("[data-testid=rush-status]")).to_have_text("Under review")
    impact = seller.locator("[data-testid=rush-impact-row]")
    expect(impact).to_have_count(2)
    expect(seller.locator(f"[data-testid=rush-impact-row][data-order='{a.number}']")).to_be_visible()
    rush_request = RushRequest.objects.get()

    # Each area signs at its own desk; QC with a condition.
    planner = sessions("planner")
    sign(planner, live_server, rush_request, "planning")
    expect(planner.locator("[data-testid=sign-warehouse]")).to_have_count(0)  # not the planner's to sign
    sign(sessions("warehouse"), live_server, rush_request, "warehouse")
    sign(sessions("qc"), live_server, rush_request, "quality", verdict="conditional",
         conditions="首件检验后放行 release after the first-article check")

    # The manager approves.
    manager = sessions("manager")
    manager.goto(f"{live_server.url}/rush/{rush_request.pk}/")
    manager.locator("[data-testid=approve-rush]").click()
    expect(manager.locator("[data-testid=rush-status]")).to_have_text("Approved")
    expect(manager.locator("[data-testid=documents-production_notice]")).to_be_visible()
    r.refresh_from_db()
    assert r.priority == "rush" and r.promised_date == in_days(2)

    # The planner's Gantt: R's bar comes first on CUT, marked rush; the planner releases R.
    planner.goto(f"{live_server.url}/planning/gantt/?zoom=week")
    first = planner.evaluate("""() => {
        const bars = [...document.querySelectorAll('[data-testid=gantt-chart] rect.gantt-bar')];
        bars.sort((x, y) => parseFloat(x.getAttribute('x')) - parseFloat(y.getAttribute('x')));
        const bar = bars[0];
        return {title: bar.parentElement.querySelector('title').textContent, cls: bar.getAttribute('class')};
    }""")
    assert first["title"].startswith(r.number) and "gantt-rush" in first["cls"]
    planner.goto(f"{live_server.url}/planning/plans/{r.pk}/")
    planner.locator("[data-testid=release-button]").click()
    expect(planner.locator(".messages .msg-success")).to_contain_text(r.number)

    # The warehouse's prep sheet list shows the rush; so does the operator's tablet.
    sheet = generate_prep_sheet(actor=user_with_role("warehouse"), order=Order.objects.get(pk=r.pk))
    warehouse = sessions("warehouse")
    warehouse.goto(f"{live_server.url}/inventory/prep-sheets/")
    row = warehouse.locator("tr", has_text=sheet.number)
    expect(row.locator(".badge-rush")).to_contain_text("急单")
    tablet = sessions("operator", viewport=TABLET)
    open_tablet(tablet, "CUT")
    operation = WorkOrderOperation.objects.get(work_order__order=r)
    expect(operation_row(tablet, operation).locator(".badge-rush")).to_contain_text("急单")
    assert RushRequest.objects.get().status == RushStatus.APPROVED

    # Nobody acknowledged the "rush approved" alert: a second later it escalates to the manager (the beat's job).
    alert = Alert.objects.get(kind="rush_approved")
    assert not alert.recipients.filter(user__username="manager").exists()
    time.sleep(1.2)
    assert escalate_due_alerts() == [alert.pk]
    manager.goto(f"{live_server.url}/alerts/")
    manager.locator(f"[data-testid=alert-chain][href='/alerts/{alert.pk}/']").click()
    expect(manager.locator("[data-testid=alert-level]")).to_have_text("1")
    expect(manager.locator("[data-testid=alert-recipient][data-user=manager]")).to_have_attribute("data-level", "1")
    manager.locator("[data-testid=acknowledge-alert] button").click()
    expect(manager.locator("[data-testid=alert-acknowledged]")).to_contain_text("manager")
