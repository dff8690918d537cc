"""Reads for the plan review: approved orders waiting for planning or release, and one order's
proposed plan (work orders, operations, planned times, lateness against the promised or requested
date). The queue costs a fixed number of queries whatever its length."""

from django.db.models import Count, Max, Prefetch, Q
from django.shortcuts import get_object_or_404

from orders.models import Order, OrderLine, OrderStatus
from systemtext.text import duration_text  # noqa: F401  (planning's name for it, used by its modules)

from .models import OPEN_WORK_ORDER_STATUSES, WorkOrder, WorkOrderEvent, WorkOrderOperation, WorkOrderStatus
from .plans import due_instant

PLANNABLE = [OrderStatus.APPROVED, OrderStatus.PLANNED]


def _late_minutes(finish, due):
    if finish is None or finish <= due:
        return 0
    return int((finish - due).total_seconds() // 60)


def plan_queue(user):
    """Approved orders for the planner: rush first, then the earliest requested date. Each carries the
    number of its planned work orders and their planned finish (`planned_finish`)."""
    if not user.has_perm("orders.plan_order"):
        return Order.objects.none()
    planned = Q(work_orders__status=WorkOrderStatus.PLANNED)
    return (Order.objects.filter(status=OrderStatus.APPROVED).select_related("customer")
            .annotate(planned_count=Count("work_orders", filter=planned),
                      planned_finish=Max("work_orders__planned_end", filter=planned))
            .order_by("-priority", "requested_date", "id"))


def with_lateness(orders):
    """Set `late_minutes` on each order of the page (0 when on time or not planned yet); no queries."""
    for order in orders:
        order.late_minutes = _late_minutes(order.planned_finish, due_instant(order))
        order.late_text = duration_text(order.late_minutes)
    return orders


def order_plan(user, pk):
    """An approved or planned order with its lines and its work orders that are not cancelled (each with
    its operations, its events and `late_minutes` against its due instant); 404 for users who may not plan."""
    qs = Order.objects.filter(status__in=PLANNABLE) if user.has_perm("orders.plan_order") else Order.objects.none()
    return plan_of(qs, pk)


def plan_of(qs, pk):
    """The order `pk` of `qs` as order_plan describes it (404 when not in `qs`)."""
    operations = Prefetch("operations", queryset=WorkOrderOperation.objects.select_related(
        "work_center", "alternative_work_center", "planned_work_center").order_by("sequence"))
    work_orders = Prefetch("work_orders", to_attr="open_work_orders", queryset=WorkOrder.objects.filter(
        status__in=OPEN_WORK_ORDER_STATUSES).select_related("item", "order_line", "parent")
        .prefetch_related(operations, Prefetch("events", queryset=WorkOrderEvent.objects.select_related("actor")
                                               .order_by("created_at", "id"))).order_by("pk"))
    order = get_object_or_404(qs.select_related("customer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("line_no")), work_orders),
        pk=pk)
    for work_order in order.open_work_orders:
        work_order.due = due_instant(order, work_order.order_line)
        work_order.late_minutes = _late_minutes(work_order.planned_end, work_order.due)
        work_order.late_text = duration_text(work_order.late_minutes)
    ends = [wo.planned_end for wo in order.open_work_orders if wo.planned_end]
    order.planned_finish = max(ends, default=None)
    order.late_minutes = max([wo.late_minutes for wo in order.open_work_orders], default=0)
    order.late_text = duration_text(order.late_minutes)
    order.has_planned_work = any(wo.status == WorkOrderStatus.PLANNED for wo in order.open_work_orders)
    return order
