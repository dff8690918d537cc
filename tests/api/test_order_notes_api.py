"""The API's two notes: internal_notes and customer_notes in, the older single `notes` taken as internal
(the safe reading), both given at once refused with a message naming the field and nothing written."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from api import services
from orders.models import Order
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    CustomerFactory(code="C-API")
    ProductFactory(sku="API-1", list_price=Decimal("5.00"))
    _key, raw = services.create_api_key(actor=user_with_role("admin"), name="ERP", user=user_with_role("sales"))
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def post(client, **notes):
    body = {"customer": "C-API", "requested_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "lines": [{"product": "API-1", "quantity": "3"}], **notes}
    return client.post("/api/v1/orders/", json.dumps(body), content_type="application/json")


def test_both_notes_are_taken_and_given_back_to_a_staff_key(client):
    made = post(client, internal_notes="付款慢", customer_notes="请带送货单")
    assert made.status_code == 201, made.content
    assert (made.json()["internal_notes"], made.json()["customer_notes"]) == ("付款慢", "请带送货单")
    order = Order.objects.get(number=made.json()["number"])
    assert (order.internal_notes, order.customer_notes) == ("付款慢", "请带送货单")


def test_the_older_notes_field_is_internal(client):
    made = post(client, notes="客户首单")
    assert made.status_code == 201, made.content
    order = Order.objects.get(number=made.json()["number"])
    assert (order.internal_notes, order.customer_notes) == ("客户首单", "")


def test_the_older_notes_and_internal_notes_together_are_refused_and_nothing_is_written(client):
    refused = post(client, notes="a", internal_notes="b")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "notes"
    assert "not both" in refused.json()["errors"][0]["message"]
    assert not Order.objects.exists()
