"""Bad input gets a clear refusal in the reader's language, never a 500 and never a write: control
characters in any form or query value (inputs/middleware.py), malformed, too-deep and too-large API
bodies (api/parsers.py, JSON error format), and bodies over the per-URL limit refused from Content-Length
before they are read."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from api import services as api_services
from orders.models import Customer, Order
from tests.fixtures.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(role_users):
    CustomerFactory(code="C-EAST", name="华东机械")
    ProductFactory(sku="GEAR-1", unit="pcs", list_price=Decimal("12.50"))
    return role_users


def signed_in(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def entry_post(**overrides):
    data = {"customer": "C-EAST", "customer_po": "PO-1", "channel": "browser", "priority": "normal",
            "requested_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000", "lines-0-product": "GEAR-1", "lines-0-quantity": "5"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("field", ["customer_po", "customer", "lines-0-product", "internal_notes"])
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_the_entry_form_is_refused_with_a_message(shop, field, char):
    client = signed_in(shop["sales"])
    before = Order.objects.count()
    response = client.post("/orders/new/", entry_post(**{field: f"AB{char}C"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "invisible control character" in page and "Nothing was saved" in page
    assert Order.objects.count() == before


def test_the_refusal_is_in_chinese_for_a_chinese_reader(shop):
    client = signed_in(shop["sales"], "zh-hans")
    response = client.post("/orders/new/", entry_post(customer_po="PO\x00"))
    assert response.status_code == 400
    assert "不可见的控制字符" in response.content.decode()


@pytest.mark.parametrize("url", ["/orders/new/totals/", "/orders/search/products/?q=GE%00AR",
                                 "/orders/search/customers/?customer=C%00", "/orders/?q=%00"])
def test_live_preview_lookups_and_searches_refuse_nul_instead_of_a_500(shop, url):
    client = signed_in(shop["sales"])
    if url.endswith("totals/"):
        response = client.post(url, entry_post(customer_po="PO\x00"), HTTP_HX_REQUEST="true")
    else:
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "invisible control character (NUL)" in response.content.decode()


def test_ordinary_text_with_tabs_newlines_and_chinese_still_goes_through(shop):
    client = signed_in(shop["sales"])
    response = client.post("/orders/new/", entry_post(customer_po="PO-华东-1", internal_notes="第一行\r\n\t第二行 ‏"))
    assert response.status_code == 302
    assert Order.objects.get().customer_po == "PO-华东-1"


# --- the API -------------------------------------------------------------------------------------

@pytest.fixture
def api_client(shop):
    _key, raw = api_services.create_api_key(actor=shop["admin"], name="ERP", user=shop["sales"])
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def api_body(**overrides):
    data = {"customer": "C-EAST", "customer_po": "PO-1",
            "requested_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "lines": [{"product": "GEAR-1", "quantity": "100"}]}
    data.update(overrides)
    return data


def assert_json_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert errors and all(error["message"] for error in errors)
    if code:
        assert errors[0]["code"] == code
    assert Order.objects.count() == 0


def test_api_ten_thousand_levels_of_nesting_is_a_json_400(api_client):
    deep = "[" * 10_000 + "]" * 10_000
    response = api_client.post("/api/v1/orders/", deep, content_type="application/json")
    assert_json_error(response, 400, "parse_error")
    assert "nested" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("text", ['{"customer": ', "not json", '{"customer": NaN}', '{"q": 1e309}',
                                  b'{"customer": "\xff"}'])
def test_api_malformed_json_is_a_json_400(api_client, text):
    response = api_client.post("/api/v1/orders/", text, content_type="application/json")
    assert_json_error(response, 400, "parse_error")


def test_api_a_ten_megabyte_body_is_a_json_413_before_it_is_read(api_client):
    big = json.dumps(api_body(customer_po="x" * (10 * 1024 * 1024)))
    response = api_client.post("/api/v1/orders/", big, content_type="application/json")
    assert_json_error(response, 413, "too_large")


@pytest.mark.parametrize("where", ["customer_po", "customer", "line"])
def test_api_control_characters_in_any_string_are_refused(api_client, where):
    data = api_body()
    if where == "line":
        data["lines"][0]["product"] = "GEAR\x00-1"
    else:
        data[where] = "X\x00Y"
    response = api_client.post("/api/v1/orders/", json.dumps(data), content_type="application/json")
    assert_json_error(response, 400)
    assert "control character" in response.json()["errors"][0]["message"]


def test_a_query_parameter_with_nul_to_the_api_is_a_json_400(api_client):
    response = api_client.get("/api/v1/orders/?customer=C%00")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "control_character"


# --- body size before reading ----------------------------------------------------------------------

class _Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_oversized_upload_is_refused_from_its_declared_length_without_reading_it(shop, rf):
    from inputs.middleware import InputGuardMiddleware

    request = rf.post("/quality/inspections/1/attachments/", data=b"", content_type="multipart/form-data; b=x")
    request.META["CONTENT_LENGTH"] = str(200 * 1024 * 1024)
    request.META["wsgi.input"] = _Unreadable()
    request._stream = _Unreadable()
    request.user = shop["qc"]
    response = InputGuardMiddleware(lambda r: pytest.fail("the view ran"))(request)
    assert response.status_code == 413
    assert "larger than 11.0\xa0MB" in response.content.decode()


def test_an_oversized_upload_over_http_gets_413_and_nothing_is_written(shop):
    client = signed_in(shop["qc"])
    before = Customer.objects.count()
    response = client.post("/orders/customers/new/", {"code": "X", "name": "y" * (7 * 1024 * 1024)})
    assert response.status_code == 413
    assert Customer.objects.count() == before
