"""Reads for the Gantt chart: all planned operations in a time window in one query."""

from django.db.models import Q
from django.db.models.functions import Coalesce

from orders.models import Priority

from .gantt import GanttOperation, is_late
from .models import WO, WorkOrderOperation


def gantt_operations(window, tz):
    """The planned operations overlapping `window` of work orders that are not cancelled, as GanttOperation
    values. One query joining work order, order, customer, item and work centers; plain values rather than
    model instances because a screen can hold thousands of operations."""
    rows = (
        WorkOrderOperation.objects
        .filter(planned_start__lt=window.end, planned_end__gt=window.start)
        .exclude(Q(status=WO.CANCELLED) | Q(work_order__status=WO.CANCELLED))
        .order_by("planned_start", "pk")
        .values("sequence", "description", "planned_unit", "planned_start", "planned_end", "locked",
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
        locked=row["locked"]) for row in rows]
