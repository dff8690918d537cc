"""What reaches the customer never carries what is internal. An order with an internal note (the pilot's
"内部备注：客户首单，注意付款情况", printed on a confirmation by mistake), a rush reason, prices and staff
names goes through every output a customer can see: the order confirmation and delivery note PDFs, the
public tracking page, the API for a key bound to the customer, and the webhook payloads. The notes for
the customer appear on each of them that carries notes; the internal note on none."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from api import services as api_services
from api.models import WebhookDelivery, WebhookSubscription
from documents import services as documents
from documents.models import Document, DocumentStatus
from documents.tasks import render_document
from orders.models import Order
from orders.services import transition_order
from settlement.demo_data import settle_order
from shipping import tracking
from tests.fixtures.factories import CustomerFactory, user_with_role

from .conftest import pdf_text
from .helpers import deliver, details, fg_location, finished_good, pick, produce, qc_passed_order, ship

pytestmark = pytest.mark.django_db

INTERNAL = "内部备注：客户首单，注意付款情况"
FOR_CUSTOMER = "请提前一天电话通知收货"
RUSH_REASON = "customer line stop"  # qc_passed_order's rush reason: our own justification


@pytest.fixture
def world(shipper, desk, django_capture_on_commit_callbacks):
    admin, sales = user_with_role("admin"), user_with_role("sales")
    customer = CustomerFactory(code="C-PILOT", name="试点客户有限公司", language="zh-hans")
    bound_key, bound_raw = api_services.create_api_key(actor=admin, name="Customer portal", user=sales,
                                                       customer=customer)
    staff_key, staff_raw = api_services.create_api_key(actor=admin, name="ERP", user=sales)
    for key in (bound_key, staff_key):
        WebhookSubscription.objects.create(api_key=key, url=f"https://127.0.0.1/{key.pk}", secret="s3cret")
    product, item = finished_good("PILOT-1", name="阀门 Valve", list_price=Decimal("88.50"))
    order = qc_passed_order([product], [10], priority="rush", customer=customer)
    Order.objects.filter(pk=order.pk).update(internal_notes=INTERNAL, customer_notes=FOR_CUSTOMER)
    order.refresh_from_db()
    location = fg_location()
    lot = produce(order, item, location, 10, "LOT-PILOT").moves[0].lot
    with django_capture_on_commit_callbacks(execute=True):  # the delivery note renders on commit
        shipment = ship(shipper, order, [pick(order, 1, lot, location, 10)],
                        details=details(note="INTERNAL driver cash"))
    deliver(shipper, shipment, name="Receiver Chen")
    return {"order": Order.objects.get(pk=order.pk), "shipment": shipment, "bound_raw": bound_raw,
            "staff_raw": staff_raw, "desk": desk, "shipper": shipper, "admin": admin}


def _internal_values(world):
    order = world["order"]
    return [INTERNAL, "客户首单", RUSH_REASON, order.created_by.username, world["desk"].username,
            world["shipper"].username, "INTERNAL driver cash"]


def _assert_customer_safe(text, world, *, with_notes=True):
    for secret in _internal_values(world):
        assert secret not in text, secret
    if with_notes:
        assert FOR_CUSTOMER in text


def test_the_order_confirmation_prints_the_notes_for_the_customer_and_nothing_internal(world):
    document = documents.request_document(actor=world["desk"], kind="order_confirmation", obj=world["order"])
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    _assert_customer_safe(pdf_text(document), world)


def test_the_delivery_note_prints_the_notes_for_the_customer_and_nothing_internal(world):
    document = Document.objects.get(kind="delivery_note", object_id=world["shipment"].pk)
    assert document.status == DocumentStatus.READY, document.error
    text = pdf_text(document)
    _assert_customer_safe(text, world)
    assert "88.5" not in text  # no prices on a delivery note


def test_the_tracking_page_shows_the_notes_for_the_customer_and_nothing_internal(world):
    _link, token = tracking.create_tracking_link(actor=world["desk"], order=world["order"], language="zh-hans")
    page = Client().get(reverse("tracking:page", args=[token])).content.decode()
    _assert_customer_safe(page, world)


def test_a_key_bound_to_the_customer_never_gets_the_internal_notes(world):
    number = world["order"].number
    bound = Client(HTTP_AUTHORIZATION=f"Api-Key {world['bound_raw']}")
    for response in (bound.get(f"/api/v1/orders/{number}/"), bound.get("/api/v1/orders/"),
                     bound.get(f"/api/v1/orders/{number}/shipments/")):
        assert response.status_code == 200
        text = response.content.decode()
        assert "internal_notes" not in text
        _assert_customer_safe(json.dumps(response.json(), ensure_ascii=False), world,
                              with_notes="shipments" not in response.request["PATH_INFO"])
    # The factory's own integration (a key bound to no customer) does get them.
    staff = Client(HTTP_AUTHORIZATION=f"Api-Key {world['staff_raw']}").get(f"/api/v1/orders/{number}/").json()
    assert (staff["internal_notes"], staff["customer_notes"]) == (INTERNAL, FOR_CUSTOMER)


def test_a_key_bound_to_the_customer_creates_orders_without_seeing_internal_notes(world):
    bound = Client(HTTP_AUTHORIZATION=f"Api-Key {world['bound_raw']}")
    made = bound.post("/api/v1/orders/", json.dumps({
        "requested_date": world["order"].requested_date.isoformat(), "customer_po": "PO-PILOT-2",
        "internal_notes": INTERNAL, "customer_notes": FOR_CUSTOMER,
        "lines": [{"product": "PILOT-1", "quantity": "2"}]}), content_type="application/json")
    assert made.status_code == 201, made.content
    assert "internal_notes" not in made.json() and made.json()["customer_notes"] == FOR_CUSTOMER
    order = Order.objects.get(number=made.json()["number"])
    assert (order.internal_notes, order.customer_notes) == (INTERNAL, FOR_CUSTOMER)


def test_webhook_payloads_carry_nothing_internal(world):
    settle_order(world["order"], finance=user_with_role("finance"))  # an order closes when settled
    transition_order(actor=world["admin"], order=world["order"], action="close")
    payloads = [json.dumps(delivery.payload, ensure_ascii=False) for delivery in WebhookDelivery.objects.all()]
    assert len(payloads) >= 4  # shipped and delivered (at least), for each of the two keys
    for payload in payloads:
        _assert_customer_safe(payload, world, with_notes=False)
        assert "88.5" not in payload
