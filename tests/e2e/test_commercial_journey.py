"""Issue 18's commercial front as one journey, in a real Chromium, in Chinese: sales quotes a valve under the
price list, the discount needs approval, the quotation is revised, the sales manager approves, the customer
accepts and one click makes the draft order; sales places a call-off against the framework contract and the
contract page shows the quantity drawn down; the order desk approves the quoted order and the customer's
contact receives the confirmation on a local SMTP server (in Chinese, with the tracking link), then the
dispatch and delivery e-mails; finance records the invoice at shipment, it falls due unpaid (overdue alert),
is paid late, and the order closes.

The quotation and contract steps are those of test_sales_quotes_contracts (its fixture and helpers are
imported); settlement follows test_settlement and the e-mail checks test_logistics_delay (its SMTP fixture)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import set_user_language
from alerts.models import Alert
from inventory.models import Item
from notices.defaults import ensure_default_rules
from notices.models import CustomerMessage
from orders import services as order_services
from orders.models import CustomerContact, Order, OrderStatus
from sales.models import Quotation
from settlement import tasks as settlement_tasks
from settlement.models import Invoice
from tests.e2e.test_logistics_delay import smtp  # noqa: F401 - the local SMTP server fixture
from tests.e2e.test_sales_quotes_contracts import SCREEN, commerce, press, status  # noqa: F401 - fixture
from tests.fixtures.factories import PATH, user_with_role
from tests.fixtures.stage_records import pass_qc
from tests.notices.smtp_server import text_of
from tests.shipping.helpers import deliver, fg_location, pick, produce, ship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal
CONTACT = "zhao@huadong.test"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(commerce):  # noqa: F811 - the imported fixture
    ensure_default_rules()
    customer = commerce["contract"].customer
    customer.payment_terms = "net30"
    customer.save(update_fields=["payment_terms"])
    CustomerContact.objects.create(customer=customer, name="赵敏", email=CONTACT, language="zh-hans")
    users = {"desk": user_with_role("order_desk", username="desk"),
             "finance": user_with_role("finance", username="caiwu")}
    for user in users.values():
        set_user_language(actor=user, language="zh-hans")
    return users


def mails(smtp, kind_text):  # noqa: F811 - the imported fixture
    """The e-mails the contact received whose subject contains `kind_text`, as (subject, body): waits for the
    first one, which a real Celery worker (CI) sends after the step that queued it has returned."""
    return [text_of(m) for m in smtp.wait_for(to=CONTACT, match=lambda m: kind_text in text_of(m)[0])]


def quote_revise_approve_accept_convert(sales, manager_page, live_server):
    """The quotation part of the journey (as test_sales_quotes_contracts walks it); returns the draft order."""
    sales.goto(f"{live_server.url}/sales/quotations/new/")
    sales.locator("#id_customer").fill("C-B1")
    sales.locator("#id_lines-0-product").fill("W-100")
    sales.locator("#id_lines-0-quantity").fill("100")
    sales.locator("#id_lines-0-unit_price").fill("80")
    press(sales, "save-quotation")
    expect(sales.locator("[data-testid=needs-approval]")).to_have_text("需销售经理审批")
    expect(sales.locator("[data-testid=quotation-discount]")).to_contain_text("20%")
    first = Quotation.objects.get()
    press(sales, "request-approval")
    expect(status(sales)).to_have_text("待折扣审批")
    press(sales, "revise-quotation")
    sales.locator("#id_lines-0-unit_price").fill("85")
    press(sales, "save-quotation")
    expect(sales.locator("[data-testid=quotation-number]")).to_contain_text(f"{first.number} v2")
    press(sales, "request-approval")
    expect(status(sales)).to_have_text("待折扣审批")
    second = Quotation.objects.get(number=first.number, version=2)

    manager_page.goto(f"{live_server.url}/sales/quotations/{second.pk}/")
    press(manager_page, "approve-discount")
    expect(status(manager_page)).to_have_text("折扣已批准")

    sales.goto(f"{live_server.url}/sales/quotations/{second.pk}/")
    press(sales, "send-quotation")
    expect(status(sales)).to_have_text("已发送")
    press(sales, "accept-quotation")
    expect(status(sales)).to_have_text("已接受")
    press(sales, "convert-quotation")
    expect(sales.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-draft\b"))
    order = Order.objects.get(quotation=second)
    expect(sales).to_have_url(f"{live_server.url}/orders/{order.pk}/")
    expect(sales.locator("[data-testid=order-total]")).to_contain_text("8,500.00 CNY")
    return order


def call_off(sales, live_server, contract):
    line = contract.lines.get()
    sales.goto(f"{live_server.url}/sales/contracts/{contract.pk}/")
    sales.locator(f"#id_qty_{line.pk}").fill("300")
    press(sales, "place-call-off")
    expect(sales.locator("[data-testid=order-status]")).to_be_visible()
    placed = Order.objects.filter(contract_call_offs__contract_line__contract=contract).distinct().get()
    sales.goto(f"{live_server.url}/sales/contracts/{contract.pk}/")
    row = sales.locator("[data-testid=contract-consumption] tr[data-sku=G-200]")
    expect(row.locator("[data-testid=called-off]")).to_have_text("300")
    expect(row.locator("[data-testid=left]")).to_have_text("700")
    expect(sales.locator("[data-testid=contract-call-offs]")).to_contain_text(placed.number)


def test_one_order_through_the_commercial_front(sessions, live_server, commerce, people, smtp):  # noqa: F811
    sales = sessions("xiaoli", viewport=SCREEN)
    manager_page = sessions("boss", viewport=SCREEN)
    order = quote_revise_approve_accept_convert(sales, manager_page, live_server)
    call_off(sales, live_server, commerce["contract"])

    # Sales submits the quoted order; the order desk approves it with a promised date.
    sales.goto(f"{live_server.url}/orders/{order.pk}/")
    sales.locator("[data-testid=action-submit] button[type=submit]").click()
    expect(sales.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-submitted\b"))
    promised = timezone.localdate() + timedelta(days=25)
    desk = sessions("desk", viewport=SCREEN)
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    desk.locator("#approve-promised-date").fill(promised.isoformat())
    desk.locator("[data-testid=action-approve] button[type=submit]").click()
    expect(desk.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-approved\b"))

    # The confirmation reached the contact, in Chinese, with the promised date and the tracking link.
    (confirmation,) = mails(smtp, "已确认")
    subject, body = confirmation
    assert subject.startswith(f"[{order.number}] 订单 {order.number} 已确认")
    assert "赵敏" in body and f"{promised.year}年{promised.month}月{promised.day}日" in body
    assert re.search(r"https?://\S+/track/\S+", body), body

    # Planning, materials and production have their own journeys: here the order is moved through them by
    # the stage services (as tests.fixtures.factories.make_order does), passes QC, and its goods are made.
    admin = user_with_role("admin")
    order = Order.objects.get(pk=order.pk)
    for action in PATH[OrderStatus.AWAITING_QC][2:]:
        order = order_services.transition_order(actor=admin, order=order, action=action, note="")
    pass_qc(order, inspector=user_with_role("qc"), into_stock=False)
    order = Order.objects.get(pk=order.pk)
    valve = order.lines.get().product
    item = Item.objects.get(product=valve)  # the finished-good item QC made ready for inspection
    location = fg_location("FG-JNY")
    lot = produce(order, item, location, 100, "JNY-LOT-1").moves[0].lot

    # Shipped through the shipping service (the shipping pages have their own journey, test_delivery).
    shipper = user_with_role("shipping", username="shipper")
    shipment = ship(shipper, order, [pick(order, 1, lot, location, 100)])
    (dispatch,) = mails(smtp, "已发货（")
    subject, body = dispatch
    assert order.number in subject
    assert "顺丰速运" in body and "SF1234567890" in body and re.search(r"https?://\S+/track/\S+", body), body

    # Finance records the invoice at shipment from the order page.
    finance = sessions("caiwu", viewport=SCREEN)
    finance.goto(f"{live_server.url}/orders/{order.pk}/")
    section = finance.locator("[data-testid=order-settlement]")
    expect(section.locator("[data-testid=order-to-invoice]")).to_contain_text(shipment.number)
    section.locator("[data-testid=record-invoice]").click()
    expect(finance.locator("[data-testid=invoice-net]")).to_have_text("8,500.00 CNY")
    finance.locator("[data-testid=invoice-save]").click()
    expect(finance.locator("[data-testid=invoice-status]")).to_have_text("已开票")
    expect(finance.locator("[data-testid=invoice-amount]")).to_have_text("9,605.00 CNY")
    invoice = Invoice.objects.get(shipment=shipment)
    assert invoice.due_date == timezone.localdate() + timedelta(days=30)

    # Forty days on (the invoice's dates moved back, as test_settlement does) it is unpaid: overdue alert.
    earlier = timezone.localdate() - timedelta(days=40)
    Invoice.objects.filter(pk=invoice.pk).update(invoice_date=earlier, due_date=earlier + timedelta(days=30))
    assert settlement_tasks.alert_overdue_invoices.apply().get() == 1
    assert Alert.objects.filter(kind="invoice_overdue", recipients__user=people["finance"]).exists()
    finance.goto(f"{live_server.url}/alerts/")
    expect(finance.locator("main")).to_contain_text(f"发票 {invoice.number} 已逾期")

    # Delivered (the shipping service records the proof of delivery): the delivery e-mail goes out.
    deliver(shipper, shipment)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    (delivered,) = mails(smtp, "已送达")
    subject, body = delivered
    assert order.number in subject and "赵敏" in body and "/track/" in body

    # The order desk cannot close it while the invoice is unpaid.
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    desk.locator("[data-testid=close-order] button").click()
    expect(desk.locator("main")).to_contain_text(f"发票 {invoice.number}：尚欠 9,605.00 CNY")

    # Paid late, on the invoice page.
    finance.goto(f"{live_server.url}/settlement/invoices/{invoice.pk}/")
    expect(finance.locator("[data-testid=overdue-badge]")).to_have_text("已逾期")
    finance.locator("#id_amount").fill("9605.00")
    finance.locator("#id_reference").fill("工行 华东机电 货款")
    finance.locator("[data-testid=payment-save]").click()
    expect(finance.locator("[data-testid=invoice-status]")).to_have_text("已收款")

    # Now the order closes; its page lists the three messages the contact was sent.
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    desk.locator("[data-testid=close-order] button").click()
    expect(desk.locator("[data-testid=order-status]")).to_have_text("已关闭")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CLOSED
    panel = desk.locator("[data-testid=order-notices]")
    expect(panel.locator("[data-testid=customer-message]")).to_have_count(3)
    expect(panel.locator("[data-testid=customer-message]").first).to_contain_text(CONTACT)
    assert sorted(CustomerMessage.objects.filter(order=order).values_list("kind", "status")) == [
        ("confirmed", "sent"), ("delivered", "sent"), ("dispatched", "sent")]
