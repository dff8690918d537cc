"""Settlement in a real Chromium, in Chinese, as the real roles (issue 18 item 4's journey): an order is
shipped; finance (财务) records the invoice from the order page at shipment; the invoice falls due unpaid and
the overdue beat task alerts finance, who sees it on the home page; the goods are delivered; the order desk's
close is refused while the invoice is unpaid; finance records the late payment; the order desk closes the
order. Selectors are ids and data-testid attributes; text is asserted where it is what the test is about."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import set_user_language
from alerts.models import Alert
from orders.models import Order, OrderStatus
from settlement import tasks
from settlement.models import Invoice
from tests.fixtures.factories import CustomerFactory, user_with_role
from tests.shipping.helpers import deliver, fg_location, finished_good, pick, produce, qc_passed_order, ship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_invoice_at_shipment_paid_late_with_an_overdue_alert_then_the_order_closes(sessions, live_server):
    product, item = finished_good("STL-100", name="清洗剂", list_price=Decimal("88.50"))
    location = fg_location("FG-STL")
    order = qc_passed_order([product], [10], customer=CustomerFactory(payment_terms="net30",
                                                                      shipping_address="上海市浦东新区张江路 88 号"))
    lot = produce(order, item, location, 10, "STL-LOT-1").moves[0].lot
    shipper = user_with_role("shipping", username="shipper")
    shipment = ship(shipper, order, [pick(order, 1, lot, location, 10)])
    finance, desk = user_with_role("finance", username="caiwu"), user_with_role("order_desk", username="desk")
    for user in (finance, desk):
        set_user_language(actor=user, language="zh-hans")

    # Finance records the invoice from the order page's settlement section, at shipment.
    page = sessions("caiwu")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    section = page.locator("[data-testid=order-settlement]")
    expect(section).to_contain_text("结算")
    expect(section.locator("[data-testid=order-to-invoice]")).to_contain_text(shipment.number)
    section.locator("[data-testid=record-invoice]").click()
    expect(page.locator("[data-testid=invoice-net]")).to_have_text("885.00 CNY")
    page.locator("[data-testid=invoice-save]").click()
    expect(page.locator("[data-testid=invoice-status]")).to_have_text("已开票")
    expect(page.locator("[data-testid=invoice-amount]")).to_have_text("1,000.05 CNY")
    invoice = Invoice.objects.get(shipment=shipment)
    assert invoice.due_date == timezone.localdate() + timedelta(days=30)

    # Forty days later it is still unpaid: the beat task alerts finance (and sales).
    later = timezone.localdate() - timedelta(days=40)
    Invoice.objects.filter(pk=invoice.pk).update(invoice_date=later, due_date=later + timedelta(days=30))
    assert tasks.alert_overdue_invoices.apply().get() == 1
    assert Alert.objects.filter(kind="invoice_overdue", recipients__user=finance).exists()
    page.goto(f"{live_server.url}/")
    finance_home = page.locator("[data-testid=home-finance]")
    expect(finance_home.locator("[data-card=overdue_invoices]")).to_contain_text("1")
    expect(finance_home).to_contain_text("1,000.05 CNY")
    page.goto(f"{live_server.url}/alerts/")
    expect(page.locator("main")).to_contain_text(f"发票 {invoice.number} 已逾期")

    # Delivered; the order desk may not close it while the invoice is unpaid.
    deliver(shipper, shipment)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    desk_page = sessions("desk")
    desk_page.goto(f"{live_server.url}/orders/{order.pk}/")
    desk_page.locator("[data-testid=close-order] button").click()
    expect(desk_page.locator("main")).to_contain_text(f"发票 {invoice.number}：尚欠 1,000.05 CNY")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED

    # The money comes in late: finance records it on the invoice page.
    page.goto(f"{live_server.url}/settlement/invoices/{invoice.pk}/")
    expect(page.locator("[data-testid=overdue-badge]")).to_have_text("已逾期")
    page.locator("#id_amount").fill("1000.05")
    page.locator("#id_reference").fill("工行 20261207-001")
    page.locator("[data-testid=payment-save]").click()
    expect(page.locator("[data-testid=invoice-status]")).to_have_text("已收款")
    expect(page.locator("[data-testid=payment-row]")).to_contain_text("工行 20261207-001")

    # Now the order closes.
    desk_page.goto(f"{live_server.url}/orders/{order.pk}/")
    desk_page.locator("[data-testid=close-order] button").click()
    expect(desk_page.locator("[data-testid=order-status]")).to_have_text("已关闭")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CLOSED
