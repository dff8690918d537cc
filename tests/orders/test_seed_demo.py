"""`manage.py seed_demo`: the demo data set (through the real services) and the bulk scale data."""

import io
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserProfile
from accounts.roles import ROLES
from numbering.models import Counter as NumberCounter
from orders import services
from orders.demo_data import DEMO_PASSWORD, LOW_CREDIT_CUSTOMER
from orders.models import Customer, Order, OrderEvent, OrderLine, OrderStatus, Product

pytestmark = pytest.mark.django_db


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out, **options)
    return out.getvalue()


def assert_event_chains_consistent(orders):
    """Every order's events start with "created" in draft, each event starts where the previous one
    ended, times never go backwards, and the last event ends in the order's current status."""
    events_by_order = {}
    for event in OrderEvent.objects.filter(order__in=orders).order_by("order_id", "created_at", "id"):
        events_by_order.setdefault(event.order_id, []).append(event)
    for order in orders:
        events = events_by_order.get(order.pk)
        assert events, f"{order.number} has no events"
        assert events[0].action == "created" and events[0].to_status == OrderStatus.DRAFT, order.number
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status in (before.to_status, ""), (order.number, before.action, after.action)
            assert after.created_at >= before.created_at, order.number
        assert events[-1].to_status == order.status, (order.number, events[-1].action, order.status)
        assert events[0].created_at == order.created_at, order.number


def test_refuses_without_force_when_debug_is_off():
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()


def test_demo_data_has_role_users_every_status_and_events_and_is_idempotent(client):
    output = seed()
    assert "Demo data created" in output

    User = get_user_model()
    for role in ROLES:
        user = User.objects.get(username=role)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password(DEMO_PASSWORD)
        assert user.first_name and user.email.endswith(".example")
        assert UserProfile.objects.get(user=user).language in ("en", "zh-hans")
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="sales").is_superuser
    assert UserProfile.objects.get(user__username="sales").language == "zh-hans"
    assert UserProfile.objects.get(user__username="warehouse").language == "zh-hans"

    assert Customer.objects.count() == 20
    assert Customer.objects.filter(is_active=False).count() >= 2
    low = Customer.objects.get(code=LOW_CREDIT_CUSTOMER)
    assert Decimal("0") < low.credit_limit <= Decimal("50000")
    assert Product.objects.filter(is_active=True).count() >= 50
    assert set(Product.objects.values_list("unit", flat=True)) >= {"pcs", "box", "kg", "l"}
    assert all(5 <= p.standard_lead_time_days <= 30 for p in Product.objects.all())

    orders = list(Order.objects.all())
    assert 40 <= len(orders) <= 50
    # Past QC the orders need the stages' records: the shipping demo makes them (tests/inventory/test_stock_demo.py).
    past_qc = {OrderStatus.QC_PASSED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CLOSED}
    assert set(o.status for o in orders) == set(OrderStatus.values) - past_qc
    assert_event_chains_consistent(orders)
    rush = [o for o in orders if o.is_rush]
    assert len(rush) >= 5 and all(o.rush_reason for o in rush)
    # Side roads the demo should show: a credit warning waiting for review, one acknowledged,
    # rejected orders with their reason (a resumed hold and inactive customers' history are closed orders:
    # the shipping demo's, tests/inventory/test_stock_demo.py).
    assert Order.objects.filter(status=OrderStatus.SUBMITTED, credit_warning=True,
                                credit_acknowledged_by__isnull=True).exists()
    assert OrderEvent.objects.filter(action="credit_acknowledged").exists()
    assert all(o.status_reason for o in orders if o.status in (OrderStatus.REJECTED, OrderStatus.CANCELLED))
    # History is spread over the past, and every number is from the sequence.
    assert min(o.created_at for o in orders) < timezone.now() - timedelta(days=14)
    assert max(OrderEvent.objects.values_list("created_at", flat=True)) <= timezone.now()
    assert sorted(int(o.number.rsplit("-", 1)[1]) for o in orders if o.number.startswith(
        f"SO-{timezone.localdate().year}-"))[-1] == NumberCounter.objects.get(
        series="SO", year=timezone.localdate().year).last

    # The pages show the demo data (Chinese names, reasons, every state) without errors.
    client.force_login(User.objects.get(username="order_desk"))
    assert client.get(reverse("orders:list")).status_code == 200
    for status in set(OrderStatus.values) - past_qc:
        order = Order.objects.filter(status=status).first()
        page = client.get(reverse("orders:detail", args=[order.pk]))
        assert page.status_code == 200 and order.number in page.content.decode()

    counts = (User.objects.count(), Customer.objects.count(), Product.objects.count(), Order.objects.count(),
              OrderEvent.objects.count())
    second = seed()
    assert "already seeded" in second
    assert (User.objects.count(), Customer.objects.count(), Product.objects.count(), Order.objects.count(),
            OrderEvent.objects.count()) == counts


def test_scale_data_orders_lines_events_and_sequence():
    output = seed(orders=500, seed=1)
    assert "Generated 500 orders" in output
    orders = list(Order.objects.all())
    assert len(orders) == 500
    lines = OrderLine.objects.count()
    assert 500 * 2 <= lines <= 500 * 5
    assert OrderEvent.objects.count() >= 500 * 2
    assert_event_chains_consistent(orders)
    assert len(Counter(o.status for o in orders)) >= 8  # spread over the state machine, not all closed

    numbers = [o.number for o in orders]
    assert len(set(numbers)) == 500
    for order in orders:
        assert order.number.startswith(f"SO-{timezone.localtime(order.created_at).year}-")
    # Totals and shipped quantities agree with the lines.
    sample = Order.objects.prefetch_related("lines").order_by("id")[:50]
    for order in sample:
        assert order.total_amount == sum((ln.amount for ln in order.lines.all()), Decimal("0"))
        if order.status == OrderStatus.CLOSED:
            assert all(ln.shipped_quantity == ln.quantity for ln in order.lines.all())
    # The sequence moved past every generated number: a real order gets a fresh one.
    year = timezone.localdate().year
    assert NumberCounter.objects.get(series="SO", year=year).last == max(
        int(n.rsplit("-", 1)[1]) for n in numbers if n.startswith(f"SO-{year}-"))
    sales = get_user_model().objects.get(username="sales")
    customer = Customer.objects.filter(is_active=True).first()
    product = Product.objects.filter(is_active=True).first()
    new = services.create_order(actor=sales, customer=customer, requested_date=timezone.localdate() + timedelta(30),
                                lines=[services.LineInput(product, Decimal("12"), product.list_price)])
    assert new.number not in numbers

    # Generated orders move on through the services like any other (the FSM state loads correctly).
    desk = get_user_model().objects.get(username="order_desk")
    active = Order.objects.filter(status__in=[OrderStatus.APPROVED, OrderStatus.PLANNED, OrderStatus.MATERIALS_READY,
                                              OrderStatus.IN_PRODUCTION, OrderStatus.AWAITING_QC,
                                              OrderStatus.QC_PASSED, OrderStatus.SHIPPED]).first()
    was = active.status
    held = services.hold_order(actor=desk, order=active, reason="stock count")
    assert held.status == OrderStatus.ON_HOLD
    assert services.resume_order(actor=desk, order=held).status == was

    # Scale users have no usable password; the demo set gives them the demo password later.
    assert not sales.has_usable_password()
    seed(orders=20, lines_per_order=7)
    assert Order.objects.count() == 521
    assert OrderLine.objects.filter(order__in=Order.objects.order_by("-id")[:20]).count() == 140
