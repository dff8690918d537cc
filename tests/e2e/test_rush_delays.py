"""Issue 17.5, 17.6, 17.8 in Chromium, in zh-hans, each step by its own person: the manager adds a rush
rule (a key customer) on the rush rules page; the planner finds a rush purchase order whose supplier did not
answer within one working day, marked overdue, and records the supplier's confirmed date; the order desk
records why a late order was late (material, purchasing, with the material delay as evidence) and the
report by cause counts it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import set_user_language
from inventory.material_delays import record_material_delay
from inventory.models import PurchaseOrder
from orders.models import Order, OrderStatus, RushRule
from rush.models import DelayResponsibility, SupplierReply
from rush.tasks import watch_supplier_replies
from tests.fixtures.factories import make_order, user_with_role
from tests.inventory.masterdata import make_calendar, make_item, make_work_center
from tests.rush.test_supplier_replies import rush_po

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    users = {}
    for role in ("sales", "manager", "planner", "order_desk", "admin", "production", "warehouse"):
        users[role] = user_with_role(role, username=role)
        set_user_language(actor=users[role], language="zh-hans")
    return users


def test_rule_supplier_answer_and_delay_cause_in_chinese(sessions, live_server, people):
    make_work_center("ASM", calendar=make_calendar("工厂日历"))
    order, po = rush_po(people)
    PurchaseOrder.objects.filter(pk=po.pk).update(sent_at=timezone.now() - timedelta(days=6))
    watch_supplier_replies.delay().get()
    late = make_order(creator=people["sales"], status=OrderStatus.APPROVED)
    Order.objects.filter(pk=late.pk).update(requested_date=timezone.localdate() - timedelta(days=3))
    delay = record_material_delay(actor=people["warehouse"], item=make_item("RM-LATE", name="铝板"),
                                  new_expected_date=timezone.localdate() + timedelta(days=2), reason="供应商停产")
    delay.affected_orders.add(late)

    manager = sessions("manager")
    manager.goto(f"{live_server.url}/orders/rush-rules/")
    expect(manager.locator("h1")).to_have_text("急单规则")
    form = manager.locator("[data-testid=rush-rule-form]")
    form.locator("#id_name").fill("重要客户")
    form.locator("#id_criterion").select_option("customer_grade")
    form.locator("button[type=submit]").click()
    expect(manager.locator("[data-testid=form-errors], .errorlist").first).to_contain_text("请选择客户等级")
    form = manager.locator("[data-testid=rush-rule-form]")
    form.locator("#id_customer_grade").select_option("A")
    form.locator("button[type=submit]").click()
    expect(manager.locator("[data-testid=rush-rule-row]")).to_contain_text("客户等级 A(重点客户)")
    assert RushRule.objects.get().updated_by == people["manager"]

    planner = sessions("planner")
    planner.goto(f"{live_server.url}/rush/supplier-replies/")
    row = planner.locator(f"[data-testid=reply-row][data-po='{po.number}']")
    expect(row).to_contain_text("已逾期")
    row.locator("a", has_text=po.number).click()
    confirmed = timezone.localdate() + timedelta(days=2)
    planner.locator("#id_confirmed_date").fill(confirmed.isoformat())
    planner.locator("#id_note").fill("王经理电话确认")
    planner.locator("[data-testid=reply-form] button[type=submit]").click()
    expect(planner.locator("body")).to_contain_text(f"已录入采购单 {po.number} 的供应商答复。")
    assert SupplierReply.objects.get().confirmed_date == confirmed
    expect(planner.locator(f"[data-testid=reply-row][data-po='{po.number}']")).to_contain_text(
        f"{confirmed.year}年{confirmed.month}月{confirmed.day}日")

    desk = sessions("order_desk")
    desk.goto(f"{live_server.url}/rush/delays/")
    late_row = desk.locator(f"[data-testid=late-row][data-order='{late.number}']")
    expect(late_row).to_contain_text("3")
    late_row.locator("[data-testid=record-cause]").click()
    desk.locator("#id_cause").select_option("material")
    desk.locator("#id_department").select_option("purchasing")
    desk.locator("#id_evidence").select_option(f"material_delay:{delay.pk}")
    desk.locator("[data-testid=delay-form] button[type=submit]").click()
    expect(desk.locator("[data-testid=recorded-row]").first).to_contain_text(delay.number)
    expect(desk.locator("[data-testid=recorded-row]").first).to_contain_text("采购")
    assert DelayResponsibility.objects.get().recorded_by == people["order_desk"]
    desk.goto(f"{live_server.url}/reports/delay_cause/")
    expect(desk.locator("table").last).to_contain_text("物料")
