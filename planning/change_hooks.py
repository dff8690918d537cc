"""How planning follows a controlled change of an order (orders.changes; the CHANGE_*
reactions listed in orders.stage_hooks.REACTIONS):

- check: a line's quantity cannot go below what its work orders already started or finished.
- impact: the line's work orders and what happens to each, and the schedule's what-if: the open work
  rescheduled in memory with the change (quantities of the work not started scaled, or the new due
  date), compared with today's schedule, so the orders that move are seen before approval.
- apply: work not started is scaled to the new quantity (its sub-assemblies with it); when some work is
  under way, an increase gets one more released work order (planning.extra_work) and a decrease is taken
  from the work not started (cancelled or reduced, last first). Then the open work is rescheduled.
"""

from dataclasses import replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.transitions import take_in_update
from orders.models import ChangeKind
from systemtext.text import Text, duration

from . import plans
from .extra_work import create_extra_work_order
from .models import WorkOrder, WorkOrderOperation
from .models import WorkOrderStatus as WO
from .promise import moves_between
from .scheduling.engine import schedule
from .scheduling.model import SchedulingInputError
from .scheduling.whatif import compare

STARTED = (WO.IN_PROGRESS, WO.DONE)
NOT_STARTED = (WO.PLANNED, WO.RELEASED)
QTY_STEP = Decimal("0.001")


def _plain(value):
    return format(value.normalize(), "f")


def _top_work_orders(order, line):
    return list(WorkOrder.objects.filter(order=order, order_line=line, parent__isnull=True)
                .exclude(status=WO.CANCELLED).order_by("pk"))


def _subtree(work_order):
    found, todo = [], [work_order]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(current.children.exclude(status=WO.CANCELLED))
    return found


def check(order, change):
    errors = []
    if change.kind == ChangeKind.PRODUCT and WorkOrder.objects.filter(order=order, order_line=change.line,
                                                                      status__in=STARTED).exists():
        errors.append(_("Line %(n)s: production has started; its product cannot change.") % {"n": change.line.line_no})
    for line, (_old, new) in change.quantities.items():
        started = (WorkOrder.objects.filter(order=order, order_line=line, parent__isnull=True, status__in=STARTED)
                   .aggregate(total=Sum("quantity"))["total"] or Decimal("0"))
        if new < started:
            errors.append(_("Line %(n)s: production has started or finished %(qty)s already; the quantity cannot be "
                            "less.") % {"n": line.line_no, "qty": _plain(started)})
    return errors


def _what_if(order, change):
    """[(number, delay text, becomes late)] of the other orders the change moves, or a reason."""
    work = plans.open_work()
    mine = {wo.number: wo for wo in work.work_orders if wo.order_id == order.pk}
    if not mine:
        return None
    factors = {}
    for line, (old, new) in change.quantities.items():
        tops = _top_work_orders(order, line)
        if any(wo.status in STARTED for wo in tops):
            continue  # work under way: the change is an extra or reduced work order, not a scaled one
        for top in tops:
            if top.status in NOT_STARTED:
                for wo in _subtree(top):
                    factors[wo.number] = new / old
    due = (datetime.combine(change.new_date + timedelta(days=1), time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))
           if change.kind == ChangeKind.DATE and order.promised_date is None else None)
    start = plans.scheduling_start()
    try:
        centers, jobs = work.scheduling_centers(start), work.jobs()
        baseline = schedule(work.problem(start, centers, jobs), keep_released=True)
        changed = [replace(job, quantity=job.quantity * factors[job.id]) if job.id in factors else
                   replace(job, due=due) if due is not None and job.id in mine else job for job in jobs]
        proposed = schedule(work.problem(start, centers, changed), keep_released=True)
    except SchedulingInputError as exc:
        return str(exc)
    return moves_between(work, baseline, proposed, compare(baseline, proposed), exclude=order.pk)


def impact(order, change):
    """The impact lines as stored texts (orders.changes keeps them with the change request and each reader
    sees them in their own language)."""
    rows = []
    if change.cancels:
        for wo in WorkOrder.objects.filter(order=order).exclude(status=WO.CANCELLED).order_by("number"):
            rows.append(Text(gettext_noop("%(wo)s (%(status)s): cancelled"), wo=wo.number,
                             status=WO(wo.status).label)
                        if wo.status in NOT_STARTED else
                        Text(gettext_noop("%(wo)s (%(status)s): under way, the cancel is refused until it is "
                                          "stopped"), wo=wo.number, status=WO(wo.status).label))
        return [{"title": Text(gettext_noop("Work orders")),
                 "rows": rows or [Text(gettext_noop("No work orders yet."))]}]
    has_work = WorkOrder.objects.filter(order=order).exclude(status=WO.CANCELLED).exists()
    if change.kind == ChangeKind.PRODUCT:
        for wo in _top_work_orders(order, change.line):
            rows.append(Text(gettext_noop("%(wo)s (%(status)s) for %(old)s is cancelled"), wo=wo.number,
                             status=WO(wo.status).label, old=change.line.product.sku))
        if has_work:
            rows.append(Text(gettext_noop("A work order for %(sku)s × %(qty)s is released instead."),
                             sku=change.product.sku, qty=change.line.quantity))
    elif change.kind == ChangeKind.ADD_LINE:
        rows.append(Text(gettext_noop("A work order for %(sku)s × %(qty)s is released."), sku=change.product.sku,
                         qty=change.quantity)
                    if has_work else Text(gettext_noop("No work orders yet: planning plans the new line with the "
                                                       "order.")))
    for line, (old, new) in change.quantities.items():
        tops = _top_work_orders(order, line)
        if not tops:
            rows.append(Text(gettext_noop("Line %(n)s: no work orders yet; planning uses the new quantity."),
                             n=line.line_no))
        elif not any(wo.status in STARTED for wo in tops):
            for wo in tops:
                rows.append(Text(gettext_noop("%(wo)s (%(status)s): %(old)s → %(new)s, with its sub-assemblies"),
                                 wo=wo.number, status=WO(wo.status).label, old=wo.quantity,
                                 new=(wo.quantity * new / old).quantize(QTY_STEP)))
        elif new > old:
            rows.append(Text(gettext_noop("Line %(n)s: work is under way; one more work order is released for "
                                          "%(qty)s."), n=line.line_no, qty=new - old))
        else:
            rows.append(Text(gettext_noop("Line %(n)s: %(qty)s less, taken from the work orders not started yet."),
                             n=line.line_no, qty=old - new))
    if change.kind == ChangeKind.DATE:
        rows.append(Text(gettext_noop("The due date of the work becomes %(date)s."), date=change.new_date)
                    if order.promised_date is None else
                    Text(gettext_noop("The promised date %(date)s stays; planning keeps it."),
                         date=order.promised_date))
    sections = [{"title": Text(gettext_noop("Work orders")), "rows": rows}] if rows else []
    moves = _what_if(order, change)
    what_if = Text(gettext_noop("Schedule what-if"))
    if isinstance(moves, str):
        sections.append({"title": what_if, "rows": [moves]})
    elif moves is not None:
        sections.append({"title": what_if, "rows": [
            Text(gettext_noop("%(order)s (%(customer)s) finishes %(delay)s later%(late)s"), order=m.number,
                 customer=m.customer, delay=duration(m.delay_minutes),
                 late=Text(gettext_noop(", now late")) if m.becomes_late else "") for m in moves] or [
            Text(gettext_noop("No other order moves."))]})
    return sections


def _scale(work_order, factor, actor, note):
    for wo in _subtree(work_order):
        wo.quantity = (wo.quantity * factor).quantize(QTY_STEP)
        wo.save(update_fields=["quantity", "updated_at"])
        wo.events.record(action="quantity_changed", actor=actor, from_status=wo.status,
                         to_status=wo.status, note=note)


def _cancel(work_order, actor, note):
    for wo in _subtree(work_order):
        if wo.status in NOT_STARTED:
            before = wo.status
            wo.cancel()
            wo.save()
            take_in_update(WorkOrderOperation.objects.filter(work_order=wo), "cancel")
            wo.events.record(action="cancelled", actor=actor, from_status=before,
                             to_status=WO.CANCELLED, note=note)


def apply(*, actor, order, change):
    if change.cancels or not WorkOrder.objects.filter(order=order).exclude(status=WO.CANCELLED).exists():
        return
    note = Text(gettext_noop("Order change: %(what)s"), what=ChangeKind(change.kind).label)
    if change.kind == ChangeKind.PRODUCT:
        for wo in _top_work_orders(order, change.line):
            _cancel(wo, actor, note)
        create_extra_work_order(actor=actor, order=order, line=change.line, quantity=change.line.quantity,
                                note=note)
    elif change.kind == ChangeKind.ADD_LINE:
        create_extra_work_order(actor=actor, order=order, line=change.line, quantity=change.quantity, note=note)
    for line, (old, new) in change.quantities.items():
        tops = _top_work_orders(order, line)
        if not tops:
            continue
        if not any(wo.status in STARTED for wo in tops):
            for wo in tops:
                _scale(wo, new / old, actor, note)
        elif new > old:
            create_extra_work_order(actor=actor, order=order, line=line, quantity=new - old, note=note)
        else:
            remaining = old - new
            for wo in reversed([wo for wo in tops if wo.status in NOT_STARTED]):
                if remaining <= 0:
                    break
                if wo.quantity <= remaining:
                    remaining -= wo.quantity
                    _cancel(wo, actor, note)
                else:
                    _scale(wo, (wo.quantity - remaining) / wo.quantity, actor, note)
                    remaining = Decimal("0")
    plans.schedule_open_work(now=timezone.now())
