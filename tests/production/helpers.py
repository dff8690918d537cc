"""An order ready for the shop floor, made through the real services: the planning test shop (work center
CUT; finished good F with operations 10 and 20, made from sub-assembly S with operation 10), planned
for next Monday, released by a planner and given its materials by the warehouse."""

from decimal import Decimal

from orders.models import OrderStatus
from orders.services import transition_order
from planning.models import WorkOrder
from planning.plans import plan_order, release_plan
from tests.fixtures.factories import user_with_role
from tests.planning.test_work_orders import approved_order, build_shop, next_monday

__all__ = ["build_shop", "released_order", "operations_of"]


def released_order(shop, *, quantity="3", materials_ready=True, planner=None, plan_twice=False, order=None,
                   **order_options):
    """`order`: an approved order to use instead of one for `quantity` of the shop's product."""
    planner = planner or user_with_role("planner")
    order = order or approved_order(shop, quantity=quantity, **order_options)
    plan_order(actor=planner, order=order, now=next_monday())
    if plan_twice:  # the first plan's work orders stay behind, cancelled
        plan_order(actor=planner, order=order, now=next_monday())
    release_plan(actor=planner, order=order)
    if materials_ready:
        transition_order(actor=user_with_role("warehouse"), order=order, action="prepare_materials")
    order.refresh_from_db()
    assert order.status == (OrderStatus.MATERIALS_READY if materials_ready else OrderStatus.PLANNED)
    return order


def operations_of(order):
    """(sub-assembly operation 10, F operation 10, F operation 20) of the order's open work orders."""
    top = WorkOrder.objects.exclude(status="cancelled").get(order=order, parent__isnull=True, item__code="F")
    sub = WorkOrder.objects.exclude(status="cancelled").get(order=order, parent=top)
    top_ops = list(top.operations.order_by("sequence"))
    return sub.operations.get(), top_ops[0], top_ops[1]


def quantity(value):
    return Decimal(str(value))
