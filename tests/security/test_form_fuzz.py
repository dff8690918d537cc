"""A fuzz pass over every form the app shows: each role's pages are crawled from the home page, every POST form
found is filled from hypothesis strategies (text with NUL, control characters, RTL marks, 10,000 characters,
emoji, full-width digits; numbers as NaN, ±Infinity, 1e309, exponents, locale commas; dates in year 1 and
9999) and posted as that role. No answer may be a server error, and a refusal (anything but a redirect after
saving) writes nothing. Bounded: a few examples per form, so the pass takes a few minutes."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order

pytestmark = pytest.mark.django_db

ROLES = ["sales", "order_desk", "planner", "warehouse", "production", "qc", "shipping", "manager"]
PAGES_PER_ROLE = 40
SKIP = re.compile(r"^/(admin|static|media|jsi18n|api|accounts/(logout|language|password))|/(export|download|pdf)"
                  r"|\.(csv|xlsx|pdf)$")

TEXTS = st.one_of(
    st.sampled_from(["\x00", "PO\x00-1", "\x1b[31mred", "a\x07b", "\u202eevil\u202c", "\u200f\u200e",
                     "x" * 10_000, "😀🏭🔧", "１２３４", "漢字テキスト", " ", "<script>alert(1)</script>",
                     "=1+1", "' OR 1=1 --", "\ufeff", "\U0010ffff"]),
    st.text(max_size=40),
)
NUMBERS = st.sampled_from(["NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "1E5", "1e-7",
                           "1,5", "1,000.5", "１２．５", "-0", "9" * 40, "0x10", "", "12.5", "-3", "1_000"])
DATES = st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "0000-00-00", "31/12/2026", "",
                         "2026-13-01", "99999-01-01", "1899-12-31"])
TIMES = st.sampled_from(["25:00", "00:00", "-1:00", "12:60", "", "99999999", "12:00"])


class _Forms(HTMLParser):
    """Links and POST forms (action, fields) of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form, self._select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": [],
                          "multipart": "multipart" in (attrs.get("enctype") or "")}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            field = {"name": attrs["name"], "kind": kind, "value": attrs.get("value") or "", "options": []}
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                field["value"] = ""
            self._form["fields"].append(field)
            if tag == "select":
                self._select = field
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _pattern(path):
    return re.sub(r"\d+", "N", path)


def crawl(client):
    """{form pattern: (page path, form)} of the POST forms reachable from the home page."""
    seen, queue, found = set(), ["/"], {}
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if _pattern(path) in seen:
            continue
        seen.add(_pattern(path))
        response = client.get(path, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urlparse(urljoin(path, form["action"] or path)).path
            if not SKIP.search(action) and any(f["kind"] not in ("hidden", "submit") for f in form["fields"]):
                found.setdefault(_pattern(action) + "|" + ",".join(sorted(f["name"] for f in form["fields"])),
                                 (action, form))
        for href in parser.links:
            target = urlparse(urljoin(path, href))
            if not target.netloc and target.path.startswith("/") and not SKIP.search(target.path):
                queue.append(target.path)  # list filters (query strings) lead to the same forms
    return found


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label not in ("sessions", "admin", "axes", "contenttypes", "auth")
            and not model._meta.proxy and model._meta.managed}


def fill(form, data):
    post = {}
    for field in form["fields"]:
        name, kind = field["name"], field["kind"]
        if kind in ("submit", "button", "file"):
            if kind == "submit" and field["value"]:
                post.setdefault(name, field["value"])
            continue
        if kind == "hidden" and (name.endswith(("FORMS", "_NUM_FORMS")) or "csrf" in name):
            post[name] = field["value"]
        elif kind == "date":
            post[name] = data.draw(DATES)
        elif kind in ("time", "datetime-local"):
            post[name] = data.draw(DATES if kind == "datetime-local" else TIMES)
        elif kind == "number" or re.search(r"quantity|price|amount|qty|value|hours|minutes|days|limit|rate",
                                           name):
            post[name] = data.draw(NUMBERS)
        elif kind == "select":
            post[name] = data.draw(st.sampled_from(field["options"] or [""]) | TEXTS)
        elif kind in ("checkbox", "radio"):
            post[name] = field["value"] or "on"
        else:
            post[name] = data.draw(TEXTS) if kind != "hidden" else data.draw(st.just(field["value"]) | TEXTS)
    return post


def fuzz_one_form(client, action, form, failures):
    @settings(max_examples=4, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def post_fuzzed(data):
        post = fill(form, data)
        before = row_counts()
        response = client.post(action, post)
        if response.status_code >= 500:
            failures.append((action, response.status_code, {k: v[:40] for k, v in post.items()}))
            return
        if response.status_code != 302:  # refused (400/403/413, or the form again with its errors)
            assert row_counts() == before, f"{action} wrote something while refusing {post}"

    post_fuzzed()


@pytest.fixture
def world(role_users):
    customer = CustomerFactory(code="C-FUZZ")
    products = [ProductFactory(sku="FUZZ-1"), ProductFactory(sku="FUZZ-2")]
    make_order(creator=role_users["sales"], customer=customer, products=products)
    make_order(creator=role_users["sales"], customer=customer, products=products, status="submitted")
    return role_users


@pytest.mark.parametrize("role", ROLES)
def test_every_form_survives_fuzzed_input_without_a_server_error(world, role):
    client = Client(raise_request_exception=False)
    client.force_login(world[role])
    forms = crawl(client)
    assert forms or role == "shipping", f"no form found for {role}"  # shipping's forms need shipments
    failures = []
    for action, form in (forms[key] for key in sorted(forms)):
        fuzz_one_form(client, action, form, failures)
    assert not failures, failures


def test_a_next_field_that_looks_like_a_view_name_is_not_a_500(world):
    """Found by this fuzz pass: redirect("=1+1") tried it as a URL name (NoReverseMatch)."""
    client = Client(raise_request_exception=False)
    client.force_login(world["manager"])
    response = client.post("/accounts/language/", {"language": "en", "next": "=1+1"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_fuzz_text_reaches_the_guard_and_is_refused(world):
    """The strategies do hit the refusal path: a NUL in the entry form is a 400, not a saved order."""
    client = Client()
    client.force_login(world["sales"])
    response = client.post("/orders/new/", {"customer": "C-FUZZ", "customer_po": "PO\x00",
                                            "requested_date": (timezone.localdate() + timedelta(days=9)).isoformat()})
    assert response.status_code == 400
