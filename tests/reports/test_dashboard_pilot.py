"""The pilot's dashboard findings (issue 13), on the hand-checked data set of tests/reports/data.py:
- delivery figures, delivery reports and drill-downs count deliveries without the beat ever running (the
  embedded default has none), "Recompute now" rebuilds the delivered-order facts, and the footer says
  when the figures were computed (no "refreshed every five minutes" claim);
- money is shown per currency with thousands separators and never summed across currencies; customers
  and products are ranked within their currency;
- utilisation is shown over the planned horizon too (the default period ends today, the schedule lies
  ahead), each figure saying which days it covers;
- chart geometry: captions never overlap, whatever the number of columns or the language."""

import csv
import io
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models import CalendarShift, Routing, WorkCalendar, WorkCenter, WorkOrder, WorkOrderOperation
from reports import charts
from reports.dashboard import DashboardFilters, dashboard, factory_tz, today
from reports.facts import refresh_order_facts
from reports.models import DeliveredOrderFact
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role
from tests.inventory.masterdata import made_item

from .data import PERIOD, build, event, local, order_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client):
    client.force_login(user_with_role("manager"))
    return client


def on_time_card(body):
    card = re.search(r'data-figure="on_time".*?<strong>(.*?)</strong>.*?<small>\((\d+)/(\d+)\)</small>', body, re.S)
    return card.group(1), int(card.group(2)), int(card.group(3))


# --- delivered-order facts without the beat -----------------------------------------------------------

def test_deliveries_written_around_the_services_count_after_recompute_now_without_the_beat(manager_client):
    """No refresh_order_facts() here. A delivery through the services writes its fact and the daily rollups
    at once (tests/reports/test_rollups.py); these rows were written directly (a bulk load), so the
    dashboard, which reads only the rollups, counts them once "Recompute now" (or the beat) has found them."""
    build(user_with_role("sales"))
    assert not DeliveredOrderFact.objects.exists()

    body = manager_client.get(reverse("reports:dashboard"), PERIOD).content.decode()
    assert on_time_card(body) == ("–", 0, 0)
    body = manager_client.get(reverse("reports:dashboard"), {**PERIOD, "recompute": "1"}).content.decode()
    assert on_time_card(body) == ("60.0 %", 3, 5)
    assert "No deliveries in the period." not in body
    assert DeliveredOrderFact.objects.count() == 5


def test_delivery_reports_and_drill_downs_need_no_beat_either(manager_client):
    orders = build(user_with_role("sales"))
    report = manager_client.get(reverse("reports:report", args=["delivery"]), PERIOD)
    assert {row[0] for row in report.context["rows"]} == {orders[n].number for n in "ABCDE"}

    DeliveredOrderFact.objects.all().delete()
    drill = manager_client.get(reverse("reports:drill"), {**PERIOD, "figure": "delivered_on_time"})
    assert {o.number for o in drill.context["page"]} == {orders[n].number for n in "ACE"}

    DeliveredOrderFact.objects.all().delete()
    rush = manager_client.get(reverse("reports:report", args=["rush"]), PERIOD)
    on_time = {row[0]: row[6] for row in rush.context["rows"]}
    # Booleans reach the page as the reader's yes/no (Report.present), never True/False.
    assert on_time[orders["C"].number] == "Yes" and on_time[orders["D"].number] == "No"


def test_a_delivery_written_after_the_last_refresh_counts_at_the_next_refresh(manager_client, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    orders = build(user_with_role("sales"))
    refresh_order_facts()
    late = order_row(creator=user_with_role("sales"), customer=orders["A"].customer,
                     product=orders["A"].lines.get().product, status="delivered", submitted=local(5, 9),
                     promised=local(9, 0).date())
    event(late, "delivered", local(14, 9), "shipped")
    assert on_time_card(manager_client.get(reverse("reports:dashboard"), PERIOD).content.decode()) == \
        ("60.0 %", 3, 5)
    refresh_order_facts(since=local(14, 0))  # the beat's step
    body = manager_client.get(reverse("reports:dashboard"), PERIOD).content.decode()
    assert on_time_card(body) == ("50.0 %", 3, 6)


def test_recompute_now_rebuilds_the_delivered_order_facts(manager_client):
    orders = build(user_with_role("sales"))
    refresh_order_facts()
    # B (due Jan 9, delivered Jan 10) gets a corrected promise of Jan 10 after its fact was written.
    type(orders["B"]).objects.filter(pk=orders["B"].pk).update(promised_date=local(10, 0).date())

    written = dict(DeliveredOrderFact.objects.values_list("order_id", "refreshed_at"))

    page = reverse("reports:dashboard")
    assert on_time_card(manager_client.get(page, PERIOD).content.decode())[1:] == (3, 5)
    assert on_time_card(manager_client.get(page, {**PERIOD, "recompute": "1"}).content.decode()) == ("80.0 %", 4, 5)
    # Only B's row was rewritten: rows that still match their order are left alone.
    now = dict(DeliveredOrderFact.objects.values_list("order_id", "refreshed_at"))
    rewritten = {pk for pk, at in now.items() if at != written[pk]}
    assert rewritten == {orders["B"].pk}


def test_the_footer_says_when_the_figures_were_computed(manager_client, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    build(user_with_role("sales"))
    response = manager_client.get(reverse("reports:dashboard"), PERIOD)
    footer = re.search(r'data-testid="figures-as-of">(.*?)</p>', response.content.decode(), re.S).group(1)
    computed = timezone.localtime(response.context["computed_at"], factory_tz())
    assert f"Figures computed at {computed:%Y-%m-%d %H:%M}, deliveries included up to that moment." in footer
    assert "shares them for 60 seconds" in footer and "five minutes" not in footer
    manager_client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"})
    footer = manager_client.get(reverse("reports:wall"), PERIOD).content.decode()
    assert f"数据计算于 {computed.year}年{computed.month}月{computed.day}日" in footer
    assert "本屏幕每 60 秒刷新一次。" in footer


# --- money per currency ---------------------------------------------------------------------------------

@pytest.fixture
def three_currencies():
    """Approved orders received Jan 6: two CNY customers (1,200.50 and 2,000), a USD customer (5,000 in
    two orders: the biggest raw sum) and an HKD customer (3,000); one product across all of them."""
    creator = user_with_role("sales")
    product = ProductFactory(sku="P-ANY")
    rows = [("C-CNY-1", "CNY", ["1200.50"]), ("C-CNY-2", "CNY", ["2000"]), ("C-USD", "USD", ["2500", "2500"]),
            ("C-HKD", "HKD", ["3000"])]
    for code, currency, totals in rows:
        customer = CustomerFactory(code=code, currency=currency)
        for total in totals:
            order_row(creator=creator, customer=customer, product=product, status="approved", submitted=local(6, 9),
                      total=total, currency=currency)


def test_money_is_never_summed_across_currencies(three_currencies):
    figures = dashboard(DashboardFilters(date_from=local(5, 0).date(), date_to=local(18, 0).date()))
    approved = next(s for s in figures["stages"] if s["status"] == "approved")
    assert approved["count"] == 5
    assert approved["values"] == [{"currency": "CNY", "amount": Decimal("3200.50")},
                                  {"currency": "HKD", "amount": Decimal("3000")},
                                  {"currency": "USD", "amount": Decimal("5000")}]
    customers = {r["currency"]: [(c["customer__code"], c["value"]) for c in r["rows"]]
                 for r in figures["top_customers"]}
    # The USD customer's 5,000 does not outrank the CNY customers: it is ranked among USD customers only.
    assert customers == {"CNY": [("C-CNY-2", Decimal("2000")), ("C-CNY-1", Decimal("1200.50"))],
                         "HKD": [("C-HKD", Decimal("3000"))], "USD": [("C-USD", Decimal("5000"))]}
    products = {r["currency"]: [(p["product__sku"], p["n"], p["value"]) for p in r["rows"]]
                for r in figures["top_products"]}
    assert products == {"CNY": [("P-ANY", 2, Decimal("3200.50"))], "HKD": [("P-ANY", 1, Decimal("3000"))],
                        "USD": [("P-ANY", 2, Decimal("5000"))]}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_money_on_the_page_has_its_currency_and_thousands_separators(three_currencies, manager_client, language):
    manager_client.post(reverse("accounts:switch_language"), {"language": language, "next": "/"})
    body = manager_client.get(reverse("reports:dashboard"), PERIOD).content.decode()
    stages = re.search(r'data-status="approved">(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r"<span class=\"amount\"[^>]*>([^<]*)</span>", stages) == [
        "3,200.50 CNY", "3,000.00 HKD", "5,000.00 USD"]
    for currency, amount in (("CNY", "2,000.00 CNY"), ("USD", "5,000.00 USD"), ("HKD", "3,000.00 HKD")):
        table = re.search(rf'data-table="customers" data-currency="{currency}">(.*?)</table>', body, re.S).group(1)
        assert amount in table
    usd = re.search(r'data-table="customers" data-currency="USD">(.*?)</table>', body, re.S).group(1)
    assert "C-CNY" not in usd
    caption = "按金额排名的客户（USD）" if language == "zh-hans" else "Top customers by value in USD"
    assert caption in body


# --- utilisation over the planned horizon ------------------------------------------------------------

def planned_work_ahead():
    """A center working 08:00-16:00 every day, with 240 minutes of work planned tomorrow (none before)."""
    calendar = WorkCalendar.objects.create(name="every day", time_zone="Asia/Shanghai")
    for weekday in range(7):
        CalendarShift.objects.create(calendar=calendar, weekday=weekday, start=time(8), end=time(16))
    center = WorkCenter.objects.create(code="WC-H", name="Filling", calendar=calendar, parallel_units=1)
    creator = user_with_role("planner")
    order = order_row(creator=creator, customer=CustomerFactory(), product=ProductFactory(), status="planned",
                      submitted=timezone.now() - timedelta(days=3))
    item = made_item()
    work_order = WorkOrder.objects.create(number="WO-H-1", order=order, item=item, quantity=100, created_by=creator,
                                          routing=Routing.objects.create(item=item, version=1, is_active=True))
    start = datetime.combine(today() + timedelta(days=1), time(8), tzinfo=factory_tz())
    WorkOrderOperation.objects.create(work_order=work_order, sequence=1, work_center=center, setup_minutes=40,
                                      run_minutes_per_unit=Decimal("2"), quantity=100, planned_start=start,
                                      planned_end=start + timedelta(hours=4))
    return center


def test_utilisation_over_the_planned_horizon(manager_client):
    center = planned_work_ahead()
    figures = dashboard(DashboardFilters.default())
    period = next(r for r in figures["utilisation"] if r["center"] == center)
    assert (period["scheduled_minutes"], period["percent"]) == (0, 0.0)  # the default period ends today
    horizon = figures["horizon"]
    assert (horizon["date_from"], horizon["date_to"]) == (today(), today() + timedelta(days=1))
    row = next(r for r in horizon["rows"] if r["center"] == center)
    # 240 planned of 2 days × 480 available.
    assert (row["scheduled_minutes"], row["available_minutes"], row["percent"]) == (240, 960, 25.0)

    body = manager_client.get(reverse("reports:dashboard")).content.decode()
    tomorrow = today() + timedelta(days=1)
    assert f"Planned horizon {today():%Y-%m-%d} – {tomorrow:%Y-%m-%d}" in body
    assert re.search(r'data-testid="utilisation-period">Period \d{4}-\d\d-\d\d – ' + f"{today():%Y-%m-%d}<", body)
    cells = re.search(r'data-center="WC-H">(.*?)</tr>', body, re.S).group(1)
    assert 'data-horizon-percent="25.0"' in cells and "25.0 %" in cells and 'data-period-percent="0.0"' in cells
    # The horizon's figure drills down to the order planned in the horizon.
    link = re.search(r'data-horizon-percent="25.0".*?href="([^"]+)"', cells, re.S).group(1).replace("&amp;", "&")
    assert f"date_from={today():%Y-%m-%d}&date_to={tomorrow:%Y-%m-%d}" in link
    drill = manager_client.get(link)
    assert [o.number for o in drill.context["page"]] == [WorkOrder.objects.get(number="WO-H-1").order.number]


def test_no_work_ahead_says_so(manager_client):
    body = manager_client.get(reverse("reports:dashboard")).content.decode()
    assert "Planned horizon: no work planned from today on" in body


# --- chart geometry ------------------------------------------------------------------------------------

def caption_extents(chart):
    return [(b["label_x"] - charts.text_width(b["label"]) / 2, b["label_x"] + charts.text_width(b["label"]) / 2)
            for b in chart["bars"] if b["show_label"]]


@pytest.mark.parametrize("weeks", [1, 12, 53, 104])
@pytest.mark.parametrize("label", ["Dec 28", "12月28日"])
def test_column_captions_never_overlap(weeks, label):
    chart = charts.column_chart(list(range(weeks)), value=lambda i: 50, label=lambda i: label, maximum=100)
    extents = caption_extents(chart)
    assert chart["bars"][0]["show_label"]  # the first column is always captioned
    assert extents[0][0] >= -0.1 and extents[-1][1] <= chart["width"] + 0.1  # inside the chart
    for (_left, right), (next_left, _right) in zip(extents, extents[1:], strict=False):
        assert right + charts.LABEL_GAP <= next_left + 0.1
    assert len(extents) >= min(weeks, 6)  # thinned, not dropped
    assert all(b["h"] == pytest.approx((chart["height"] - charts.AXIS - charts.FONT) / 2) for b in chart["bars"])


def test_stage_bars_have_a_row_each_and_bars_proportional_to_values():
    chart = charts.bar_chart([3, 6, 0], value=lambda v: v, label=lambda v: f"stage {v}")
    rows = [(b["y"], b["y"] + b["h"]) for b in chart["bars"]]
    assert all(bottom <= next_top for (_top, bottom), (next_top, _b) in zip(rows, rows[1:], strict=False))
    widths = [b["w"] for b in chart["bars"]]
    assert widths[0] == pytest.approx(widths[1] / 2) and widths[2] == 0


# --- money in reports and custom reports -------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_order_status_report_shows_amounts_with_separators_beside_their_currency(manager_client, language):
    customer = CustomerFactory(code="C-BIG", currency="USD")
    order_row(creator=user_with_role("sales"), customer=customer, product=ProductFactory(), status="approved",
              submitted=local(6, 9), total="1819441.54", currency="USD")
    manager_client.post(reverse("accounts:switch_language"), {"language": language, "next": "/"})
    page = manager_client.get(reverse("reports:report", args=["order_status"]), PERIOD)
    [row] = page.context["rows"]
    assert (row[7], row[8]) == ("1,819,441.54", "USD")
    # The export keeps the amount a number (spreadsheets sum it per currency), with the currency beside it.
    export = manager_client.get(reverse("reports:export", args=["order_status", "csv"]), PERIOD)
    [_header, exported] = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert (exported[7], exported[8]) == ("1819441.54", "USD")


def test_custom_report_amounts_always_carry_their_currency(client):
    from reports import services

    manager = user_with_role("manager")
    order_row(creator=manager, customer=CustomerFactory(currency="HKD"), product=ProductFactory(), status="approved",
              submitted=local(6, 9), total="25000", currency="HKD")
    saved = services.save_report(actor=manager, name="Totals", columns=["order_number", "order_total"], filters=[])
    client.force_login(manager)
    page = client.get(reverse("reports:saved_run", args=[saved.pk]))
    assert [str(h) for h in page.context["header"]] == ["Order", "Order total", "Currency"]
    assert page.context["rows"][0][1:] == ["25,000.00", "HKD"]
    export = client.get(reverse("reports:saved_export", args=[saved.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == ["Order", "Order total", "Currency"] and rows[1][1:] == ["25000.00", "HKD"]
