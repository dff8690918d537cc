"""The Content-Security-Policy in a real Chromium: the pages that used inline script work from static
files (order entry: add a line, the total and promise previews, remove a line, flag as rush; the language
switch; print; the tracking link's select and copy), and no page reports a violation (the browser's
securitypolicyviolation events and its console are both watched)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import OrderStatus, Priority
from tests.e2e.test_order_receipt import PASSWORD, add_line, entry_total, fill_line, money_pattern
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":"
                          + e.lineNumber);
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


@pytest.fixture
def watched(page):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    page.add_init_script(WATCH)

    def problems():
        reported = page.evaluate("window.__violations || []")
        return reported + [text for text in console if "Content Security Policy" in text or "page error" in text]

    return problems


def test_order_entry_works_under_the_policy(page, live_server, login, sales, watched):
    CustomerFactory(code="C-CSP")
    ProductFactory(sku="SLOW-1", standard_lead_time_days=10, list_price="12.50")
    ProductFactory(sku="FAST-1", list_price="40.00")
    login(page, live_server, "sales", PASSWORD)
    page.goto(f"{live_server.url}/orders/new/")
    page.locator("#id_customer").fill("C-CSP")
    # The factory's date, not the browser's UTC one: between 16:00 and 24:00 UTC they differ in Shanghai.
    page.locator("#id_requested_date").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    fill_line(page, 0, sku="SLOW-1", quantity="10")
    add_line(page)  # the index comes from the static script, and the formset counts the new row
    fill_line(page, 1, sku="FAST-1", quantity="5")
    expect(entry_total(page)).to_have_text(money_pattern("325.00"))
    page.locator("[data-testid=line-row]").nth(1).locator("[data-remove-line]").click()
    expect(entry_total(page)).to_have_text(money_pattern("125.00"))
    page.locator("[data-testid=accept-rush]").click()
    expect(page.locator("#id_priority")).to_have_value(Priority.RUSH)
    expect(page.locator("#id_rush_reason")).to_have_value(re.compile(r"\b3\b.*\b10\b"))
    expect(page.locator("[data-testid=entry-promise]")).not_to_be_empty()
    assert watched() == []
    # The language switch submits itself when another language is chosen.
    page.locator("#language-select").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert watched() == []


@pytest.mark.parametrize("path", ["/planning/daily-plan/", "/planning/gantt/"])
def test_print_buttons_work_under_the_policy(page, live_server, login, role_users, watched, path):
    login(page, live_server, "planner", PASSWORD)
    page.goto(f"{live_server.url}{path}")
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__printed") == 1
    assert watched() == []


def test_the_tracking_link_is_selected_and_copied_under_the_policy(page, live_server, login, role_users, watched,
                                                                  context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED, admin=role_users["admin"])
    login(page, live_server, "order_desk", PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.locator("[data-testid=create-tracking-link]").click()
    url_field = page.locator("[data-testid=tracking-url]")
    expect(url_field).to_be_visible()
    url_field.focus()
    assert page.evaluate("document.activeElement.selectionEnd - document.activeElement.selectionStart") > 20
    page.locator("[data-testid=copy-tracking-url]").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.includes('/track/'))")
    assert page.evaluate("navigator.clipboard.readText()") == url_field.input_value()
    assert watched() == []


@pytest.mark.parametrize("role, paths", [
    ("sales", ["/", "/orders/", "/alerts/"]),
    ("manager", ["/reports/dashboard/", "/reports/dashboard/wall/", "/reports/", "/api/keys/"]),
    ("planner", ["/planning/gantt/", "/planning/daily-plan/"]),
])
def test_pages_report_no_violation(page, live_server, login, role_users, watched, role, paths):
    make_order(creator=role_users["sales"], status=OrderStatus.APPROVED, admin=role_users["admin"])
    login(page, live_server, role, PASSWORD)
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert watched() == [], path
