"""The two orders the order-page benchmark compares: a big one (50 lines, 200 events) and a small
one (3 lines, a few events). Made once per bench database through the real services, so their
lines and events are what users would have produced; found again by their customer PO."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orders import services
from orders.demo_data import ensure_role_users
from orders.models import Order, Product

from .database import part_customer

BIG_PO = "BENCH-BIG-50L-200E"
SMALL_PO = "BENCH-SMALL-3L"
BIG_LINES = 50
BIG_EVENTS = 200


def _make(*, po, lines, users):
    customer = part_customer("pages")
    products = list(Product.objects.filter(is_active=True, unit="pcs").order_by("sku")[:lines])
    order = services.create_order(
        actor=users["sales"], customer=customer, customer_po=po,
        requested_date=timezone.localdate() + timedelta(days=60),
        lines=[services.LineInput(p, Decimal(10 * (i + 1)), p.list_price) for i, p in enumerate(products)])
    order = services.submit_order(actor=users["sales"], order=order)
    order = services.approve_order(actor=users["order_desk"], order=order, acknowledge_credit=True)
    for action, role in [("release_plan", "planner"), ("prepare_materials", "warehouse"),
                         ("start_production", "production")]:
        order = services.transition_order(actor=users[role], order=order, action=action)
    return order


def ensure_sample_orders():
    """(big order, small order), made if missing."""
    users = ensure_role_users()
    big = Order.objects.filter(customer_po=BIG_PO).first()
    if big is None:
        big = _pad_to(_make(po=BIG_PO, lines=BIG_LINES, users=users), users)
    small = Order.objects.filter(customer_po=SMALL_PO).first()
    if small is None:
        small = _make(po=SMALL_PO, lines=3, users=users)
    return big, small


def _pad_to(order, users):
    """Grow the history to BIG_EVENTS with holds and resumes (real transitions: the cheapest way to
    a long, consistent event log); an odd remainder ends with finish_production."""
    missing = BIG_EVENTS - order.events.count()
    for i in range(missing // 2):
        order = services.hold_order(actor=users["order_desk"], order=order, reason=f"bench hold {i + 1}")
        order = services.resume_order(actor=users["order_desk"], order=order)
    if missing % 2:
        order = services.transition_order(actor=users["production"], order=order, action="finish_production")
    return order
