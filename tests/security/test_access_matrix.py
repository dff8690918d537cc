"""The access matrix: every URL of the app, tried anonymously and by a user of each role, GET and POST.

- Anonymous: every page sends to the login page, except the documented public ones (PUBLIC), the REST
  API (401 without a key) and the Django admin (its own login).
- Every role: no answer is a server error, whatever the URL and its parameters (parameters name objects
  that do not exist, so views must check and answer 403/404, never fail).
- The navigation's pages (accounts.context_processors.NAVIGATION, each with the permission it needs) give
  200 to the roles that have the permission and 403 to the others.
- POSTs to every URL by anonymous and by a role that may change nothing there write nothing.

URLs are enumerated from the URL configuration, so a new page is in the matrix the day it is added."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from accounts.context_processors import NAVIGATION
from accounts.roles import ROLE_PERMISSIONS, ROLES
from alerts.models import Alert
from inventory.models import StockMove
from orders.models import ChangeRequest, Order, OrderEvent
from quality.models import Inspection
from rush.models import RushRequest
from shipping.models import Shipment

pytestmark = pytest.mark.django_db

# Reachable without logging in, on purpose (documented in README / docs).
PUBLIC = {
    "accounts:login": "the login page",
    "javascript-catalog": "translations for the browser",
    "tracking:page": "the customer's tracking page (a secret token; unknown tokens are 404)",
    "notices:unsubscribe": "a customer contact stops order updates (signed link in every notice; bad tokens 404)",
    "notices:feedback": "the satisfaction form linked from the delivery notice (signed link; bad tokens 404)",
    "api:documentation": "the REST API's documentation page",
    "api:schema": "the OpenAPI schema",
    "healthz": "liveness for load balancers and compose (says only 'ok')",
    "readyz": "readiness for load balancers (check names and ok/failing, no details)",
}
# Readiness answers 503 by design while a part is missing (here: no worker heartbeat on the test queue).
NOT_READY = {"readyz"}


def server_error(name, status):
    return status >= 500 and not (name in NOT_READY and status == 503)


# The REST API's endpoints answer 401 without a key (the keys page is a normal page).
API_ENDPOINTS = {"api:orders", "api:order", "api:order_shipments", "api:webhooks", "api:webhook"}
MISSING = 999_999  # an id no object has
VALUES = {"fmt": "csv", "action": "approve", "decision": "approve", "kind": "order", "token": "no-such-token",
          "number": "SO-2000-99999", "key": "orders", "app_label": "orders", "url": "x", "content_type_id": "1",
          "object_id": "1"}


def url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the Django admin: its own staff login, tried once below
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), str(pattern.pattern)


def address(name, pattern):
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)
    kwargs = {}
    for plain, regex in params:
        param = plain or regex
        kwargs[param] = VALUES.get(param, MISSING)
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        for param in kwargs:  # a slug or choice the value does not fit: try the other known values
            for value in ("csv", "customer", "order_confirmation", "approve", "1"):
                try:
                    return reverse(name, kwargs={**kwargs, param: value})
                except NoReverseMatch:
                    continue
        raise


def every_url():
    seen = {}
    for name, pattern in url_names():
        seen.setdefault(name, address(name, pattern))
    return seen


@pytest.fixture
def clients(role_users):
    made = {}
    for role in ROLES:
        client = Client()
        client.force_login(role_users[role])
        made[role] = client
    return made


def counts():
    return [model.objects.count() for model in (Order, OrderEvent, StockMove, Inspection, Shipment, RushRequest,
                                                ChangeRequest)]


def test_the_matrix_covers_the_app():
    urls = every_url()
    assert len(urls) > 150
    for name in PUBLIC:
        assert name in urls, f"{name} is documented as public but no longer exists"


def test_anonymous_visitors_are_sent_to_login_except_on_public_pages(client):
    for name, url in every_url().items():
        response = client.get(url)
        assert not server_error(name, response.status_code), (name, url, response.status_code)
        if name in PUBLIC:
            assert response.status_code in (200, 404, 503 if name in NOT_READY else 200), (name, url,
                                                                                         response.status_code)
        elif name in API_ENDPOINTS:
            assert response.status_code in (401, 403), (name, url, response.status_code)
        elif response.status_code != 405:  # a POST-only address refuses a GET before anything else
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], (name, url,
                                                                                                 response.status_code)
    assert "/admin/login/" in client.get("/admin/")["Location"]


def test_no_role_gets_a_server_error_on_any_url(clients):
    errors = []
    for name, url in every_url().items():
        for role, client in clients.items():
            status = client.get(url).status_code
            if server_error(name, status):
                errors.append((role, name, url, status))
    assert errors == []


def test_navigation_pages_answer_by_the_documented_permission(clients, role_users):
    for name, _label, permission in NAVIGATION:
        url = reverse(name)
        for role, client in clients.items():
            status = client.get(url).status_code
            allowed = permission is None or role == "admin" or permission in ROLE_PERMISSIONS.get(role, [])
            assert status == (200 if allowed else 403), (role, name, status)


def test_posts_by_anonymous_and_by_a_role_without_rights_write_nothing(client, clients):
    before = counts()
    alerts = Alert.objects.count()
    for name, url in every_url().items():
        anonymous = client.post(url, {})
        assert not server_error(name, anonymous.status_code), ("anonymous", name, anonymous.status_code)
        if name not in PUBLIC and name not in API_ENDPOINTS and anonymous.status_code == 302:
            assert "/accounts/login/" in anonymous["Location"], (name, anonymous["Location"])
        answer = clients["qc"].post(url, {})
        assert not server_error(name, answer.status_code), ("qc", name, url, answer.status_code)
    assert counts() == before and Alert.objects.count() == alerts


def test_the_admin_is_for_staff_only(clients, role_users):
    for role in ROLES:
        assert "/admin/login/" in clients[role].get("/admin/")["Location"], role  # roles are not staff
    get_user_model().objects.filter(pk=role_users["admin"].pk).update(is_staff=True, is_superuser=True)
    assert clients["admin"].get("/admin/").status_code == 200
