"""Reads that can leave the primary (issue 19, item 6): with a replica configured, reports, dashboards and
exports read from it through config.replica.ReplicaRouter and say how fresh its data is; every other page,
and every write, stays on the primary. The replica here is a second alias mirroring the test database."""

import re

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.replica import ReplicaRouter, replica_reads
from orders.models import Order
from reports.models import DeliveredOrderFact
from tests.fixtures.factories import user_with_role

from .data import PERIOD, build

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    settings.REPLICA_DATABASE_ALIAS = "replica"
    return connections["replica"]


def tables(queries, verb="SELECT"):
    return {table for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(verb)
            for table in re.findall(r'(?:FROM|JOIN|INTO) "?(\w+)"?', q["sql"])}


def test_the_dashboard_reads_from_the_replica_and_writes_to_the_primary(client, replica):
    build(user_with_role("sales"))
    client.force_login(user_with_role("manager"))
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get(reverse("reports:dashboard"), {**PERIOD, "recompute": "1"})
    assert response.status_code == 200
    assert {"orders_order", "reports_deliveredorderfact", "reports_deliveryday"} <= tables(on_replica)
    assert not tables(on_replica, "INSERT") and not tables(on_replica, "DELETE")
    # The facts "Recompute now" found missing are written on the primary (read there under the orders' locks).
    assert "reports_deliveredorderfact" in tables(on_primary, "INSERT")
    assert DeliveredOrderFact.objects.count() == 5
    note = re.search(r'data-testid="replica-as-of">(.*?)</p>', response.content.decode(), re.S).group(1)
    assert re.fullmatch(r"Data as of \d{4}-\d\d-\d\d \d\d:\d\d: this page reads from the reporting copy of the "
                        r"database\.", note), note


def test_exports_read_from_the_replica(client, replica, monkeypatch):
    """The order export reads through a server-side cursor (not in the captured queries): the router's
    answers show where its reads went."""
    build(user_with_role("sales"))
    client.force_login(user_with_role("manager"))
    routed = []
    db_for_read = ReplicaRouter.db_for_read
    monkeypatch.setattr(ReplicaRouter, "db_for_read",
                        lambda self, model, **hints: routed.append((model, db_for_read(self, model, **hints)))
                        or routed[-1][1])
    response = client.get(reverse("orders:export", args=["csv"]))
    assert response.status_code == 200 and b"SO-T-" in response.content
    assert (Order, "replica") in routed
    # The login's reads (session, user, permissions) happen before the view, on the primary.
    assert {alias for model, alias in routed if model._meta.app_label == "orders"} == {"replica"}


def test_other_pages_stay_on_the_primary_and_show_no_note(client, replica):
    orders = build(user_with_role("sales"))
    client.force_login(user_with_role("manager"))
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(reverse("orders:detail", args=[orders["A"].pk]))
    assert response.status_code == 200
    assert on_replica.captured_queries == []
    assert b'data-testid="replica-as-of"' not in response.content


def test_the_note_is_in_the_readers_language(client, replica):
    build(user_with_role("sales"))
    client.force_login(user_with_role("manager"))
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"})
    body = client.get(reverse("reports:dashboard"), PERIOD).content.decode()
    note = re.search(r'data-testid="replica-as-of">(.*?)</p>', body, re.S).group(1)
    assert "数据截至" in note and "Data as of" not in note


def test_without_a_replica_everything_reads_from_the_primary(client, settings):
    settings.REPLICA_DATABASE_ALIAS = None
    build(user_with_role("sales"))
    client.force_login(user_with_role("manager"))
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        body = client.get(reverse("reports:dashboard"), PERIOD).content.decode()
    assert on_replica.captured_queries == [] and 'data-testid="replica-as-of"' not in body


def test_the_router_never_migrates_or_writes_the_replica(replica):
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "orders") is False and router.allow_migrate("default", "orders")
    with replica_reads():
        assert router.db_for_read(Order) == "replica"
        assert router.db_for_write(Order) == "default"
    assert router.db_for_read(Order) is None
