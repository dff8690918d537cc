"""Concurrency on PostgreSQL with real, separate connections (threads each get their own)."""

from decimal import Decimal

import pytest

from orders import services
from orders.models import Order, OrderStatus
from orders.services import OrderActionRefused
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order, user_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_two_people_approving_at_once_exactly_one_succeeds():
    sales = user_with_role("sales")
    desk_a, desk_b = user_with_role("order_desk"), user_with_role("manager")
    for _round in range(5):  # several rounds: the race must never let both through
        order = make_order(creator=sales, status=OrderStatus.SUBMITTED)
        # Each reviewer loaded the page showing "submitted" (their own stale copy).
        copy_a, copy_b = Order.objects.get(pk=order.pk), Order.objects.get(pk=order.pk)
        results = run_together(
            lambda a=copy_a: services.approve_order(actor=desk_a, order=a, expected_status="submitted"),
            lambda b=copy_b: services.reject_order(actor=desk_b, order=b, reason="dup", expected_status="submitted"),
        )
        successes = [r for r in results if isinstance(r, Order)]
        refusals = [r for r in results if isinstance(r, OrderActionRefused)]
        assert len(successes) == 1 and len(refusals) == 1, results
        assert "changed by someone else" in refusals[0].message
        final = Order.objects.get(pk=order.pk)
        assert final.status == successes[0].status
        transitions = list(final.events.exclude(action="created").values_list("action", flat=True))
        assert transitions in (["submit", "approve"], ["submit", "reject"])


def test_same_approval_twice_at_once_writes_one_event():
    sales, desk = user_with_role("sales"), user_with_role("order_desk")
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED)
    results = run_together(*[lambda: services.approve_order(actor=desk, order=order, expected_status="submitted")] * 2)
    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert order.events.filter(action="approve").count() == 1


def test_concurrent_creation_gets_unique_order_numbers():
    sales = user_with_role("sales")
    customer, product = CustomerFactory(), ProductFactory()
    from django.utils import timezone

    def create():
        return services.create_order(
            actor=sales, customer=customer, requested_date=timezone.localdate() + timezone.timedelta(days=30),
            lines=[services.LineInput(product, Decimal("1"), Decimal("1"))])

    results = run_together(*[create] * 8)
    assert all(isinstance(r, Order) for r in results), results
    numbers = [r.number for r in results]
    assert len(set(numbers)) == 8
    year = timezone.localdate().year
    assert sorted(numbers) == [f"SO-{year}-{i:05d}" for i in range(1, 9)]


def test_double_click_at_the_same_moment_creates_one_order():
    sales = user_with_role("sales")
    customer, product = CustomerFactory(), ProductFactory()
    from django.utils import timezone

    key = "8d3e9a3c-0000-4000-8000-000000000001"

    def create():
        return services.create_order(
            actor=sales, customer=customer, requested_date=timezone.localdate() + timezone.timedelta(days=30),
            lines=[services.LineInput(product, Decimal("1"), Decimal("1"))], entry_key=key)

    results = run_together(create, create)
    assert all(isinstance(r, Order) for r in results), results
    assert results[0].pk == results[1].pk
    assert Order.objects.count() == 1
