"""Order receipt and review in a real Chromium, through the real pages, as the real roles.

Sales enters orders on the entry page (htmx adds lines and recomputes the total while typing), the
order desk reviews them from its queue, and the order confirmation PDF is generated from the order
page. Selectors are ids and data-testid attributes; translated text is asserted only where the
language itself is under test, or where the message is what the test is about."""

import re
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order, OrderStatus, Priority
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order

PASSWORD = "pw-OrderFlow-2026"  # UserFactory's password
SCREENSHOT_DIR = "/tmp"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# --- what a person does on the pages ---------------------------------------------------------------

def days_from_today(days):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def money_pattern(amount):
    """The amount as shown, with or without a thousands separator (English groups by 3, Chinese not)."""
    whole, cents = f"{Decimal(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        whole, group = whole[:-3], whole[-3:]
        groups.insert(0, group)
    return re.compile(r"^\s*" + ",?".join([whole, *groups]) + r"\." + cents + r"\s*$")


def open_new_order_page(page):
    page.locator("nav.mainnav a[href$='/orders/new/']").click()
    expect(page.locator("#order-entry")).to_be_visible()
    expect(page.locator("[data-testid=line-row]")).to_have_count(1)


def add_line(page):
    """Click "+ Add line" and wait until the new row is in place and counted by the formset."""
    rows = page.locator("[data-testid=line-row]")
    before = rows.count()
    page.locator("[data-testid=add-line]").click()
    expect(rows).to_have_count(before + 1)
    expect(page.locator("#id_lines-TOTAL_FORMS")).to_have_value(str(before + 1))


def fill_line(page, index, *, sku, quantity, unit_price=None):
    page.locator(f"#id_lines-{index}-product").fill(sku)
    # Typed key by key, as a person does: the total follows the keystrokes.
    page.locator(f"#id_lines-{index}-quantity").press_sequentially(quantity, delay=30)
    if unit_price is not None:
        page.locator(f"#id_lines-{index}-unit_price").fill(unit_price)


def entry_total(page):
    return page.locator("[data-testid=entry-total] strong")


def enter_simple_order(page, *, customer_code, requested_in_days=30, lines=()):
    page.locator("#id_customer").fill(customer_code)
    page.locator("#id_requested_date").fill(days_from_today(requested_in_days))
    for index, line in enumerate(lines):
        if index:
            add_line(page)
        fill_line(page, index, **line)


def shown_order_number(page):
    number = page.locator("[data-testid=order-number]")
    expect(number).to_have_text(re.compile(r"\S"))
    return number.inner_text().strip()


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=30).stdout


@pytest.fixture
def new_session(browser, live_server, login):
    """Another person at another computer: a fresh browser context, signed in as `username`."""
    contexts = []

    def open_session(username):
        context = browser.new_context()
        contexts.append(context)
        return login(context.new_page(), live_server, username, PASSWORD)

    yield open_session
    for context in contexts:
        context.close()


# --- 1. the acceptance journey -------------------------------------------------------------------

def test_order_entered_in_chinese_is_approved_and_confirmed_as_pdf(page, live_server, login, new_session,
                                                                  sales, order_desk, tmp_path):
    customer = CustomerFactory(code="HN-001", name="华南日化有限公司", name_en="South China Daily Chemicals")
    ProductFactory(sku="SOAP-500", name="洗手液 500ml", list_price=Decimal("12.50"))
    ProductFactory(sku="GEL-250", name="沐浴露 250ml", list_price=Decimal("8.00"))
    ProductFactory(sku="FOAM-100", name="洁面泡沫 100ml", list_price=Decimal("99.99"))

    # Sales signs in and switches the interface to Simplified Chinese.
    login(page, live_server, "sales", PASSWORD)
    page.locator("#language-select").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("nav.mainnav")).to_contain_text("订单")
    expect(page.locator("nav.mainnav a[href$='/orders/']")).to_have_text("订单")

    open_new_order_page(page)
    expect(page.locator("h1")).to_have_text("新建订单")

    # The customer is found by part of its Chinese name and picked from the suggestions.
    page.locator("#id_customer").press_sequentially("华南", delay=50)
    suggestion = page.locator("#customer-options option")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_have_attribute("value", "HN-001 — 华南日化有限公司")
    page.locator("#id_customer").fill(suggestion.get_attribute("value"))
    page.locator("#id_requested_date").fill(days_from_today(30))

    # Three lines, the second and third added in place; the total follows what is typed.
    fill_line(page, 0, sku="SOAP-500", quantity="100")  # 100 × 12.50 = 1,250.00
    expect(entry_total(page)).to_have_text(money_pattern("1250.00"))
    add_line(page)
    fill_line(page, 1, sku="GEL-250", quantity="24", unit_price="8.80")  # 24 × 8.80 = 211.20
    expect(entry_total(page)).to_have_text(money_pattern("1461.20"))
    add_line(page)
    fill_line(page, 2, sku="FOAM-100", quantity="3")  # 3 × 99.99 = 299.97
    expect(page.locator("#line-amount-lines-2")).to_have_text(money_pattern("299.97"))
    expect(entry_total(page)).to_have_text(money_pattern("1761.17"))
    page.screenshot(path=f"{SCREENSHOT_DIR}/e2e-entry-zh.png", full_page=True)

    page.locator("[data-testid=submit-order]").click()
    expect(page.locator("[data-testid=order-status]")).to_have_text("已提交")
    expect(page.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-submitted\b"))
    number = shown_order_number(page)
    expect(page.locator("[data-testid=order-total]")).to_contain_text(re.compile(r"1,?761\.17 CNY"))
    expect(page.locator("[data-testid=order-lines] tbody tr")).to_have_count(3)
    page.screenshot(path=f"{SCREENSHOT_DIR}/e2e-order-zh.png", full_page=True)

    order = Order.objects.get(number=number)
    assert order.customer == customer
    assert order.status == OrderStatus.SUBMITTED
    assert order.total_amount == Decimal("1761.17")
    assert [(ln.product.sku, ln.quantity, ln.unit_price) for ln in order.lines.order_by("line_no")] == [
        ("SOAP-500", Decimal("100"), Decimal("12.50")),
        ("GEL-250", Decimal("24"), Decimal("8.80")),
        ("FOAM-100", Decimal("3"), Decimal("99.99")),
    ]

    # The order desk, at its own computer, finds the order in the review queue and approves it.
    desk = new_session("order_desk")
    desk.locator("nav.mainnav a[href$='/orders/review/']").click()
    queued = desk.locator("[data-testid=review-queue] tbody tr", has_text=number)
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("华南日化有限公司")
    queued.get_by_role("link", name=number).click()
    expect(desk.locator("[data-testid=order-number]")).to_have_text(number)
    desk.locator("[data-testid=action-approve] button[type=submit]").click()
    expect(desk.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-approved\b"))

    timeline = desk.locator("[data-testid=timeline]")
    expect(timeline.locator("li[data-action=submit]")).to_have_count(1)
    expect(timeline.locator("li[data-action=submit]")).to_contain_text("sales")
    expect(timeline.locator("li[data-action=approve]")).to_have_count(1)
    expect(timeline.locator("li[data-action=approve]")).to_contain_text("order_desk")
    assert list(order.events.filter(action__in=["submit", "approve"]).order_by("id")
                .values_list("action", "actor__username")) == [("submit", "sales"), ("approve", "order_desk")]

    # Sales generates the order confirmation from the order page and downloads it once it is ready.
    page.reload()
    expect(page.locator("[data-testid=order-status]")).to_have_text("已审核")
    page.locator("[data-testid=generate-order_confirmation]").click()
    download_link = page.locator("[data-testid=documents-order_confirmation] [data-testid=document-download]")
    expect(download_link).to_be_visible(timeout=30_000)
    page.screenshot(path=f"{SCREENSHOT_DIR}/e2e-order-approved-zh.png", full_page=True)
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"{number}-order-confirmation.pdf"
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf_path)
    assert number in text
    assert "华南日化有限公司" in text


# --- 2. rush proposal ----------------------------------------------------------------------------

def test_short_lead_time_proposes_rush_and_the_rush_order_is_badged_and_listed_first(page, live_server, login,
                                                                                    sales):
    CustomerFactory(code="C-RUSH")
    ProductFactory(sku="SLOW-1", standard_lead_time_days=10)

    login(page, live_server, "sales", PASSWORD)
    open_new_order_page(page)
    enter_simple_order(page, customer_code="C-RUSH", requested_in_days=3,
                       lines=[{"sku": "SLOW-1", "quantity": "10"}])

    suggestion = page.locator("[data-testid=rush-suggestion]")
    expect(suggestion).to_be_visible()
    expect(page.locator("#id_priority")).to_have_value(Priority.NORMAL)
    suggestion.locator("[data-testid=accept-rush]").click()
    expect(page.locator("#id_priority")).to_have_value(Priority.RUSH)
    expect(page.locator("#id_rush_reason")).to_have_value(re.compile(r"\b3\b.*\b10\b"))
    # Once flagged, the proposal is not repeated.
    expect(suggestion).to_have_count(0)

    page.locator("[data-testid=save-draft]").click()
    number = shown_order_number(page)
    expect(page.locator("h1 .badge-rush")).to_have_text(re.compile(r"RUSH\s+急单"))
    order = Order.objects.get(number=number)
    assert order.priority == Priority.RUSH
    assert "10" in order.rush_reason

    # Orders entered later would come first by date; the rush order still heads the list.
    make_order(creator=sales)
    make_order(creator=sales)
    page.locator("nav.mainnav a[href$='/orders/']").click()
    rows = page.locator("[data-testid=order-list] tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(number)
    expect(rows.first.locator(".badge-rush")).to_be_visible()
    expect(rows.nth(1).locator(".badge-rush")).to_have_count(0)


# --- 3. removing a line in place -----------------------------------------------------------------

def test_removed_line_is_left_out_of_the_total_and_the_saved_order(page, live_server, login, sales):
    CustomerFactory(code="C-DEL")
    ProductFactory(sku="KEEP-1", list_price=Decimal("12.50"))
    ProductFactory(sku="DROP-1", list_price=Decimal("40.00"))

    login(page, live_server, "sales", PASSWORD)
    open_new_order_page(page)
    enter_simple_order(page, customer_code="C-DEL", lines=[
        {"sku": "DROP-1", "quantity": "5"},  # 200.00
        {"sku": "KEEP-1", "quantity": "10"},  # 125.00
    ])
    expect(entry_total(page)).to_have_text(money_pattern("325.00"))

    first_row = page.locator("[data-testid=line-row]").first
    first_row.locator("[data-remove-line]").click()
    expect(first_row).to_be_hidden()
    expect(entry_total(page)).to_have_text(money_pattern("125.00"))

    page.locator("[data-testid=save-draft]").click()
    number = shown_order_number(page)
    expect(page.locator("[data-testid=order-lines] tbody tr")).to_have_count(1)
    expect(page.locator("[data-testid=order-lines] tbody")).not_to_contain_text("DROP-1")
    expect(page.locator("[data-testid=order-total]")).to_contain_text("125.00")
    order = Order.objects.get(number=number)
    assert [ln.product.sku for ln in order.lines.all()] == ["KEEP-1"]
    assert order.total_amount == Decimal("125.00")


# --- 4. double click ------------------------------------------------------------------------------

def test_second_click_while_save_and_submit_is_on_its_way_creates_one_order(page, live_server, login, sales):
    """The second click comes while the server is already handling the first (a slow answer): the
    first answer is held back until the second click. A plain page.dblclick() would prove nothing:
    Chromium itself drops a second submission made before the first one's request has left. One
    order must come out whether the page ignores the second click or the server recognises the
    replayed entry."""
    CustomerFactory(code="C-DBL")
    ProductFactory(sku="DBL-1")

    login(page, live_server, "sales", PASSWORD)
    open_new_order_page(page)
    enter_simple_order(page, customer_code="C-DBL", lines=[{"sku": "DBL-1", "quantity": "7"}])
    expect(entry_total(page)).to_have_text(money_pattern("87.50"))

    posts, held = [], []

    def slow_answer_to_first_submission(route):
        if route.request.method == "POST":
            posts.append(route.request.url)
        if route.request.method == "POST" and not held:
            held.append((route, route.fetch(max_redirects=0)))  # the server has done its work
            return  # ...but the browser is still waiting for the answer
        route.continue_()

    page.route(re.compile(r"/orders/new/$"), slow_answer_to_first_submission)
    submit = page.locator("[data-testid=submit-order]")
    box = submit.bounding_box()
    submit.click(no_wait_after=True)
    for _ in range(100):  # up to 5 s
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the first submission never reached the server"
    assert Order.objects.count() == 1
    # A mouse click at the button's place, as a person makes it: Playwright's locator actions would
    # wait for the pending navigation, and for the button the page may have disabled.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(500)
    first_route, first_answer = held[0]
    if len(posts) == 1:  # the page sent nothing more: let the first answer arrive
        first_route.fulfill(response=first_answer)
    number = shown_order_number(page)
    page.wait_for_load_state("networkidle")
    page.unroute(re.compile(r"/orders/new/$"))

    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert order.number == number
    assert order.status == OrderStatus.SUBMITTED
    assert order.events.filter(action="submit").count() == 1
    expect(page.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-submitted\b"))


# --- 5. bad input ----------------------------------------------------------------------------------

def test_comma_decimal_and_past_date_are_refused_with_messages_and_nothing_is_saved(page, live_server, login,
                                                                                     sales):
    CustomerFactory(code="C-BAD")
    ProductFactory(sku="BAD-1", unit="kg")

    login(page, live_server, "sales", PASSWORD)
    open_new_order_page(page)
    enter_simple_order(page, customer_code="C-BAD", lines=[{"sku": "BAD-1", "quantity": "12,5"}])
    page.locator("[data-testid=save-draft]").click()

    quantity = page.locator("#id_lines-0-quantity")
    expect(quantity).to_have_value("12,5")  # what was typed is kept for correcting
    expect(page.locator("[data-testid=line-row]").first.locator(".errorlist")).to_contain_text(
        "decimal separator")
    assert Order.objects.count() == 0

    quantity.fill("12.5")
    page.locator("#id_requested_date").fill(days_from_today(-1))
    page.locator("[data-testid=submit-order]").click()
    expect(page.locator(".errorlist[data-field=requested_date]")).to_contain_text("in the past")
    expect(page.locator("#order-entry")).to_be_visible()
    assert Order.objects.count() == 0

    # Corrected, the same form saves.
    page.locator("#id_requested_date").fill(days_from_today(20))
    page.locator("[data-testid=save-draft]").click()
    number = shown_order_number(page)
    assert Order.objects.get(number=number).lines.get().quantity == Decimal("12.5")


# --- 6. reject with a reason -----------------------------------------------------------------------

def test_reject_needs_a_reason_even_when_the_browser_check_is_bypassed(page, live_server, login, new_session,
                                                                       sales, order_desk):
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED)

    login(page, live_server, "order_desk", PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    reject = page.locator("[data-testid=action-reject]")
    reason = reject.locator("input[name=reason]")

    # The browser refuses an empty reason before anything is sent.
    reject.locator("button[type=submit]").click()
    assert reason.evaluate("input => input.validity.valueMissing") is True
    expect(page.locator(".msg-error")).to_have_count(0)

    # Without the browser's check, the server refuses: an empty, then a blank reason.
    for blank in ("", "   "):
        reason.evaluate("input => input.removeAttribute('required')")
        reason.fill(blank)
        reject.locator("button[type=submit]").click()
        expect(page.locator(".messages .msg-error")).to_contain_text("Give a reason")
        expect(page.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-submitted\b"))
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert not order.events.filter(action="reject").exists()

    reason_text = "单价已过期，请重新报价 (price list expired)"
    page.locator("[data-testid=action-reject] input[name=reason]").fill(reason_text)
    page.locator("[data-testid=action-reject] button[type=submit]").click()
    expect(page.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-rejected\b"))
    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED
    assert order.status_reason == reason_text

    # Sales, at its own computer, sees why.
    seller = new_session("sales")
    seller.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(seller.locator("[data-testid=order-status]")).to_have_class(re.compile(r"\bstatus-rejected\b"))
    expect(seller.locator("main .warning-box")).to_contain_text(reason_text)
    rejected = seller.locator("[data-testid=timeline] li[data-action=reject]")
    expect(rejected).to_contain_text(reason_text)
    expect(rejected).to_contain_text("order_desk")
