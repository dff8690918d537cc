"""The promise that explains itself and the short rush impact list, in a real Chromium (issue 16, items 1
and 2).

A seller in Chinese types an order while CUT is booked by released work: the entry panel's promise says
what limits it ("受限于：CUT 已排满至 …") and what would make it earlier. A rush request for an order on
one of two work centers lists only the order in its way, not the order on the other work center."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import set_user_language
from orders.models import OrderStatus
from planning.plans import plan_order, release_plan
from rush.models import RushRequest
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role
from tests.inventory.masterdata import made_item, make_calendar, make_routing, make_work_center
from tests.rush.setup import build_shop, in_days, order_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"  # not committed


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def planned(shop, planner, quantity, *, days, release):
    order = order_of(shop, quantity, days=days)
    plan_order(actor=planner, order=order)
    if release:
        release_plan(actor=planner, order=order)
    return order


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_entry_promise_names_what_limits_it(sessions, live_server, language):
    planner = user_with_role("planner", username="planner")
    shop = build_shop()
    planned(shop, planner, "40", days=10, release=True)  # CUT booked 40 working hours, released
    CustomerFactory(code="C-LIM", name="华东精细化工 East China Fine Chemicals")
    seller = user_with_role("sales", username="seller")
    set_user_language(actor=seller, language=language)

    page = sessions("seller", viewport=DESKTOP)
    page.goto(f"{live_server.url}/orders/new/")
    page.locator("#id_customer").fill("C-LIM")
    page.locator("#id_requested_date").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    page.locator("#id_lines-0-product").fill("P-RUSH")
    page.locator("#id_lines-0-quantity").press_sequentially("3", delay=30)

    normal = page.locator("[data-testid=promise-normal]")
    limit = normal.locator("[data-testid=promise-limit]")
    earlier = normal.locator("[data-testid=promise-earlier]")
    if language == "zh-hans":
        expect(limit).to_contain_text("受限于：")
        expect(limit).to_contain_text("CUT 已排满至")
        # Released work does not move for a rush order either: overtime is what helps, not rush.
        expect(earlier).to_contain_text("CUT 加班")
        expect(earlier).not_to_contain_text("改为急单")
        assert "T" not in limit.inner_text().split("至", 1)[1]  # a date for people, not an ISO timestamp
    else:
        expect(limit).to_contain_text("Limited by:")
        expect(limit).to_contain_text("CUT booked until")
        expect(earlier).to_contain_text("Overtime on CUT")
        expect(earlier).not_to_contain_text("Make it a rush order")
    # The label is muted (the page's CSS is applied), the limit itself in the normal text colour.
    label_colour = limit.locator(".muted").evaluate("e => getComputedStyle(e).color")
    assert label_colour != limit.evaluate("e => getComputedStyle(e).color")
    shot(page, f"promise-limit-{language}")


def test_a_rush_review_lists_only_the_orders_in_its_way(sessions, live_server):
    planner = user_with_role("planner", username="planner")
    shop = build_shop()
    calendar = make_calendar("Every day too", shifts=[(day, "06:00", "22:00") for day in range(7)])
    pack = make_work_center("PACK", name="Packing", calendar=calendar)
    packed = made_item("F-PACK", item_type="finished_good", product=ProductFactory(sku="P-PACK", name="纸箱 Carton"))
    make_routing(packed, [(10, pack, 0, 60)])
    in_the_way = planned(shop, planner, "30", days=9, release=False)  # two days of CUT, not released
    elsewhere = order_of(shop, "1", days=9)  # on PACK: never in a CUT rush order's way
    elsewhere.lines.update(product=packed.product)
    plan_order(actor=planner, order=elsewhere)
    seller = user_with_role("sales", username="seller")
    set_user_language(actor=seller, language="zh-hans")
    rush = order_of(shop, "8", days=20, sales=seller)
    plan_order(actor=planner, order=rush)  # behind in_the_way on CUT
    assert rush.status == OrderStatus.APPROVED

    page = sessions("seller", viewport=DESKTOP)
    page.goto(f"{live_server.url}/rush/orders/{rush.pk}/request/")
    page.locator("#id_requested_date").fill(in_days(1).isoformat())  # too soon to wait behind in_the_way
    page.locator("#id_reason").fill("客户产线停线")
    page.locator("[data-testid=submit-rush-request]").click()
    expect(page.locator("[data-testid=rush-status]")).to_be_visible()
    rows = page.locator("[data-testid=rush-impact-row]")
    expect(rows).to_have_count(1)
    expect(page.locator(f"[data-testid=rush-impact-row][data-order='{in_the_way.number}']")).to_be_visible()
    expect(page.locator("[data-testid=rush-moved-operations]")).to_contain_text("2 道中的 1 道")
    shot(page, "rush-impact-zh-hans")

    set_user_language(actor=seller, language="en")
    page = sessions("seller", viewport=DESKTOP)  # signed in again: the page in English
    page.goto(f"{live_server.url}/rush/{RushRequest.objects.get().pk}/")
    expect(page.locator("[data-testid=rush-moved-operations]")).to_contain_text("1 of 2")
    shot(page, "rush-impact-en")
