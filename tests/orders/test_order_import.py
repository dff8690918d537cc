"""Bulk import of customer orders from the file a customer sends (CSV or XLSX): upload -> preview with
every problem per row -> confirm, all orders or none; each order created and submitted through the
same services as the entry form, and never imported twice."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from orders import order_importing
from orders.models import Channel, Order, OrderEvent, OrderStatus
from orders.rules import today
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

from .test_import import preview_rows, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def day(offset):
    return (today() + timedelta(days=offset)).isoformat()


@pytest.fixture
def master_data():
    east = CustomerFactory(code="C-EAST", name="华东机械有限公司")
    south = CustomerFactory(code="C-SOUTH", name="华南日化有限公司")
    gear = ProductFactory(sku="GEAR-40", name="齿轮 Gear", unit="pcs", list_price=Decimal("12.50"))
    oil = ProductFactory(sku="OIL-5L", name="润滑油 Oil", unit="l", list_price=Decimal("80.00"))
    return east, south, gear, oil


def order_csv(*rows, header="客户订单号,客户,产品编码,数量,单价,要求交期,优先级,急单原因,备注"):
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def post_upload(client, content, filename="orders.csv"):
    return upload(client, "order", filename, content)


def confirm(client, response):
    token = response.context["token"]
    assert token, "the preview offered no confirmation"
    return client.post(reverse("orders:order_import"), {"step": "confirm", "token": token})


def all_errors(response):
    return [(row.line, message) for row in response.context["preview"].rows for message in row.errors]


def test_rows_become_submitted_orders_grouped_by_customer_and_reference(client, sales, master_data):
    east, south, gear, oil = master_data
    client.force_login(sales)
    content = order_csv(f"PO-881,C-EAST,GEAR-40,500,,{day(30)},,,first lot",
                        "PO-881,C-EAST,OIL-5L,12.5,78.00,,,,",
                        f"PO-881,华南日化有限公司,GEAR-40,100,11.00,{day(10)},急单,客户停线,")
    response = post_upload(client, content)
    assert response.status_code == 200
    assert preview_rows(response) == [(2, "create", []), (3, "create", []), (4, "create", [])]
    assert not Order.objects.exists()  # the preview writes nothing

    done = confirm(client, response)
    assert done.status_code == 302 and done.url == reverse("orders:list") + "?mine=on"
    first = Order.objects.get(customer=east)
    second = Order.objects.get(customer=south)  # same reference, another customer: another order
    assert first.customer_po == second.customer_po == "PO-881"
    assert (first.status, first.channel, first.created_by) == (OrderStatus.SUBMITTED, Channel.IMPORT, sales)
    assert first.requested_date.isoformat() == day(30) and first.priority == "normal"
    # A plain 备注 (notes) column is internal, the safe reading: nothing reaches the customer by accident.
    assert (first.internal_notes, first.customer_notes) == ("first lot", "")
    # The file is on the event, not in the notes.
    assert "orders.csv" in first.events.get(action="submit").get_note_display()
    assert [(line.product.sku, line.quantity, line.unit_price) for line in first.lines.order_by("line_no")] == [
        ("GEAR-40", Decimal("500"), Decimal("12.50")),  # blank price: the list price, as on the entry form
        ("OIL-5L", Decimal("12.5"), Decimal("78.00"))]
    assert first.total_amount == Decimal("500") * Decimal("12.50") + Decimal("12.5") * Decimal("78.00")
    assert (second.priority, second.rush_reason) == ("rush", "客户停线")
    assert list(first.events.values_list("action", "actor")) == [("created", sales.pk), ("submit", sales.pk)]


def test_xlsx_with_english_headers(client, sales, master_data):
    client.force_login(sales)
    content = xlsx_bytes([["Order reference", "Customer", "SKU", "Qty", "Requested date"],
                          ["4500012", "C-EAST", "GEAR-40", 20, day(20)],
                          ["4500012", "C-EAST", "OIL-5L", 4, None]])
    response = post_upload(client, content, "orders.xlsx")
    assert all_errors(response) == []
    confirm(client, response)
    order = Order.objects.get(customer_po="4500012")
    assert order.lines.count() == 2 and order.status == OrderStatus.SUBMITTED


@pytest.mark.parametrize("row, message", [
    (f"PO-1,C-NONE,GEAR-40,5,,{day(9)},,,", "no customer with code or name C-NONE"),
    (f"PO-1,C-EAST,NOPE-1,5,,{day(9)},,,", "no product with SKU NOPE-1"),
    (f"PO-1,C-EAST,GEAR-40,2.5,,{day(9)},,,", "cannot have decimals"),
    (f"PO-1,C-EAST,GEAR-40,0,,{day(9)},,,", "greater than zero"),
    (f"PO-1,C-EAST,GEAR-40,5,1.005,{day(9)},,,", "at most 2 decimals"),
    (f"PO-1,C-EAST,GEAR-40,5,\"12,5\",{day(9)},,,", "decimal separator"),
    (f"PO-1,C-EAST,GEAR-40,5,,{day(-1)},,,", "is in the past"),
    ("PO-1,C-EAST,GEAR-40,5,,31/12/2026,,,", "is not a date"),
    ("PO-1,C-EAST,GEAR-40,5,,,,,", "give the requested date of order PO-1"),
    (f"PO-1,C-EAST,GEAR-40,5,,{day(9)},急单,,", "give the reason for the rush"),
    (f"PO-1,C-EAST,GEAR-40,5,,{day(9)},soon,,", "is not one of normal, rush"),
    (f",C-EAST,GEAR-40,5,,{day(9)},,,", "Order reference is required"),
])
def test_each_bad_row_is_named_with_its_problem_and_nothing_is_written(client, sales, master_data, row, message):
    client.force_login(sales)
    response = post_upload(client, order_csv(f"PO-2,C-EAST,OIL-5L,1,,{day(9)},,,", row))
    errors = all_errors(response)
    assert any(line == 3 and message in text for line, text in errors), errors
    assert not response.context["token"]  # a file with a bad row cannot be confirmed
    assert not Order.objects.exists()


def test_rows_of_one_order_that_disagree_are_errors(client, sales, master_data):
    client.force_login(sales)
    response = post_upload(client, order_csv(f"PO-3,C-EAST,GEAR-40,5,,{day(9)},,,",
                                             f"PO-3,C-EAST,OIL-5L,5,,{day(12)},,,"))
    errors = all_errors(response)
    assert [line for line, _text in errors] == [2, 3]
    assert "give different values (rows 2, 3)" in errors[0][1]


def test_an_inactive_customer_is_refused(client, sales, master_data):
    east = master_data[0]
    east.is_active = False
    east.save()
    client.force_login(sales)
    response = post_upload(client, order_csv(f"PO-4,C-EAST,GEAR-40,5,,{day(9)},,,"))
    assert any("inactive" in text for _line, text in all_errors(response))


def test_a_file_is_never_imported_twice(client, sales, master_data):
    client.force_login(sales)
    content = order_csv(f"PO-5,C-EAST,GEAR-40,5,,{day(9)},,,")
    confirm(client, post_upload(client, content))
    number = Order.objects.get().number
    again = post_upload(client, content)
    assert all_errors(again) == [(2, f"C-EAST already has order {number} with reference PO-5; it is not "
                                     "imported twice.")]
    assert Order.objects.count() == 1


def test_confirm_checks_again_when_an_order_was_entered_meanwhile(client, sales, master_data):
    east, _south, gear, _oil = master_data
    client.force_login(sales)
    response = post_upload(client, order_csv(f"PO-6,C-EAST,GEAR-40,5,,{day(9)},,,",
                                             f"PO-7,C-EAST,GEAR-40,5,,{day(9)},,,"))
    from orders.services import LineInput, create_order
    create_order(actor=sales, customer=east, requested_date=today() + timedelta(days=9), customer_po="PO-7",
                 lines=[LineInput(gear, Decimal("1"), Decimal("1"))])
    again = confirm(client, response)
    assert again.status_code == 200
    assert "Some rows are no longer valid" in again.context["error"]
    assert Order.objects.filter(customer_po="PO-6").count() == 0  # all or nothing


def test_the_import_page_is_for_sales_only(client, role_users):
    for role, expected in (("sales", 200), ("warehouse", 403), ("qc", 403), ("order_desk", 403)):
        client.force_login(role_users[role])
        assert client.get(reverse("orders:order_import")).status_code == expected, role
    client.force_login(role_users["sales"])
    assert b'data-testid="import-orders"' in client.get(reverse("orders:list")).content
    client.force_login(role_users["warehouse"])
    assert b'data-testid="import-orders"' not in client.get(reverse("orders:list")).content


def test_template_lists_the_columns(client, sales):
    client.force_login(sales)
    response = client.get(reverse("orders:order_import") + "?template=csv")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == ("order reference,customer,product,quantity,unit price,requested date,line date,priority,"
                      "rush reason,internal notes,notes for the customer")


def test_notes_for_the_customer_come_from_their_own_column(client, sales, master_data):
    client.force_login(sales)
    content = order_csv(f"PO-77,C-EAST,GEAR-40,5,,{day(30)},,,客户首单，注意付款情况,请提前一天电话通知收货",
                        header="客户订单号,客户,产品编码,数量,单价,要求交期,优先级,急单原因,内部备注,客户备注")
    done = confirm(client, post_upload(client, content))
    assert done.status_code == 302
    order = Order.objects.get(customer_po="PO-77")
    assert order.internal_notes == "客户首单，注意付款情况"
    assert order.customer_notes == "请提前一天电话通知收货"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_confirming_the_same_file_at_once_make_the_orders_once(master_data):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    sales = user_with_role("sales", username="sales-a")
    other = user_with_role("sales", username="sales-b")
    content = order_csv(f"PO-8,C-EAST,GEAR-40,5,,{day(9)},,,")
    previews = [order_importing.ORDER_IMPORT.preview_upload(actor=user, data=content, filename="orders.csv")
                for user in (sales, other)]
    outcomes, barrier = [], threading.Barrier(2)

    def apply(user, preview):
        barrier.wait()
        try:
            outcomes.append(order_importing.ORDER_IMPORT.apply(actor=user, stash=preview.stash()).created)
        except Exception as exc:  # noqa: BLE001 - the loser's refusal is what is checked
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=pair) for pair in zip((sales, other), previews, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(map(str, outcomes)) == ["1", "ImportRejected"]
    assert Order.objects.filter(customer_po="PO-8").count() == 1
    assert OrderEvent.objects.filter(action="submit").count() == 1
