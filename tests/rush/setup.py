"""A small factory for rush tests, at the real time (the rush review checks dates against today).

One work center CUT working every day 06:00–22:00; product P made as item F, one operation of 60
minutes per unit on CUT, so n units take n working hours. Orders are made and planned through the real
services; each is entered by its own sales user, who is told when a rush moves it.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orders.models import Order, OrderStatus
from planning.plans import plan_order, release_plan
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_calendar, make_routing, make_work_center

PASSWORD = "pw-OrderFlow-2026"  # tests.fixtures.factories.UserFactory's password


def build_shop():
    calendar = make_calendar("Every day", shifts=[(day, "06:00", "22:00") for day in range(7)])
    cut = make_work_center("CUT", name="Cutting", calendar=calendar)
    product = ProductFactory(sku="P-RUSH", name="法兰 Flange")
    finished = made_item("F-RUSH", item_type="finished_good", product=product)
    make_routing(finished, [(10, cut, 0, 60)])
    return {"cut": cut, "product": product, "finished": finished}


def order_of(shop, quantity, *, status=OrderStatus.APPROVED, days=20, sales=None, username=None):
    sales = sales or user_with_role("sales", **({"username": username} if username else {}))
    return make_order(creator=sales, status=status, products=[shop["product"]], quantities=[Decimal(quantity)],
                      requested_in_days=days)


def planned_order(shop, planner, quantity, *, days=20, release=True, username=None):
    order = order_of(shop, quantity, days=days, username=username)
    plan_order(actor=planner, order=order)
    if release:
        release_plan(actor=planner, order=order)
    return Order.objects.get(pk=order.pk)


def in_days(n):
    return timezone.localdate() + timedelta(days=n)
