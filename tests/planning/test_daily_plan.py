"""The daily production plan: the selector (working time, load, rows), the page (content, pickers, bad input,
permissions, query count) and the production plan PDF through the document pipeline (in process, and through
a real Celery worker on PostgreSQL)."""

import time as clock
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents import services as document_services
from documents.models import DocumentStatus
from documents.tasks import render_document
from orders.models import OrderStatus, Priority
from planning import plans
from planning import services as planning_services
from planning.daily_plan import daily_plan
from planning.documents import KIND, DailyPlanSheet, sheet_for_key
from planning.models import ExceptionKind, WorkOrder, WorkOrderOperation
from tests.documents.conftest import pdf_text
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order, user_with_role
from tests.fixtures.pdf_text import MM, assert_pdf_keeps, long_chinese, long_latin
from tests.inventory.masterdata import made_item, make_calendar, make_item, make_routing, make_work_center

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 3, 2)
TWO_SHIFTS = [(day, start, end) for day in range(5) for start, end in (("06:00", "14:00"), ("14:00", "22:00"))]


def local(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def shop(db):
    calendar = make_calendar("两班制 Two shifts", shifts=TWO_SHIFTS)
    mixing = make_work_center("MIX-01", name="配料釜 Mixing", calendar=calendar, parallel_units=2)
    filling = make_work_center("FILL-01", name="灌装线 Filling", calendar=calendar)
    item = made_item("FG-LAV-2L", name="薰衣草香浓缩洗衣液", item_type="finished_good")
    return {"calendar": calendar, "mixing": mixing, "filling": filling, "item": item,
            "routing": make_routing(item, [(10, mixing, 30, 1), (20, filling, 10, 0.5)]),
            "sales": user_with_role("sales"), "admin": user_with_role("admin")}


def planned_work(shop, slots, *, customer=None, priority=Priority.NORMAL, quantity="120"):
    """An approved order with one work order whose operations sit where `slots` say:
    [(work center, unit, start, end)], sequence 10, 20, ..."""
    order = make_order(creator=shop["sales"], status=OrderStatus.APPROVED, customer=customer, priority=priority,
                       rush_reason="客户产线停线" if priority == Priority.RUSH else "", admin=shop["admin"])
    first, last = min(s[2] for s in slots), max(s[3] for s in slots)
    number = f"WO-{order.number[3:]}"
    work_order = WorkOrder.objects.create(
        number=number, batch_number=f"B-{order.number[-5:]}", order=order, item=shop["item"],
        quantity=Decimal(quantity), routing=shop["routing"], created_by=shop["sales"], planned_start=first,
        planned_end=last)
    WorkOrderOperation.objects.bulk_create([
        WorkOrderOperation(work_order=work_order, sequence=10 * (i + 1), work_center=center, quantity=Decimal(quantity),
                           setup_minutes=Decimal("30"), run_minutes_per_unit=Decimal("0.5"),
                           description=f"工序 step {i + 1}", planned_work_center=center, planned_unit=unit,
                           planned_start=start, planned_end=end)
        for i, (center, unit, start, end) in enumerate(slots)])
    return order


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("planning:daily_plan"), params)


# --- the selector --------------------------------------------------------------------------------

def test_rows_are_the_operations_overlapping_the_day_in_time_order_with_their_load(shop):
    mix = shop["mixing"]
    early = planned_work(shop, [(mix, 1, local(MONDAY, 9), local(MONDAY, 12))])
    first = planned_work(shop, [(mix, 0, local(MONDAY, 8), local(MONDAY, 10))], priority=Priority.RUSH)
    # From Sunday evening into Monday morning: only 06:00–07:00 is working time on Monday.
    overnight = planned_work(shop, [(mix, 0, local(MONDAY - timedelta(days=1), 20), local(MONDAY, 7))])
    # From Monday 21:00 into Tuesday: 21:00–22:00 counts on Monday.
    late = planned_work(shop, [(mix, 1, local(MONDAY, 21), local(MONDAY + timedelta(days=1), 7))])
    tuesday = MONDAY + timedelta(days=1)
    other_day = planned_work(shop, [(mix, 0, local(tuesday, 8), local(tuesday, 9))])
    cancelled = planned_work(shop, [(mix, 0, local(MONDAY, 13), local(MONDAY, 14))])
    WorkOrderOperation.objects.filter(work_order__order=cancelled).update(status="cancelled")

    plan = daily_plan(MONDAY, mix)
    center = plan.centers[0]
    numbers = [row.order_number for row in center.rows]
    assert numbers == [overnight.number, first.number, early.number, late.number]
    assert other_day.number not in numbers and cancelled.number not in numbers
    assert [row.load_minutes for row in center.rows] == [60, 120, 180, 60]
    assert center.rows[0].starts_before and not center.rows[0].ends_after
    assert center.rows[3].ends_after
    assert center.rows[1].rush and not center.rows[0].rush
    assert center.rows[1].unit_label == "1" and center.rows[2].unit_label == "2"
    assert center.rows[1].run_minutes == Decimal("60") and center.rows[1].item_name == "薰衣草香浓缩洗衣液"
    # Two shifts of 8 h on two units.
    assert center.available_minutes == 2 * 16 * 60
    assert center.load_minutes == 420
    assert center.utilisation_percent == Decimal("22")  # 420 / 1920 = 21.9 %


def test_working_time_follows_holidays_overtime_closures_and_night_shifts(shop):
    admin = shop["admin"]
    calendar = make_calendar("Nights", shifts=[(6, "22:00", "06:00"), (0, "08:00", "12:00")])
    center = make_work_center("NIGHT", calendar=calendar)
    plan = daily_plan(MONDAY, center).centers[0]
    # Sunday's night shift reaches into Monday morning, then Monday's own shift.
    assert [(w.start, w.end) for w in plan.windows] == [(local(MONDAY, 0), local(MONDAY, 6)),
                                                          (local(MONDAY, 8), local(MONDAY, 12))]
    assert plan.available_minutes == 600

    planning_services.add_calendar_exception(actor=admin, calendar=calendar, date=MONDAY, kind=ExceptionKind.HOLIDAY)
    plan = daily_plan(MONDAY, center).centers[0]
    assert plan.holiday and plan.available_minutes == 360  # the night shift belongs to Sunday
    planning_services.add_calendar_exception(actor=admin, calendar=calendar, date=MONDAY, kind=ExceptionKind.OVERTIME,
                                             start=time(13), end=time(17), note="赶急单")
    planning_services.add_calendar_exception(actor=admin, calendar=calendar, date=MONDAY, kind=ExceptionKind.CLOSURE,
                                             start=time(2), end=time(3), note="停电 power cut")
    plan = daily_plan(MONDAY, center).centers[0]
    assert [w.kind for w in plan.windows] == ["shift", "overtime"]
    assert plan.available_minutes == 360 - 60 + 240
    assert [(c.start, c.end, c.note) for c in plan.closures] == [(local(MONDAY, 2), local(MONDAY, 3), "停电 power cut")]


# --- the page ----------------------------------------------------------------------------------------

def test_page_shows_the_work_center_day_shifts_load_and_the_operations(client, shop):
    customer = CustomerFactory(name="华东精密机械有限公司")
    rush = planned_work(shop, [(shop["mixing"], 0, local(MONDAY, 8), local(MONDAY, 10)),
                               (shop["filling"], 0, local(MONDAY, 10), local(MONDAY, 11))],
                        customer=customer, priority=Priority.RUSH)
    normal = planned_work(shop, [(shop["mixing"], 1, local(MONDAY, 9), local(MONDAY, 12))])
    response = page(client, user_with_role("planner"), day=MONDAY.isoformat(), center="MIX-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "MIX-01 配料釜 Mixing" in html
    assert "06:00–14:00, 14:00–22:00" in html
    assert "300 of 1920 min" in html and "16 %" in html
    for text in [rush.number, normal.number, "华东精密机械有限公司", "FG-LAV-2L", "薰衣草香浓缩洗衣液",
                 "10 工序 step 1", "08:00–10:00", "09:00–12:00", "Actual qty", "Operator sign", "RUSH / 急单",
                 f'href="{reverse("orders:detail", args=[rush.pk])}"']:
        assert text in html, text
    assert html.count('data-testid="plan-row"') == 2  # the filling operation is another center's
    assert html.index(rush.number) < html.index(normal.number)
    assert "@page { size: A4 landscape" in html
    assert f'data-testid="generate-{KIND}"' in html  # the PDF button

    everything = page(client, user_with_role("production"), day=MONDAY.isoformat()).content.decode()
    assert 'data-testid="daily-plan-summary"' in everything
    assert 'data-testid="center-plan-MIX-01"' in everything and 'data-testid="center-plan-FILL-01"' in everything
    assert everything.count('data-testid="plan-row"') == 3
    assert "page-break" in everything


def test_an_empty_day_says_so_and_points_to_the_next_planned_day(client, shop):
    thursday = MONDAY + timedelta(days=3)
    planned_work(shop, [(shop["mixing"], 0, local(thursday, 8), local(thursday, 9))])
    html = page(client, user_with_role("planner"), day=MONDAY.isoformat(), center="MIX-01").content.decode()
    assert 'data-testid="daily-plan-empty"' in html
    assert f"day={(MONDAY + timedelta(days=3)).isoformat()}" in html
    assert "06:00–14:00" in html  # the center's header is still shown


def test_without_parameters_the_page_shows_today_for_all_work_centers(client, shop):
    response = page(client, user_with_role("planner"))
    assert response.status_code == 200
    assert response.context["plan"].day == timezone.localdate()
    assert response.context["center"] is None


@pytest.mark.parametrize(("params", "message"), [
    ({"day": "2026-13-45"}, "That is not a date: enter it as YYYY-MM-DD."),
    ({"day": "tomorrow"}, "That is not a date: enter it as YYYY-MM-DD."),
    ({"day": "0001-01-01"}, "Enter a date between 2000-01-01 and "),  # the horizon of every date field
    ({"day": "9999-12-31"}, "Enter a date between 2000-01-01 and "),
    ({"center": "NOPE"}, "There is no work center “NOPE”."),
    ({"center": "<b>x</b>"}, "There is no work center “&lt;b&gt;x&lt;/b&gt;”."),
])
def test_bad_input_gets_a_clear_message_and_no_plan(client, shop, params, message):
    planned_work(shop, [(shop["mixing"], 0, local(MONDAY, 8), local(MONDAY, 10))])
    response = page(client, user_with_role("planner"), **params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="daily-plan-error"' in html and message in html
    assert "plan" not in response.context and 'data-testid="plan-row"' not in html


@pytest.mark.parametrize("role", ["planner", "production", "manager", "admin"])
def test_planning_production_and_managers_may_see_the_daily_plan(client, db, role):
    user = user_with_role(role)
    assert page(client, user).status_code == 200
    assert reverse("planning:daily_plan") in client.get(reverse("orders:list")).content.decode()


@pytest.mark.parametrize("role", ["sales", "order_desk", "warehouse", "qc", "shipping"])
def test_other_roles_get_403_and_no_menu_entry(client, db, role):
    user = user_with_role(role)
    assert page(client, user).status_code == 403
    assert reverse("planning:daily_plan") not in client.get(reverse("orders:list")).content.decode()


@pytest.mark.parametrize("center", ["MIX-01", ""])
def test_query_count_is_the_same_for_10_and_50_operations(client, shop, center):
    planner = user_with_role("planner")
    client.force_login(planner)
    centers = [shop["mixing"], shop["filling"]]

    def add_orders(count):
        for _i in range(count):
            planned_work(shop, [(centers[k % 2], k % 2, local(MONDAY, 6 + k), local(MONDAY, 7 + k)) for k in range(5)],
                         customer=CustomerFactory())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("planning:daily_plan"), {"day": MONDAY.isoformat(), "center": center})
        assert response.status_code == 200
        return len(captured), response.context["plan"].operation_count

    add_orders(2)
    few, few_ops = queries()
    add_orders(8)
    many, many_ops = queries()
    assert (few_ops, many_ops) == ((10, 50) if not center else (6, 30))
    assert many == few


def test_user_text_is_escaped(client, shop):
    planned_work(shop, [(shop["mixing"], 0, local(MONDAY, 8), local(MONDAY, 10))],
                 customer=CustomerFactory(name="<script>alert(1)</script>"))
    html = page(client, user_with_role("planner"), day=MONDAY.isoformat()).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- the PDF -----------------------------------------------------------------------------------------

def test_a_sheet_key_carries_the_day_and_the_work_center(shop):
    # Its content type is made by migrate, not by the first request (which could roll back).
    assert ContentType.objects.filter(app_label="planning", model="dailyplansheet").exists()
    sheet = DailyPlanSheet(MONDAY, shop["mixing"])
    assert sheet_for_key(sheet.pk) == sheet
    assert sheet_for_key(DailyPlanSheet(MONDAY).pk) == DailyPlanSheet(MONDAY)
    assert sheet_for_key(sheet.pk + 10_000) is None  # no such work center
    assert sheet_for_key("not a number") is None


def test_production_plan_pdf_in_the_requesters_language(client, shop, media_root):
    planner = user_with_role("planner")
    rush = planned_work(shop, [(shop["mixing"], 0, local(MONDAY, 8), local(MONDAY, 10))], priority=Priority.RUSH)
    normal = planned_work(shop, [(shop["filling"], 0, local(MONDAY, 9), local(MONDAY, 12))])
    document = document_services.request_document(actor=planner, kind=KIND, obj=DailyPlanSheet(MONDAY),
                                                  language="zh-hans")
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    assert document.filename == "production-plan-2026-03-02-all.pdf"
    text = pdf_text(document)
    for value in ["MIX-01", "FILL-01", "2026-03-02", rush.number, normal.number, "FG-LAV-2L", "薰衣草香浓缩洗衣液",
                  "急单", "08:00–10:00"]:
        assert value in text, value
    assert text.count("急单") == 1  # only the rush order's row

    # The panel on the page lists it; another role may neither see the panel nor ask for the PDF.
    client.force_login(planner)
    html = client.get(reverse("planning:daily_plan"), {"day": MONDAY.isoformat()}).content.decode()
    assert reverse("documents:download", args=[document.pk]) in html
    client.force_login(user_with_role("sales"))
    assert client.post(reverse("documents:request", args=[KIND, DailyPlanSheet(MONDAY).pk])).status_code == 403
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 403


def test_long_text_on_the_production_plan_wraps_and_every_character_is_printed(shop, media_root):
    """200-character Chinese and space-less Latin values in every text field the plan prints, for all
    work centers and for one."""
    from inventory.models import Item
    from planning.models import WorkCenter

    customer = CustomerFactory(name=long_chinese("客户名称"))
    order = planned_work(shop, [(shop["mixing"], 0, local(MONDAY, 8), local(MONDAY, 10)),
                                (shop["filling"], 0, local(MONDAY, 10), local(MONDAY, 12))], customer=customer)
    values = [customer.name, long_chinese("物料名称"), long_latin("ITEM", 40), long_chinese("配料釜"),
              long_latin("FILLINGLINE")]
    Item.objects.filter(pk=shop["item"].pk).update(name=values[1], code=values[2])
    WorkCenter.objects.filter(pk=shop["mixing"].pk).update(name=values[3])
    WorkCenter.objects.filter(pk=shop["filling"].pk).update(name=values[4])
    descriptions = [long_latin("STEP10"), long_chinese("工序20")]  # on mixing, on filling
    for operation, description in zip(WorkOrderOperation.objects.filter(work_order__order=order)
                                      .order_by("sequence"), descriptions, strict=True):
        WorkOrderOperation.objects.filter(pk=operation.pk).update(description=description)
    planner = user_with_role("planner")
    for sheet in (DailyPlanSheet(MONDAY), DailyPlanSheet(MONDAY, shop["mixing"])):
        document = document_services.request_document(actor=planner, kind=KIND, obj=sheet, language="zh-hans")
        render_document(document.pk)
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        shown = values + descriptions if sheet.center is None else values[:4] + descriptions[:1]
        assert_pdf_keeps(document.file.path, *shown, margins=(12 * MM, 14 * MM))  # the plan's own page margins


def _planned_through_the_services(admin, sales):
    """A round-the-clock work center, an item made of a bought raw material, and two approved orders (one
    rush) planned by planning.plans.plan_order, so the operations start now."""
    halves = (("00:00", "12:00"), ("12:00", "00:00"))
    calendar = make_calendar("全天 Round the clock",
                             shifts=[(day, start, end) for day in range(7) for start, end in halves])
    center = make_work_center("FILL-W", name="灌装线 Filling line", calendar=calendar)
    product = ProductFactory(sku="DW-500-LEM", name="柠檬洗洁精")
    item = make_item("FG-DW-500", name="柠檬洗洁精 500 ml", item_type="finished_good", sourcing="make",
                     product=product)
    make_routing(item, [(10, center, 15, 0.2)])
    rush = make_order(creator=sales, status=OrderStatus.APPROVED, products=[product], quantities=["120"],
                      priority=Priority.RUSH, rush_reason="超市促销", admin=admin)
    normal = make_order(creator=sales, status=OrderStatus.APPROVED, products=[product], quantities=["60"],
                        admin=admin)
    planner = user_with_role("planner")
    for order in (normal, rush):
        plans.plan_order(actor=planner, order=order)
    return center, rush, normal, planner


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_production_plan(live_celery_worker):
    center, rush, normal, planner = _planned_through_the_services(user_with_role("admin"), user_with_role("sales"))
    first = WorkOrderOperation.objects.filter(work_order__order=rush).order_by("planned_start").first()
    day = timezone.localtime(first.planned_start).date()
    sheet = DailyPlanSheet(day, center)
    on_the_day = {row.order_number for row in daily_plan(day, center).centers[0].rows}
    assert rush.number in on_the_day

    document = document_services.request_document(actor=planner, kind=KIND, obj=sheet, language="zh-hans")
    deadline = clock.monotonic() + 60
    while clock.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            break
        clock.sleep(0.5)
    assert document.status == DocumentStatus.READY, f"{document.status}: {document.error}"
    text = pdf_text(document)
    for value in ["FILL-W", "灌装线 Filling line", day.isoformat(), "FG-DW-500", "柠檬洗洁精 500 ml", "急单",
                  *on_the_day]:
        assert value in text, value
    document.file.storage.delete(document.file.name)  # the worker wrote into the shared MEDIA_ROOT
