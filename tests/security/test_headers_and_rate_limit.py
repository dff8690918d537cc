"""Response headers and the public page's rate limit:
- every page carries a Content-Security-Policy that runs scripts from our own origin only (no inline
  script), and no template has an inline <script> block, an on*= handler, or htmx code attributes
  (hx-on, js: values), which that policy would block;
- pages for a signed-in person and API answers to a key are never stored (Cache-Control: no-store);
- the customer's tracking page answers each client TRACKING_RATE_LIMIT times, then a friendly 429 page in
  the visitor's language with Retry-After; other clients go on."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from api import services as api_services

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
HTMX_CODE = re.compile(r"\shx-on[:\-]|hx-vals\s*=\s*['\"]\s*js:|\bjavascript:", re.I)


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_carry_a_policy_without_inline_script(client, role_users):
    for response in (client.get("/accounts/login/"), Client().get("/track/nonsense/")):
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], policy
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in policy.get("default-src", []) + policy["script-src"]
    client.force_login(role_users["sales"])
    assert directives(client.get("/orders/new/"))["script-src"] == ["'self'"]


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, INLINE_HANDLER, HTMX_CODE], ids=["script", "on*=", "htmx-js"])
def test_no_template_has_code_the_policy_would_block(pattern):
    found = [f"{path.relative_to(TEMPLATES)}:{text[:text.index(match.group(0))].count(chr(10)) + 1}"
             for path in sorted(TEMPLATES.rglob("*.html")) for text in [path.read_text(encoding="utf-8")]
             for match in pattern.finditer(text)]
    assert found == [], f"move to a static file: {found}"


def test_pages_for_a_signed_in_person_are_never_stored(client, role_users):
    client.force_login(role_users["sales"])
    for url in ("/", "/orders/", "/orders/new/", "/alerts/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    # A public page for anonymous visitors (the API's documentation) may be cached as usual.
    assert "no-store" not in Client().get("/api/v1/").get("Cache-Control", "")


def test_api_answers_are_never_stored(role_users):
    _key, raw = api_services.create_api_key(actor=role_users["admin"], name="ERP", user=role_users["sales"])
    response = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}").get("/api/v1/orders/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


@pytest.fixture
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_the_tracking_page_is_limited_per_client_at_30_a_minute(fresh_counts, settings):
    from config.settings import base

    settings.TRACKING_RATE_LIMIT = base.TRACKING_RATE_LIMIT  # the shipped default (tests raise it)
    assert settings.TRACKING_RATE_LIMIT == "30/minute"
    visitor = Client(REMOTE_ADDR="127.0.0.1")
    answers = [visitor.get(f"/track/guess-{n}/").status_code for n in range(31)]
    assert answers == [404] * 30 + [429]
    other = Client(REMOTE_ADDR="::1")
    assert other.get("/track/guess/").status_code == 404  # another client is not held back


def test_the_limit_page_is_friendly_in_the_visitors_language(fresh_counts, settings):
    settings.TRACKING_RATE_LIMIT = "2/minute"
    visitor = Client(REMOTE_ADDR="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    visitor.get("/track/a/")
    visitor.get("/track/b/")
    refused = visitor.get("/track/c/")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "请稍候" in page and "秒后再试" in page and "no-store" in refused["Cache-Control"]
    english = Client(REMOTE_ADDR="::1", HTTP_ACCEPT_LANGUAGE="en")
    for _n in range(2):
        english.get("/track/x/")
    page = english.get("/track/y/").content.decode()
    assert "Please wait a moment" in page and re.search(r"Please try again in \d+ seconds?\.", page)


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(fresh_counts, settings):
    settings.TRACKING_RATE_LIMIT = "2/minute"
    answers = [Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"127.0.0.{n}").get("/track/t/").status_code
               for n in range(2, 6)]
    assert answers == [404, 404, 429, 429]


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(fresh_counts, settings):
    settings.TRACKING_RATE_LIMIT, settings.RATE_LIMIT_PROXY_COUNT = "1/minute", 1
    proxy = "127.0.0.1"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="127.0.0.7, 127.0.0.2")
    assert first.get("/track/t/").status_code == 404
    assert first.get("/track/t/").status_code == 429
    # The same forged left part with another real client (the address the proxy appended) is counted apart.
    assert Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="127.0.0.7, 127.0.0.3").get("/track/t/").status_code == 404
