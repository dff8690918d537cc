"""The pilot week (issue 13): one order through its whole life in a real Chromium, every person in
Simplified Chinese at their own device, through the real pages.

Sales enters the order; the order desk rejects it with a reason; sales edits and resubmits it (the
requested date survives the edit) and the order desk approves it; the planner plans and releases it;
the warehouse receives the whole purchase order that brings the short steel on one page, makes the prep
sheet and issues it by scanning lots; production accepts the materials from its queue and makes the
order on the 1024×768 tablet; QC pastes the column of measurements and passes the lot; shipping tries
another order's lot and is refused, then ships the order's own lot and records the proof of delivery;
the manager reads the dashboard, styled, with the delivery counted on time.

Every page a person sees is checked for what a Chinese reader must not see (tests/ui_text's detector:
English interface words, raw codes, ISO timestamps, exponents)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import ROLES
from accounts.services import set_user_language
from inventory.models import Item, StockBalance
from orders.models import Order, OrderStatus
from planning.models import WorkOrderOperation
from quality import services as quality_services
from quality.models import Inspection
from shipping.models import Shipment
from tests.e2e.steps import PASSWORD, open_tablet, operation_row, run_operation, signed_note_photo
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role
from tests.inventory.masterdata import make_bom, make_calendar, make_item, make_routing, make_work_center
from tests.inventory.materialdata import make_supplier, sent_po
from tests.inventory.stockdata import make_location, make_warehouse, receive
from tests.quality.setup import give_plan
from tests.shipping.helpers import fg_location, finished_good, pick, produce, qc_passed_order, ship
from tests.ui_text.crawl import data_words
from tests.ui_text.detector import findings

TABLET = {"width": 1024, "height": 768}
DESK = {"width": 1366, "height": 768}
ACCENT = "rgb(31, 95, 191)"  # --accent: the dashboard's chart bars
SHOTS = "/tmp/shots/pilotweek"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pilot_factory():
    """Flange FLG-50 (法兰), machined on MACH (every day 06:00–22:00) from 0.5 kg of steel each, with the
    three-characteristic inspection plan; 2 kg of steel on shelf A-01 and a sent purchase order for 4 kg
    more; the finished-goods location FG; one user per role, each reading Chinese."""
    users = {role: user_with_role(role, username=role) for role in ROLES}
    for user in users.values():
        set_user_language(actor=user, language="zh-hans")
    machining = make_work_center("MACH", name="机加工 Machining",
                                 calendar=make_calendar("每天", shifts=[(d, "06:00", "22:00") for d in range(7)]))
    product = ProductFactory(sku="FLG-50", name="法兰 Flange", list_price=Decimal("35.00"))
    flange = make_item("FG-FLG-50", name="法兰 Flange", item_type="finished_good", sourcing="make", product=product,
                       unit=product.unit)
    steel = make_item("RM-STEEL", name="钢板 Steel sheet", unit="kg", purchase_lead_time_days=7)
    make_bom(flange, [(steel, "0.5", 0)])
    make_routing(flange, [(10, machining, 5, 1)])
    give_plan(product, actor=users["qc"])
    shelf = make_location("A-01", warehouse=make_warehouse("WH1"), pick_sequence=1)
    receive(steel, shelf, "2", lot="ST-1")
    make_location("FG")
    po = sent_po(make_supplier(name="宝钢 Baosteel"), [(steel, 4, 2)])
    customer = CustomerFactory(code="SZ-001", name="苏州精工有限公司",
                               shipping_address="江苏省苏州市工业园区星湖街 328 号", contact_name="赵经理",
                               contact_phone="0512-6666 0202")
    return users, product, customer, po


def check_chinese(page, where):
    """The page reads Chinese: its lang is zh-hans and nothing the detector flags is visible."""
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    found = findings(page.content(), data_words=data_words())
    assert not found, (where, page.url, "\n".join(map(str, found)))


def shot(page, name):
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def status_is(page, testid, status):
    expect(page.locator(f"[data-testid={testid}]")).to_have_class(re.compile(rf"\bstatus-{status}\b"))


def test_pilot_week_one_order_through_every_role_in_chinese(sessions, live_server, tmp_path):
    users, product, customer, po = pilot_factory()
    requested = timezone.localdate() + timedelta(days=30)

    # 1. Sales enters the order: 10 flanges for 苏州精工, wanted in 30 days.
    sales = sessions("sales", viewport=DESK)
    sales.goto(f"{live_server.url}/orders/new/")
    expect(sales.locator("h1")).to_have_text("新建订单")
    check_chinese(sales, "order entry")
    sales.locator("#id_customer").fill(f"{customer.code} — {customer.name}")
    sales.locator("#id_requested_date").fill(requested.isoformat())
    sales.locator("#id_lines-0-product").fill("FLG-50")
    sales.locator("#id_lines-0-quantity").press_sequentially("10", delay=30)
    expect(sales.locator("[data-testid=entry-total] strong")).to_have_text(re.compile(r"350\.00"))
    sales.locator("[data-testid=submit-order]").click()
    expect(sales.locator("[data-testid=order-status]")).to_have_text("已提交")
    number = sales.locator("[data-testid=order-number]").inner_text().strip()
    order = Order.objects.get(number=number)
    check_chinese(sales, "submitted order")

    # 2. The order desk finds it in its queue and rejects it with a reason.
    desk = sessions("order_desk", viewport=DESK)
    desk.goto(f"{live_server.url}/orders/review/")
    queued = desk.locator("[data-testid=review-queue] tbody tr", has_text=number)
    expect(queued).to_contain_text("苏州精工有限公司")
    check_chinese(desk, "review queue")
    queued.get_by_role("link", name=number).click()
    reason = "客户采购单号缺失，请补充 PO 号"
    desk.locator("[data-testid=action-reject] input[name=reason]").fill(reason)
    desk.locator("[data-testid=action-reject] button[type=submit]").click()
    expect(desk.locator("[data-testid=order-status]")).to_have_text("已驳回")
    check_chinese(desk, "rejected order")

    # 3. Sales reads the reason, edits the order (the requested date is still in its field) and resubmits.
    sales.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(sales.locator("[data-testid=timeline] li[data-action=reject]")).to_contain_text(reason)
    check_chinese(sales, "rejected order, seen by sales")
    sales.goto(f"{live_server.url}/orders/{order.pk}/edit/")
    expect(sales.locator("#id_requested_date")).to_have_value(requested.isoformat())
    sales.locator("#id_customer_po").fill("PO-SZ-2026-118")
    check_chinese(sales, "order edit")
    shot(sales, "edit-rejected-zh-hans")
    sales.locator("[data-testid=submit-order]").click()
    expect(sales.locator("[data-testid=order-status]")).to_have_text("已提交")
    order.refresh_from_db()
    assert order.requested_date == requested and order.customer_po == "PO-SZ-2026-118"

    # 4. The order desk approves it.
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    desk.locator("[data-testid=action-approve] button[type=submit]").click()
    expect(desk.locator("[data-testid=order-status]")).to_have_text("已审核")
    check_chinese(desk, "approved order")

    # 5. The planner plans and releases it.
    planner = sessions("planner", viewport=DESK)
    planner.goto(f"{live_server.url}/planning/plans/")
    queued = planner.locator("[data-testid=plan-queue] tbody tr", has_text=number)
    check_chinese(planner, "plan queue")
    queued.get_by_role("link", name=number).click()
    planner.locator("[data-testid=plan-button]").click()
    expect(planner.locator("[data-testid=work-order]")).to_have_count(1)
    check_chinese(planner, "plan")
    planner.locator("[data-testid=release-button]").click()
    # The release's own message: the plan step's message (which names the order too) is still on the page
    # until the release answers, and the status must be read after that.
    expect(planner.locator(".messages .msg-success")).to_contain_text(f"订单 {number} 的生产计划已下达")
    check_chinese(planner, "released plan")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PLANNED

    # 6. The warehouse sees the steel short (5 kg needed, 2 on hand) and receives the whole purchase order
    #    on one page.
    warehouse = sessions("warehouse", viewport=DESK)
    warehouse.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(warehouse.locator("[data-testid=materials-status]")).to_have_attribute("data-state", "short")
    # Units by their Chinese names (千克, 件), not their codes (kg, pcs).
    expect(warehouse.locator("[data-testid=material-requirements] tr[data-code=RM-STEEL] td").nth(1)
           ).to_have_text("5 千克")
    check_chinese(warehouse, "order with short materials")
    warehouse.goto(f"{live_server.url}/inventory/purchase-orders/{po.pk}/")
    warehouse.locator("[data-testid=receive-order]").click()
    check_chinese(warehouse, "receive a whole purchase order")
    warehouse.locator("#id_location").fill("A-01")
    line = warehouse.locator("[data-testid=receive-line][data-item=RM-STEEL]")
    expect(line.locator("td.num").first).to_have_text("4 千克")  # still expected, the unit by its name
    line.locator("input[name$=-quantity]").fill("4")
    line.locator("input[name$=-lot_number]").fill("ST-2")
    shot(warehouse, "receive-po-zh-hans")
    warehouse.locator("[data-testid=receive-all]").click()
    status_is(warehouse, "po-status", "received")
    check_chinese(warehouse, "purchase order received")

    # 7. It makes the prep sheet and issues it by scanning the two steel lots.
    warehouse.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(warehouse.locator("[data-testid=materials-status]")).to_have_attribute("data-state", "ready")
    warehouse.locator("[data-testid=generate-prep-sheet]").click()
    expect(warehouse.locator("[data-testid=sheet-number]")).to_have_text(re.compile(r"^MP-\d{4}-\d{5}$"))
    sheet_number = warehouse.locator("[data-testid=sheet-number]").inner_text()
    for code in ("ST-1", "ST-2"):
        field = warehouse.locator("#id_code")
        expect(field).to_be_focused()
        warehouse.keyboard.type(code)
        warehouse.keyboard.press("Enter")
        expect(warehouse.locator(".msg-success").last).to_contain_text(code)
    status_is(warehouse, "sheet-status", "issued")
    check_chinese(warehouse, "prep sheet issued")

    # 8. Production accepts everything issued from its queue.
    floor = sessions("production", viewport=TABLET)
    floor.goto(f"{live_server.url}/inventory/prep-sheets/to-accept/")
    row = floor.locator("[data-testid=acceptance-row]", has_text=sheet_number)
    expect(row).to_contain_text(number)
    check_chinese(floor, "materials to accept")
    row.locator("[data-testid=accept-all]").click()
    expect(floor.locator("[data-testid=acceptance-row]", has_text=sheet_number)).to_have_count(0)
    check_chinese(floor, "materials accepted")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.MATERIALS_READY

    # 9. ...and makes the ten flanges on the machining tablet (1024×768: one-line header, menu folded).
    floor.goto(f"{live_server.url}/")
    open_tablet(floor, "MACH")
    assert floor.locator("header.topbar").bounding_box()["height"] <= 56
    expect(floor.locator("nav.mainnav")).to_be_hidden()
    operation = WorkOrderOperation.objects.get(work_order__order=order)
    expect(operation_row(floor, operation)).to_contain_text(number)
    check_chinese(floor, "tablet")
    shot(floor, "tablet-zh-hans")
    run_operation(floor, operation, 10)
    check_chinese(floor, "tablet, operation done")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_QC

    # 10. QC pastes the diameters measured on the caliper, records the attribute checks with no failures,
    #     and signs: the lot passes into stock.
    inspection = Inspection.objects.get(order=order)
    qc = sessions("qc", viewport=TABLET)
    qc.goto(f"{live_server.url}/quality/")
    qc_row = qc.locator(f"[data-testid=inspection-row][data-number='{inspection.number}']")
    check_chinese(qc, "QC queue")
    qc_row.locator("a").first.click()
    qc.locator("[data-testid=start]").click()
    expect(qc.locator("[data-testid=record-form]")).to_be_visible()
    inspection = Inspection.objects.get(pk=inspection.pk)
    sizes = quality_services.sample_sizes(inspection)
    diameter, surface, crack = inspection.plan.characteristics.order_by("position")
    column = "\n".join(f"10.0{n % 5}" for n in range(sizes[diameter.defect_class]))
    qc.locator("[data-testid=fast-entry] > summary").click()
    paste = qc.locator("[data-testid=paste-form]")
    paste.locator("select[name=paste-characteristic]").select_option(str(diameter.pk))
    paste.locator("textarea[name=paste-values]").fill(column)
    paste.locator("[data-testid=paste-save]").click()
    expect(qc.locator(".messages")).to_contain_text(f"已记录 {sizes[diameter.defect_class]} 个")
    for characteristic in (surface, crack):
        panel = qc.locator("[data-testid=fast-entry]")
        if not panel.evaluate("details => details.open"):
            panel.locator("> summary").click()
        form = qc.locator("[data-testid=nonconforming-form]")
        form.locator("select[name=nonconforming-characteristic]").select_option(str(characteristic.pk))
        form.locator("input[name=nonconforming-samples]").fill("")
        form.locator("[data-testid=nonconforming-save]").click()
        expect(qc.locator(".messages")).to_contain_text("0 个不合格样本")
    cells = sum(sizes[c.defect_class] for c in (diameter, surface, crack))
    expect(qc.locator("[data-testid=progress]")).to_have_text(f"已记录 {cells} / {cells} 个值")
    check_chinese(qc, "inspection record")
    shot(qc, "qc-record-zh-hans")
    qc.locator("#id_password").fill(PASSWORD)
    qc.locator("[data-testid=confirm]").click()
    status_is(qc, "inspection-status", "passed")
    check_chinese(qc, "inspection passed")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED
    own_lot = Inspection.objects.get(pk=inspection.pk).lot_number
    assert StockBalance.objects.get(lot__number=own_lot).on_hand == Decimal("10")

    # 11. Shipping: another order's passed lot of the same flange lies on the same shelf. It is not offered
    #     for this order, and a form that names it anyway (a stale or tampered page) is refused in Chinese
    #     with nothing shipped.
    other = qc_passed_order([product], [5], priority="rush")
    flange, fg = Item.objects.get(code="FG-FLG-50"), StockBalance.objects.get(lot__number=own_lot).location
    foreign = produce(other, flange, fg, 5, "OTHER-LOT-1").moves[0].lot
    shipper = sessions("shipping", viewport=DESK)
    shipper.goto(f"{live_server.url}/shipping/")
    shipper.locator(f"[data-testid=queue-row][data-order='{number}'] [data-testid=ship-order]").click()
    expect(shipper.locator(f"[data-testid=pick-row][data-lot='{own_lot}']")).to_have_count(1)
    expect(shipper.locator("[data-testid=pick-row][data-lot='OTHER-LOT-1']")).to_have_count(0)
    expect(shipper.locator(f"[data-testid=pick-row][data-lot='{own_lot}'] [data-testid=pick-available]")
           ).to_have_text("10 件")
    check_chinese(shipper, "shipment form")
    form_url = shipper.url
    shipper.locator("#id_carrier").fill("顺丰速运")
    shipper.locator("#id_tracking_number").fill("SF-PILOT-0001")
    shipper.evaluate(
        """([name, value]) => { const input = document.createElement('input');
           input.type = 'hidden'; input.name = name; input.value = value;
           document.querySelector('[data-testid=shipment-form]').appendChild(input); }""",
        [f"pick-{order.lines.get().pk}-{foreign.balances.get().pk}", "5"])
    shipper.locator("[data-testid=ship-now]").click()
    expect(shipper.locator("[data-testid=form-errors]")).to_contain_text("OTHER-LOT-1")
    expect(shipper.locator("[data-testid=form-errors]")).to_contain_text(number)
    check_chinese(shipper, "refused shipment")
    shot(shipper, "wrong-lot-refused-zh-hans")
    assert not Shipment.objects.exists() and foreign.balances.get().on_hand == Decimal("5")

    # ...then ships the order's own lot.
    shipper.goto(form_url)
    pick = shipper.locator(f"[data-testid=pick-row][data-lot='{own_lot}']")
    pick.locator("[data-testid=pick-quantity]").fill("10")
    pick.locator("[data-testid=pick-packages]").fill("2")
    shipper.locator("#id_carrier").fill("顺丰速运")
    shipper.locator("#id_tracking_number").fill("SF-PILOT-0001")
    shipper.locator("[data-testid=ship-now]").click()
    status_is(shipper, "shipment-status", "shipped")
    check_chinese(shipper, "shipment shipped")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED

    # 12. The proof of delivery: who signed, when (typed in the datetime field), the signed note's photo.
    shipment = Shipment.objects.get(order=order)
    shipper.locator("[data-testid=record-delivery]").click()
    shipper.locator("#id_received_by").fill("赵收货")
    received_at = timezone.localtime()
    shipper.locator("#id_received_at").fill(received_at.strftime("%Y-%m-%dT%H:%M"))
    shipper.locator("#id_document").set_input_files(str(signed_note_photo(tmp_path, "pod.png")))
    check_chinese(shipper, "proof of delivery form")
    shipper.locator("[data-testid=save-delivery]").click()
    status_is(shipper, "shipment-status", "delivered")
    expect(shipper.locator("[data-testid=received-by]")).to_contain_text("赵收货")
    expect(shipper.locator("[data-testid=received-by]")).to_contain_text(f"{received_at.year}年")
    check_chinese(shipper, "shipment delivered")
    shipment.refresh_from_db()
    assert shipment.received_by_name == "赵收货"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED

    # 13. The manager's dashboard: styled charts, and the one delivery of the period on time.
    manager = sessions("manager", viewport=DESK)
    manager.goto(f"{live_server.url}/reports/dashboard/")
    on_time = manager.locator("[data-figure=on_time]")
    expect(on_time).to_contain_text("(1/1)")
    expect(on_time).to_contain_text("100")
    expect(on_time).to_contain_text("准时交付")
    bars = manager.evaluate("[...document.querySelectorAll('figure.chart rect.bar')]"
                            ".map(el => getComputedStyle(el).fill)")
    assert bars and set(bars) == {ACCENT}
    check_chinese(manager, "dashboard")
    shot(manager, "dashboard-zh-hans")

    # Every step was taken by the person whose job it is.
    lifecycle = ["submit", "reject", "approve", "release_plan", "prepare_materials", "start_production",
                 "finish_production", "pass_qc", "ship", "confirm_delivery"]
    steps = list(order.events.filter(action__in=lifecycle).order_by("created_at", "pk")
                 .values_list("action", "actor__username"))
    assert steps == [("submit", "sales"), ("reject", "order_desk"), ("submit", "sales"), ("approve", "order_desk"),
                     ("release_plan", "planner"), ("prepare_materials", "production"),
                     ("start_production", "production"), ("finish_production", "production"), ("pass_qc", "qc"),
                     ("ship", "shipping"), ("confirm_delivery", "shipping")]


def test_proof_of_delivery_reads_chinese_everywhere(sessions, live_server, tmp_path):
    """The last pages of the pilot week in Chinese: the delivered shipment and its order, whose timelines
    say who signed and when in the reader's format (the note was once written with an ISO time)."""
    shipper_user = user_with_role("shipping", username="shipping")
    set_user_language(actor=shipper_user, language="zh-hans")
    product, item = finished_good("FLG-50", name="法兰 Flange")
    order = qc_passed_order([product], [10])
    lot = produce(order, item, fg_location("FG"), 10, "FLG-LOT-1").moves[0].lot
    shipment = ship(shipper_user, order, [pick(order, 1, lot, lot.balances.get().location, 10)])

    page = sessions("shipping", viewport=DESK)
    page.goto(f"{live_server.url}/shipping/shipments/{shipment.pk}/")
    page.locator("[data-testid=record-delivery]").click()
    page.locator("#id_received_by").fill("赵收货")
    received_at = timezone.localtime()
    page.locator("#id_received_at").fill(received_at.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_document").set_input_files(str(signed_note_photo(tmp_path, "pod.png")))
    page.locator("[data-testid=save-delivery]").click()
    status_is(page, "shipment-status", "delivered")
    signed = page.locator("[data-testid=timeline] li[data-action=delivered]")
    expect(signed).to_contain_text("由 赵收货 于")
    expect(signed).to_contain_text(f"{received_at.year}年{received_at.month}月{received_at.day}日")
    check_chinese(page, "shipment delivered")
    shot(page, "pod-zh-hans")
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    status_is(page, "order-status", "delivered")
    expect(page.locator("[data-testid=timeline] li[data-action=confirm_delivery]")).to_contain_text("赵收货")
    check_chinese(page, "order delivered")
