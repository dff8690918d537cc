"""Temporary drawings of a rush order in a real Chromium, in Chinese (seed 003, issue 17.1): the planner
issues a drawing with two copies (a bad entry first: refused with the message in Chinese, nothing
written); the order passes QC (its finished-goods receipt is the completion); 24 hours later the beat
task finds one copy still out; the warehouse's finished-goods receiver takes the other back; the rush
board shows the overdue copy."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import set_user_language
from inventory.models import FinishedGoodsReceipt, Location, Warehouse
from quality import services as quality
from rush import drawings
from rush.models import CopyStatus, DrawingCopy, TemporaryDrawing
from tests.fixtures.factories import user_with_role
from tests.quality.setup import PASSWORD, fill, give_plan, made_product, order_awaiting_qc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chinese_user(role, username, **names):
    user = user_with_role(role, username=username, **names)
    set_user_language(actor=user, language="zh-hans")
    return user


def test_drawings_are_issued_one_is_returned_and_the_overdue_one_shows_on_the_rush_board(sessions, live_server):
    chinese_user("planner", "pmc", first_name="周", last_name="工")
    holder = chinese_user("production", "banzhang", first_name="王", last_name="班长")
    keeper = chinese_user("warehouse", "shouliao", first_name="刘", last_name="收料")
    chinese_user("manager", "jingli")
    qc = user_with_role("qc", username="qc")
    sales = user_with_role("sales", username="seller")
    product = made_product(sku="DW-E2E", name="法兰 Flange")
    give_plan(product, actor=qc)
    warehouse = Warehouse.objects.create(code="WH1", name="成品库")
    Location.objects.create(warehouse=warehouse, code="FG", zone="FG")
    order, inspection = order_awaiting_qc(sales, product, priority="rush", rush_reason="客户停线")

    page = sessions("pmc")
    page.goto(f"{live_server.url}/rush/orders/{order.pk}/drawings/")
    expect(page.locator("h1")).to_contain_text("临时图纸")
    form = page.locator("[data-testid=issue-drawing]")
    form.locator("#id_number").fill("DWG-88")
    form.locator("#id_revision").fill("B")
    form.locator("#id_holder_1").select_option(str(holder.pk))
    form.locator("[data-testid=issue]").click()
    expect(page.locator("#id_department_1_error, .errorlist").first).to_contain_text("请选择持有人的部门")
    assert not TemporaryDrawing.objects.exists()
    form = page.locator("[data-testid=issue-drawing]")
    form.locator("#id_department_1").select_option("production")
    form.locator("#id_holder_2").select_option(str(keeper.pk))
    form.locator("#id_department_2").select_option("warehouse")
    form.locator("[data-testid=issue]").click()
    copies = page.locator("[data-testid=drawing-copy]")
    expect(copies).to_have_count(2)
    expect(copies.first).to_contain_text(holder.get_full_name())
    expect(copies.first).to_contain_text("订单完成后计时")

    # The order passes QC: the finished-goods receipt is its completion; a day later one copy is still out.
    quality.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection)
    quality.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    receipt = FinishedGoodsReceipt.objects.get(order=order)
    drawings.watch_drawing_returns(now=receipt.received_at + timedelta(hours=25))
    first, second = DrawingCopy.objects.order_by("copy_no")
    assert first.overdue_alerted_at is not None and first.due_at == receipt.received_at + timedelta(hours=24)
    # The pages compare with the real clock: move the deadline into its past as well.
    DrawingCopy.objects.filter(drawing__order=order).update(due_at=timezone.now() - timedelta(hours=1))

    keeper_page = sessions("shouliao")
    keeper_page.goto(f"{live_server.url}/rush/orders/{order.pk}/drawings/")
    row = keeper_page.locator("[data-testid=drawing-copy][data-copy='2']")
    row.locator("[data-testid=return-copy] button").click()
    expect(keeper_page.locator("[data-testid=drawing-copy][data-copy='2'] [data-testid=copy-status]")).to_have_text(
        "已交回")
    expect(keeper_page.locator("[data-testid=drawing-copy][data-copy='2']")).to_contain_text(keeper.get_full_name())
    second.refresh_from_db()
    assert (second.status, second.received_by) == (CopyStatus.RETURNED, keeper)

    board = sessions("jingli")
    board.goto(f"{live_server.url}/rush/")
    expect(board.locator("h2", has_text="逾期未交回的临时图纸")).to_be_visible()
    overdue = board.locator("[data-testid=overdue-drawing]")
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("DWG-88 B #1")
    expect(overdue).to_contain_text(holder.get_full_name())
    expect(overdue).to_contain_text("生产")
