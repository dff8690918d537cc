"""Reads for the Gantt chart: all planned operations in a time window in one query."""

from django.db.models import Q

from orders.models import Priority

from .gantt import GanttOperation, is_late
from .models import WO, WorkOrderOperation


def gantt_operations(window, tz):
    """The planned operations overlapping `window` of work orders that are not cancelled, as GanttOperation
    values (one query: the work order, order, customer, item and work centers are joined in)."""
    rows = (
        WorkOrderOperation.objects
        .filter(planned_start__lt=window.end, planned_end__gt=window.start)
        .exclude(Q(status=WO.CANCELLED) | Q(work_order__status=WO.CANCELLED))
        .select_related("work_order__order__customer", "work_order__item", "work_center", "planned_work_center")
        .only("sequence", "description", "planned_unit", "planned_start", "planned_end", "locked",
              # Both FSM models read their status when loaded (django-fsm's ConcurrentTransitionMixin).
              "work_order__number", "work_order__planned_end", "work_order__status", "work_order__order__status",
              "work_order__item__code", "work_order__item__name",
              "work_order__order__number", "work_order__order__priority", "work_order__order__requested_date",
              "work_order__order__promised_date", "work_order__order__customer__name",
              "work_center__code", "planned_work_center__code")
        .order_by("planned_start", "pk")
    )
    operations = []
    for row in rows:
        work_order, order = row.work_order, row.work_order.order
        center = row.planned_work_center or row.work_center
        operations.append(GanttOperation(
            order_id=order.pk, order_number=order.number, customer_name=order.customer.name,
            work_order_number=work_order.number, item_code=work_order.item.code, item_name=work_order.item.name,
            sequence=row.sequence, description=row.description, center_code=center.code, unit=row.planned_unit,
            start=row.planned_start, end=row.planned_end, rush=order.priority == Priority.RUSH,
            late=is_late(work_order.planned_end, order.promised_date, order.requested_date, tz),
            locked=row.locked))
    return operations
