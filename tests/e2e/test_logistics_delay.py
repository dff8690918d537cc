"""A logistics delay in a real Chromium, in Chinese, as seed 003's delay plan runs it: customer service (客服)
records the delay on the shipped shipment's page, the customer's contact receives the e-mail in Chinese on a
local SMTP server (with the new arrival date and the tracking link), customer service proposes a discount
voucher, and the manager approves it; the order page shows the messages and the compensation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import set_user_language
from notices.defaults import ensure_default_rules
from notices.models import Compensation, ShipmentDelay
from orders.models import CustomerContact, OrderStatus
from tests.fixtures.factories import CustomerFactory, make_order, user_with_role
from tests.notices.smtp_server import SmtpServer, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    yield server
    server.close()


def test_a_logistics_delay_is_told_to_the_customer_and_compensation_approved(sessions, live_server, smtp):
    ensure_default_rules()
    customer = CustomerFactory()
    CustomerContact.objects.create(customer=customer, name="王芳", email="wang@buyer.test", language="zh-hans")
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.SHIPPED, customer=customer)
    shipment = order.shipments.get()
    service = user_with_role("customer_service", username="kefu")
    manager = user_with_role("manager", username="jingli")
    set_user_language(actor=service, language="zh-hans")
    set_user_language(actor=manager, language="zh-hans")
    smtp.messages.clear()

    page = sessions("kefu")
    page.goto(f"{live_server.url}/shipping/shipments/{shipment.pk}/")
    page.locator("[data-testid=record-logistics-delay]").click()
    eta = timezone.localdate() + timedelta(days=3)
    page.locator("#id_carrier").fill("顺丰速运")
    page.locator("#id_cause").select_option("weather")
    page.locator("#id_detail").fill("台风导致高速封闭")
    page.locator("#id_new_eta").fill(eta.isoformat())
    page.locator("[data-testid=record-delay]").click()
    expect(page.locator("[data-testid=delay-status]")).to_have_text("未解决")
    expect(page.locator("[data-testid=delay-messages] [data-testid=customer-message]")).to_contain_text("已发送")

    (mail,) = smtp.received(to="wang@buyer.test")
    subject, body = text_of(mail)
    assert subject == f"[{order.number}] 订单 {order.number}：交货延误至 {eta.year}年{eta.month}月{eta.day}日"
    assert "王芳 您好" in body and "天气或自然灾害" in body and "/track/" in body

    form = page.locator("[data-testid=compensation-form]")
    form.locator("#id_kind").select_option("voucher")
    form.locator("#id_amount").fill("300")
    form.locator("#id_description").fill("下一订单抵扣 300 元")
    form.locator("[data-testid=propose-compensation]").click()
    expect(page.locator("[data-testid=compensation-status]")).to_have_text("已提议")
    expect(page.locator("[data-testid=approve-compensation]")).to_have_count(0)  # 客服 cannot approve

    boss = sessions("jingli")
    boss.goto(f"{live_server.url}/notices/delays/{ShipmentDelay.objects.get().pk}/")
    boss.locator("[data-testid=approve-compensation]").click()
    expect(boss.locator("[data-testid=compensation-status]")).to_have_text("已批准")
    assert Compensation.objects.get().status == "approved"

    boss.goto(f"{live_server.url}/orders/{order.pk}/")
    panel = boss.locator("[data-testid=order-notices]")
    expect(panel.locator("[data-testid=order-compensations]")).to_contain_text("折扣券 · 300.00 CNY")
    expect(panel.locator("[data-testid=customer-message]").first).to_contain_text("wang@buyer.test")
