"""People as a resource in a real Chromium (issue 16, item 7), as a Chinese-speaking planner sees it.

WELD has two stations, open every day 06:00–22:00, but the welding crew has one welder (焊工). Two orders
each need the welder for two hours: the second order's bar on the Gantt starts where the first one ends
(a station was free all along: the crew held it back), the crew band shows the welder booked, and the daily
plan lists the people needed for the shift.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.services import set_user_language
from orders.models import OrderStatus
from planning import crew_services, routing_services
from planning.models import WorkOrderOperation
from planning.plans import plan_order
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_calendar, make_work_center
from tests.planning.test_work_orders import next_monday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"  # not committed


def welding_shop(planner):
    calendar = make_calendar("每天 Every day", shifts=[(day, "06:00", "22:00") for day in range(7)])
    weld = make_work_center("WELD", name="焊接工位 Welding stations", calendar=calendar, parallel_units=2)
    welder = crew_services.create_skill(actor=planner, code="WELDER", name="焊工")
    crew_services.create_crew(actor=planner, code="CREW-W", name="焊接班", calendar=calendar,
                              head_counts={"WELDER": 1})
    product = ProductFactory(sku="P-BRACKET", name="焊接支架 Welded bracket")
    finished = made_item("F-BRACKET", item_type="finished_good", product=product)
    routing_services.save_routing(actor=planner, item=finished, operations=[routing_services.OperationInput(
        sequence=10, work_center=weld, run_minutes_per_unit=Decimal("60"), skill=welder, people_required=1,
        description="焊接 Welding")])
    return product


def bar_of(page, order_number):
    """The x and width of the Gantt bar of `order_number` (its tooltip names the order)."""
    rect = page.locator("[data-testid=gantt-chart] svg a", has_text=order_number).locator("rect").first
    return float(rect.get_attribute("x")), float(rect.get_attribute("width"))


def test_a_crew_shortage_delays_an_operation_on_the_gantt_and_the_daily_plan_lists_the_people(sessions,
                                                                                             live_server):
    planner = user_with_role("planner", username="planner-zh")
    set_user_language(actor=planner, language="zh-hans")
    product = welding_shop(planner)
    monday = next_monday()
    sales = user_with_role("sales")
    orders = [make_order(creator=sales, status=OrderStatus.APPROVED, products=[product], quantities=[Decimal("2")])
              for _n in range(2)]
    for order in orders:
        plan_order(actor=planner, order=order, now=monday)
    first, second = (WorkOrderOperation.objects.get(work_order__order=order) for order in orders)
    assert second.planned_start == first.planned_end  # the welder, not the station, set the start

    page = sessions("planner-zh", viewport=DESKTOP)
    page.goto(f"{live_server.url}/planning/gantt/?date={monday.date().isoformat()}&zoom=day")
    expect(page.locator("h1")).to_contain_text("甘特")
    first_x, first_width = bar_of(page, orders[0].number)
    second_x, _width = bar_of(page, orders[1].number)
    assert second_x == pytest.approx(first_x + first_width, abs=0.2)  # starts where the first one ends
    band = page.locator("[data-testid=crew-band]")
    expect(band).to_contain_text("人员负荷")
    row = band.locator("[data-testid=crew-band-row][data-skill=WELDER]")
    expect(row).to_contain_text("焊工")
    expect(row).to_contain_text("1 人")
    assert row.locator("[data-testid=crew-used]").count() == 1  # one stretch of four hours with the welder booked
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "crew-gantt-zh.png"), full_page=True)

    page.goto(f"{live_server.url}/planning/daily-plan/?day={monday.date().isoformat()}")
    people = page.locator("[data-testid=daily-plan-people]")
    expect(people).to_contain_text("各班次所需人员")
    line = people.locator("[data-testid=people-row][data-skill=WELDER]")
    expect(line).to_contain_text("焊工")
    expect(line).to_contain_text("06:00")
    expect(line.locator("td").nth(2)).to_have_text("1")  # people needed
    expect(line.locator("td").nth(3)).to_have_text("1")  # on shift
    expect(line.locator("td").nth(4)).to_have_text("—")  # no shortage
    page.screenshot(path=str(SHOTS / "crew-daily-plan-zh.png"), full_page=True)
