"""Issue 17.9: the rush completion summary of a delivered rush order, checked against known data: work
logged on the shop floor at known times by two operators (3 h running, 1 h of it inside recorded
overtime), the plan (4 h), the inspection passed first time, the review's impact (2 orders moved by
150 min), delivered 2 days after its date; the cost of expediting (1 h × 60.00 CNY); the printable
summary read back with pdftotext; the monthly rush report built from it; and the beat task."""

import subprocess
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, DocumentStatus
from documents.services import request_document
from orders.models import Customer, Order, OrderStatus
from orders.services import transition_order
from planning import services as planning_services
from planning.models import WorkCenter, WorkOrderOperation
from planning.plans import plan_order, release_plan
from production.models import ExceptionReport
from production.services import (
    complete_operation,
    pause_operation,
    report_quantities,
    resume_operation,
    start_operation,
)
from rush import summary
from rush.models import DelayDecision, RushRequest, RushSummary
from rush.tasks import summarize_rush_orders
from tests.fixtures.factories import make_order, user_with_role
from tests.fixtures.pdf_text import assert_pdf_keeps, long_chinese, long_latin
from tests.fixtures.stage_records import move_past_qc
from tests.inventory.materialdata import make_supplier
from tests.test_translations import compiled_catalog  # noqa: F401  (fixture)

from .setup import build_shop

pytestmark = pytest.mark.django_db
TZ = ZoneInfo(settings.TIME_ZONE)


@pytest.fixture
def delivered_rush(role_users, settings):
    settings.RUSH_OVERTIME_RATE = "60.00"
    shop = build_shop()
    admin, planner = role_users["admin"], role_users["planner"]
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED, products=[shop["product"]],
                       quantities=[Decimal("4")], priority="rush", rush_reason="客户产线停线", requested_in_days=20)
    plan_order(actor=planner, order=order)
    release_plan(actor=planner, order=order)
    order = transition_order(actor=admin, order=Order.objects.get(pk=order.pk), action="prepare_materials")
    day = timezone.localdate() - timedelta(days=1)
    planning_services.add_calendar_exception(actor=admin, calendar=shop["cut"].calendar, date=day, kind="overtime",
                                             start=time(22, 0), end=time(23, 0), note="急单加班")
    operation = WorkOrderOperation.objects.get(work_order__order=order)
    first, second = user_with_role("production", username="op-wang"), user_with_role("production", username="op-li")
    t0 = datetime.combine(day, time(20, 0), tzinfo=TZ)
    start_operation(actor=first, operation=operation, now=t0)
    pause_operation(actor=first, operation=operation, now=t0 + timedelta(hours=1))
    resume_operation(actor=second, operation=operation, now=t0 + timedelta(hours=2))
    report_quantities(actor=second, operation=operation, good=Decimal("4"), now=t0 + timedelta(hours=3, minutes=50))
    complete_operation(actor=second, operation=operation, now=t0 + timedelta(hours=4))
    order = Order.objects.get(pk=order.pk)
    if order.status == OrderStatus.IN_PRODUCTION:
        order = transition_order(actor=admin, order=order, action="finish_production")
    move_past_qc(Order.objects.get(pk=order.pk), OrderStatus.DELIVERED)
    today = timezone.localdate()
    Order.objects.filter(pk=order.pk).update(promised_date=today - timedelta(days=2))
    RushRequest.objects.create(
        number="RR-TEST-1", order=order, requested_date=today, reason="客户产线停线", requested_by=role_users["sales"],
        status="approved", decided_by=role_users["manager"], decided_at=timezone.now(),
        decision_facts={"schedule": {"moves": [{"order": "SO-OTHER-1", "delay_minutes": 90, "becomes_late": True},
                                               {"order": "SO-OTHER-2", "delay_minutes": 60, "becomes_late": False}],
                                     "moved_count": 2, "total_delay_minutes": 150, "newly_late_count": 1}})
    return Order.objects.get(pk=order.pk)


def test_the_summary_figures_match_what_was_recorded(delivered_rush):
    made = summary.make_summary(delivered_rush)
    assert (made.work_minutes, made.overtime_minutes, made.operators) == (180, 60, 2)
    assert made.days_late == 2 and made.first_pass_yield == Decimal("100.0") and made.ncr_count == 0
    assert (made.orders_delayed, made.delay_minutes) == (2, 150)
    assert (made.expedite_cost, made.currency) == (Decimal("60.00"), "CNY")
    stages = {s["stage"]: s for s in made.figures["stages"]}
    assert stages["production"]["planned_minutes"] == 240
    assert made.figures["centers"] == [{"code": "CUT", "name": "Cutting", "minutes": 180, "overtime_minutes": 60,
                                        "operators": 2}]


def test_the_beat_task_makes_each_summary_once(delivered_rush):
    assert summarize_rush_orders.delay().get() == {"made": 1}
    assert summarize_rush_orders.delay().get() == {"made": 0}
    assert RushSummary.objects.get().order == delivered_rush


def test_the_page_the_pdf_and_the_monthly_report(client, role_users, delivered_rush, compiled_catalog,  # noqa: F811
                                                 django_capture_on_commit_callbacks):
    manager = role_users["manager"]
    client.force_login(manager)
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    url = reverse("rush:summary", args=[delivered_rush.pk])
    assert "尚未生成总结" in client.get(url).content.decode()
    client.post(url)
    page = client.get(url).content.decode()
    assert "急单完成总结" in page and "延期 2 天" in page and "60.00 CNY" in page and "100.0 %" in page
    made = RushSummary.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        request_document(actor=manager, kind="rush_summary", obj=made, language="zh-hans")
    document = Document.objects.get(kind="rush_summary", object_id=made.pk)
    assert document.status == DocumentStatus.READY, document.error
    text = subprocess.run(["pdftotext", "-layout", document.file.path, "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("急单完成总结", "急单", delivered_rush.number, "资源使用情况", "CUT Cutting", "3.0", "1.0",
                     "一次合格率", "100.0 %", "2 个订单推迟", "60.00 CNY", "快递运费", "外协 Outsourcing",
                     "无 none"):
        assert expected in text, expected
    report = client.get(reverse("reports:report", args=["rush_monthly"])).context["rows"]
    assert [row[1:] for row in report] == [[1, 0, 2, 3.0, 1.0, Decimal("100.0"), 0, 2, 2.5, "60.00", "CNY"]]
    assert report[0][0].endswith("月") and "日" not in report[0][0]  # the month in the reader's format


def test_long_text_on_the_rush_summary_wraps_and_every_character_is_printed(
        role_users, delivered_rush, settings, tmp_path, django_capture_on_commit_callbacks):
    """200-character Chinese and space-less Latin values in every text field the summary prints."""
    settings.MEDIA_ROOT = tmp_path
    values = [long_chinese("客户名称"), long_latin("WC", 32), long_chinese("工作中心")]
    Customer.objects.filter(pk=delivered_rush.customer_id).update(name=values[0])
    WorkCenter.objects.filter(code="CUT").update(code=values[1], name=values[2])
    made = summary.make_summary(Order.objects.get(pk=delivered_rush.pk))
    for language in ("zh-hans", "en"):
        with django_capture_on_commit_callbacks(execute=True):
            document = request_document(actor=role_users["manager"], kind="rush_summary", obj=made,
                                        language=language)
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
        assert_pdf_keeps(document.file.path, *values)


def test_no_summary_before_delivery_and_nothing_written(client, role_users, compiled_catalog):  # noqa: F811
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED, priority="rush",
                       rush_reason="客户产线停线")
    with pytest.raises(ValidationError):
        summary.make_summary(order)
    client.force_login(role_users["manager"])
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    page = client.post(reverse("rush:summary", args=[order.pk]), follow=True).content.decode()
    assert "急单交货后才能生成完成总结。" in page
    assert not RushSummary.objects.exists()


def decided_outsourcing(order, role_users, number, cost, currency):
    """A decision of the general manager's office that sent the order's operation out (as rush.decisions
    records it once decided)."""
    operation = WorkOrderOperation.objects.get(work_order__order=order)
    report = ExceptionReport.objects.create(number=f"EX-{number}", type="tooling", work_center=operation.work_center,
                                            description="刀具断裂", reported_by=role_users["production"])
    supplier = make_supplier(f"S{number}", name=f"外协厂 {number}")
    return DelayDecision.objects.create(
        number=number, order=order, exception_report=report, situation="刀具断裂", status="decided",
        requested_by=role_users["planner"], outsource_operation=operation, outsource_supplier=supplier,
        outsource_cost=cost, outsource_currency=currency, chosen_option="outsource", decision_reason="外协",
        decided_by=role_users["general_manager"], decided_at=timezone.now())


def test_outsourcing_decided_counts_in_the_cost_with_overtime_on_the_page_and_the_pdf(
        client, role_users, delivered_rush, compiled_catalog, django_capture_on_commit_callbacks):  # noqa: F811
    decided_outsourcing(delivered_rush, role_users, "DD-T-1", Decimal("1800.00"), "CNY")
    decided_outsourcing(delivered_rush, role_users, "DD-T-2", Decimal("250.00"), "USD")
    made = summary.make_summary(delivered_rush)
    cost = made.figures["cost"]
    assert (made.expedite_cost, made.currency) == (Decimal("1860.00"), "CNY")  # 60 overtime + 1800 outsourcing
    assert (cost["overtime"], cost["outsourcing"]) == ("60.00", "1800.00")
    assert cost["outsourcing_other_currencies"] == [{"currency": "USD", "amount": "250.00"}]  # never converted
    assert [row["decision"] for row in cost["outsourcing_rows"]] == ["DD-T-1", "DD-T-2"]
    manager = role_users["manager"]
    client.force_login(manager)
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    page = client.get(reverse("rush:summary", args=[delivered_rush.pk])).content.decode()
    for expected in ("外协", "1,800.00 CNY", "250.00 USD", "1,860.00 CNY", "60.00 CNY", "DD-T-1", "外协厂 DD-T-1"):
        assert expected in page, expected
    with django_capture_on_commit_callbacks(execute=True):
        request_document(actor=manager, kind="rush_summary", obj=made, language="zh-hans")
    document = Document.objects.get(kind="rush_summary", object_id=made.pk)
    assert document.status == DocumentStatus.READY, document.error
    text = subprocess.run(["pdftotext", "-layout", document.file.path, "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("外协 Outsourcing", "1,800.00 CNY", "250.00 USD", "1,860.00 CNY", "DD-T-2", "60.00 CNY"):
        assert expected in text, expected
