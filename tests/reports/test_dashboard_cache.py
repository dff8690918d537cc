"""The dashboard's figures are shared between page views for DASHBOARD_CACHE_SECONDS (tests turn the
sharing off elsewhere): computed once, served from the cache, recomputed on demand, per filter set."""

import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from reports.facts import refresh_order_facts
from tests.fixtures.factories import user_with_role

from .data import PERIOD, build, local, order_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client):
    cache.clear()
    build(user_with_role("sales"))
    refresh_order_facts()
    client.force_login(user_with_role("manager"))
    yield client
    cache.clear()


def rush_share(response):
    """The rush share card: "(rush/received)"."""
    card = re.search(r'data-figure="rush_share".*?<small>\((\d+)/(\d+)\)</small>', response.content.decode(), re.S)
    return int(card.group(1)), int(card.group(2))


def new_rush_order():
    from orders.models import Customer, Product

    order_row(creator=user_with_role("sales"), customer=Customer.objects.get(code="C-MAIN"),
              product=Product.objects.get(sku="P-MAIN"), status="approved", priority="rush", submitted=local(9, 9))


@override_settings(DASHBOARD_CACHE_SECONDS=60)
def test_figures_are_computed_once_then_shared_until_recomputed(manager_client, django_assert_max_num_queries):
    dashboard = reverse("reports:dashboard")
    first = manager_client.get(dashboard, PERIOD)
    assert rush_share(first) == (3, 6)
    assert first.context["computed_at"] is not None
    new_rush_order()

    # The next view reads the shared figures: the new order is not in them yet, and it costs no figure query.
    with django_assert_max_num_queries(8) as queries:
        shared = manager_client.get(dashboard, PERIOD)
    assert not any("orders_orderline" in q["sql"] for q in queries.captured_queries)
    assert rush_share(shared) == (3, 6)
    assert shared.context["computed_at"] == first.context["computed_at"]
    body = shared.content.decode()
    assert "Figures computed at" in body and 'data-testid="recompute"' in body

    # "Recompute now" counts the new order and shares the new figures with the next views.
    recomputed = manager_client.get(dashboard, {**PERIOD, "recompute": "1"})
    assert rush_share(recomputed) == (4, 7)
    assert recomputed.context["computed_at"] > first.context["computed_at"]
    assert rush_share(manager_client.get(dashboard, PERIOD)) == (4, 7)


@override_settings(DASHBOARD_CACHE_SECONDS=60)
def test_each_filter_set_has_its_own_figures(manager_client):
    dashboard = reverse("reports:dashboard")
    assert rush_share(manager_client.get(dashboard, PERIOD)) == (3, 6)
    assert rush_share(manager_client.get(dashboard, {**PERIOD, "customer": "C-OTHER"})) == (1, 1)
    assert rush_share(manager_client.get(dashboard, {**PERIOD, "priority": "rush"})) == (3, 3)


@override_settings(DASHBOARD_CACHE_SECONDS=60)
def test_the_wall_screen_shares_the_figures_and_has_no_recompute_link(manager_client):
    manager_client.get(reverse("reports:dashboard"), PERIOD)
    new_rush_order()
    wall = manager_client.get(reverse("reports:wall"), PERIOD)
    assert rush_share(wall) == (3, 6)
    assert 'data-testid="recompute"' not in wall.content.decode()


@override_settings(DASHBOARD_CACHE_SECONDS=0)
def test_zero_seconds_computes_on_every_view(manager_client):
    dashboard = reverse("reports:dashboard")
    assert rush_share(manager_client.get(dashboard, PERIOD)) == (3, 6)
    new_rush_order()
    assert rush_share(manager_client.get(dashboard, PERIOD)) == (4, 7)
