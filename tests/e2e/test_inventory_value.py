"""Inventory value in the browser (issue 16 item 10): a manager reading the value page in Chinese (by location
and by category, money with its currency in the reader's notation), setting a new standard cost on the item
page (a bad one refused with the message beside the field), and the warehouse keeper seeing the slow-moving
and overstock warnings on the home page and opening their list. Styles are checked where a missing style
sheet would show (cards and badges coloured). Each view is screenshotted at 1366×768 into the test's tmp
folder, in Chinese and in English."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import set_user_language
from inventory.models import ItemCategory, ItemCost, WarningKind
from inventory.stock_warnings import evaluate_stock_warnings
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import make_location, make_warehouse
from tests.inventory.valuedata import days_ago, issued, past_cost, received, rule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1366, "height": 768}
WARN_BADGE = "rgb(255, 226, 179)"  # .badge-warn


def stock_with_warnings():
    """Steel (valued, issued every day: overstocked), resin (never issued for 40 days: slow-moving)."""
    today = timezone.localdate()
    raw = ItemCategory.objects.create(code="RM", name="原材料")
    steel = make_item("RM-STEEL", name="冷轧钢板", unit="kg", category=raw)
    resin = make_item("RM-RESIN", name="环氧树脂", unit="kg", category=raw)
    shelf = make_location("A-01", warehouse=make_warehouse("WH1", name="主仓库"))
    past_cost(steel, "12.50", today - timedelta(days=60))
    past_cost(resin, "30.00", today - timedelta(days=60))
    received(steel, shelf, "1030", days_ago(40))
    for day in range(1, 31):
        issued(steel, shelf, "1", days_ago(day) + timedelta(hours=1))
    received(resin, shelf, "20", days_ago(40))
    rule(WarningKind.SLOW_MOVING, 30, name="滞销 30 天")
    rule(WarningKind.OVERSTOCK, 60, demand_window_days=30, name="积压 60 天")
    evaluate_stock_warnings()
    return steel, resin


def person(role, username, language):
    user = user_with_role(role, username=username)
    set_user_language(actor=user, language=language)
    return user


def test_manager_reads_the_value_in_chinese_and_sets_a_new_cost(sessions, live_server, tmp_path):
    steel, _resin = stock_with_warnings()
    person("manager", "boss", "zh-hans")
    page = sessions("boss", viewport=SCREEN)
    page.goto(f"{live_server.url}/inventory/value/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("库存金额")
    # 1,000 kg × 12.50 + 20 kg × 30.00
    expect(page.locator("[data-testid=value-total]")).to_have_text("13,100.00 CNY")
    expect(page.locator("[data-testid=value-row]")).to_have_count(1)
    expect(page.locator("[data-testid=value-row]").first).to_contain_text("WH1 · A-01")
    expect(page.locator("[data-testid=stock-warning-cards] [data-card=overstock]")).to_contain_text("1 积压物料")
    page.screenshot(path=tmp_path / "value-zh.png", full_page=True)

    page.locator("#id_group_by").select_option("category")
    page.locator("[data-testid=value-filters] button[type=submit]").click()
    expect(page.locator("h2").first).to_have_text("按类别的库存金额")
    expect(page.locator("[data-testid=value-row]").first).to_contain_text("RM 原材料")
    page.locator("#id_on").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    page.locator("[data-testid=value-filters] button[type=submit]").click()
    expect(page.locator("[data-testid=form-errors]")).to_contain_text("请选择今天或过去的日期")

    page.goto(f"{live_server.url}/inventory/items/{steel.pk}/edit/")
    costs = page.locator("[data-testid=item-costs]")
    expect(costs.locator("[data-testid=cost-in-force]")).to_have_text("现行")
    costs.locator("#id_unit_cost").fill("-3")
    costs.locator("[data-testid=save-cost]").click()
    expect(page.locator("[data-field=unit_cost]")).to_contain_text("成本不能为负数。")
    assert ItemCost.objects.filter(item=steel).count() == 1
    next_week = timezone.localdate() + timedelta(days=7)
    page.locator("#id_unit_cost").fill("13.2")
    page.locator("#id_valid_from").fill(next_week.isoformat())
    page.locator("[data-testid=save-cost]").click()
    expect(page.locator("[data-testid=cost-row]")).to_have_count(2)
    expect(page.locator("[data-testid=cost-row]").first).to_contain_text("13.20 CNY")
    expect(page.locator("[data-testid=cost-row]").first).to_contain_text("未生效")
    assert ItemCost.objects.filter(item=steel, valid_from=next_week).get().unit_cost == Decimal("13.2")
    page.screenshot(path=tmp_path / "item-costs-zh.png", full_page=True)

    page.goto(f"{live_server.url}/inventory/value/turnover/")
    expect(page.locator("[data-testid=turnover-row][data-code=RM-RESIN]")).to_contain_text("无发料")
    expect(page.locator("[data-testid=turnover-row][data-code=RM-STEEL]")).to_contain_text("3,000.0")
    page.screenshot(path=tmp_path / "turnover-zh.png", full_page=True)
    page.goto(f"{live_server.url}/inventory/value/rules/")
    expect(page.locator("[data-testid=rule-row]")).to_have_count(2)
    page.locator("[data-testid=new-rule]").click()
    page.locator("#id_name").fill("包材滞销")
    page.locator("#id_days").fill("0")
    page.locator("[data-testid=save]").click()
    expect(page.locator("[data-field=days]")).to_have_text("请输入 1 到 3650 之间的整数天数。")
    expect(page.locator("[data-field=kind]")).to_have_text("请选择预警类型。")
    page.screenshot(path=tmp_path / "rule-form-zh.png", full_page=True)


def test_warehouse_home_shows_the_warnings_in_chinese_and_opens_their_list(sessions, live_server, tmp_path):
    stock_with_warnings()
    person("warehouse", "keeper", "zh-hans")
    page = sessions("keeper", viewport=SCREEN)
    page.goto(f"{live_server.url}/")
    slow = page.locator("[data-card=slow_moving]")
    expect(slow).to_have_text("1 滞销物料")
    expect(page.locator("[data-card=overstock]")).to_have_text("1 积压物料")
    assert slow.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"  # a styled card
    page.screenshot(path=tmp_path / "home-zh.png", full_page=True)

    slow.click()
    rows = page.locator("[data-testid=warning-row]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-code", "RM-RESIN")
    badge = rows.first.locator(".badge-warn")
    expect(badge).to_have_text("滞销")
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == WARN_BADGE
    expect(rows.first).to_contain_text("从未")  # never issued
    page.screenshot(path=tmp_path / "warnings-zh.png", full_page=True)

    page.goto(f"{live_server.url}/inventory/value/warnings/?kind=overstock")
    expect(rows.first).to_have_attribute("data-code", "RM-STEEL")
    expect(rows.first).to_contain_text("1,000")  # days of cover, grouped


def test_the_same_pages_in_english(sessions, live_server, tmp_path):
    stock_with_warnings()
    person("manager", "boss", "en")
    page = sessions("boss", viewport=SCREEN)
    page.goto(f"{live_server.url}/inventory/value/?group_by=category")
    expect(page.locator("h1")).to_have_text("Inventory value")
    expect(page.locator("[data-testid=value-total]")).to_have_text("13,100.00 CNY")
    page.screenshot(path=tmp_path / "value-en.png", full_page=True)
    page.goto(f"{live_server.url}/inventory/value/turnover/")
    expect(page.locator("[data-testid=turnover-row]")).to_have_count(2)
    page.screenshot(path=tmp_path / "turnover-en.png", full_page=True)
    page.goto(f"{live_server.url}/inventory/value/warnings/")
    expect(page.locator("[data-testid=warning-row]")).to_have_count(2)
    page.screenshot(path=tmp_path / "warnings-en.png", full_page=True)
    page.goto(f"{live_server.url}/reports/dashboard/")
    expect(page.locator("[data-testid=dashboard-stock-warnings] [data-card=slow_moving]")).to_have_text(
        "1 slow-moving items")
    page.screenshot(path=tmp_path / "dashboard-en.png", full_page=True)
    page.goto(f"{live_server.url}/inventory/value/rules/")
    expect(page.locator("[data-testid=rule-row]").first).to_contain_text("Overstock (stock above M days of demand)")
    page.screenshot(path=tmp_path / "rules-en.png", full_page=True)
