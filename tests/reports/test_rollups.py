"""The dashboard's daily rollups (reports.rollups, issue 19 item 2): kept at each delivery through the real
services and equal to a full recount from history; the dashboard's figures read from them equal the ones
computed from the delivered-order facts (percentiles within the stated half bucket); a fixed number of queries
that never read the facts; the reconciliation command reports and repairs drift; the data migration fills them."""

import random
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import Alert
from orders.models import OrderStatus
from reports import dashboard as dashboard_module
from reports import rollups
from reports.dashboard import DashboardFilters, dashboard, percentile
from reports.facts import refresh_order_facts
from reports.models import DeliveredOrderFact, DeliveryDay, LeadTimeDay
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order, user_with_role

from .data import build, local, order_row

pytestmark = pytest.mark.django_db

S = OrderStatus
PERIOD = DashboardFilters(date_from=date(2026, 1, 5), date_to=date(2026, 1, 18))
WALK = [("submitted", "submit"), ("approved", "approve"), ("planned", "release_plan"),
        ("materials_ready", "prepare_materials"), ("awaiting_qc", "finish_production"), ("qc_passed", "pass_qc"),
        ("shipped", "ship"), ("delivered", "confirm_delivery")]


def random_world(creator, rng, n=60):
    """The hand-checked data set plus `n` delivered orders with random stage times (some stages skipped),
    priorities, due dates and delivery days in and around the period."""
    orders = build(creator)
    customers = [CustomerFactory() for _i in range(3)]
    product = ProductFactory()
    for _i in range(n):
        submitted = local(1, 8) + timedelta(hours=rng.uniform(0, 24 * 14))
        order = order_row(creator=creator, customer=rng.choice(customers), product=product, status="delivered",
                          priority=rng.choice(["normal", "normal", "rush"]), submitted=submitted,
                          requested=date(2026, 1, rng.randint(6, 25)),
                          promised=rng.choice([None, date(2026, 1, rng.randint(6, 25))]),
                          total=str(rng.randint(1, 900)))
        at, previous = submitted, "draft"
        for status, action in WALK:
            if status != "submitted":
                at += timedelta(hours=rng.uniform(0.5, 80))
            if status not in ("submitted", "delivered") and rng.random() < 0.2:
                continue  # a stage the data does not show
            order.events.record(action=action, actor=None, from_status=previous, to_status=status, created_at=at)
            previous = status
    refresh_order_facts()
    return orders


def fact_figures(filters, monkeypatch):
    """The dashboard's figures as computed before the rollups: from the delivered-order facts."""
    with monkeypatch.context() as patch:
        patch.setattr(dashboard_module, "from_rollups", lambda _filters: False)
        return dashboard(filters)


@pytest.mark.parametrize("seed", [1, 2])
def test_figures_from_the_rollups_equal_the_computed_ones(monkeypatch, seed):
    random_world(user_with_role("sales"), random.Random(seed))
    for filters in (PERIOD, DashboardFilters(**{**PERIOD.__dict__, "priority": "rush"}),
                    DashboardFilters(**{**PERIOD.__dict__, "priority": "normal"}),
                    DashboardFilters(date_from=date(2026, 1, 12), date_to=date(2026, 1, 12)),
                    DashboardFilters(date_from=date(2025, 12, 1), date_to=date(2026, 2, 28))):
        computed, rolled = fact_figures(filters, monkeypatch), dashboard(filters)
        assert rolled["on_time"] == computed["on_time"], filters
        assert rolled["rush"] == computed["rush"], filters
        assert rolled["stages"] == computed["stages"] and rolled["top_products"] == computed["top_products"]
        lead, exact = rolled["lead"], computed["lead"]
        assert lead["avg_days"] == exact["avg_days"]
        assert [s["avg_days"] for s in lead["stages"]] == [s["avg_days"] for s in exact["stages"]]
        # Percentiles within half a bucket (0.25 days), plus the rounding of both to 0.1 day.
        error = lead["bucket_error_days"] + 0.1 + 1e-9
        for mine, theirs in zip([lead] + lead["stages"], [exact] + exact["stages"], strict=True):
            assert (mine["p90_days"] is None) == (theirs["p90_days"] is None)
            if mine["p90_days"] is not None:
                assert abs(mine["p90_days"] - theirs["p90_days"]) <= error, (filters, mine, theirs)
        assert exact["bucket_error_days"] is None and lead["bucket_error_days"] == 0.25
    assert DeliveryDay.objects.exists() and LeadTimeDay.objects.exists()


def test_percentiles_from_buckets_are_within_half_a_bucket():
    rng = random.Random(5)
    for _trial in range(300):
        values = sorted(rng.choice([rng.uniform(0, 30), rng.uniform(0, 2000), rng.expovariate(1 / 90)])
                        for _i in range(rng.randint(1, 60)))
        buckets = {}
        for value in values:
            buckets[rollups.bucket_of(value)] = buckets.get(rollups.bucket_of(value), 0) + 1
        for fraction in (0.5, 0.9):
            assert abs(rollups.percentile_from_buckets(buckets, fraction) - percentile(values, fraction)) \
                <= rollups.BUCKET_HOURS / 2 + 1e-9
    assert rollups.percentile_from_buckets({}, 0.9) is None


def test_rollups_kept_by_random_transitions_through_the_services_equal_a_recount_from_history():
    """Orders moved through the services to random states (delivered and closed ones by the stages' own
    records): the rollups written at each delivery equal a full recount from the order events."""
    rng = random.Random(19)
    sales = user_with_role("sales")
    targets = [S.DELIVERED, S.CLOSED, S.DELIVERED, S.SHIPPED, S.AWAITING_QC, S.CANCELLED, S.SUBMITTED]
    made = [make_order(creator=sales, status=rng.choice(targets), priority=rng.choice(["normal", "rush"]),
                       rush_reason="customer line stop", products=[ProductFactory()]) for _i in range(6)]
    made.append(make_order(creator=sales, status=S.DELIVERED, priority="rush", rush_reason="customer line stop",
                           products=[ProductFactory()]))
    delivered = [o for o in made if o.status in (S.DELIVERED, S.CLOSED)]
    assert delivered
    # Written in the delivery's own transaction: no refresh has run.
    assert DeliveredOrderFact.objects.count() == len(delivered)
    kept = rollups.stored()
    assert sum(n for n, _on_time in kept[0].values()) == len(delivered)
    assert {key[2] for key in kept[1]} >= {"lead_time_hours", "shipping_hours"}

    assert rollups.reconcile(fix=False, rebuild_facts=True) == []  # facts rebuilt from history, recounted
    assert rollups.stored() == kept == rollups.recount()


def test_reconcile_command_reports_and_repairs_drift():
    build(user_with_role("sales"))
    refresh_order_facts()
    call_command("reconcile_rollups")  # in step: no error
    DeliveryDay.objects.filter(day=date(2026, 1, 7)).update(delivered=9)
    LeadTimeDay.objects.filter(measure="review_hours").delete()
    with pytest.raises(CommandError, match="difference"):
        call_command("reconcile_rollups", "--check")
    assert DeliveryDay.objects.get(day=date(2026, 1, 7)).delivered == 9  # --check repairs nothing
    with pytest.raises(CommandError, match="repaired"):
        call_command("reconcile_rollups")
    assert rollups.stored() == rollups.recount()
    assert DeliveryDay.objects.get(day=date(2026, 1, 7)).delivered == 1
    assert Alert.objects.filter(kind="rollup_drift").count() == 1
    call_command("reconcile_rollups")  # nothing left to repair
    from reports.tasks import reconcile_rollups

    assert reconcile_rollups() == 0


def test_data_migration_fills_the_rollups_from_history():
    build(user_with_role("sales"))
    refresh_order_facts()
    kept = rollups.stored()
    DeliveryDay.objects.all().delete()
    LeadTimeDay.objects.all().delete()
    DeliveredOrderFact.objects.all().delete()
    import_module("reports.migrations.0007_fill_daily_rollups").fill(apps, None)
    assert DeliveredOrderFact.objects.count() == 5
    assert rollups.stored() == kept == rollups.recount()


def _dashboard_queries(filters):
    with CaptureQueriesContext(connection) as queries:
        dashboard(filters)
    return [q["sql"] for q in queries.captured_queries]


def test_the_delivery_figures_cost_the_same_queries_whatever_the_deliveries_and_never_read_the_facts():
    from .data import add_delivered_orders

    creator = user_with_role("sales")
    build(creator)
    refresh_order_facts()
    small = _dashboard_queries(PERIOD)
    add_delivered_orders(creator, 40)
    refresh_order_facts()
    large = _dashboard_queries(PERIOD)
    assert len(small) == len(large)
    fact_table = DeliveredOrderFact._meta.db_table
    assert not [sql for sql in large if fact_table in sql]
    assert sum(DeliveryDay._meta.db_table in sql for sql in large) == 2  # weekly on-time and rush on-time
    assert sum(LeadTimeDay._meta.db_table in sql for sql in large) == 1


def test_the_dashboard_states_the_percentile_error_in_the_readers_language(client):
    build(user_with_role("sales"))
    refresh_order_facts()
    client.force_login(user_with_role("manager"))
    period = {"date_from": "2026-01-05", "date_to": "2026-01-18"}
    body = client.get(reverse("reports:dashboard"), period).content.decode()
    assert "within ±0.25 days of the exact value" in body
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"})
    body = client.get(reverse("reports:dashboard"), period).content.decode()
    assert "误差在 ±0.25 天以内" in body and "within ±" not in body
    # A customer's figures are computed exactly from its facts: no note.
    customer = client.get(reverse("reports:dashboard"), {**period, "customer": "C-MAIN"}).content.decode()
    assert 'data-note="percentile-error"' not in customer


@pytest.mark.django_db(transaction=True)
def test_fact_rebuilds_at_the_same_moment_count_each_delivery_once(postgres_only):
    """Two refreshes and a page's missing-facts step on the same deliveries at once (PostgreSQL, separate
    connections): each locks the orders of its batch first, so they queue, none deadlocks, and the rollups
    count every delivery once."""
    from reports.facts import add_missing_facts

    build(user_with_role("sales"))
    results = run_together(refresh_order_facts, refresh_order_facts,
                           lambda: add_missing_facts(PERIOD.start, PERIOD.end))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert DeliveredOrderFact.objects.count() == 5
    assert rollups.stored() == rollups.recount()
    assert sum(n for n, _on_time in rollups.stored()[0].values()) == 5
