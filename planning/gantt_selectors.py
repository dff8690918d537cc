"""Reads for the Gantt chart (all planned operations in a time window in one query) and its adjustment dialog."""

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from orders.models import Priority

from .adjustments import OPERATION_RELATED
from .gantt import GanttOperation, is_late
from .models import WO, WorkOrder, WorkOrderOperation


def gantt_operations(window, tz):
    """The planned operations overlapping `window` of work orders that are not cancelled, as GanttOperation
    values. One query joining work order, order, customer, item and work centers; plain values rather than
    model instances because a screen can hold thousands of operations."""
    rows = (
        WorkOrderOperation.objects
        .filter(planned_start__lt=window.end, planned_end__gt=window.start)
        .exclude(Q(status=WO.CANCELLED) | Q(work_order__status=WO.CANCELLED))
        .order_by("planned_start", "pk")
        .values("pk", "sequence", "description", "planned_unit", "planned_start", "planned_end", "locked",
                "work_order__number", "work_order__planned_end", "work_order__item__code", "work_order__item__name",
                "work_order__order_id", "work_order__order__number", "work_order__order__priority",
                "work_order__order__requested_date", "work_order__order__promised_date",
                "work_order__order__customer__name",
                center_code=Coalesce("planned_work_center__code", "work_center__code"))
    )
    return [GanttOperation(
        order_id=row["work_order__order_id"], order_number=row["work_order__order__number"],
        customer_name=row["work_order__order__customer__name"], work_order_number=row["work_order__number"],
        item_code=row["work_order__item__code"], item_name=row["work_order__item__name"],
        sequence=row["sequence"], description=row["description"], center_code=row["center_code"],
        unit=row["planned_unit"], start=row["planned_start"], end=row["planned_end"],
        rush=row["work_order__order__priority"] == Priority.RUSH,
        late=is_late(row["work_order__planned_end"], row["work_order__order__promised_date"],
                     row["work_order__order__requested_date"], tz),
        locked=row["locked"], operation_id=row["pk"]) for row in rows]


def adjustable_operation(user, pk):
    """An operation with what its adjustment dialog shows (work order, order, item, work centers and the
    routing's choices) in one query; 404 for users who may not plan."""
    qs = WorkOrderOperation.objects.all() if user.has_perm("orders.plan_order") else WorkOrderOperation.objects.none()
    return get_object_or_404(qs.select_related(*OPERATION_RELATED, "work_order__order__customer"), pk=pk)


def splittable_work_order(user, pk):
    """A work order for the split dialog; 404 for users who may not plan."""
    qs = WorkOrder.objects.all() if user.has_perm("orders.plan_order") else WorkOrder.objects.none()
    return get_object_or_404(qs.select_related("item", "order__customer"), pk=pk)
