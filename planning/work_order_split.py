"""Splitting a planned work order, a plan adjustment by the planner under the common rules of
planning.adjustments (planners only, the scheduling lock first, stale requests refused, an event per
work order, then all open work is rescheduled).

Split (split_work_order): a planned work order of quantity q becomes q1 (kept) and q − q1 (a new work
order, `split_from` the first, with its own number, which is also its batch number). Its operations are
copied with the quantity shared in proportion; so are its sub-assembly work orders (each split in the
same proportion, rounded to its unit, the new parts feeding the new work order).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from numbering import series
from numbering.services import next_number
from orders.models import Unit
from orders.quantities import format_number, parse_typed
from systemtext.text import Text

from .adjustments import (
    Adjustment,
    _check_version,
    _order_finishes,
    _reschedule,
    _working_time,
    work_order_version,
    working_minutes,
)
from .models import WorkOrder, WorkOrderOperation, WorkOrderStatus
from .plans import lock_scheduling

WO = WorkOrderStatus


def _share(quantity, part, whole, decimals=3):
    """`quantity` × part / whole, rounded half up to `decimals`."""
    return (quantity * part / whole).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _split(work_order, first, *, actor, new_parent, now):
    """Split one planned work order (and, in proportion, its sub-assemblies): it keeps `first`, a new work
    order gets the rest. Returns the new work order."""
    total = work_order.quantity
    rest = total - first
    number = next_number(series.WORK_ORDER)
    new = WorkOrder(number=number, batch_number=number, order=work_order.order, order_line=work_order.order_line,
                    parent=new_parent if new_parent is not None else work_order.parent, item=work_order.item,
                    quantity=rest, routing=work_order.routing, earliest_start=work_order.earliest_start,
                    split_from=work_order, created_by=actor)
    new.save(force_insert=True)
    copies = []
    ops = list(work_order.operations.exclude(status=WO.CANCELLED).select_related("planned_work_center")
               .order_by("sequence"))
    for op in ops:
        kept = _share(op.quantity, first, total)
        if not 0 < kept < op.quantity:
            raise ValidationError(_("Operation %(op)s of %(wo)s (%(qty)s) cannot be shared in this proportion.")
                                  % {"op": op.sequence, "wo": work_order.number, "qty": format_number(op.quantity)})
        copies.append(WorkOrderOperation(
            work_order=new, sequence=op.sequence, routing_operation_id=op.routing_operation_id,
            work_center_id=op.work_center_id, alternative_work_center_id=op.alternative_work_center_id,
            setup_minutes=op.setup_minutes, run_minutes_per_unit=op.run_minutes_per_unit,
            min_wait_minutes=op.min_wait_minutes, description=op.description, quantity=op.quantity - kept,
            skill_id=op.skill_id, people_required=op.people_required,
            status=op.status))
        op.quantity = kept
    work_order.quantity = first
    work_order.save(update_fields=["quantity", "updated_at"])
    for op in ops:
        if op.locked and op.planned_start is not None:  # a locked place keeps its start and ends with less work
            center = op.planned_work_center or op.work_center
            op.planned_end = _working_time(center, now).finish(op.planned_start, working_minutes(op, center))
    WorkOrderOperation.objects.bulk_update(ops, ["quantity", "planned_end"])
    WorkOrderOperation.objects.bulk_create(copies)
    names = {"total": format_number(total), "kept": format_number(first), "rest": format_number(rest),
             "old": work_order.number, "new": number}
    work_order.events.record(action="split", actor=actor, from_status=WO.PLANNED,
                             to_status=WO.PLANNED,
                             note=Text(gettext_noop("Split: %(total)s → %(kept)s here and %(rest)s in %(new)s."),
                                       **names))
    new.events.record(action="split_from", actor=actor, to_status=WO.PLANNED,
                      note=Text(gettext_noop("Split from %(old)s: %(rest)s of %(total)s."), **names))
    for child in work_order.children.exclude(status=WO.CANCELLED).select_related("item").order_by("pk"):
        if child.status != WO.PLANNED:
            raise ValidationError(_("Sub-assembly work order %(wo)s is %(status)s: only a work order whose "
                                    "sub-assemblies are all planned can be split.")
                                  % {"wo": child.number, "status": child.get_status_display()})
        child_first = _share(child.quantity, first, total, Unit.decimals(child.item.unit))
        if not 0 < child_first < child.quantity:
            raise ValidationError(_("Sub-assembly work order %(wo)s (%(qty)s %(unit)s) cannot be shared in this "
                                    "proportion: one part would get nothing.")
                                  % {"wo": child.number, "qty": format_number(child.quantity),
                                     "unit": child.item.get_unit_display()})
        _split(child, child_first, actor=actor, new_parent=new, now=now)
    return new


def split_work_order(*, actor, work_order, quantity, expected_version, now=None) -> Adjustment:
    """Split a planned work order: it keeps `quantity`, a new work order makes the rest (see the module
    docstring). `quantity` may be typed text ("40") or a Decimal."""
    require(actor, "orders.plan_order")
    now = now or timezone.now()
    if quantity is None or (isinstance(quantity, str) and not quantity.strip()):
        raise ValidationError(_("Enter the quantity the work order keeps."))
    first = parse_typed(quantity, field_label=_("Quantity"))
    with transaction.atomic():
        lock_scheduling()
        locked = WorkOrder.objects.select_for_update().filter(pk=work_order.pk).first()
        if locked is None:
            raise ValidationError(_("This work order no longer exists."))
        current = WorkOrder.objects.select_related("item", "order").get(pk=locked.pk)
        _check_version(work_order_version(current), expected_version,
                       _("Work order %(number)s") % {"number": current.number})
        if current.status != WO.PLANNED:
            raise ValidationError(_("Work order %(number)s is %(status)s: only planned work orders can be split.")
                                  % {"number": current.number, "status": current.get_status_display()})
        total = current.quantity
        if not 0 < first < total:
            raise ValidationError(_("The quantity kept must be more than 0 and less than %(total)s.")
                                  % {"total": format_number(total)})
        decimals = Unit.decimals(current.item.unit)
        if first != first.quantize(Decimal(1).scaleb(-decimals)):
            raise ValidationError(_("%(item)s is counted in whole %(unit)s: the quantity cannot have decimals.")
                                  % {"item": current.item.code, "unit": current.item.get_unit_display()}
                                  if decimals == 0 else
                                  _("A quantity in %(unit)s can have at most %(n)s decimals.")
                                  % {"unit": current.item.get_unit_display(), "n": decimals})
        before = _order_finishes()
        new = _split(current, first, actor=actor, new_parent=None, now=now)
        summary = _("Work order %(old)s was split: %(kept)s stay in it, %(rest)s go to the new work order %(new)s.") % {
            "old": current.number, "kept": format_number(first),
            "rest": format_number(total - first), "new": new.number}
        return _reschedule(summary=summary, before=before, now=now, work_order=new)
