"""Issue 17's journey: ONE rush order through seed 003's procedure, in a real Chromium, in Chinese, each step
by its own person. The planning, warehouse and quality areas each sign the rush review on its page and the
manager approves it there; sales prints its record 《紧急订单评审记录表》; the planner (PMC) issues temporary
drawings and their holder signs for their copy from the home page; the warehouse records a material delay
request on its page (the planner may record one too, but then could not decide it: nobody decides their own
request) and the PMC head approves it on its page; it puts the order past its promised date, so the decision
request goes to the general manager's office by itself (the beat task), whose new date is told to sales and to
the customer; the team leader reports a process exception on its page, which leaves the date alone and raises
none; the order is made and passes QC, which drafts its finished-goods receipt 《成品入库单》; the warehouse's
receiver confirms it on its page, the business office is alerted at once and prints it, 急单 at the top right
and the receiver named; 25 hours later one drawing copy is still out (alerted and escalated) while the other
comes back; the shipment is delayed by the carrier, 客服 records it, the customer receives the e-mail on a local
SMTP server and the manager approves the compensation; once delivered, the rush completion summary shows its
figures, the cost of expediting in its two parts.

Done through the services instead of their pages, because other browser tests cover those pages and this one
is about the rush procedure: the order, its plan and its release (tests/e2e/test_rush.py), sales' rush request
(tests/e2e/test_rush.py), the order's status moves, the shop floor (start, quantities, completion:
tests/e2e/test_shop_floor.py), the QC inspection (tests/e2e/test_quality.py), the shipment and its delivery
(tests/e2e/test_delivery.py, tests/e2e/test_quality_to_delivery.py). The material delay's affected order is
tied to it by hand, because the order makes the delayed item itself, so no bought component of the order is
short and the page's service finds no order waiting for it. The beat tasks (raising delay decisions, sending
messages, watching drawing returns, escalating alerts) are called directly, with their clock where they take
one.
"""

import re
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alerts.models import Alert
from alerts.services import escalate_due_alerts
from inventory.models import FinishedGoodsReceipt, Location, MaterialDelay, Warehouse
from notices.defaults import ensure_default_rules
from notices.models import Compensation, ShipmentDelay
from notices.services import sweep_order_events
from notices.tasks import deliver_pending_messages
from orders.models import CustomerContact, Order, OrderStatus
from orders.services import transition_order
from planning.models import WorkOrderOperation
from planning.plans import plan_order, release_plan
from production.models import ExceptionReport
from production.services import complete_operation, report_quantities, start_operation
from quality import services as quality
from quality.models import Inspection
from rush import drawings
from rush import services as rush
from rush.models import DelayDecision, DrawingCopy, RushRequest, RushStatus
from rush.tasks import raise_delay_decisions
from shipping.demo_data import deliver_shipments, ship_order_goods
from tests.e2e.test_delay_decision import chinese_user
from tests.e2e.test_logistics_delay import smtp  # noqa: F401  (fixture: the local SMTP test server)
from tests.e2e.test_rush import sign
from tests.fixtures.factories import CustomerFactory, make_order, user_with_role
from tests.fixtures.stage_records import _details
from tests.notices.smtp_server import text_of
from tests.quality.setup import PASSWORD, fill, give_plan
from tests.rush.setup import build_shop, in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_of(page, kind, tmp_path, *bbox):
    """Print the record's document `kind` from its panel and return the PDF's text (pdftotext)."""
    page.locator(f"[data-testid=generate-{kind}]").click()
    link = page.locator(f"[data-testid=documents-{kind}] [data-testid=document-download]")
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    return subprocess.run(["pdftotext", *bbox, "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=30).stdout


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def test_one_rush_order_through_seed_003(sessions, live_server, smtp, tmp_path):  # noqa: F811
    sales = chinese_user("sales", "yewu")
    planner = chinese_user("planner", "pmc")  # PMC: planning, purchasing, the PMC head's decisions
    holder = chinese_user("production", "banzhang")
    keeper = chinese_user("warehouse", "shouliao")
    qc = chinese_user("qc", "pinzhi")
    manager = chinese_user("manager", "jingli")
    chinese_user("general_manager", "zongjingban")
    chinese_user("order_desk", "jingyingke")
    chinese_user("customer_service", "kefu")
    admin = user_with_role("admin")
    for user, (first, last) in {holder: ("王", "班长"), keeper: ("刘", "收料")}.items():
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    ensure_default_rules()
    # The notice sweep runs every minute on a live site; its first run starts from the events there are then
    # (a new site does not tell history). Start it now, as beat would have, so what follows is told.
    sweep_order_events()
    shop = build_shop()
    give_plan(shop["product"], actor=qc)
    Location.objects.create(warehouse=Warehouse.objects.create(code="WH1", name="成品库"), code="FG", zone="FG")
    customer = CustomerFactory()
    CustomerContact.objects.create(customer=customer, name="王芳", email="wang@buyer.test", language="zh-hans")
    order = make_order(creator=sales, status=OrderStatus.APPROVED, customer=customer, products=[shop["product"]],
                       quantities=[Decimal("4")], requested_in_days=20)
    plan_order(actor=planner, order=order)

    # The rush review: each area signs at its own desk on the review's page (the planner with a condition),
    # then the manager approves it there; its record is printed by sales.
    request = rush.request_rush(actor=sales, order=order, requested_date=in_days(10), reason="客户产线停线")
    pmc, receiver = sessions("pmc"), sessions("shouliao")
    sign(pmc, live_server, request, "planning", verdict="conditional", conditions="周六加班")
    sign(receiver, live_server, request, "warehouse")
    sign(sessions("pinzhi"), live_server, request, "quality")
    boss = sessions("jingli")
    boss.goto(f"{live_server.url}/rush/{request.pk}/")
    expect(boss.locator("[data-testid=review-planning] [data-testid=review-verdict]")).to_contain_text("周六加班")
    boss.locator("[data-testid=approve-rush]").click()
    expect(boss.locator("[data-testid=rush-status]")).to_have_class(re.compile(r"\brush-status-approved\b"))
    assert RushRequest.objects.get(pk=request.pk).status == RushStatus.APPROVED
    request = RushRequest.objects.get(pk=request.pk)
    order = Order.objects.get(pk=order.pk)
    assert order.priority == "rush"
    page = sessions("yewu")
    page.goto(f"{live_server.url}/rush/{request.pk}/")
    text = pdf_of(page, "rush_review_record", tmp_path)
    for value in ("紧急订单评审记录表", "急单", request.number, order.number, "客户产线停线", "周六加班"):
        assert value in text, value
    release_plan(actor=planner, order=order)

    # PMC issues the temporary drawing, two copies, with the production notice.
    pmc.goto(f"{live_server.url}/rush/orders/{order.pk}/drawings/")
    form = pmc.locator("[data-testid=issue-drawing]")
    form.locator("#id_number").fill("DWG-003")
    form.locator("#id_revision").fill("A")
    form.locator("#id_holder_1").select_option(str(holder.pk))
    form.locator("#id_department_1").select_option("production")
    form.locator("#id_holder_2").select_option(str(keeper.pk))
    form.locator("#id_department_2").select_option("warehouse")
    form.locator("[data-testid=issue]").click()
    expect(pmc.locator("[data-testid=drawing-copy]")).to_have_count(2)
    expect(pmc.locator("[data-testid=copy-unsigned]")).to_have_count(2)  # waiting for the holders' signatures

    # The holder finds the copy waiting for their signature on their home page and signs for it.
    line = sessions("banzhang")
    line.goto(f"{live_server.url}/")
    waiting = line.locator("[data-testid=drawing-to-sign]")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("DWG-003 A #1")
    waiting.locator("[data-testid=open-sign]").click()
    expect(line.locator("[data-testid=copy-unsigned]")).to_have_text("尚未签收")
    line.locator("[data-testid=sign-copy]").click()
    expect(line.locator("[data-testid=copy-signed]")).not_to_contain_text("尚未签收")
    expect(line.locator("[data-testid=copy-timeline] [data-action=signed]")).to_contain_text("持有人已签收")
    line.goto(f"{live_server.url}/")
    expect(line.locator("[data-testid=my-drawing]")).to_have_count(1)
    expect(line.locator("[data-testid=drawing-to-sign]")).to_have_count(0)
    pmc.reload()
    expect(pmc.locator("[data-testid=drawing-copy][data-copy='1'] [data-testid=copy-unsigned]")).to_have_count(0)
    expect(pmc.locator("[data-testid=drawing-copy][data-copy='2'] [data-testid=copy-unsigned]")).to_have_count(1)

    # The warehouse records a material delay request on its page, putting the material after the promised
    # date; the PMC head approves it on its page.
    receiver.goto(f"{live_server.url}/inventory/material-delays/new/")
    delay_form = receiver.locator("[data-testid=delay-form]")
    delay_form.locator("#id_item").fill(shop["finished"].code)
    delay_form.locator("#id_new_expected_date").fill(in_days(12).isoformat())
    delay_form.locator("#id_reason").fill("供应商停电")
    delay_form.locator("[data-testid=save-delay]").click()
    expect(receiver.locator("[data-testid=delay-status]")).to_have_attribute("data-status", "pending")
    delay = MaterialDelay.objects.get()
    expect(receiver.locator("[data-testid=delay-number]")).to_have_text(delay.number)
    assert delay.created_by == keeper and delay.reason == "供应商停电" and delay.new_expected_date == in_days(12)
    # The order makes the finished item itself (no bought component is short), so the delay is tied to it here.
    delay.affected_orders.add(order)
    pmc.goto(f"{live_server.url}/inventory/material-delays/{delay.pk}/")
    pmc.locator("[data-testid=delay-decision] textarea, [data-testid=delay-decision] input[name=reason]").first.fill(
        "同意，催供应商")
    pmc.locator("[data-testid=approve-delay]").click()
    expect(pmc.locator("[data-testid=delay-status]")).to_have_attribute("data-status", "approved")
    expect(pmc.locator("[data-testid=delay-decided-by]")).to_contain_text("同意，催供应商")
    assert MaterialDelay.objects.get().status == "approved"

    smtp.messages.clear()  # the order confirmation went out at approval

    # The team leader reports a process exception that leaves the date alone, on its page opened for the
    # operation (as the tablet does).
    operation = WorkOrderOperation.objects.get(work_order__order=order)
    line.goto(f"{live_server.url}/production/exceptions/new/?operation={operation.pk}")
    expect(line.locator("[data-testid=reported-operation]")).to_contain_text(order.number)
    exception_form = line.locator("[data-testid=exception-form]")
    exception_form.locator("input[name=type][value=tooling]").check()
    expect(exception_form.locator("#id_work_center")).to_have_value(str(shop["cut"].pk))
    exception_form.locator("#id_description").fill("刀具断裂")
    exception_form.locator("[data-testid=submit-exception]").click()
    expect(line.locator("[data-testid=exception-status]")).to_have_attribute("data-status", "open")
    report = ExceptionReport.objects.get()
    expect(line.locator("[data-testid=exception-number]")).to_have_text(report.number)
    assert (report.reported_by, report.type, report.work_center, report.operation, report.description) == (
        holder, "tooling", shop["cut"], operation, "刀具断裂")
    # The beat task raises the decision request for the delay (once, however often it runs), none for the
    # exception; nobody asked by hand.
    assert raise_delay_decisions()["raised"] == [DelayDecision.objects.get().number]
    assert raise_delay_decisions()["raised"] == []
    decision = DelayDecision.objects.get()
    assert decision.material_delay == delay and decision.requested_by is None
    assert not DelayDecision.objects.filter(exception_report=report).exists()
    gm = sessions("zongjingban")
    gm.goto(f"{live_server.url}/")
    gm.locator(f"[data-testid=pending-decision] a:has-text('{decision.number}')").click()
    expect(gm.locator("[data-testid=raised-automatically]")).to_have_text("系统自动发起")
    expect(gm.locator("[data-testid=decision-situation]")).to_contain_text(delay.number)
    expect(gm.locator("[data-testid=decision-situation]")).to_contain_text("晚于急单")
    new_date = gm.locator("[data-testid=decision-option][data-option=new_date]")
    expect(new_date.locator("[data-testid=option-date]")).to_contain_text(f"{in_days(12).month}月{in_days(12).day}日")
    new_date.locator("input[type=radio]").check()
    gm.locator("#id_reason").fill("客户同意延期两天")
    gm.locator("[data-testid=decide]").click()
    expect(gm.locator("[data-testid=decision-status]")).to_have_text("已决定")
    assert Order.objects.get(pk=order.pk).promised_date == in_days(12)
    page.goto(f"{live_server.url}/alerts/")
    row = page.locator("[data-testid=alert-row]", has_text=order.number).filter(has_text="总经办对急单").first
    expect(row).to_contain_text("接受新交期")
    # The customer is told the new promised date (the beat task reads the order events the rules name).
    deliver_pending_messages()  # queues the message; with a real worker (CI) it is sent after this returns
    (promise,) = smtp.wait_for(to="wang@buyer.test")
    assert cn_date(in_days(12)) in "".join(text_of(promise))

    # Made on the shop floor (services), then QC passes: the finished-goods receipt is recorded.
    order = transition_order(actor=admin, order=Order.objects.get(pk=order.pk), action="prepare_materials")
    t0 = timezone.now() - timedelta(hours=3)
    start_operation(actor=holder, operation=operation, now=t0)
    report_quantities(actor=holder, operation=operation, good=Decimal("4"), now=t0 + timedelta(hours=2))
    complete_operation(actor=holder, operation=operation, now=t0 + timedelta(hours=2, minutes=5))
    order = Order.objects.get(pk=order.pk)
    if order.status == OrderStatus.IN_PRODUCTION:
        order = transition_order(actor=admin, order=order, action="finish_production")
    inspection = Inspection.objects.get(order=order)
    quality.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection)
    quality.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    receipt = FinishedGoodsReceipt.objects.get(order=order)  # drafted by the QC pass

    # The warehouse's finished-goods receiver is alerted, opens the receipt and confirms it: only then is the
    # business office told.
    assert not Alert.objects.filter(kind="rush_finished_goods_received").exists()
    receiver.goto(f"{live_server.url}/alerts/")
    receiver.locator("[data-testid=alert-row]", has_text=receipt.number).first.locator(
        "[data-testid=alert-open]").click()
    expect(receiver.locator("[data-testid=fg-awaiting]")).to_have_text("待仓库确认")
    receiver.locator("[data-testid=fg-confirm]").click()
    expect(receiver.locator("[data-testid=fg-received-by]")).to_contain_text(keeper.get_full_name())
    expect(receiver.locator("[data-testid=fg-confirm-form]")).to_have_count(0)

    # The business office is told at once and prints the receipt: 急单 at the top right, the receiver named.
    desk = sessions("jingyingke")
    desk.goto(f"{live_server.url}/alerts/")
    desk.locator("[data-testid=alert-row]", has_text=receipt.number).first.locator(
        "[data-testid=alert-open]").click()
    expect(desk.locator("[data-testid=fg-receipt-number]")).to_have_text(receipt.number)
    text = pdf_of(desk, "finished_goods_receipt", tmp_path)
    for value in ("成品入库单", receipt.number, order.number, "急单", "收料人", "收料"):
        assert value in text, value
    assert "待仓库确认" not in text
    first_line = next(line for line in text.splitlines() if "急单" in line)
    assert first_line.index("急单") > len(first_line) // 2  # on the right
    assert text.splitlines().index(first_line) < 8  # at the top

    # The warehouse's finished-goods receiver takes copy 2 back; 25 hours later (the beat task, run with its
    # clock moved) copy 1 is still out: its holder and their head are alerted, then it escalates.
    receiver.goto(f"{live_server.url}/rush/orders/{order.pk}/drawings/")
    receiver.locator("[data-testid=drawing-copy][data-copy='2'] [data-testid=return-copy] button").click()
    expect(receiver.locator("[data-testid=drawing-copy][data-copy='2'] [data-testid=copy-status]")).to_have_text(
        "已交回")
    expect(receiver.locator("[data-testid=drawing-copy][data-copy='2']")).to_contain_text(keeper.get_full_name())
    drawings.watch_drawing_returns(now=receipt.received_at + timedelta(hours=25))
    first = DrawingCopy.objects.get(drawing__order=order, copy_no=1)
    assert first.overdue_alerted_at is not None
    assert first.due_at == receipt.received_at + timedelta(hours=24)
    overdue = Alert.objects.get(kind="drawing_overdue")
    assert holder.pk in set(overdue.recipients.values_list("user", flat=True))
    assert overdue.pk in escalate_due_alerts(now=receipt.received_at + timedelta(hours=28))
    assert manager.pk in set(overdue.recipients.values_list("user", flat=True))  # escalated to the manager
    # The pages compare with the real clock: move the deadline into its past as well.
    DrawingCopy.objects.filter(drawing__order=order).update(due_at=timezone.now() - timedelta(hours=1))
    boss.goto(f"{live_server.url}/rush/")
    expect(boss.locator("[data-testid=overdue-drawing]")).to_have_count(1)
    expect(boss.locator("[data-testid=overdue-drawing]")).to_contain_text("DWG-003 A #1")

    # Shipped (service); the carrier reports a delay: 客服 records it, the customer receives the e-mail.
    ship_order_goods(Order.objects.get(pk=order.pk), shipper=user_with_role("shipping"),
                     details=_details(Order.objects.get(pk=order.pk)))
    shipment = order.shipments.get()
    smtp.messages.clear()
    kefu = sessions("kefu")
    kefu.goto(f"{live_server.url}/shipping/shipments/{shipment.pk}/")
    kefu.locator("[data-testid=record-logistics-delay]").click()
    eta = in_days(3)
    kefu.locator("#id_carrier").fill("顺丰速运")
    kefu.locator("#id_cause").select_option("weather")
    kefu.locator("#id_detail").fill("台风导致高速封闭")
    kefu.locator("#id_new_eta").fill(eta.isoformat())
    kefu.locator("[data-testid=record-delay]").click()
    expect(kefu.locator("[data-testid=delay-messages] [data-testid=customer-message]")).to_contain_text("已发送")
    (mail,) = smtp.received(to="wang@buyer.test")
    subject, body = text_of(mail)
    assert order.number in subject and cn_date(eta) in subject
    assert "王芳 您好" in body and "/track/" in body
    form = kefu.locator("[data-testid=compensation-form]")
    form.locator("#id_kind").select_option("voucher")
    form.locator("#id_amount").fill("300")
    form.locator("#id_description").fill("下一订单抵扣 300 元")
    form.locator("[data-testid=propose-compensation]").click()
    expect(kefu.locator("[data-testid=compensation-status]")).to_have_text("已提议")
    boss.goto(f"{live_server.url}/notices/delays/{ShipmentDelay.objects.get().pk}/")
    boss.locator("[data-testid=approve-compensation]").click()
    expect(boss.locator("[data-testid=compensation-status]")).to_have_text("已批准")
    assert Compensation.objects.get().status == "approved"

    # Delivered (service); the manager makes the rush completion summary and reads its figures.
    deliver_shipments(Order.objects.get(pk=order.pk), shipper=user_with_role("shipping"))
    boss.goto(f"{live_server.url}/rush/summary/{order.pk}/")
    boss.locator("[data-testid=make-summary]").click()
    expect(boss.locator("[data-testid=work-hours]")).to_have_text("2.1")  # 2 h 05 min on CUT
    expect(boss.locator("[data-testid=operators]")).to_have_text("1")
    expect(boss.locator("[data-testid=fpy]")).to_have_text("100.0 %")
    expect(boss.locator("[data-testid=ncrs]")).to_contain_text("0")
    expect(boss.locator("[data-testid=days-late]")).to_have_text("准时")
    # The cost of expediting in its two parts: overtime (none recorded here) and outsourcing (none decided).
    expect(boss.locator("[data-testid=cost-overtime]")).to_contain_text("0.00")
    expect(boss.locator("[data-testid=cost-outsourcing]")).to_have_text("无外协批示")
