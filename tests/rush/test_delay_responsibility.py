"""Issue 17.5: late orders (delivered after their date, or open past it) get a recorded cause, the
responsible department and the evidence; the list of late orders without a cause; the reports by cause and
by department; refusals write nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderEvent, OrderStatus
from production.exception_reports import report_exception
from rush import delays
from rush.models import DelayResponsibility
from tests.fixtures.factories import make_order
from tests.inventory.masterdata import make_work_center
from tests.test_translations import compiled_catalog  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def late_open(role_users, days_past=3, **kwargs):
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED, **kwargs)
    Order.objects.filter(pk=order.pk).update(requested_date=timezone.localdate() - timedelta(days=days_past),
                                             promised_date=None)
    return Order.objects.get(pk=order.pk)


def delivered_late(role_users, days_after=2):
    order = make_order(creator=role_users["sales"], status=OrderStatus.DELIVERED)
    delivered = OrderEvent.objects.filter(order=order, to_status=OrderStatus.DELIVERED).get()
    due = timezone.localdate(delivered.created_at) - timedelta(days=days_after)
    Order.objects.filter(pk=order.pk).update(requested_date=due, promised_date=due)
    return Order.objects.get(pk=order.pk)


def test_late_orders_without_a_cause(role_users):
    open_late = late_open(role_users, days_past=4)
    done_late = delivered_late(role_users, days_after=2)
    on_time = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED)
    listed = {o.number: delays.days_late(o) for o in delays.late_orders_without_cause()}
    assert listed == {open_late.number: 4, done_late.number: 2}
    assert on_time.number not in listed
    delays.record_delay(actor=role_users["order_desk"], order=open_late, cause="material", department="purchasing")
    assert [o.number for o in delays.late_orders_without_cause()] == [done_late.number]


def test_the_cause_is_recorded_with_its_evidence_who_and_when(role_users):
    order = late_open(role_users, days_past=2)
    report = report_exception(actor=role_users["production"], type="machine_breakdown",
                              work_center=make_work_center(), description="主轴故障", severity="high")
    report.affected_orders.add(order)
    options = dict(delays.evidence_options(order))
    assert list(options) == [f"exception:{report.pk}"]
    record = delays.record_delay(actor=role_users["manager"], order=order, cause="process", department="production",
                                 evidence=f"exception:{report.pk}", note="设备保养不到位")
    assert (record.cause, record.department, record.days_late, record.evidence, record.evidence_number) == (
        "process", "production", 2, report, report.number)
    assert record.recorded_by == role_users["manager"]
    assert timezone.now() - record.recorded_at < timedelta(minutes=1)


def test_refusals_write_nothing(role_users):
    order = late_open(role_users)
    other = late_open(role_users)
    report = report_exception(actor=role_users["production"], type="other", work_center=make_work_center(),
                              description="x", severity="low")
    report.affected_orders.add(other)  # evidence of another order
    on_time = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED)
    bad = [
        ({"order": order, "cause": "weather", "department": "production"}, "cause"),
        ({"order": order, "cause": "process", "department": "canteen"}, "department"),
        ({"order": order, "cause": "process", "department": "production", "evidence": f"exception:{report.pk}"},
         "evidence"),
        ({"order": order, "cause": "process", "department": "production", "evidence": "ncr:999999"}, "evidence"),
    ]
    for data, field in bad:
        with pytest.raises(ValidationError) as info:
            delays.record_delay(actor=role_users["order_desk"], **data)
        assert field in info.value.message_dict
    with pytest.raises(ValidationError, match="is not late"):
        delays.record_delay(actor=role_users["order_desk"], order=on_time, cause="process", department="production")
    with pytest.raises(PermissionDenied):
        delays.record_delay(actor=role_users["sales"], order=order, cause="process", department="production")
    assert not DelayResponsibility.objects.exists()
    delays.record_delay(actor=role_users["order_desk"], order=order, cause="process", department="production")
    with pytest.raises(ValidationError, match="already recorded"):
        delays.record_delay(actor=role_users["order_desk"], order=order, cause="material", department="warehouse")
    assert list(DelayResponsibility.objects.values_list("cause", flat=True)) == ["process"]


def test_reports_by_cause_and_department_in_chinese(client, role_users, compiled_catalog):  # noqa: F811
    for cause, department, days in [("material", "purchasing", 3), ("material", "warehouse", 2),
                                    ("quality", "quality", 5)]:
        order = late_open(role_users, days_past=days, priority="rush" if days == 5 else "normal",
                          rush_reason="客户停线" if days == 5 else "")
        delays.record_delay(actor=role_users["order_desk"], order=order, cause=cause, department=department)
    client.force_login(role_users["manager"])
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    by_cause = client.get(reverse("reports:report", args=["delay_cause"])).context["rows"]
    assert by_cause == [["物料", 2, 0, 5], ["品质", 1, 1, 5]]
    by_department = client.get(reverse("reports:report", args=["delay_department"])).context["rows"]
    assert sorted(by_department) == sorted([["采购", 1, 0, 3], ["仓库", 1, 0, 2], ["品质（质检）", 1, 1, 5]])


def test_the_order_desk_records_the_cause_on_the_page(client, role_users, compiled_catalog):  # noqa: F811
    order = late_open(role_users, days_past=3)
    client.force_login(role_users["order_desk"])
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    page = client.get(reverse("rush:delays")).content.decode()
    assert order.number in page and "无延误原因的延期订单" in page
    url = reverse("rush:delay_record", args=[order.pk])
    refused = client.post(url, {"cause": "", "department": "production"}).content.decode()
    assert "请选择延误原因。" in refused and not DelayResponsibility.objects.exists()
    assert client.post(url, {"cause": "planning", "department": "pmc", "note": "排产遗漏"}).status_code == 302
    assert DelayResponsibility.objects.get().get_department_display() == "PMC（生产物料控制）"
    after = client.get(reverse("rush:delays")).content.decode()
    assert f'data-order="{order.number}"' not in after and "所有延期订单都已记录原因。" in after
