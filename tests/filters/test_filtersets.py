"""The list FilterSets (record_pages.filters and each app's filters module): each filter narrows the list
the way the page promises, defaults apply, and bad input (unknown choice, bad date, NUL byte) leaves the
list unfiltered in its default order with the form's message, never a 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory import stock_selectors
from inventory.filters import ItemFilter, PrepSheetFilter, PurchaseOrderFilter
from inventory.models import Item, MaterialPrepSheet, PurchaseOrder, StockBalance, StockMove
from inventory.selectors import item_list
from inventory.stock_filters import BalanceFilter, CountSheetFilter, LedgerBalanceFilter, LedgerFilter
from orders import masterdata_selectors
from orders.models import OrderStatus
from orders.selectors import order_list
from planning.filters import WorkCenterFilter
from planning.models import WorkCenter
from production.filters import ExceptionFilter
from production.models import ExceptionReport
from quality.filters import InspectionFilter, NonconformanceFilter
from quality.models import Inspection, Nonconformance
from quality.selectors import RUSH_FIRST
from record_pages.filters import as_query_dict
from shipping.filters import ComplaintFilter, ShipmentFilter
from shipping.models import Complaint, Shipment
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import make_item, make_work_center
from tests.inventory.stockdata import make_location, make_warehouse, receive

BAD_INPUT = [{"status": "no-such-status"}, {"created_from": "2026-13-45"}, {"q": "SO\x00"}]


def numbers(qs):
    return [o.number for o in qs]


# --- helpers ------------------------------------------------------------------------------------------

def test_plain_dicts_become_the_query_a_form_reads():
    warehouse = WorkCenter(pk=7)
    query = as_query_dict({"status": ["submitted", "approved"], "day": timezone.datetime(2026, 3, 1).date(),
                           "warehouse": warehouse, "mine": True, "rush": False, "q": ""})
    assert query.getlist("status") == ["submitted", "approved"]
    assert query["day"] == "2026-03-01" and query["warehouse"] == "7" and query["mine"] == "on"
    assert "rush" not in query and "q" not in query


# --- orders -------------------------------------------------------------------------------------------

@pytest.fixture
def orders(sales, admin_user):
    acme = CustomerFactory(code="ACME")
    other = CustomerFactory()
    return {
        "draft": make_order(creator=sales, customer=acme, requested_in_days=5, admin=admin_user),
        "submitted": make_order(creator=sales, status=OrderStatus.SUBMITTED, priority="rush", rush_reason="line down",
                                customer_po="PO-777", requested_in_days=40, admin=admin_user),
        "approved": make_order(creator=admin_user, customer=other, status=OrderStatus.APPROVED,
                               requested_in_days=60, admin=admin_user),
    }


@pytest.mark.parametrize("params, expected", [
    ({"status": ["submitted", "approved"]}, {"submitted", "approved"}),
    ({"priority": "rush"}, {"submitted"}),
    ({"customer": " acme "}, {"draft"}),
    ({"q": "po-777"}, {"submitted"}),
    ({"mine": "on"}, {"draft", "submitted"}),
    ({"requested_from": "+30", "requested_to": "+50"}, {"submitted"}),
    ({}, {"draft", "submitted", "approved"}),
])
def test_the_order_filter_narrows_by_each_field(orders, sales, params, expected):
    today = timezone.localdate()
    params = {k: (today + timedelta(days=int(v))).isoformat() if isinstance(v, str) and v.startswith("+") else v
              for k, v in params.items()}
    found = set(numbers(order_list(sales, params)))
    assert found == {orders[name].number for name in expected}


def test_the_order_filter_by_entry_date(orders, sales):
    today = timezone.localdate().isoformat()
    assert len(order_list(sales, {"created_from": today, "created_to": today})) == 3
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert len(order_list(sales, {"created_to": yesterday})) == 0


def test_the_order_list_puts_rush_first_unless_another_sort_is_chosen(orders, sales):
    assert numbers(order_list(sales))[0] == orders["submitted"].number
    assert numbers(order_list(sales, {"sort": "number"})) == sorted(o.number for o in orders.values())
    assert numbers(order_list(sales, {"sort": "-requested"}))[0] == orders["approved"].number


@pytest.mark.parametrize("bad", BAD_INPUT)
def test_bad_order_filters_are_ignored_and_the_page_says_why(orders, sales, client, bad):
    assert numbers(order_list(sales, {**bad, "priority": "rush"})) == numbers(order_list(sales))
    client.force_login(sales)
    response = client.get(reverse("orders:list"), bad)
    # A NUL byte is refused before the view by the input guard (inputs.middleware), as always.
    if any("\x00" in value for value in bad.values()):
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert response.context["form"].errors
    assert len(response.context["page"].object_list) == 3


def test_the_order_export_uses_the_same_filters(orders, sales, client):
    client.force_login(user_with_role("manager"))
    response = client.get(reverse("orders:export", args=["csv"]), {"priority": "rush"})
    body = response.content.decode("utf-8-sig")
    assert orders["submitted"].number in body and orders["draft"].number not in body


# --- master data --------------------------------------------------------------------------------------

def test_customer_and_product_lists_show_active_records_unless_asked(admin_user):
    active, retired = CustomerFactory(code="ACT"), CustomerFactory(code="RET", is_active=False)
    usd = CustomerFactory(code="USD1", currency="USD")
    codes = lambda params: {c.code for c in masterdata_selectors.customer_list(admin_user, params)}  # noqa: E731
    assert codes({}) == {active.code, usd.code}
    assert codes({"status": "inactive"}) == {retired.code}
    assert codes({"status": "all"}) == {active.code, retired.code, usd.code}
    assert codes({"currency": "USD"}) == {usd.code}
    assert codes({"status": "bogus", "currency": "USD"}) == {active.code, usd.code}
    kept = ProductFactory(sku="KEEP-1", name="Glass cleaner")
    ProductFactory(sku="OLD-1", is_active=False)
    assert [p.sku for p in masterdata_selectors.product_list(admin_user, {"q": "glass"})] == [kept.sku]
    assert [p.sku for p in masterdata_selectors.product_list(admin_user, {"status": "inactive"})] == ["OLD-1"]


def test_the_item_filter(admin_user):
    bought = make_item("RM-A", name="Resin")
    made = make_item("SA-B", name="Frame", item_type="sub_assembly", sourcing="make")
    codes = lambda params: [i.code for i in item_list(admin_user, params)]  # noqa: E731
    assert codes({"sourcing": "make"}) == [made.code]
    assert codes({"q": "resin"}) == [bought.code]
    assert codes({"sort": "-code"}) == [made.code, bought.code]
    assert codes({"bom": "with"}) == []
    assert set(codes({"bom": "without"})) == {made.code, bought.code}
    assert ItemFilter({"sort": "sideways"}, Item.objects.all()).form.errors


def test_the_work_center_filter(admin_user):
    press = make_work_center("PRESS-1", name="Press")
    make_work_center("OVEN-1", name="Oven")
    qs = WorkCenterFilter({"q": "pre"}, WorkCenter.objects.all()).qs
    assert list(qs) == [press]
    assert WorkCenterFilter({"calendar": press.calendar_id}, WorkCenter.objects.all()).qs.get() == press


# --- stock --------------------------------------------------------------------------------------------

@pytest.fixture
def stock(db):
    main, spare = make_warehouse("MAIN"), make_warehouse("SPARE")
    a1, b1 = make_location("A-01", warehouse=main), make_location("B-01", warehouse=spare)
    resin, glue = make_item("RM-RESIN", name="Resin"), make_item("RM-GLUE", name="Glue")
    receive(resin, a1, 10, lot="L-1")
    receive(resin, b1, 5, lot="L-2")
    receive(glue, a1, 3, lot="G-1")
    return {"main": main, "a1": a1, "b1": b1, "resin": resin, "glue": glue}


def test_the_balance_and_count_filters(stock):
    rows = lambda filterset, params: {(b.item.code, b.location.code) for b in filterset(  # noqa: E731
        params, StockBalance.objects.select_related("item", "location")).qs}
    assert rows(BalanceFilter, {"warehouse": stock["main"].pk}) == {("RM-RESIN", "A-01"), ("RM-GLUE", "A-01")}
    assert rows(BalanceFilter, {"q": "L-2"}) == {("RM-RESIN", "B-01")}
    assert rows(CountSheetFilter, {"location": " b-"}) == {("RM-RESIN", "B-01")}
    assert rows(CountSheetFilter, {"q": "glue"}) == {("RM-GLUE", "A-01")}
    assert len(rows(BalanceFilter, {"warehouse": "999999"})) == 3  # no such warehouse: the message, all rows


def test_the_stock_by_item_scope(stock, admin_user):
    on_hand = {i.code: i.on_hand for i in stock_selectors.stock_by_item(admin_user, {"warehouse": stock["main"].pk})}
    assert on_hand == {"RM-GLUE": 3, "RM-RESIN": 10}
    assert {i.code: i.on_hand for i in stock_selectors.stock_by_item(admin_user)}["RM-RESIN"] == 15


def test_the_ledger_filters_and_total(stock, admin_user):
    resin = stock["resin"]
    moves = stock_selectors.item_moves(admin_user, resin, {"location": "B-01"})
    assert [m.location.code for m in moves] == ["B-01"]
    assert stock_selectors.ledger_total(resin, {"lot": "L-1"}, moves) == 10
    assert LedgerBalanceFilter({"location": "A-01"}, StockBalance.objects.all()).matches_ledger
    assert not LedgerBalanceFilter({"kind": "receipt"}, StockBalance.objects.all()).matches_ledger
    assert LedgerFilter({"kind": "issue"}, StockMove.objects.filter(item=resin)).qs.count() == 0
    # An unknown location code is the form's message; the ledger stays whole.
    assert stock_selectors.item_moves(admin_user, resin, {"location": "NOPE"}).count() == 2


def test_the_cycle_count_sheet_reads_through_its_selector(stock, client):
    client.force_login(user_with_role("warehouse"))
    response = client.get(reverse("inventory:cycle_count"), {"location": "B"})
    assert [row["balance"].location.code for row in response.context["sheet"]] == ["B-01"]
    bad = client.get(reverse("inventory:cycle_count"), {"warehouse": "nope"})
    assert bad.status_code == 200 and bad.context["filter_form"].errors and len(bad.context["sheet"]) == 3


# --- the other lists: each filter's lookup, and bad input ignored --------------------------------------

FILTERS = [
    (ShipmentFilter, Shipment, {"status": "shipped"}, '"status" = shipped'),
    (ShipmentFilter, Shipment, {"rush": "on"}, '"priority" = rush'),
    (ShipmentFilter, Shipment, {"shipped_from": "2026-01-02"}, '"actual_ship_date" >= 2026-01-02'),
    (ComplaintFilter, Complaint, {"q": "abc"}, "LIKE"),
    (ExceptionFilter, ExceptionReport, {"status": "open_all"}, '"status" IN'),
    (ExceptionFilter, ExceptionReport, {"type": "machine_breakdown"}, '"type" = machine_breakdown'),
    (InspectionFilter, Inspection, {"source": "receipt"}, '"source" = receipt'),
    (NonconformanceFilter, Nonconformance, {"status": "open"}, '"status" = open'),
    (PurchaseOrderFilter, PurchaseOrder, {"status": "open"}, '"status" IN'),
    (PrepSheetFilter, MaterialPrepSheet, {"day": "2026-03-01"}, '"created_at" >='),
]


def rows_of(model):
    """The queryset the list's selector hands its FilterSet (the inspection list sorts by its rush annotation)."""
    return model.objects.annotate(rush=RUSH_FIRST) if model is Inspection else model.objects.all()


@pytest.mark.parametrize("filterset, model, params, fragment", FILTERS)
def test_each_list_filter_narrows_its_query(db, filterset, model, params, fragment):
    unfiltered = str(filterset({}, rows_of(model)).qs.query)
    query = str(filterset(params, rows_of(model)).qs.query)
    assert fragment in query and fragment not in unfiltered


@pytest.mark.parametrize("filterset, model", sorted({(f, m) for f, m, _p, _s in FILTERS}, key=str))
@pytest.mark.parametrize("bad", [{"status": "no-such-status"}, {"sort": "sideways"}, {"q": "x\x00y"}])
def test_bad_input_leaves_each_list_unfiltered(db, filterset, model, bad):
    filters = filterset(bad, rows_of(model))
    if filters.form.is_valid():  # a list without that field ignores it
        assert set(bad) - set(filters.form.fields)
    assert str(filters.qs.query) == str(filterset({}, rows_of(model)).qs.query)


@pytest.mark.parametrize("url", [
    "shipping:shipment_list", "shipping:complaint_list", "production:exception_list", "quality:inspection_list",
    "quality:ncr_list", "inventory:purchase_order_list", "inventory:purchase_request_list",
    "inventory:prep_sheet_list", "inventory:material_delay_list", "inventory:supplier_list", "inventory:item_list",
    "inventory:stock_list", "inventory:balance_list", "inventory:location_list", "planning:work_center_list",
    "planning:routing_list", "orders:customer_list", "orders:product_list",
])
@pytest.mark.parametrize("bad", [{"status": "nope", "sort": "sideways"}, {"q": "a\x00b", "day": "2026-02-30"}])
def test_every_list_page_answers_bad_filters_without_an_error(client, role_users, url, bad):
    client.force_login(role_users["admin"])
    assert client.get(reverse(url), bad).status_code in (200, 400)
