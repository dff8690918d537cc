"""The manager's side in a real Chromium, on the hand-checked data set of tests/reports/data.py:
- the home page leads to the dashboard; the period filter, a figure's drill-down, a customer filter
  and the wall screen;
- a standard report filtered and exported to CSV and XLSX (the downloaded files are read back);
- a custom report built, saved by name and shared with the planners, who find and run it;
- the order desk's and the planner's home pages show their own queues;
- an API key made on the keys page, with a webhook URL, creates an order over HTTP that lands in the
  review queue and is told to the webhook, signed; then the key is revoked and refused."""

import csv
import hashlib
import hmac
import json
import re
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from api.models import ApiKey
from orders.models import Channel, Order, OrderStatus
from orders.rules import today
from reports.facts import refresh_order_facts
from reports.models import SavedReport
from tests.alerts.webhook_server import WebhookServer
from tests.e2e.steps import PASSWORD
from tests.fixtures.factories import user_with_role
from tests.reports.data import PERIOD, build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def set_period(page):
    page.locator("#id_date_from").fill(PERIOD["date_from"])
    page.locator("#id_date_to").fill(PERIOD["date_to"])
    page.locator("form.filters button[type=submit]").click()


def figure(page, name):
    return page.locator(f"[data-figure={name}]")


def test_manager_dashboard_reports_and_custom_report(page, live_server, login, sessions, tmp_path):
    orders = build(user_with_role("sales", username="seller"))
    refresh_order_facts()
    user_with_role("manager", username="boss")
    user_with_role("planner", username="plan")
    user_with_role("order_desk", username="desk")

    # From the home page to the dashboard, over the data set's two weeks.
    login(page, live_server, "boss", PASSWORD)
    page.goto(f"{live_server.url}/")
    page.locator("[data-card=dashboard]").click()
    set_period(page)
    expect(figure(page, "on_time")).to_contain_text("60.0 %")
    expect(figure(page, "on_time")).to_contain_text("(3/5)")
    expect(figure(page, "rush_share")).to_contain_text("(3/6)")
    expect(page.locator("[data-testid=figures-as-of]")).to_contain_text("Figures computed at")
    expect(page.locator("[data-table=products]")).to_contain_text("P-MAIN")
    # Every figure drills down to its orders: on time are A, C and E (B and D came late).
    figure(page, "on_time").click()
    expect(page.locator("[data-testid=drill-count]")).to_have_text(re.compile(r"^\s*3 orders\s*$"))
    for name in "ACE":
        expect(page.locator("main")).to_contain_text(orders[name].number)
    for name in "BD":
        expect(page.locator("main")).not_to_contain_text(orders[name].number)
    # A customer filter changes the figures.
    page.go_back()
    page.locator("#id_customer").fill("C-OTHER")
    page.locator("form.filters button[type=submit]").click()
    expect(figure(page, "rush_share")).to_contain_text("(1/1)")
    # The wall screen: no navigation, reloads itself.
    page.goto(f"{live_server.url}/reports/dashboard/wall/?date_from={PERIOD['date_from']}&date_to={PERIOD['date_to']}")
    expect(figure(page, "on_time")).to_contain_text("60.0 %")
    expect(page.locator("meta[http-equiv=refresh]")).to_have_attribute("content", "60")
    expect(page.locator(".mainnav")).to_have_count(0)

    # A standard report, filtered, then exported to CSV and XLSX.
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="Delivery performance").click()
    set_period(page)
    expect(page.locator("[data-testid=row-count]")).to_have_text(re.compile(r"^\s*5 rows\s*$"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    path = tmp_path / "delivery.csv"
    download.value.save_as(path)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 1 + 5
    assert {orders[name].number for name in "ABCDE"} <= {cell for row in rows[1:] for cell in row}
    with page.expect_download() as download:
        page.get_by_role("link", name="Export XLSX").click()
    path = tmp_path / "delivery.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path, read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == rows[0] and len(values) == 1 + 5

    # A custom report: rush order lines, saved by name and shared with the planners.
    page.goto(f"{live_server.url}/reports/custom/")
    page.get_by_role("link", name="New report").click()
    page.locator("#id_name").fill("急单明细 Rush lines")
    for column in ("order_number", "customer_code", "status", "product_sku", "quantity"):
        expect(page.locator(f"input[name=columns][value={column}]")).to_be_checked()
    page.locator("input[name=columns][value=priority]").check()
    page.locator("select[name=filter_field]").first.select_option("priority")
    page.locator("select[name=filter_op]").first.select_option("eq")
    page.locator("input[name=filter_value]").first.fill("rush")
    page.locator("#id_shared_with_role").select_option("planner")
    page.get_by_role("button", name="Save and run").click()
    expect(page.locator("h1")).to_have_text("急单明细 Rush lines")
    expect(page.locator("[data-testid=row-count]")).to_have_text(re.compile(r"^\s*3 rows\s*$"))
    for name in "CDF":
        expect(page.locator("main table")).to_contain_text(orders[name].number)
    saved = SavedReport.objects.get(name="急单明细 Rush lines")
    assert (saved.owner.username, saved.shared_with_role) == ("boss", "planner")
    assert saved.filters == [{"field": "priority", "op": "eq", "value": "rush"}]

    # The planner finds it among the custom reports and runs it; it is not theirs to edit.
    planner = sessions("plan")
    planner.goto(f"{live_server.url}/reports/custom/")
    planner.get_by_role("link", name="急单明细 Rush lines").click()
    expect(planner.locator("[data-testid=row-count]")).to_have_text(re.compile(r"^\s*3 rows\s*$"))
    expect(planner.get_by_role("link", name="Edit")).to_have_count(0)
    # Each role's home page shows its own queue: the planner's approved order F to plan.
    planner.goto(f"{live_server.url}/")
    expect(planner.locator("[data-card=to_plan] strong")).to_have_text("1")
    expect(planner.locator("[data-card=dashboard]")).to_have_count(0)
    desk = sessions("desk")
    desk.goto(f"{live_server.url}/")
    expect(desk.locator("[data-card=to_review] strong")).to_have_text("1")  # H, submitted


def api_post(url, raw_key, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Api-Key {raw_key}", "Content-Type": "application/json", "Idempotency-Key": "erp-1"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_an_api_key_made_in_the_browser_sends_an_order_in_until_revoked(page, live_server, login, sessions,
                                                                          request, settings):
    from tests.fixtures.factories import CustomerFactory, ProductFactory

    CustomerFactory(code="C-EAST", name="华东机械")
    ProductFactory(sku="GEAR-1", unit="pcs")
    # An administrator: a key acting as sales (who create orders) needs a maker who may create orders too.
    user_with_role("admin", username="boss")
    # The ERP's receiver below listens on loopback, which webhooks reach only where the operator allows it.
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    user_with_role("sales", username="erp-bot")
    user_with_role("order_desk", username="desk")

    login(page, live_server, "boss", PASSWORD)
    page.goto(f"{live_server.url}/api/keys/")
    page.locator("#key-name").fill("ERP 金蝶")
    page.locator("#key-user").select_option("erp-bot")
    page.locator("[data-testid=api-key-form] button[type=submit]").click()
    raw_key = page.locator("[data-testid=new-api-key] code").inner_text().strip()
    assert raw_key.startswith("of_")
    expect(page.locator("[data-testid=api-keys]")).to_contain_text("ERP 金蝶")
    # Shown only once: the list shows its beginning, never the whole key; reloading makes no second key.
    page.reload()
    expect(page.locator("[data-testid=api-keys]")).to_contain_text("ERP 金蝶")
    expect(page.locator("main")).not_to_contain_text(raw_key)
    assert ApiKey.objects.count() == 1

    # The ERP's endpoint for status changes, registered on the same page; its signing secret is shown once.
    server = WebhookServer()
    request.addfinalizer(server.close)
    row = page.locator("[data-testid=api-keys] tr", has_text="ERP 金蝶")
    row.locator("[data-testid=webhook-form] input[name=url]").fill(f"{server.url}/erp")
    row.locator("[data-testid=webhook-form] button[type=submit]").click()
    secret = page.locator("[data-testid=new-webhook-secret] code").inner_text().strip()
    expect(page.locator("[data-testid=api-keys] tr", has_text="ERP 金蝶")).to_contain_text(f"{server.url}/erp")

    body = {"customer": "C-EAST", "customer_po": "ERP-PO-9",
            "requested_date": (today() + timedelta(days=30)).isoformat(),
            "lines": [{"product": "GEAR-1", "quantity": "40", "unit_price": "3.50"}]}
    code, answer = api_post(f"{live_server.url}/api/v1/orders/", raw_key, body)
    assert code == 201, answer
    order = Order.objects.get(number=answer["number"])
    assert (order.status, order.channel, order.created_by.username) == (OrderStatus.SUBMITTED, Channel.API, "erp-bot")
    desk = sessions("desk")
    desk.goto(f"{live_server.url}/orders/review/")
    expect(desk.locator("main")).to_contain_text(order.number)
    # The webhook told the ERP that its order was submitted, signed with the secret.
    received = server.wait_for(1, "/erp", timeout=30)[0]
    assert (received["json"]["order"], received["json"]["status"]) == (order.number, "submitted")
    headers = {name.lower(): value for name, value in received["headers"].items()}
    stamp, v1 = (part.split("=", 1)[1] for part in headers["x-orderflow-signature"].split(","))
    raw = json.dumps(received["json"], ensure_ascii=False).encode()
    assert v1 == hmac.new(secret.encode(), f"{stamp}.".encode() + raw, hashlib.sha256).hexdigest()

    page.goto(f"{live_server.url}/api/keys/")
    page.locator("[data-testid=api-keys] tr", has_text="ERP 金蝶").get_by_role("button", name="Revoke").click()
    expect(page.locator("[data-testid=api-keys] tr", has_text="ERP 金蝶")).to_contain_text("revoked")
    code, answer = api_post(f"{live_server.url}/api/v1/orders/", raw_key, body)
    assert code == 401
    assert Order.objects.count() == 1
