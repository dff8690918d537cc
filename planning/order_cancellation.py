"""What planning does when an order is cancelled (an ON_CANCEL reaction in
orders.stage_hooks.REACTIONS): its planned and released work orders and their operations are cancelled (kept,
with an event, never deleted) and the rest of the open work is rescheduled into the freed capacity.

It runs inside the cancel transition's transaction, after the order moved to cancelled, so refusing
(ValidationError) rolls the cancellation back. Work that has started or is done refuses it: the order
state machine only allows cancelling up to materials_ready anyway, before production starts, but an
operation may have been started on the floor meanwhile. The actor's right to cancel was checked by the
transition (orders.services.transition_order); planning asks no planning permission of its own here.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.transitions import take_in_update
from systemtext.text import Text

from .models import WorkOrder, WorkOrderOperation, WorkOrderStatus
from .plan_approval import cancel_submissions
from .plans import lock_scheduling, schedule_open_work

WO = WorkOrderStatus
CANCELLABLE = (WO.PLANNED, WO.RELEASED)


def cancel_order_work(*, actor, order):
    """Cancel the order's planned and released work orders; refuse when any of its work started or is done.
    An open plan submission of the order is cancelled with it (planning.plan_approval)."""
    cancel_submissions(actor=actor, order=order)
    if not WorkOrder.objects.filter(order=order).exclude(status=WO.CANCELLED).exists():
        return []
    # The scheduling lock first (as every planning change takes it), then the work orders.
    lock_scheduling()
    work_orders = list(WorkOrder.objects.select_for_update().filter(order=order).exclude(status=WO.CANCELLED)
                       .order_by("pk"))
    started = (WorkOrderOperation.objects.filter(work_order__in=work_orders)
               .filter(Q(status__in=[WO.IN_PROGRESS, WO.DONE]) | Q(started_at__isnull=False))
               .exclude(status=WO.CANCELLED).select_related("work_order").order_by("work_order_id", "sequence").first())
    busy = next((wo for wo in work_orders if wo.status not in CANCELLABLE), None)
    if started is not None or busy is not None:
        what = (_("operation %(op)s of work order %(wo)s is %(status)s")
                % {"op": started.sequence, "wo": started.work_order.number,
                   "status": started.get_status_display() if started.status in (WO.IN_PROGRESS, WO.DONE)
                   else WO.IN_PROGRESS.label}
                if started is not None else
                _("work order %(wo)s is %(status)s") % {"wo": busy.number, "status": busy.get_status_display()})
        raise ValidationError(_("Order %(number)s cannot be cancelled: %(what)s. Work that has started on the shop "
                                "floor must be finished or stopped there first.")
                              % {"number": order.number, "what": what})
    note = (Text(gettext_noop("order cancelled: %(reason)s"), reason=order.status_reason) if order.status_reason
            else Text(gettext_noop("order cancelled")))
    for work_order in work_orders:
        from_status = work_order.status
        work_order.cancel()
        work_order.save()
        work_order.events.record(action="cancelled", actor=actor, from_status=from_status,
                                 to_status=WO.CANCELLED, note=note)
    take_in_update(WorkOrderOperation.objects.filter(work_order__in=work_orders), "cancel")
    schedule_open_work()  # the freed capacity goes to the other orders' planned work
    return work_orders
