"""Logistics delays (carrier, cause, new ETA; the customer told at once; tracked to resolution) and
compensation (refund, gift, discount voucher) approved by a manager; bad input writes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserProfile
from notices import logistics
from notices.models import Compensation, CustomerMessage, LogisticsEvent, ShipmentDelay
from orders.models import OrderStatus
from tests.fixtures.factories import make_order, user_with_role

from .smtp_server import text_of

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def shipped(rules, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(creator=user_with_role("sales"), status=OrderStatus.SHIPPED, customer=customer)
    return order.shipments.get()


def test_recording_a_delay_tells_the_customer_in_their_language(shipped, smtp, sms, django_capture_on_commit_callbacks):
    service = user_with_role("customer_service")
    eta = timezone.localdate() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        delay = logistics.record_delay(actor=service, shipment=shipped, carrier="顺丰速运", cause="weather",
                                       detail="台风导致高速封闭", new_eta=eta)
    assert delay.number.startswith("LD-") and delay.status == "open"
    subject, body = text_of(smtp.received(to="wang@buyer.test")[-1])
    number = shipped.order.number
    assert subject == f"[{number}] 订单 {number}：交货延误至 {eta.year}年{eta.month}月{eta.day}日"
    assert "天气或自然灾害" in body and "台风导致高速封闭" in body and "顺丰速运" in body and "/track/" in body
    subject, body = text_of(smtp.received(to="anna@buyer.test")[-1])
    assert "delivery delayed to" in subject and "Weather or natural event" in body
    assert "延误" in sms.received("/sms")[-1]["json"]["text"]
    assert CustomerMessage.objects.filter(dedupe_key__startswith=f"delay:{delay.pk}:").count() == 3
    assert shipped.order.customer_messages.filter(kind="delayed", status="sent").count() == 3
    resolved = logistics.resolve_delay(actor=service, delay=delay, resolution="货物已到达，客户签收")
    assert resolved.status == "resolved" and resolved.resolved_by == service
    with pytest.raises(ValidationError):
        logistics.resolve_delay(actor=service, delay=delay, resolution="again")
    assert list(delay.events.values_list("action", flat=True)) == ["recorded", "resolved"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"cause": ""}, "Choose the cause of the delay."),
    ({"cause": "aliens"}, "Choose the cause of the delay."),
    ({"new_eta": None}, "Enter the new arrival date."),
    ({"new_eta": timezone.localdate() - timedelta(days=1)}, "The new arrival date cannot be in the past."),
    ({"detail": "   "}, "Enter what happened."),
    ({"detail": "x" * 501}, "What happened has at most 500 characters."),
])
def test_a_bad_delay_is_refused_and_writes_nothing(shipped, smtp, changes, message):
    smtp.messages.clear()
    data = {"carrier": "顺丰", "cause": "traffic", "detail": "堵车", "new_eta": timezone.localdate(), **changes}
    with pytest.raises(ValidationError) as refused:
        logistics.record_delay(actor=user_with_role("customer_service"), shipment=shipped, **data)
    assert message.lower() in " ".join(refused.value.messages).lower()
    assert ShipmentDelay.objects.count() == 0 and not CustomerMessage.objects.filter(kind="delayed").exists()


def test_only_a_shipment_on_its_way_can_be_delayed_and_only_by_its_roles(rules, customer):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.DELIVERED, customer=customer)
    data = {"carrier": "顺丰", "cause": "traffic", "detail": "堵车", "new_eta": timezone.localdate()}
    with pytest.raises(ValidationError):
        logistics.record_delay(actor=user_with_role("shipping"), shipment=order.shipments.get(), **data)
    with pytest.raises(PermissionDenied):
        logistics.record_delay(actor=user_with_role("qc"), shipment=order.shipments.get(), **data)
    assert ShipmentDelay.objects.count() == 0


def test_compensation_is_proposed_by_customer_service_and_decided_by_a_manager(shipped):
    service, manager = user_with_role("customer_service"), user_with_role("manager")
    delay = logistics.record_delay(actor=service, shipment=shipped, carrier="顺丰", cause="carrier", detail="漏提货",
                                   new_eta=timezone.localdate())
    for bad in [{"amount": "0"}, {"amount": "abc"}, {"kind": "cash"}, {"currency": "XYZ"}, {"description": ""}]:
        data = {"kind": "voucher", "amount": "200", "currency": "CNY", "description": "下单九五折", **bad}
        with pytest.raises(ValidationError):
            logistics.propose_compensation(actor=service, order=shipped.order, delay=delay, **data)
    assert Compensation.objects.count() == 0
    compensation = logistics.propose_compensation(actor=service, order=shipped.order, delay=delay, kind="voucher",
                                                  amount="200", currency="CNY", description="下单九五折")
    assert (compensation.status, compensation.amount, compensation.currency) == ("proposed", Decimal("200.00"), "CNY")
    with pytest.raises(PermissionDenied):
        logistics.decide_compensation(actor=service, compensation=compensation, approve=True)
    with pytest.raises(ValidationError):
        logistics.decide_compensation(actor=manager, compensation=compensation, approve=False, note="")
    compensation.refresh_from_db()
    assert compensation.status == "proposed"
    decided = logistics.decide_compensation(actor=manager, compensation=compensation, approve=True, note="同意")
    assert (decided.status, decided.decided_by) == ("approved", manager)
    with pytest.raises(ValidationError):
        logistics.decide_compensation(actor=manager, compensation=compensation, approve=False, note="改主意")
    assert list(LogisticsEvent.objects.filter(compensation=compensation).values_list("action", flat=True)) == [
        "proposed", "approved"]


def test_the_pages_refuse_bad_input_and_show_the_order_record(client, shipped):
    service = user_with_role("customer_service")
    UserProfile.objects.update_or_create(user=service, defaults={"language": "zh-hans"})
    client.force_login(service)
    url = reverse("notices:delay_create", args=[shipped.pk])
    page = client.post(url, {"carrier": "顺丰", "cause": "traffic", "detail": "堵车",
                             "new_eta": (timezone.localdate() - timedelta(days=2)).isoformat()})
    assert "新的到货日期不能早于今天" in page.content.decode() and ShipmentDelay.objects.count() == 0
    client.post(url, {"carrier": "顺丰", "cause": "traffic", "detail": "堵车",
                      "new_eta": timezone.localdate().isoformat()})
    delay = ShipmentDelay.objects.get()
    refused = client.post(reverse("notices:compensation_propose", args=[delay.pk]),
                          {"kind": "refund", "amount": "-5", "currency": "CNY", "description": "退运费"})
    assert refused.status_code == 400 and Compensation.objects.count() == 0
    client.post(reverse("notices:compensation_propose", args=[delay.pk]),
                {"kind": "refund", "amount": "150.50", "currency": "CNY", "description": "退运费"})
    panel = client.get(reverse("notices:order_panel", args=[shipped.order.pk])).content.decode()
    assert delay.number in panel and "退款 · 150.50 CNY · 退运费" in panel and "已提议" in panel
    assert "wang@buyer.test" in panel and "已发送" in panel
    home = client.get(reverse("home")).content.decode()
    assert "个未解决的物流延误" in home
    assert client.post(reverse("notices:compensation_decide", args=[Compensation.objects.get().pk]),
                       {"decision": "approve"}).status_code == 403
