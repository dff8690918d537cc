"""Reads for the shop-floor pages. Each page costs a fixed number of queries whatever the queue's length.

An operation belongs to the work center the scheduler placed it on (planned_work_center), else to the
work center of its routing step.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.selectors import orders_visible_to
from planning.models import OPEN_WORK_ORDER_STATUSES, WorkCenter, WorkOrder, WorkOrderOperation, WorkOrderStatus
from planning.work_instructions import current_instructions

from .filters import ExceptionFilter
from .models import ExceptionEvent, ExceptionPhoto, ExceptionReport
from .services import PRODUCE, STARTABLE_ORDER, operation_state

WO = WorkOrderStatus
QUEUE_STATUSES = [WO.RELEASED, WO.IN_PROGRESS]
# The order page shows progress from the moment the plan is released.
PROGRESS_FROM = [OrderStatus.PLANNED, OrderStatus.MATERIALS_READY, OrderStatus.IN_PRODUCTION,
                 OrderStatus.AWAITING_QC, OrderStatus.QC_PASSED, OrderStatus.SHIPPED, OrderStatus.DELIVERED,
                 OrderStatus.CLOSED, OrderStatus.ON_HOLD]


def _with_center(queryset):
    return queryset.annotate(center_id=Coalesce("planned_work_center_id", "work_center_id"))


def shop_floor_centers(user):
    """Active work centers, each with `in_progress`, `queued` (released) and `rush` counts of its queue."""
    if not user.has_perm(PRODUCE):
        return []
    centers = list(WorkCenter.objects.filter(is_active=True).order_by("code"))
    counts = (_with_center(WorkOrderOperation.objects.filter(status__in=QUEUE_STATUSES,
                                                             work_order__status__in=OPEN_WORK_ORDER_STATUSES))
              .values("center_id")
              .annotate(in_progress=Count("pk", filter=Q(status=WO.IN_PROGRESS)),
                        queued=Count("pk", filter=Q(status=WO.RELEASED)),
                        rush=Count("pk", filter=Q(work_order__order__priority="rush"))))
    by_center = {row["center_id"]: row for row in counts}
    now = timezone.now()
    for center in centers:
        row = by_center.get(center.pk, {})
        center.in_progress, center.queued, center.rush = (row.get(key, 0) for key in ("in_progress", "queued", "rush"))
        center.is_down = center.down_until is not None and center.down_until > now
    return centers


def tablet_center(user, pk):
    qs = WorkCenter.objects.filter(is_active=True) if user.has_perm(PRODUCE) else WorkCenter.objects.none()
    center = get_object_or_404(qs, pk=pk)
    center.is_down = center.down_until is not None and center.down_until > timezone.now()
    return center


def _operations():
    return _with_center(WorkOrderOperation.objects.select_related(
        "work_order", "work_order__item", "work_order__order", "work_order__order__customer", "planned_work_center"))


def queue(center):
    """The work center's (or work center id's) released and started operations: started first, then rush
    orders, then by planned start. Each is decorated as decorate() says."""
    center_id = getattr(center, "pk", center)
    operations = list(
        _operations().filter(center_id=center_id, status__in=QUEUE_STATUSES,
                             work_order__status__in=OPEN_WORK_ORDER_STATUSES)
        .annotate(started_first=Case(When(status=WO.IN_PROGRESS, then=Value(0)), default=Value(1),
                                     output_field=IntegerField()))
        .order_by("started_first", "-work_order__order__priority", "planned_start", "pk"))
    return decorate(operations)


def operation_row(user, pk):
    """One operation as its tablet row shows it (whatever its status now); 404 for users without the role."""
    qs = _operations() if user.has_perm(PRODUCE) else WorkOrderOperation.objects.none()
    return decorate([get_object_or_404(qs, pk=pk)])[0]


def decorate(operations):
    """Set on each operation, in two queries for any number of them: `state` (what the tablet sends back),
    `remaining`, `waiting_for` (the operation or sub-assembly work orders that must be done first, as text
    parts), `materials_ready`, `order` (the work order's order) and `instruction` (the current work instruction
    of the operation, with its attachments, or None; two more queries)."""
    work_order_ids = {op.work_order_id for op in operations}
    sequences = defaultdict(list)
    for work_order_id, sequence, status in (WorkOrderOperation.objects.filter(work_order_id__in=work_order_ids)
                                            .exclude(status=WO.CANCELLED)
                                            .values_list("work_order_id", "sequence", "status")):
        sequences[work_order_id].append((sequence, status))
    open_children = defaultdict(list)
    for parent_id, number in (WorkOrder.objects.filter(parent_id__in=work_order_ids)
                              .exclude(status__in=[WO.DONE, WO.CANCELLED]).order_by("number")
                              .values_list("parent_id", "number")):
        open_children[parent_id].append(number)
    instructions = current_instructions((op.work_order.item_id, op.sequence) for op in operations)
    for op in operations:
        op.instruction = instructions.get((op.work_order.item_id, op.sequence))
        op.order = op.work_order.order
        op.state = operation_state(op)
        op.remaining = max(op.quantity - op.good_quantity - op.scrap_quantity, Decimal("0"))
        op.materials_ready = op.order.status in STARTABLE_ORDER
        earlier = [(seq, status) for seq, status in sequences[op.work_order_id] if seq < op.sequence]
        op.waiting_for_operation = None
        op.waiting_for_work_orders = []
        if earlier:
            sequence, status = max(earlier)
            if status != WO.DONE:
                op.waiting_for_operation = sequence
        else:
            op.waiting_for_work_orders = open_children[op.work_order_id]
        op.is_waiting = op.waiting_for_operation is not None or bool(op.waiting_for_work_orders)
        op.order_blocked = op.order.status not in STARTABLE_ORDER and op.order.status not in (
            OrderStatus.APPROVED, OrderStatus.PLANNED)  # on hold, cancelled…: not a question of materials
        # A released operation that start_operation would refuse: its Start button is disabled.
        op.start_blocked = op.status == WO.RELEASED and (op.is_waiting or not op.materials_ready)
        # Started work on an order that left production (on hold…): pause, report and complete are refused too.
        op.work_blocked = op.status == WO.IN_PROGRESS and op.order.status != OrderStatus.IN_PRODUCTION
    return operations


# --- progress on the order page ----------------------------------------------------------------------

def _work_content(op):
    """Standard minutes of an operation: the weight of its progress in its work order's."""
    return op.setup_minutes + op.run_minutes_per_unit * op.quantity


def _progress(op):
    if op.status == WO.DONE:
        return Decimal("1")
    return min((op.good_quantity + op.scrap_quantity) / op.quantity, Decimal("1"))


def _weighted(parts):
    """Weighted mean of (weight, fraction) pairs as a whole percentage."""
    total = sum((weight for weight, _fraction in parts), Decimal("0"))
    if total <= 0:
        return 0
    return int(sum((weight * fraction for weight, fraction in parts), Decimal("0")) * 100 / total)


def order_progress(user, pk):
    """An order the user may see, with its work orders that are not cancelled (`work_orders`), each with its
    operations and planned against actual times, good and scrap, and `percent` done weighted by standard
    minutes; the order's `percent` likewise. Three queries."""
    operations = Prefetch("operations", queryset=WorkOrderOperation.objects.exclude(status=WO.CANCELLED)
                          .select_related("planned_work_center", "work_center").order_by("sequence"))
    order = get_object_or_404(orders_visible_to(user).prefetch_related(Prefetch(
        "work_orders", to_attr="progress_work_orders",
        queryset=WorkOrder.objects.exclude(status=WO.CANCELLED).select_related("item", "parent")
        .prefetch_related(operations).order_by("pk"))), pk=pk)
    order_parts = []
    for work_order in order.progress_work_orders:
        ops = list(work_order.operations.all())
        for op in ops:
            op.percent = int(_progress(op) * 100)
        work_order.ops = ops
        work_order.percent = _weighted([(_work_content(op), _progress(op)) for op in ops])
        started = [op.started_at for op in ops if op.started_at]
        work_order.actual_start = min(started, default=None)
        work_order.actual_end = (max((op.finished_at for op in ops if op.finished_at), default=None)
                                 if work_order.status == WO.DONE else None)
        last = ops[-1] if ops else None
        work_order.good = last.good_quantity if last else Decimal("0")
        work_order.scrap = sum((op.scrap_quantity for op in ops), Decimal("0"))
        order_parts += [(_work_content(op), _progress(op)) for op in ops]
    order.percent = _weighted(order_parts)
    order.shows_progress = order.status in PROGRESS_FROM
    return order


# --- exception reports -------------------------------------------------------------------------------

def exception_list(user, filters=None):
    """Reports the user may see (the supervisor, planners, managers), filtered and sorted, with their
    work center, reporter and affected orders in three queries per page."""
    if not user.has_perm("production.view_exceptionreport"):
        return ExceptionReport.objects.none()
    # Orders load their status whatever is deferred (the state machine reads it), so it is selected too.
    orders = Order.objects.only("id", "number", "priority", "status").order_by("number")
    qs = ExceptionReport.objects.select_related("work_center", "reported_by").prefetch_related(
        Prefetch("affected_orders", queryset=orders))
    return ExceptionFilter(filters or {}, qs).qs


def exception_detail(user, pk):
    """One report with its timeline, photos, affected operations and orders; 404 for users who may not see it."""
    qs = (ExceptionReport.objects.all() if user.has_perm("production.view_exceptionreport")
          else ExceptionReport.objects.none())
    return get_object_or_404(qs.select_related(
        "work_center", "reported_by", "acknowledged_by", "resolved_by", "operation", "operation__work_order")
        .prefetch_related(
            Prefetch("events", queryset=ExceptionEvent.objects.select_related("actor").order_by("created_at", "id")),
            Prefetch("photos", queryset=ExceptionPhoto.objects.order_by("uploaded_at", "id")),
            Prefetch("affected_operations", queryset=WorkOrderOperation.objects.select_related(
                "work_order", "work_order__order", "work_order__item", "planned_work_center")
                .order_by("planned_start", "pk")),
            Prefetch("affected_orders", queryset=Order.objects.select_related("customer").order_by("number"))),
        pk=pk)


def exception_photo(user, report_pk, photo_pk):
    if not user.has_perm("production.view_exceptionreport"):
        return get_object_or_404(ExceptionPhoto.objects.none())
    return get_object_or_404(ExceptionPhoto, pk=photo_pk, report_id=report_pk)


def reportable_operation(pk):
    """The operation a problem is reported on from the tablet (open ones only), with its work center."""
    return (WorkOrderOperation.objects.filter(pk=pk, status__in=OPEN_WORK_ORDER_STATUSES)
            .select_related("work_order", "work_order__order", "work_center", "planned_work_center").first())
