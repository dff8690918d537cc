"""Credit limit, duplicate PO, rush suggestion, numbering, and the entry page's live helpers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import rules, services
from orders.models import Order, OrderStatus
from orders.services import OrderActionRefused
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order


@pytest.mark.django_db
def test_order_numbers_are_readable_and_sequential(sales):
    year = timezone.localdate().year
    first, second = make_order(creator=sales), make_order(creator=sales)
    assert (first.number, second.number) == (f"SO-{year}-00001", f"SO-{year}-00002")


@pytest.mark.django_db
def test_over_credit_limit_needs_acknowledgement_before_approval(client, sales, order_desk):
    customer = CustomerFactory(credit_limit=Decimal("1000.00"))
    product = ProductFactory(list_price=Decimal("60.00"))
    make_order(creator=sales, status=OrderStatus.APPROVED, customer=customer, products=[product],
               quantities=[Decimal("10")])  # 600 open
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED, customer=customer, products=[product],
                       quantities=[Decimal("10")])  # +600 > 1000
    assert order.credit_warning
    client.force_login(order_desk)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="credit-warning"' in page and "acknowledge_credit" in page

    client.post(reverse("orders:action", args=[order.pk, "approve"]), {"expected_status": "submitted"})
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED and order.credit_acknowledged_by is None

    client.post(reverse("orders:action", args=[order.pk, "approve"]),
                {"expected_status": "submitted", "acknowledge_credit": "1"})
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and order.credit_acknowledged_by == order_desk
    assert list(order.events.values_list("action", flat=True))[-2:] == ["credit_acknowledged", "approve"]


@pytest.mark.django_db
def test_within_credit_limit_or_no_limit_no_warning(sales):
    within = make_order(creator=sales, status=OrderStatus.SUBMITTED,
                        customer=CustomerFactory(credit_limit=Decimal("100000")))
    unlimited = make_order(creator=sales, status=OrderStatus.SUBMITTED, customer=CustomerFactory(credit_limit=0))
    assert not within.credit_warning and not unlimited.credit_warning


@pytest.mark.django_db
def test_duplicate_customer_po_is_warned_not_blocked(sales):
    customer = CustomerFactory()
    make_order(creator=sales, customer=customer, customer_po="PO-778")
    again = make_order(creator=sales, customer=customer, customer_po="po-778", status=OrderStatus.SUBMITTED)
    other_customer = make_order(creator=sales, customer_po="PO-778")
    assert again.duplicate_po_warning and not other_customer.duplicate_po_warning


def test_rush_rule():
    today = timezone.localdate()
    slow, fast = ProductFactory.build(standard_lead_time_days=20), ProductFactory.build(standard_lead_time_days=5)
    assert rules.rush_suggestion(today + timedelta(days=10), [slow, fast], on=today) == (True, 10, 20)
    assert rules.rush_suggestion(today + timedelta(days=20), [slow, fast], on=today) == (False, 20, 20)
    assert rules.rush_suggestion(None, [slow], on=today) == (False, None, None)


@pytest.mark.django_db
def test_rush_suggestion_is_stored_and_rush_is_sorted_first(client, sales):
    normal = make_order(creator=sales, requested_in_days=60)
    rush = make_order(creator=sales, priority="rush", rush_reason="Line stop at customer")
    suggested = make_order(creator=sales, requested_in_days=2)
    assert suggested.rush_suggested and not normal.rush_suggested
    client.force_login(sales)
    page = client.get(reverse("orders:list")).content.decode()
    assert page.index(rush.number) < page.index(normal.number)
    assert "急单" in page
    only_rush = client.get(reverse("orders:list") + "?priority=rush").content.decode()
    assert rush.number in only_rush and normal.number not in only_rush


@pytest.mark.django_db
def test_reject_returns_order_to_sales_who_corrects_and_resubmits(client, sales, order_desk):
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED)
    client.force_login(order_desk)
    client.post(reverse("orders:action", args=[order.pk, "reject"]), {"expected_status": "submitted", "reason": ""})
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SUBMITTED  # a reason is required
    client.post(reverse("orders:action", args=[order.pk, "reject"]),
                {"expected_status": "submitted", "reason": "Price below the agreed list"})
    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED and order.status_reason == "Price below the agreed list"

    client.force_login(sales)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Price below the agreed list" in page and reverse("orders:edit", args=[order.pk]) in page
    line = order.lines.first()
    client.post(reverse("orders:edit", args=[order.pk]), {
        "customer": order.customer.code, "channel": "browser", "priority": "normal",
        "requested_date": order.requested_date.isoformat(), "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-product": line.product.sku, "lines-0-quantity": "10", "lines-0-unit_price": "99.00",
        "action": "submit"})
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED and order.total_amount == Decimal("990.00")
    assert list(order.events.values_list("action", flat=True)) == ["created", "submit", "reject", "edited", "submit"]


@pytest.mark.django_db
def test_submit_by_another_sales_person_is_refused(sales):
    from django.core.exceptions import PermissionDenied

    from tests.fixtures.factories import user_with_role

    order = make_order(creator=sales)
    with pytest.raises(PermissionDenied):
        services.submit_order(actor=user_with_role("sales"), order=order)


@pytest.mark.django_db
def test_empty_draft_cannot_be_submitted(sales):
    order = make_order(creator=sales)
    order.lines.all().delete()
    with pytest.raises(OrderActionRefused):
        services.transition_order(actor=sales, order=order, action="submit")


@pytest.mark.django_db
def test_entry_helpers(client, sales):
    customer = CustomerFactory(code="HN01", name="华南日化", credit_limit=Decimal("20"))
    product = ProductFactory(sku="DET-500", name="洗洁精 500ml", standard_lead_time_days=20, list_price=Decimal("7.5"))
    ProductFactory(sku="OFF-1", is_active=False)
    client.force_login(sales)
    options = client.get(reverse("orders:customer_options"), {"customer": "华南"}).content.decode()
    assert "HN01 — 华南日化" in options
    products = client.get(reverse("orders:product_options"), {"lines-0-product": "DET"}).content.decode()
    assert "DET-500" in products
    assert "OFF-1" not in client.get(reverse("orders:product_options"), {"q": "OFF"}).content.decode()
    line = client.get(reverse("orders:entry_line"), {"index": "3"}).content.decode()
    assert 'name="lines-3-product"' in line
    assert client.get(reverse("orders:entry_line"), {"index": "x"}).status_code == 400
    totals = client.post(reverse("orders:entry_totals"), {
        "customer": "HN01 — 华南日化", "requested_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "priority": "normal", "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
        "lines-0-product": "DET-500", "lines-0-quantity": "4", "lines-0-unit_price": "",
        "lines-1-product": "DET-500", "lines-1-quantity": "abc"}).content.decode()
    assert "30.00" in totals  # 4 × list price 7.50; the unparsable line is skipped
    assert 'data-testid="rush-suggestion"' in totals
    assert 'data-testid="credit-preview"' in totals  # 30 > the limit of 20
    assert customer.pk and product.pk


@pytest.mark.django_db
def test_export_csv_and_xlsx_follow_the_filters_and_neutralise_formulas(client, sales):
    import io

    from openpyxl import load_workbook

    evil = make_order(creator=sales, customer_po="=HYPERLINK(\"http://x\")", priority="rush", rush_reason="+cmd")
    plain = make_order(creator=sales, customer_po="PO-1")
    client.force_login(sales)
    csv_text = client.get(reverse("orders:export", args=["csv"]) + "?priority=rush").content.decode("utf-8-sig")
    assert evil.number in csv_text and plain.number not in csv_text
    assert "'=HYPERLINK" in csv_text and "'+cmd" in csv_text
    xlsx = client.get(reverse("orders:export", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert evil.number in values and plain.number in values
    assert "'=HYPERLINK(\"http://x\")" in values
    assert client.get("/orders/export.pdf").status_code == 404


@pytest.mark.django_db
def test_search_finds_number_po_customer_and_product_and_follows_a_customer_rename(client, sales, role_users):
    from orders import masterdata_services

    customer = CustomerFactory(code="SZ09", name="深圳洁美", name_en="Shenzhen Jiemei")
    product = ProductFactory(sku="WIPE-80", name="湿巾 80抽")
    order = make_order(creator=sales, customer=customer, products=[product], customer_po="PO-Alpha-7")
    other = make_order(creator=sales)
    client.force_login(sales)
    for q in [order.number.lower(), "alpha-7", "sz09", "洁美", "jiemei", "wipe-80", "80抽"]:
        page = client.get(reverse("orders:list"), {"q": q}).content.decode()
        assert order.number in page and other.number not in page, q
    masterdata_services.update_customer(actor=role_users["manager"], customer=customer, name="深圳洁美日化")
    page = client.get(reverse("orders:list"), {"q": "洁美日化"}).content.decode()
    assert order.number in page
