"""The REST API with real keys over the Django test client: order creation through the entry form's
services (idempotent), structured errors with field paths, list filters and pages, detail with lines
and shipments, permissions and customer scope, the rate limit, webhooks signed and retried against a
local server, and the OpenAPI schema fuzzed with schemathesis without a 5xx."""

import hashlib
import hmac
import json
import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from api import services, webhooks
from api.models import ApiKey, IdempotencyRecord, WebhookDelivery, WebhookSubscription, hash_key
from orders.models import Channel, Order, OrderEvent, OrderStatus
from orders.services import transition_order
from tests.alerts.webhook_server import WebhookServer
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"


@pytest.fixture
def world(role_users):
    east = CustomerFactory(code="C-EAST", name="华东机械")
    west = CustomerFactory(code="C-WEST", name="西部贸易")
    ProductFactory(sku="GEAR-1", unit="pcs", list_price=Decimal("12.50"))
    ProductFactory(sku="OIL-1", unit="l", list_price=Decimal("80.00"))
    admin = role_users["admin"]
    key, raw = services.create_api_key(actor=admin, name="ERP", user=role_users["sales"])
    scoped, scoped_raw = services.create_api_key(actor=admin, name="East shop", user=role_users["sales"],
                                                 customer=east)
    return {"east": east, "west": west, "key": key, "raw": raw, "scoped": scoped, "scoped_raw": scoped_raw,
            "users": role_users}


def api(raw):
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def body(**overrides):
    data = {"customer": "C-EAST", "customer_po": "PO-1", "requested_date": (timezone.localdate()
                                                                             + timedelta(days=20)).isoformat(),
            "lines": [{"product": "GEAR-1", "quantity": "100"}, {"product": "OIL-1", "quantity": "2.5",
                                                                  "unit_price": "75.00"}]}
    data.update(overrides)
    return data


def post(client, data, **headers):
    return client.post(URL, json.dumps(data), content_type="application/json", **headers)


def test_create_makes_a_submitted_order_like_the_entry_form(world):
    response = post(api(world["raw"]), body())
    assert response.status_code == 201, response.content
    data = response.json()
    order = Order.objects.get(number=data["number"])
    assert (order.status, order.channel, order.created_by) == (OrderStatus.SUBMITTED, Channel.API,
                                                               world["users"]["sales"])
    assert [(line["product"], line["quantity"], line["unit_price"]) for line in data["lines"]] == [
        ("GEAR-1", "100.000", "12.50"), ("OIL-1", "2.500", "75.00")]
    assert list(order.events.values_list("action", flat=True)) == ["created", "submit"]


def test_the_same_idempotency_key_replays_and_another_body_is_refused(world):
    client = api(world["raw"])
    first = post(client, body(), HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, body(), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    other = post(client, body(customer_po="PO-2"), HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and other.json()["errors"][0]["code"] == "idempotency_conflict"
    assert Order.objects.count() == 1


@pytest.mark.parametrize("change, field, fragment", [
    ({"lines": [{"product": "GEAR-1", "quantity": "1.5"}]}, "lines[0].quantity", "cannot have decimals"),
    ({"lines": [{"product": "NOPE", "quantity": "1"}]}, "lines[0].product", "No product with SKU NOPE"),
    ({"lines": [{"product": "GEAR-1", "quantity": "1"}, {"product": "OIL-1", "quantity": "abc"}]},
     "lines[1].quantity", "valid number"),
    ({"lines": [{"product": "GEAR-1", "quantity": "1", "unit_price": "1.005"}]}, "lines[0].unit_price", "2 decimal"),
    ({"lines": [{"product": "GEAR-1", "quantity": "１２"}]}, "lines[0].quantity", "is not a plain number: send 12"),
    ({"lines": [{"product": "GEAR-1", "quantity": "1,000"}]}, "lines[0].quantity", "send 1000"),
    ({"lines": [{"product": "GEAR-1", "quantity": "1", "unit_price": "1e1"}]}, "lines[0].unit_price", "send 10"),
    ({"lines": []}, "lines", "empty"),
    ({"requested_date": "2020-01-01"}, "requested_date", "in the past"),
    ({"customer": "C-NONE"}, "customer", "No customer with code C-NONE"),
    ({"priority": "rush"}, "rush_reason", "reason for the rush"),
])
def test_bad_input_gets_errors_with_field_paths_and_writes_nothing(world, change, field, fragment):
    response = post(api(world["raw"]), body(**change))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["field"] == field and fragment in e["message"] for e in errors), errors
    assert not Order.objects.exists()


def test_list_filters_pages_and_detail_with_shipments(world):
    client = api(world["raw"])
    for po in ("A", "B", "C"):
        post(client, body(customer_po=po))
    post(client, body(customer="C-WEST", customer_po="W"))
    listing = client.get(URL, {"customer": "C-EAST", "page_size": 2}).json()
    assert listing["count"] == 3 and len(listing["results"]) == 2 and listing["next"]
    assert {o["customer_po"] for o in client.get(URL, {"customer_po": "W"}).json()["results"]} == {"W"}
    assert client.get(URL, {"status": "nonsense"}).json()["errors"][0]["field"] == "status"
    number = listing["results"][0]["number"]
    detail = client.get(f"{URL}{number}/").json()
    assert detail["number"] == number and len(detail["lines"]) == 2 and detail["shipments"] == []
    assert client.get(f"{URL}{number}/shipments/").json() == []


def test_list_pages_by_cursor_to_the_end_and_refuses_a_damaged_cursor(world):
    """Keyset pages (issue 19, item 4): following `next` visits every order once, newest first; `last`
    and `previous` walk back; a damaged cursor is a 400 naming the cursor."""
    client = api(world["raw"])
    made = [post(client, body(customer_po=f"P{n}")).json()["number"] for n in range(5)]
    numbers, url = [], URL + "?page_size=2"
    while url:
        listing = client.get(url).json()
        numbers += [o["number"] for o in listing["results"]]
        url = listing["next"]
    assert numbers == list(reversed(made))
    last = client.get(client.get(URL, {"page_size": 2}).json()["last"]).json()
    assert [o["number"] for o in last["results"]] == made[1::-1] and last["next"] is None
    back = client.get(last["previous"]).json()
    assert [o["number"] for o in back["results"]] == made[3:1:-1]
    bad = client.get(URL, {"cursor": "damaged"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "cursor"
    assert client.get(URL, {"page_size": 0}).status_code == 400


def test_keys_scope_and_permissions(world):
    west_order = post(api(world["raw"]), body(customer="C-WEST")).json()["number"]
    scoped = api(world["scoped_raw"])
    assert scoped.get(f"{URL}{west_order}/").status_code == 404  # another customer's order: as if absent
    assert scoped.get(URL).json()["count"] == 0
    made = post(scoped, body(customer="C-WEST"))
    assert made.status_code == 400 and made.json()["errors"][0]["field"] == "customer"
    mine = post(scoped, {k: v for k, v in body().items() if k != "customer"})
    assert mine.status_code == 201 and mine.json()["customer"]["code"] == "C-EAST"
    assert Client().get(URL).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Api-Key of_wrong").get(URL).status_code == 401
    _key, warehouse_raw = services.create_api_key(actor=world["users"]["admin"], name="WMS",
                                                  user=world["users"]["warehouse"])
    assert post(api(warehouse_raw), body()).status_code == 403
    services.revoke_api_key(actor=world["users"]["admin"], key=world["key"])
    assert api(world["raw"]).get(URL).status_code == 401


def test_too_many_requests_get_429(world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_key": "3/minute"}}
    from rest_framework.settings import api_settings

    api_settings.reload()
    from api.throttling import ApiKeyRateThrottle

    ApiKeyRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        client = api(world["raw"])
        codes = [client.get(URL).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert "Retry-After" in client.get(URL)
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_key": "600/minute"}}
        api_settings.reload()
        ApiKeyRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()


@pytest.fixture
def loopback_allowed(settings):
    """The local receiving servers of these tests: loopback is refused unless the operator allows it."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]


def test_status_changes_reach_the_webhook_signed_once_and_failures_are_retried(world, loopback_allowed):
    server = WebhookServer()
    try:
        WebhookSubscription.objects.create(api_key=world["scoped"], url=f"{server.url}/hook", secret="s3cret")
        number = post(api(world["raw"]), body()).json()["number"]
        order = Order.objects.get(number=number)
        server.mode = "error"
        transition_order(actor=world["users"]["order_desk"], order=order, action="approve")
        submitted, delivery = WebhookDelivery.objects.order_by("pk")  # submit (on creation), then approve
        assert submitted.payload["action"] == "submit" and delivery.payload["action"] == "approve"
        with pytest.raises(RuntimeError):
            webhooks.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 1, 500)
        server.mode = "ok"
        assert webhooks.deliver(delivery.pk) is True
        assert webhooks.deliver(delivery.pk) is False  # sent already: never twice
        received = server.received("/hook")[-1]
        assert received["json"]["order"] == number and received["json"]["status"] == "approved"
        headers = {name.lower(): value for name, value in received["headers"].items()}
        stamp, v1 = (part.split("=", 1)[1] for part in headers["x-orderflow-signature"].split(","))
        raw = json.dumps(received["json"], ensure_ascii=False).encode()
        assert v1 == hmac.new(b"s3cret", f"{stamp}.".encode() + raw, hashlib.sha256).hexdigest()
        # The scoped key hears nothing of another customer's orders.
        west = Order.objects.get(number=post(api(world["raw"]), body(customer="C-WEST")).json()["number"])
        transition_order(actor=world["users"]["order_desk"], order=west, action="approve")
        assert WebhookDelivery.objects.count() == 2
    finally:
        server.close()


def test_the_schema_is_served_and_documented(world):
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/orders/" in text and "Idempotency-Key" in text
    assert Client().get("/api/v1/").status_code == 200


def test_the_schema_fuzzed_gives_no_server_error(world):
    """Every operation of the served schema with input generated from it (schemathesis), sent through
    Django's test client: some are refused (400, 404, 422), none breaks (5xx)."""
    from urllib.parse import urlencode

    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings

    client = api(world["raw"])
    raw_schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    schema = schemathesis.openapi.from_dict(raw_schema)
    failures, calls = [], []
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def run(case):
            query = f"?{urlencode(case.query, doseq=True)}" if case.query else ""
            payload = case.body if isinstance(case.body, (dict, list, str, int, float)) else None
            headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in (case.headers or {}).items()
                       if name.lower() != "authorization"}
            response = client.generic(case.method, case.formatted_path + query,
                                      json.dumps(payload) if payload is not None else "",
                                      content_type="application/json", **headers)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, payload, response.status_code))

        run()
    assert calls and failures == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_key_at_once_make_one_order():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    CustomerFactory(code="C-EAST")
    ProductFactory(sku="GEAR-1", unit="pcs")
    ProductFactory(sku="OIL-1", unit="l")
    sales = user_with_role("sales")
    _key, raw = services.create_api_key(actor=user_with_role("admin"), name="ERP", user=sales)
    results, barrier = [], threading.Barrier(2)

    def send():
        barrier.wait()
        try:
            results.append(post(api(raw), body(), HTTP_IDEMPOTENCY_KEY="same").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [201, 201]
    assert Order.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    assert OrderEvent.objects.filter(action="submit").count() == 1
    assert ApiKey.objects.get().last_used_at is not None


def test_a_retry_after_a_crash_between_create_and_submit_finishes_the_same_order(world):
    """A worker died after the order was created under the key and before it was submitted: the record
    has no answer yet and the draft exists. The retry submits that draft; no second order is made."""
    client = api(world["raw"])
    data = body()
    IdempotencyRecord.objects.create(api_key=world["key"], key="k-crash", request_hash=services.request_hash(data))
    from orders.models import Customer, Product
    from orders.services import LineInput, create_order

    draft = create_order(actor=world["users"]["sales"], customer=Customer.objects.get(code="C-EAST"),
                         requested_date=timezone.localdate() + timedelta(days=20), channel=Channel.API,
                         lines=[LineInput(Product.objects.get(sku="GEAR-1"), Decimal("100"), Decimal("12.50"), None)],
                         entry_key=services._entry_key(world["key"], "k-crash"))
    response = post(client, data, HTTP_IDEMPOTENCY_KEY="k-crash")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == draft.number and response.json()["status"] == "submitted"
    assert Order.objects.count() == 1
    assert list(draft.events.values_list("action", flat=True)) == ["created", "submit"]
    record = IdempotencyRecord.objects.get(key="k-crash")
    assert (record.status_code, record.order_id) == (201, draft.pk)
    again = post(client, data, HTTP_IDEMPOTENCY_KEY="k-crash")
    assert again.json() == response.json() and again["Idempotent-Replayed"] == "true"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_their_own_keys_each_make_one_numbered_order():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    CustomerFactory(code="C-EAST")
    ProductFactory(sku="GEAR-1", unit="pcs")
    ProductFactory(sku="OIL-1", unit="l")
    _key, raw = services.create_api_key(actor=user_with_role("admin"), name="ERP", user=user_with_role("sales"))
    answers, barrier = [], threading.Barrier(6)

    def send(n):
        barrier.wait()
        try:
            for i in range(3):
                response = post(api(raw), body(customer_po=f"PO-{n}-{i}"), HTTP_IDEMPOTENCY_KEY=f"k-{n}-{i}")
                answers.append((response.status_code, response.json().get("number")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(answers) == 18 and {code for code, _number in answers} == {201}
    numbers = sorted(number for _code, number in answers)
    assert len(set(numbers)) == 18 and Order.objects.filter(status=OrderStatus.SUBMITTED).count() == 18
    assert IdempotencyRecord.objects.filter(status_code=201).count() == 18
    # The counter is gapless when nothing fails: 18 consecutive numbers.
    serials = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert serials == list(range(serials[0], serials[0] + 18))


def test_the_keys_page_shows_a_new_key_once_and_a_reload_makes_no_second_key(world, client):
    client.force_login(world["users"]["manager"])
    # A user with no right the manager lacks (tests/security/test_api_key_privileges.py has the others).
    response = client.post("/api/keys/", {"name": "Shop", "user": world["users"]["order_desk"].username,
                                          "customer": ""})
    assert response.status_code == 302 and response["Location"] == "/api/keys/"
    shown = client.get("/api/keys/")
    raw = re.search(r'data-testid="new-api-key".*?<code>(of_[^<]+)</code>', shown.content.decode(), re.S).group(1)
    assert ApiKey.objects.get(name="Shop").key_hash == hash_key(raw)
    again = client.get("/api/keys/").content.decode()
    assert raw not in again and "Shop" in again
    assert ApiKey.objects.filter(name="Shop").count() == 1
    refused = client.post("/api/keys/", {"name": "Bad", "user": world["users"]["sales"].username, "customer": "NOPE"})
    assert refused.status_code == 200 and "No customer with code NOPE." in refused.content.decode()
    assert not ApiKey.objects.filter(name="Bad").exists()


def test_a_key_registers_lists_and_removes_its_own_webhooks(world, loopback_allowed):
    client = api(world["raw"])
    made = client.post("/api/v1/webhooks/", json.dumps({"url": "https://localhost:8443/orderflow"}),
                       content_type="application/json")
    assert made.status_code == 201, made.content
    secret = made.json()["secret"]
    subscription = WebhookSubscription.objects.get(pk=made.json()["id"])
    assert (subscription.api_key, subscription.url, subscription.secret) == (world["key"], made.json()["url"], secret)
    assert len(secret) >= 32
    listed = client.get("/api/v1/webhooks/").json()
    assert [w["url"] for w in listed] == ["https://localhost:8443/orderflow"] and "secret" not in listed[0]
    # Bad input: a clear error with its field, nothing written.
    for bad in ({"url": "ftp://localhost:8443/x"}, {"url": "not a url"}, {}):
        refused = client.post("/api/v1/webhooks/", json.dumps(bad), content_type="application/json")
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "url"
    twice = client.post("/api/v1/webhooks/", json.dumps({"url": "https://localhost:8443/orderflow"}),
                        content_type="application/json")
    assert twice.status_code == 400 and "already sends" in twice.json()["errors"][0]["message"]
    assert WebhookSubscription.objects.count() == 1
    # Another key neither sees nor removes it.
    other = api(world["scoped_raw"])
    assert other.get("/api/v1/webhooks/").json() == []
    assert other.delete(f"/api/v1/webhooks/{subscription.pk}/").status_code == 404
    assert client.delete(f"/api/v1/webhooks/{subscription.pk}/").status_code == 204
    subscription.refresh_from_db()
    assert subscription.is_active is False and client.get("/api/v1/webhooks/").json() == []
    # A removed webhook hears nothing more.
    post(client, body())
    assert not WebhookDelivery.objects.exists()


def test_a_manager_adds_and_removes_a_webhook_on_the_keys_page(world, client, loopback_allowed):
    client.force_login(world["users"]["manager"])
    key = world["key"]
    added = client.post(f"/api/keys/{key.pk}/webhooks/", {"url": "https://localhost:8443/hook", "secret": ""})
    assert added.status_code == 302
    page = client.get("/api/keys/").content.decode()
    subscription = WebhookSubscription.objects.get(api_key=key)
    assert subscription.secret in page and "https://localhost:8443/hook" in page
    assert subscription.secret not in client.get("/api/keys/").content.decode()  # shown once
    bad = client.post(f"/api/keys/{key.pk}/webhooks/", {"url": "localhost:8443"}, follow=True)
    assert "Give the full http:// or https:// address" in bad.content.decode()
    assert WebhookSubscription.objects.count() == 1
    client.post(f"/api/keys/webhooks/{subscription.pk}/remove/")
    subscription.refresh_from_db()
    assert subscription.is_active is False
    client.force_login(world["users"]["sales"])
    assert client.post(f"/api/keys/{key.pk}/webhooks/", {"url": "https://localhost/"}).status_code == 403
