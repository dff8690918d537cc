"""The Gantt chart: layout (rows, bar geometry, now line, colours), the pages, permissions, queries, escaping."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderStatus
from planning import gantt
from planning.models import WorkOrder, WorkOrderOperation
from tests.fixtures.factories import CustomerFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_routing, make_work_center

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 3, 2)


def local(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def operation(center="WC-A", unit=0, start=None, end=None, order_id=1, order_number="SO-2026-00001", **extra):
    values = {"order_id": order_id, "order_number": order_number, "customer_name": "Acme", "work_order_number": "WO-1",
              "item_code": "ITEM-1", "item_name": "Gearbox", "sequence": 10, "description": "Turning",
              "center_code": center, "unit": unit, "start": start or local(MONDAY, 8), "end": end or local(MONDAY, 12)}
    values.update(extra)
    return gantt.GanttOperation(**values)


def render_svg(chart, *, title):
    """The chart as the Gantt page draws it (planning/_gantt_chart.html over gantt.drawing)."""
    return render_to_string("planning/_gantt_chart.html", {"c": gantt.drawing(chart), "title": title})


def chart_of(operations, *, zoom=gantt.WEEK, group_by=gantt.BY_CENTER, now=None):
    window = gantt.window_for(MONDAY, zoom, SHANGHAI)
    return gantt.layout(operations, window, group_by=group_by, now=now or local(MONDAY - timedelta(days=30), 0),
                        tz=SHANGHAI, order_url=lambda pk: f"/orders/{pk}/")


# --- layout ---

def test_windows_are_the_day_the_monday_week_and_the_calendar_month_in_the_factory_zone():
    wednesday = MONDAY + timedelta(days=2)
    assert gantt.window_for(wednesday, gantt.DAY, SHANGHAI).start == local(wednesday, 0)
    week = gantt.window_for(wednesday, gantt.WEEK, SHANGHAI)
    assert (week.start, week.end) == (local(MONDAY, 0), local(MONDAY + timedelta(days=7), 0))
    month = gantt.window_for(wednesday, gantt.MONTH, SHANGHAI)
    assert (month.start, month.end) == (local(date(2026, 3, 1), 0), local(date(2026, 4, 1), 0))
    assert gantt.shifted_day(date(2026, 12, 15), gantt.MONTH, 1) == date(2027, 1, 1)
    assert gantt.shifted_day(date(2026, 1, 15), gantt.MONTH, -1) == date(2025, 12, 1)
    assert gantt.shifted_day(wednesday, gantt.WEEK, -1) == wednesday - timedelta(days=7)


def test_bar_x_and_width_follow_the_window_and_zoom():
    # A week is 1200 units wide: a day is 1200/7, four hours are 1200/42.
    op = operation(start=local(MONDAY + timedelta(days=1), 8), end=local(MONDAY + timedelta(days=1), 12))
    bar = chart_of([op]).bars[0]
    assert bar.x == pytest.approx(gantt.LABEL_WIDTH + 1200 / 7 + 1200 / 7 / 3)
    assert bar.width == pytest.approx(1200 / 42)
    # On the day view of that Tuesday the same four hours are a sixth of the chart.
    window = gantt.window_for(MONDAY + timedelta(days=1), gantt.DAY, SHANGHAI)
    day_bar = gantt.layout([op], window, group_by=gantt.BY_CENTER, now=local(MONDAY, 0), tz=SHANGHAI,
                           order_url=str).bars[0]
    assert day_bar.x == pytest.approx(gantt.LABEL_WIDTH + 400)
    assert day_bar.width == pytest.approx(200)


def test_bars_running_past_the_window_are_cut_at_its_edges_and_others_are_left_out():
    across = operation(start=local(MONDAY - timedelta(days=1), 20), end=local(MONDAY, 6))
    outside = operation(start=local(MONDAY - timedelta(days=3), 8), end=local(MONDAY - timedelta(days=3), 9))
    chart = chart_of([across, outside])
    assert len(chart.bars) == 1
    assert chart.bars[0].x == gantt.LABEL_WIDTH
    assert chart.bars[0].width == pytest.approx(1200 / 28)


def test_rows_by_work_center_are_one_per_unit_and_by_order_one_per_order():
    ops = [operation(center="WC-B", unit=1), operation(center="WC-A", unit=0), operation(center="WC-B", unit=0),
           operation(center="WC-B", unit=1, order_id=2, order_number="SO-2026-00002")]
    chart = chart_of(ops)
    assert [row.label for row in chart.rows] == ["WC-A · 1", "WC-B · 1", "WC-B · 2"]
    assert [row.y for row in chart.rows] == [gantt.HEADER_HEIGHT + gantt.ROW_HEIGHT * i for i in range(3)]
    # Both operations on WC-B unit 2 share its row.
    assert chart.bars[0].y == chart.bars[3].y > chart.bars[2].y > chart.bars[1].y
    by_order = chart_of(ops, group_by=gantt.BY_ORDER)
    assert [row.label for row in by_order.rows] == ["SO-2026-00001 · Acme", "SO-2026-00002 · Acme"]
    assert by_order.bars[0].y == by_order.bars[1].y == by_order.bars[2].y < by_order.bars[3].y
    assert by_order.bars[3].href == "/orders/2/"


def test_now_line_is_at_now_inside_the_window_and_absent_outside():
    assert chart_of([], now=local(MONDAY + timedelta(days=3), 12)).now_x == pytest.approx(
        gantt.LABEL_WIDTH + 1200 / 7 * 3.5)
    assert chart_of([], now=local(MONDAY + timedelta(days=7), 0)).now_x is None
    assert "gantt-now" not in render_svg(chart_of([]), title="x")


def test_rush_late_and_locked_operations_get_their_classes_and_a_lock_mark():
    chart = chart_of([operation(), operation(rush=True), operation(late=True), operation(locked=True)])
    assert [bar.css_class for bar in chart.bars] == ["gantt-bar", "gantt-bar gantt-rush", "gantt-bar gantt-late",
                                                     "gantt-bar gantt-locked"]
    svg = render_svg(chart, title="Gantt")
    assert svg.count('class="gantt-lock"') == 1
    assert "(rush)" in chart.bars[1].title and "(late)" in chart.bars[2].title


def test_tooltip_names_order_item_operation_and_local_times():
    op = operation(start=datetime(2026, 3, 2, 0, 30, tzinfo=ZoneInfo("UTC")),
                   end=datetime(2026, 3, 2, 2, 0, tzinfo=ZoneInfo("UTC")))
    title = chart_of([op]).bars[0].title
    assert title.startswith("SO-2026-00001 (Acme) · ITEM-1 Gearbox · operation 10 Turning · WC-A")
    assert "2026-03-02 08:30 – 2026-03-02 10:00" in title


def test_late_means_the_work_order_ends_after_the_promised_day_or_the_requested_day():
    requested, promised = date(2026, 3, 10), date(2026, 3, 12)
    assert not gantt.is_late(local(requested, 23, 59), None, requested, SHANGHAI)
    assert gantt.is_late(local(requested + timedelta(days=1), 0, 1), None, requested, SHANGHAI)
    assert not gantt.is_late(local(date(2026, 3, 12), 20), promised, requested, SHANGHAI)
    assert gantt.is_late(local(date(2026, 3, 13), 8), promised, requested, SHANGHAI)
    assert not gantt.is_late(None, None, requested, SHANGHAI)


def test_long_row_labels_are_shortened():
    chart = chart_of([operation(customer_name="Very Long Customer Name Manufacturing Ltd")], group_by=gantt.BY_ORDER)
    assert chart.rows[0].label == "SO-2026-00001 · Very Long Cus…"
    assert "Very Long Customer Name Manufacturing Ltd" in chart.bars[0].title


def test_svg_escapes_user_text():
    op = operation(customer_name="<script>alert(1)</script>", description='"><b>x')
    svg = render_svg(chart_of([op], group_by=gantt.BY_ORDER), title="Gantt")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


# --- the pages ---

@pytest.fixture
def shop(db):
    item = made_item(name="Gearbox housing")
    center = make_work_center("WC-CNC", name="CNC")
    return {"item": item, "center": center, "routing": make_routing(item, [(10, center, 0, 1)]),
            "sales": user_with_role("sales")}


def planned_order(shop, *, operations=1, customer=None, priority="normal", promised=None, locked=False):
    """An approved order with one work order whose operations run back to back from now (hour by hour)."""
    order = make_order(creator=shop["sales"], status=OrderStatus.APPROVED, customer=customer, priority=priority,
                       rush_reason="line down" if priority == "rush" else "")
    if promised:
        Order.objects.filter(pk=order.pk).update(promised_date=promised)
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    work_order = WorkOrder.objects.create(
        number=f"WO-{order.number}", order=order, item=shop["item"], quantity=Decimal("5"), routing=shop["routing"],
        created_by=shop["sales"], planned_start=start, planned_end=start + timedelta(hours=operations))
    WorkOrderOperation.objects.bulk_create([
        WorkOrderOperation(work_order=work_order, sequence=10 * (i + 1), work_center=shop["center"],
                           run_minutes_per_unit=Decimal("1"), quantity=Decimal("5"), description=f"Step {i + 1}",
                           planned_unit=0, locked=locked, planned_start=start + timedelta(hours=i),
                           planned_end=start + timedelta(hours=i + 1))
        for i in range(operations)])
    return order


def gantt_page(client, user, url_name="planning:gantt", **params):
    client.force_login(user)
    return client.get(reverse(url_name), params)


def test_planner_sees_operations_by_work_center_and_by_order_with_links_to_their_dialog(client, shop):
    order = planned_order(shop, operations=2)
    planner = user_with_role("planner")
    page = gantt_page(client, planner).content.decode()
    assert page.count('class="gantt-bar"') == 2
    assert "WC-CNC · 1" in page
    for op in WorkOrderOperation.objects.filter(work_order__order=order):
        assert f'href="{reverse("planning:operation_adjust", args=[op.pk])}"' in page
    assert 'data-adjust="1"' in page and 'id="adjust-dialog"' in page
    # Production may look but not change the plan: bars link to the order.
    production = gantt_page(client, user_with_role("production")).content.decode()
    assert f'href="{reverse("orders:detail", args=[order.pk])}"' in production
    assert "data-adjust" not in production and "adjust-dialog" not in production
    assert f"{order.number} ({order.customer.name}) · {shop['item'].code} Gearbox housing · operation 10 Step 1" in page
    by_order = gantt_page(client, planner, "planning:gantt_orders").content.decode()
    assert f"{order.number} · {order.customer.name}"[:gantt.MAX_LABEL_CHARS - 1] in by_order
    assert by_order.count('class="gantt-bar"') == 2


def test_zoom_and_date_choose_the_window(client, shop):
    planned_order(shop)
    planner = user_with_role("planner")
    next_month = (timezone.localdate().replace(day=1) + timedelta(days=40)).isoformat()
    assert 'class="gantt-bar' not in gantt_page(client, planner, zoom="month", date=next_month).content.decode()
    page = gantt_page(client, planner, zoom="day").content.decode()
    assert page.count('class="gantt-bar"') == 1 and "gantt-now" in page
    bad = gantt_page(client, planner, date="not-a-date", zoom="century")
    assert bad.status_code == 200 and "That is not a date" in bad.content.decode()
    assert bad.context["zoom"] == gantt.WEEK


def test_rush_late_and_locked_operations_are_marked(client, shop):
    planned_order(shop, priority="rush")
    planned_order(shop, promised=timezone.localdate() - timedelta(days=1), locked=True)
    page = gantt_page(client, user_with_role("planner")).content.decode()
    assert 'class="gantt-bar gantt-rush"' in page
    assert 'class="gantt-bar gantt-late gantt-locked"' in page
    assert 'class="gantt-lock"' in page
    assert 'data-testid="gantt-legend"' in page


@pytest.mark.parametrize("role", ["planner", "production", "manager", "admin"])
def test_planning_production_and_managers_may_see_the_gantt(client, db, role):
    assert gantt_page(client, user_with_role(role)).status_code == 200
    assert gantt_page(client, user_with_role(role), "planning:gantt_orders").status_code == 200


@pytest.mark.parametrize("role", ["sales", "order_desk", "warehouse", "qc", "shipping"])
def test_other_roles_get_403_and_no_menu_entry(client, db, role):
    user = user_with_role(role)
    assert gantt_page(client, user).status_code == 403
    assert gantt_page(client, user, "planning:gantt_orders").status_code == 403
    assert reverse("planning:gantt") not in client.get(reverse("orders:list")).content.decode()


def test_menu_entry_for_planners(client, db):
    client.force_login(user_with_role("planner"))
    assert reverse("planning:gantt") in client.get(reverse("orders:list")).content.decode()


def test_query_count_does_not_grow_with_operations_and_orders(client, shop):
    planner = user_with_role("planner")
    client.force_login(planner)

    def queries(url_name):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name)).status_code == 200
        return len(captured)

    planned_order(shop, operations=3)
    few = (queries("planning:gantt"), queries("planning:gantt_orders"))
    for _ in range(9):
        planned_order(shop, operations=3)
    assert WorkOrderOperation.objects.count() == 30
    assert (queries("planning:gantt"), queries("planning:gantt_orders")) == few


def test_user_text_is_escaped(client, shop):
    customer = CustomerFactory(name="<script>alert(1)</script>")
    planned_order(shop, customer=customer)
    page = gantt_page(client, user_with_role("planner"), "planning:gantt_orders").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_drawing_has_a_bar_per_operation_and_the_now_line_in_the_readers_language():
    from django.utils import translation

    ops = [operation(), operation(unit=1), operation(center="WC-B", locked=True)]
    with translation.override("zh-hans"):
        svg = render_svg(chart_of(ops, now=local(MONDAY + timedelta(days=1), 10)), title="甘特图")
    assert svg.count('<rect class="gantt-bar') == 3 and svg.count('class="gantt-row-band"') == 3
    assert '<title>现在</title>' in svg and 'aria-label="甘特图"' in svg
