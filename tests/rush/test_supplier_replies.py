"""Issue 17.6: a rush purchase order's supplier answers within one working day on the factory calendar
(Friday → Monday, a holiday skipped); the beat task stamps the deadline and alerts the planners when it
passes, the alert escalates to the manager, and the planner's recorded answer (who, when) settles it."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from alerts import services as alert_services
from alerts.models import Alert, AlertRecipient
from inventory import purchasing
from inventory.models import PurchaseOrder, PurchaseRequest
from orders.models import OrderStatus
from planning import services as planning_services
from rush import supplier_replies
from rush.models import SupplierReply
from rush.tasks import watch_supplier_replies
from tests.fixtures.factories import ProductFactory, make_order
from tests.inventory.masterdata import make_calendar, make_item, make_work_center
from tests.inventory.materialdata import buyer, make_supplier
from tests.test_translations import compiled_catalog  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo(settings.TIME_ZONE)


def at(day, hour=10):
    return datetime(*day, hour, 0, tzinfo=TZ)


@pytest.fixture
def factory_calendar():
    calendar = make_calendar("工厂日历 Factory")  # Monday to Friday
    make_work_center("ASM", calendar=calendar)
    return calendar


def test_sent_on_friday_the_answer_is_due_on_monday(factory_calendar):
    # 2026-12-04 is a Friday
    assert supplier_replies.reply_deadline(at((2026, 12, 4))) == at((2026, 12, 7))
    assert supplier_replies.reply_deadline(at((2026, 12, 1), 16)) == at((2026, 12, 2), 16)  # Tuesday → Wednesday
    assert supplier_replies.reply_deadline(at((2026, 12, 5))) == at((2026, 12, 7))  # Saturday → Monday


def test_a_holiday_is_not_a_working_day(factory_calendar, role_users):
    planning_services.add_calendar_exception(actor=role_users["admin"], calendar=factory_calendar,
                                             date=datetime(2026, 12, 7).date(), kind="holiday", note="停电")
    assert supplier_replies.reply_deadline(at((2026, 12, 4))) == at((2026, 12, 8))


def rush_po(role_users, *, send=True):
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED, priority="rush",
                       rush_reason="客户产线停线", products=[ProductFactory()], quantities=[Decimal("5")])
    item = make_item("RM-RUSH", name="急料 Rush material", purchase_lead_time_days=2)
    request = purchasing.create_purchase_request(actor=buyer(), item=item, quantity=Decimal("10"),
                                                 needed_by=timezone.localdate() + timedelta(days=3), order=order)
    request = purchasing.approve_purchase_request(actor=buyer(), request=request)
    po = purchasing.create_purchase_order(actor=buyer(), supplier=make_supplier("S-RUSH", name="快速五金"), lines=[
        purchasing.PurchaseLineInput(item=item, quantity=Decimal("10"), unit_price=Decimal("3.20"),
                                     expected_date=timezone.localdate() + timedelta(days=3), unit=item.unit,
                                     request=request)])
    if send:
        po = purchasing.send_purchase_order(actor=buyer(), purchase_order=po)
    return order, po


def test_the_beat_task_stamps_alerts_and_the_alert_escalates(factory_calendar, role_users):
    _order, po = rush_po(role_users)
    # it was sent on a Friday morning, long ago: its answer was due the Monday after
    PurchaseOrder.objects.filter(pk=po.pk).update(sent_at=at((2026, 11, 27)))
    result = watch_supplier_replies.delay().get()
    assert result == {"stamped": 1, "alerted": [po.number]}
    reply = SupplierReply.objects.get(purchase_order=po)
    assert reply.reply_due_at == at((2026, 11, 30))
    alert = Alert.objects.get(kind="supplier_reply_overdue")
    assert set(alert.recipients.filter(level=0).values_list("user__username", flat=True)) == {"planner",
                                                                                                 *[buyer().username]}
    with translation.override("zh-hans"):
        assert "快速五金" in alert.rendered_subject() and po.number in alert.rendered_subject()
    # run again: nothing new
    assert watch_supplier_replies.delay().get() == {"stamped": 0, "alerted": []}
    assert Alert.objects.filter(kind="supplier_reply_overdue").count() == 1
    # nobody acknowledged it: after an hour the manager is told
    assert alert_services.escalate_due_alerts(now=alert.created_at + timedelta(minutes=61)) == [alert.pk]
    assert AlertRecipient.objects.filter(alert=alert, level=1, user__username="manager").exists()


def test_the_recorded_answer_keeps_who_and_when_and_stops_the_escalation(factory_calendar, role_users):
    _order, po = rush_po(role_users)
    PurchaseOrder.objects.filter(pk=po.pk).update(sent_at=timezone.now() - timedelta(days=10))
    watch_supplier_replies.delay().get()
    reply = SupplierReply.objects.get(purchase_order=po)
    alert = Alert.objects.get(kind="supplier_reply_overdue")
    confirmed = timezone.localdate() + timedelta(days=2)
    supplier_replies.record_supplier_reply(actor=role_users["planner"], reply=reply, confirmed_date=confirmed,
                                           note="电话确认 王经理")
    reply.refresh_from_db()
    assert (reply.confirmed_date, reply.confirmed_by.username, reply.note) == (confirmed, "planner", "电话确认 王经理")
    assert timezone.now() - reply.confirmed_at < timedelta(minutes=1)
    assert alert_services.escalate_due_alerts(now=alert.created_at + timedelta(hours=2)) == []
    alert.refresh_from_db()
    assert alert.escalation_stopped_at is not None


def test_bad_answers_are_refused_and_nothing_is_written(factory_calendar, role_users):
    _order, po = rush_po(role_users)
    watch_supplier_replies.delay().get()
    reply = SupplierReply.objects.get(purchase_order=po)

    def snapshot():
        return list(SupplierReply.objects.values_list("confirmed_date", "confirmed_by", "confirmed_at", "note"))

    before = snapshot()
    for bad in (None, "2026-13-01", timezone.localdate() - timedelta(days=3)):
        with pytest.raises(ValidationError):
            supplier_replies.record_supplier_reply(actor=role_users["planner"], reply=reply, confirmed_date=bad)
    with pytest.raises(Exception):  # noqa: B017 - sales may not record it
        supplier_replies.record_supplier_reply(actor=role_users["sales"], reply=reply,
                                               confirmed_date=timezone.localdate())
    assert snapshot() == before


def test_a_purchase_order_for_normal_orders_or_not_sent_gets_no_deadline(factory_calendar, role_users):
    _order, draft = rush_po(role_users, send=False)
    assert watch_supplier_replies.delay().get()["stamped"] == 0
    assert not SupplierReply.objects.exists()


def test_the_planner_records_the_answer_on_the_page_in_chinese(client, factory_calendar, role_users,
                                                               compiled_catalog):  # noqa: F811
    _order, po = rush_po(role_users)
    PurchaseOrder.objects.filter(pk=po.pk).update(sent_at=timezone.now() - timedelta(days=10))
    watch_supplier_replies.delay().get()
    reply = SupplierReply.objects.get(purchase_order=po)
    planner = role_users["planner"]
    client.force_login(planner)
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"})
    page = client.get("/rush/supplier-replies/").content.decode()
    assert po.number in page and "快速五金" in page and "急单供应商答复" in page and "已逾期" in page
    bad = client.post(f"/rush/supplier-replies/{reply.pk}/", {"confirmed_date": ""})
    assert bad.status_code == 200 and "请输入供应商确认的日期" in bad.content.decode()
    reply.refresh_from_db()
    assert reply.confirmed_date is None
    good = client.post(f"/rush/supplier-replies/{reply.pk}/",
                       {"confirmed_date": (timezone.localdate() + timedelta(days=1)).isoformat()})
    assert good.status_code == 302
    reply.refresh_from_db()
    assert reply.confirmed_by == planner


def rush_request(role_users, *, priority="rush"):
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED, priority=priority,
                       rush_reason="客户产线停线" if priority == "rush" else "", products=[ProductFactory()],
                       quantities=[Decimal("5")])
    item = make_item(f"RM-PR-{priority}", name="急料 Rush material", purchase_lead_time_days=2)
    return order, purchasing.create_purchase_request(actor=buyer(), item=item, quantity=Decimal("10"),
                                                     needed_by=timezone.localdate() + timedelta(days=3), order=order)


def test_a_rush_purchase_request_gets_the_one_working_day_deadline_alerts_and_escalates(
        factory_calendar, role_users):
    order, request = rush_request(role_users)
    _normal, normal_request = rush_request(role_users, priority="normal")
    PurchaseRequest.objects.filter(pk=request.pk).update(requested_at=at((2026, 11, 27)))  # a Friday, long ago
    result = watch_supplier_replies.delay().get()
    assert result == {"stamped": 1, "alerted": [request.number]}  # the rush one only
    reply = SupplierReply.objects.get(purchase_request=request)
    assert reply.reply_due_at == at((2026, 11, 30)) and reply.purchase_order is None
    assert not SupplierReply.objects.filter(purchase_request=normal_request).exists()
    alert = Alert.objects.get(kind="supplier_reply_overdue")
    assert alert.link == reverse("rush:supplier_reply", args=[reply.pk])
    with translation.override("zh-hans"):
        assert request.number in alert.rendered_subject() and "急单请购" in alert.rendered_subject()
    assert "planner" in set(alert.recipients.values_list("user__username", flat=True))
    assert watch_supplier_replies.delay().get() == {"stamped": 0, "alerted": []}  # once
    assert alert_services.escalate_due_alerts(now=alert.created_at + timedelta(minutes=61)) == [alert.pk]
    assert AlertRecipient.objects.filter(alert=alert, level=1, user__username="manager").exists()


def test_a_rejected_rush_purchase_request_needs_no_answer(factory_calendar, role_users):
    _order, request = rush_request(role_users)
    watch_supplier_replies.delay().get()
    purchasing.reject_purchase_request(actor=buyer(), request=request, reason="库存足够")
    SupplierReply.objects.filter(purchase_request=request).update(reply_due_at=timezone.now() - timedelta(hours=1))
    assert watch_supplier_replies.delay().get() == {"stamped": 0, "alerted": []}


def test_the_answer_to_a_rush_purchase_request_is_recorded_on_its_page_in_chinese(
        client, factory_calendar, role_users, compiled_catalog):  # noqa: F811
    order, request = rush_request(role_users)
    PurchaseRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - timedelta(days=10))
    watch_supplier_replies.delay().get()
    reply = SupplierReply.objects.get(purchase_request=request)
    alert = Alert.objects.get(kind="supplier_reply_overdue")
    client.force_login(role_users["planner"])
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"})
    page = client.get("/rush/supplier-replies/").content.decode()
    assert request.number in page and "采购申请" in page and "已逾期" in page
    detail = client.get(f"/rush/supplier-replies/{reply.pk}/").content.decode()
    assert order.number in detail and "RM-PR-rush" in detail and 'data-testid="reply-due"' in detail
    bad = client.post(f"/rush/supplier-replies/{reply.pk}/", {"confirmed_date": ""})
    assert bad.status_code == 200 and "请输入供应商确认的日期" in bad.content.decode()
    good = client.post(f"/rush/supplier-replies/{reply.pk}/",
                       {"confirmed_date": (timezone.localdate() + timedelta(days=1)).isoformat()})
    assert good.status_code == 302
    reply.refresh_from_db()
    assert reply.confirmed_by == role_users["planner"]
    assert alert_services.escalate_due_alerts(now=alert.created_at + timedelta(hours=2)) == []
