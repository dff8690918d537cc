"""Order intake in one short transaction (issue 19 item 1): a 3-line order entered and submitted through the
service, the entry form and the API costs a fixed, small number of statements.

What is counted: every statement Django sends (CaptureQueriesContext), reads and writes alike. The service
tests run in real transactions (transaction=True), so the service's transaction is a real one, framed by the
BEGIN and COMMIT Django logs: those two are counted apart from the SQL statements that do the work. The
actor's permissions are loaded before counting, as a request's permission check has done already."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api import services as api_services
from api.models import IdempotencyRecord
from orders.models import Order, OrderEvent, OrderStatus
from orders.services import LineInput, create_order
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

# The intake's one read (earlier sending, duplicate PO, credit exposure), then in the transaction: numbering,
# the order row, the tallies (one upsert), the lines, the two events, the webhook check of the submit hook.
SERVICE_STATEMENTS = 7
# A customer with a credit limit: one read more before the transaction, the exposure after shipment (shipped not
# invoiced, invoiced unpaid: orders.stage_hooks Hook.EXPOSURE, one statement by settlement).
EXPOSURE_STATEMENTS = 1
# The API's answer is stored in the same transaction: one row more.
API_SERVICE_STATEMENTS = SERVICE_STATEMENTS + 1


def three_lines():
    return [LineInput(ProductFactory(), Decimal("5"), Decimal("12.50")) for _ in range(3)]


def statements(ctx):
    return [q["sql"] for q in ctx.captured_queries]


def work_in_one_transaction(ctx):
    """The statements that do the work, after checking that the writes ran in one transaction."""
    sql = statements(ctx)
    assert sql.count("BEGIN") == 1 and sql.count("COMMIT") == 1 and sql[-1] == "COMMIT", "\n".join(sql)
    assert not any(s.startswith(("SAVEPOINT", "RELEASE")) for s in sql)
    assert all(s.startswith("SELECT") for s in sql[:sql.index("BEGIN")]), "a write before the transaction"
    return [s for s in sql if s not in ("BEGIN", "COMMIT")]


def assert_submitted_with_history(order, actor):
    stored = Order.objects.get(pk=order.pk)
    assert stored.status == OrderStatus.SUBMITTED and stored.submitted_at is not None
    assert stored.lines.count() == 3 and stored.total_amount == Decimal("187.50")
    events = list(OrderEvent.objects.filter(order=stored).order_by("created_at", "id"))
    assert [(e.action, e.from_status, e.to_status, e.actor_id) for e in events] == [
        ("created", "", "draft", actor.pk), ("submit", "draft", "submitted", actor.pk)]


@pytest.mark.django_db(transaction=True)
def test_the_service_enters_a_submitted_3_line_order_in_7_statements_plus_the_exposure():
    sales = user_with_role("sales")
    customer, lines = CustomerFactory(credit_limit=Decimal("100")), three_lines()
    assert sales.has_perm("orders.add_order")
    with CaptureQueriesContext(connection) as ctx:
        order = create_order(actor=sales, customer=customer, requested_date=timezone.localdate() + timedelta(30),
                             lines=lines, customer_po="PO-7", submit=True)
    assert len(work_in_one_transaction(ctx)) == SERVICE_STATEMENTS + EXPOSURE_STATEMENTS, "\n".join(statements(ctx))
    assert_submitted_with_history(order, sales)
    assert Order.objects.get(pk=order.pk).credit_warning  # 187.50 over a limit of 100


@pytest.mark.django_db(transaction=True)
def test_the_api_service_adds_only_its_idempotency_row_in_the_same_transaction():
    sales, admin = user_with_role("sales"), user_with_role("admin")
    key, _raw = api_services.create_api_key(actor=admin, name="ERP", user=sales)
    customer, lines = CustomerFactory(), three_lines()
    data = {"customer": customer, "requested_date": timezone.localdate() + timedelta(30), "lines": lines,
            "customer_po": "", "priority": "normal", "rush_reason": "", "internal_notes": "", "customer_notes": ""}
    key.user = sales  # loaded, as the API's authentication hands it over
    assert sales.has_perm("orders.add_order")
    with CaptureQueriesContext(connection) as ctx:
        code, body, replayed = api_services.create_order_from_api(
            api_key=key, data=data, payload={"n": 1}, idempotency_key="k-1",
            render=lambda order: {"number": order.number, "lines": [ln.line_no for ln in order.lines.all()],
                                  "shipments": list(order.shipments.all())})
    assert len(work_in_one_transaction(ctx)) == API_SERVICE_STATEMENTS, "\n".join(statements(ctx))
    assert (code, replayed, body["lines"]) == (201, False, [1, 2, 3])
    order = Order.objects.get(number=body["number"])
    assert_submitted_with_history(order, sales)
    assert IdempotencyRecord.objects.get(key="k-1").order_id == order.pk
    # The same key again: the stored answer, nothing made.
    again = api_services.create_order_from_api(api_key=key, data=data, payload={"n": 1}, idempotency_key="k-1",
                                               render=lambda order: pytest.fail("rendered again"))
    assert again == (201, body, True) and Order.objects.count() == 1


def entry_data(customer, products):
    data = {"customer": customer.code, "channel": "browser", "priority": "normal", "internal_notes": "",
            "customer_notes": "", "customer_po": "PO-9", "action": "submit",
            "requested_date": (timezone.localdate() + timedelta(30)).isoformat(),
            "lines-TOTAL_FORMS": str(len(products)), "lines-INITIAL_FORMS": "0"}
    for i, product in enumerate(products):
        data.update({f"lines-{i}-product": product.sku, f"lines-{i}-quantity": "5", f"lines-{i}-unit_price": "12.50"})
    return data


# Whole requests, counted inside the test's transaction (so the service's transaction is a savepoint:
# SAVEPOINT and RELEASE are 2 of these). Form: session, user and the user's permissions (4), the customer and
# the products looked up by the form (2), the service (7 + 2). API: key with its user (1), permissions (4),
# last-used stamp (1), the serializer's products and customer (2), the service (8 + 2).
FORM_REQUEST_STATEMENTS = 6 + SERVICE_STATEMENTS + 2
API_REQUEST_STATEMENTS = 8 + API_SERVICE_STATEMENTS + 2


@pytest.mark.django_db
def test_save_and_submit_on_the_entry_form_costs_a_fixed_number_of_statements(client):
    sales = user_with_role("sales")
    client.force_login(sales)
    customer, products = CustomerFactory(), [ProductFactory() for _ in range(3)]
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("orders:create"), entry_data(customer, products))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(ctx.captured_queries) == FORM_REQUEST_STATEMENTS, "\n".join(statements(ctx))
    assert_submitted_with_history(Order.objects.get(), sales)


@pytest.mark.django_db
def test_an_api_order_costs_a_fixed_number_of_statements():
    sales, admin = user_with_role("sales"), user_with_role("admin")
    _key, raw = api_services.create_api_key(actor=admin, name="ERP", user=sales)
    customer, products = CustomerFactory(), [ProductFactory() for _ in range(3)]
    payload = {"customer": customer.code, "requested_date": (timezone.localdate() + timedelta(30)).isoformat(),
               "lines": [{"product": p.sku, "quantity": "5", "unit_price": "12.50"} for p in products]}
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/orders/", json.dumps(payload), content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY="k-form")
    assert response.status_code == 201, response.content
    assert len(ctx.captured_queries) == API_REQUEST_STATEMENTS, "\n".join(statements(ctx))
    assert response.json()["status"] == "submitted" and len(response.json()["lines"]) == 3
    assert_submitted_with_history(Order.objects.get(), sales)


@pytest.mark.django_db
def test_a_claim_left_without_answer_or_order_by_the_old_two_step_intake_does_not_block_its_key():
    sales, admin = user_with_role("sales"), user_with_role("admin")
    key, _raw = api_services.create_api_key(actor=admin, name="ERP", user=sales)
    IdempotencyRecord.objects.create(api_key=key, key="k-old", request_hash=api_services.request_hash({"n": 2}))
    data = {"customer": CustomerFactory(), "requested_date": timezone.localdate() + timedelta(30),
            "lines": three_lines(), "customer_po": "", "priority": "normal", "rush_reason": "", "internal_notes": "",
            "customer_notes": ""}
    code, body, replayed = api_services.create_order_from_api(
        api_key=key, data=data, payload={"n": 2}, idempotency_key="k-old", render=lambda order: {"n": order.number})
    assert (code, replayed) == (201, False)
    record = IdempotencyRecord.objects.get(key="k-old")
    assert (record.status_code, record.response, record.order.number) == (201, body, body["n"])
