"""The Gantt chart: layout (rows, bar geometry, now line, colours), the pages, permissions, queries, escaping."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planning import gantt

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
    assert "gantt-now" not in gantt.render_svg(chart_of([]), title="x")


def test_rush_late_and_locked_operations_get_their_classes_and_a_lock_mark():
    chart = chart_of([operation(), operation(rush=True), operation(late=True), operation(locked=True)])
    assert [bar.css_class for bar in chart.bars] == ["gantt-bar", "gantt-bar gantt-rush", "gantt-bar gantt-late",
                                                     "gantt-bar gantt-locked"]
    svg = gantt.render_svg(chart, title="Gantt")
    assert svg.count('class="gantt-lock"') == 1
    assert "(rush)" in chart.bars[1].title and "(late)" in chart.bars[2].title


def test_tooltip_names_order_item_operation_and_local_times():
    op = operation(start=datetime(2026, 3, 2, 0, 30, tzinfo=ZoneInfo("UTC")),
                   end=datetime(2026, 3, 2, 2, 0, tzinfo=ZoneInfo("UTC")))
    title = chart_of([op]).bars[0].title
    assert title.startswith("SO-2026-00001 · ITEM-1 Gearbox · operation 10 Turning · WC-A")
    assert "2026-03-02 08:30 – 2026-03-02 10:00" in title


def test_late_means_the_work_order_ends_after_the_promised_day_or_the_requested_day():
    requested, promised = date(2026, 3, 10), date(2026, 3, 12)
    assert not gantt.is_late(local(requested, 23, 59), None, requested, SHANGHAI)
    assert gantt.is_late(local(requested + timedelta(days=1), 0, 1), None, requested, SHANGHAI)
    assert not gantt.is_late(local(date(2026, 3, 12), 20), promised, requested, SHANGHAI)
    assert gantt.is_late(local(date(2026, 3, 13), 8), promised, requested, SHANGHAI)
    assert not gantt.is_late(None, None, requested, SHANGHAI)


def test_svg_escapes_user_text():
    op = operation(customer_name="<script>alert(1)</script>", description='"><b>x')
    svg = gantt.render_svg(chart_of([op], group_by=gantt.BY_ORDER), title="Gantt")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
