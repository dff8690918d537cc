"""The shop floor in a real Chromium, through the real pages, as the real roles.

An approved order with a routing (set up through the services) is planned and released by the planner on
the plan pages and seen on the Gantt; the warehouse gives it its materials (service); an operator on a
1024×768 tablet starts, reports and completes each operation (htmx updates the row in place) and the
order ends awaiting QC; the operator reports a problem with a photo and the supervisor, at another
tablet, finds the alert behind the bell and acknowledges the report. Selectors are ids and data-testid
attributes; text is asserted only where the message is what the test is about."""

import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from orders.services import transition_order
from planning.models import WorkOrderOperation
from production.models import ExceptionReport, OperationLog
from tests.e2e.steps import PASSWORD, act, open_tablet, operation_row, run_operation
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_bom, make_calendar, make_routing, make_work_center

SCREENSHOT_DIR = "/tmp"
TABLET = {"width": 1024, "height": 768}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_order():
    """Finished good GEARBOX (sold as GB-100): 10 assembly and 20 test on ASSY, made from HOUSING (10
    welding on WELD). Both work centers work every day 06:00–22:00, so the plan starts soon whatever the day."""
    calendar = make_calendar("Every day", shifts=[(day, "06:00", "22:00") for day in range(7)])
    weld = make_work_center("WELD", name="Welding cell", calendar=calendar)
    assy = make_work_center("ASSY", name="Assembly line", calendar=calendar)
    product = ProductFactory(sku="GB-100", name="Gearbox")
    gearbox = made_item("GEARBOX", item_type="finished_good", product=product)
    housing = made_item("HOUSING")
    make_routing(gearbox, [(10, assy, 5, 1), (20, assy, 0, 1)])
    make_routing(housing, [(10, weld, 5, 2)])
    make_bom(gearbox, [(housing, 1, 0)])
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=[product],
                       quantities=[Decimal("5")], requested_in_days=20)
    return order, weld, assy


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_order_is_planned_made_on_the_shop_floor_and_a_problem_reaches_the_supervisor(page, live_server, login,
                                                                                      sessions, tmp_path):
    order, weld, assy = build_order()
    user_with_role("planner", username="planner")
    user_with_role("production", username="operator", first_name="Li", last_name="Wei")
    user_with_role("production", username="supervisor")

    # The planner plans and releases the order on the plan pages.
    login(page, live_server, "planner", PASSWORD)
    page.locator("nav.mainnav a[href$='/planning/plans/']").click()
    queued = page.locator("[data-testid=plan-queue] tbody tr", has_text=order.number)
    expect(queued).to_have_count(1)
    queued.get_by_role("link", name=order.number).click()
    page.locator("[data-testid=plan-button]").click()
    expect(page.locator("[data-testid=work-order]")).to_have_count(2)
    page.locator("[data-testid=release-button]").click()
    # The released page has no Release button; until it answers, the plan step's message (naming the order
    # too) is still shown, so the status is read only after that.
    expect(page.locator("[data-testid=release-button]")).to_have_count(0)
    expect(page.locator(".messages .msg-success")).to_contain_text(order.number)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLANNED

    # ...and sees it on the Gantt by order, in the week its work starts.
    first_start = min(WorkOrderOperation.objects.filter(work_order__order=order).values_list("planned_start",
                                                                                             flat=True))
    start_day = timezone.localtime(first_start).date().isoformat()
    page.goto(f"{live_server.url}/planning/gantt/orders/?date={start_day}&zoom=week")
    chart = page.locator("[data-testid=gantt-chart] svg")
    expect(chart).to_contain_text(order.number)
    expect(chart.locator("rect.gantt-bar")).to_have_count(3)

    # The warehouse has issued the materials.
    transition_order(actor=user_with_role("warehouse"), order=order, action="prepare_materials")

    # The operator works at a tablet.
    tablet = sessions("operator", viewport=TABLET)
    housing_op = WorkOrderOperation.objects.get(work_order__order=order, work_order__item__code="HOUSING")
    assembly_op, test_op = WorkOrderOperation.objects.filter(
        work_order__order=order, work_order__item__code="GEARBOX").order_by("sequence")
    open_tablet(tablet, "ASSY")
    expect(operation_row(tablet, assembly_op)).to_contain_text("waiting for WO-")
    start = operation_row(tablet, assembly_op).locator("[data-testid=start]")
    assert start.bounding_box()["height"] >= 48  # a touch target for gloved hands
    # The sub-assembly is not welded yet: Start is disabled, and the row says why.
    expect(start).to_be_disabled()
    expect(operation_row(tablet, assembly_op).locator("[data-testid=start-blocked]")).to_contain_text(
        "waiting for WO-")
    expect(operation_row(tablet, assembly_op)).to_have_attribute("data-status", "released")

    open_tablet(tablet, "WELD")
    tablet.screenshot(path=f"{SCREENSHOT_DIR}/e2e-shop-floor-weld.png")
    run_operation(tablet, housing_op, 5)
    tablet.screenshot(path=f"{SCREENSHOT_DIR}/e2e-shop-floor-weld-done.png")

    open_tablet(tablet, "ASSY")
    act(tablet, assembly_op, "start", "in_progress")
    act(tablet, assembly_op, "pause", "in_progress-paused")
    act(tablet, assembly_op, "resume", "in_progress")
    # Too many reported: refused with a message; what was typed stays for correcting.
    assembly = operation_row(tablet, assembly_op)
    assembly.locator("[data-testid=good-input]").fill("6")
    assembly.locator("[data-testid=report]").click()
    expect(operation_row(tablet, assembly_op).locator("[data-testid=row-error]")).to_contain_text(
        "Only 5 more can be reported")
    expect(operation_row(tablet, assembly_op).locator("[data-testid=good-input]")).to_have_value("6")
    assembly = operation_row(tablet, assembly_op)
    assembly.locator("[data-testid=good-input]").fill("4")
    assembly.locator("[data-testid=scrap-input]").fill("1")
    assembly.locator("[data-testid=scrap-reason]").select_option("dimension")
    assembly.locator("[data-testid=report]").click()
    expect(operation_row(tablet, assembly_op).locator("[data-testid=scrap]")).to_have_text("1")
    tablet.screenshot(path=f"{SCREENSHOT_DIR}/e2e-shop-floor-assy.png")
    act(tablet, assembly_op, "complete", "done")
    run_operation(tablet, test_op, 4, left="1")  # one gearbox was scrapped at assembly

    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_QC
    assert list(order.events.filter(action__in=["start_production", "finish_production"])
                .values_list("action", "actor__username")) == [("start_production", "operator"),
                                                               ("finish_production", "operator")]
    # Welding 3, assembly 5 (with pause and resume), test 3: the refused start and report wrote nothing.
    assert OperationLog.objects.filter(operation__work_order__order=order).count() == 3 + 5 + 3
    # The order page shows the progress section from the production app.
    tablet.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(tablet.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-awaiting_qc\b"))
    expect(tablet.locator("[data-testid=progress-percent]")).to_contain_text("100")
    expect(tablet.locator("[data-testid=progress-operation]")).to_have_count(3)

    # The operator reports a problem from the tablet, with a photo.
    open_tablet(tablet, "WELD")
    tablet.locator("[data-testid=report-problem]").click()
    expect(tablet.locator("#id_work_center")).to_have_value(str(weld.pk))
    tablet.locator("[data-testid=type-choices] input[value=tooling]").check()
    tablet.locator("[data-testid=severity-choices] input[value=high]").check()
    tablet.locator("#id_description").fill("焊枪喷嘴烧坏 (welding nozzle burnt)")
    photo = tmp_path / "nozzle.png"
    photo.write_bytes(png_bytes())
    tablet.locator("#id_photos").set_input_files(str(photo))
    tablet.locator("[data-testid=submit-exception]").click()
    number = tablet.locator("[data-testid=exception-number]")
    expect(number).to_have_text(re.compile(r"EX-\d{4}-\d{5}"))
    expect(tablet.locator("[data-testid=exception-status]")).to_have_attribute("data-status", "open")
    expect(tablet.locator("[data-testid=photos] img")).to_have_count(1)
    # decode() waits for the image to load: reading naturalWidth straight away races the download.
    assert tablet.locator("[data-testid=photos] img").evaluate(
        "img => img.decode().then(() => img.naturalWidth, () => 0)") == 64
    report = ExceptionReport.objects.get(number=number.inner_text())
    assert (report.type, report.severity, report.work_center, report.reported_by.username) == (
        "tooling", "high", weld, "operator")

    # The supervisor, at another tablet, sees the alert behind the bell and takes the report on.
    supervisor = sessions("supervisor", viewport=TABLET)
    expect(supervisor.locator("[data-testid=unread-count]")).to_have_text(re.compile(r"^\s*[1-9]"))
    supervisor.locator("a.bell").click()
    alert = supervisor.locator("[data-testid=alert-list] tbody tr", has_text=report.number)
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Tooling problem at WELD")
    alert.locator("[data-testid=alert-open]").click()
    expect(supervisor.locator("[data-testid=exception-description]")).to_contain_text("焊枪喷嘴烧坏")
    supervisor.locator("[data-testid=acknowledge-form] button[type=submit]").click()
    expect(supervisor.locator("[data-testid=exception-status]")).to_have_attribute("data-status", "acknowledged")
    expect(supervisor.locator("[data-testid=timeline] li[data-action=acknowledged]")).to_contain_text("supervisor")
    supervisor.screenshot(path=f"{SCREENSHOT_DIR}/e2e-exception-acknowledged.png", full_page=True)
    assert ExceptionReport.objects.get(pk=report.pk).acknowledged_by.username == "supervisor"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_QC
