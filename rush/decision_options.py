"""The options put to the general manager's office on a delay, each with its impact: the finish and the
date it would give the order (rush.decisions stores them on the request, so the decision shows what was
known when it was asked for).

- Where the order stands: the stored plan's finish of its open operations (planning's placements, as the
  rush board predicts it), the day by planning.promise.finish_day.
- Resequence the plan: planning.rush_impact, the rush insertion's what-if (the order's planned work moved
  before the work in its way, pushing that later): its earliest finish and the orders it moves.
- Overtime on a named work center (a day, from, to): the extra hours of that window taken off the order's
  remaining work on that center, at most all of it, so the finish comes that much earlier (an estimate:
  the work after it on other centers keeps its place).
- Outsourcing a named operation to an outside supplier (寻求外部资源): the operation's planned time taken
  off the finish, the supplier working alongside (an estimate; the supplier confirms their date).
- Accept a new date: the date proposed, by default the day the plan finishes now.

Reads only; nothing is saved.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from planning.models import OPEN_WORK_ORDER_STATUSES, WorkOrderOperation
from planning.promise import finish_day
from planning.rush_impact import rush_impact
from systemtext.text import Text, money, to_json

from .models import DecisionOption


def open_operations(order):
    return list(WorkOrderOperation.objects.filter(work_order__order=order, status__in=OPEN_WORK_ORDER_STATUSES)
                .select_related("work_order", "work_center", "planned_work_center")
                .order_by("planned_start", "work_order__number", "sequence"))


def planned_finish(operations):
    ends = [op.planned_end for op in operations if op.planned_end]
    return max(ends) if ends else None


def _minutes(op):
    if op.planned_start and op.planned_end:
        return int((op.planned_end - op.planned_start).total_seconds() // 60)
    return 0


def _entry(option, finish, note, *, date=None, moved=None):
    day = date or (finish_day(finish) if finish else None)
    return {"option": option, "finish": timezone.localtime(finish).isoformat(timespec="minutes") if finish else None,
            "date": day.isoformat() if day else None, "moved_orders": moved, "note": to_json(note)}


def overtime_minutes(day, start, end):
    begin = datetime.combine(day, start)
    finish = datetime.combine(day if end > start else day + timedelta(days=1), end)
    return int((finish - begin).total_seconds() // 60)


def options_for(order, *, overtime=None, outsource=None, proposed_date=None, now=None):
    """The options as stored JSON: `overtime` (work_center, day, start, end), `outsource` (operation,
    supplier, price, currency), `proposed_date` for accepting a new date; resequencing is always offered."""
    now = now or timezone.now()
    operations = open_operations(order)
    finish = planned_finish(operations)
    due = order.promised_date or order.requested_date
    options = []
    impact = rush_impact(order, requested_date=due, now=now)
    if impact.finish is not None:
        options.append(_entry(DecisionOption.RESEQUENCE, impact.finish,
                              Text(gettext_noop("The order's work goes before the work in its way: %(count)s other "
                                                "orders finish later."), count=len(impact.moves)),
                              moved=len(impact.moves)))
    if overtime is not None and finish is not None:
        center, day, start, end = overtime
        on_center = sum(_minutes(op) for op in operations
                        if (op.planned_work_center_id or op.work_center_id) == center.pk)
        saved = min(on_center, overtime_minutes(day, start, end))
        options.append(_entry(DecisionOption.OVERTIME, finish - timedelta(minutes=saved),
                              Text(gettext_noop("Overtime at %(center)s on %(day)s, %(start)s–%(end)s: %(minutes)s "
                                                "minutes of the order's work there done earlier (estimate)."),
                                   center=center.code, day=day, start=start.strftime("%H:%M"),
                                   end=end.strftime("%H:%M"), minutes=saved)))
    if outsource is not None and finish is not None:
        operation, supplier, cost, currency = outsource
        options.append(_entry(DecisionOption.OUTSOURCE, finish - timedelta(minutes=_minutes(operation)),
                              Text(gettext_noop("Operation %(sequence)s of %(work_order)s to %(supplier)s for "
                                                "%(cost)s %(currency)s: its %(minutes)s planned minutes leave the plan "
                                                "(estimate; the supplier confirms their date)."),
                                   sequence=operation.sequence, work_order=operation.work_order.number,
                                   supplier=supplier.name, minutes=_minutes(operation), cost=money(cost),
                                   currency=currency)))
    new_date = proposed_date or (finish_day(finish) if finish else None)
    if new_date is not None:
        options.append(_entry(DecisionOption.NEW_DATE, finish, Text(
            gettext_noop("The promised date becomes %(date)s (was %(due)s); the customer is told."),
            date=new_date, due=due), date=new_date))
    return {"finish": timezone.localtime(finish).isoformat(timespec="minutes") if finish else None,
            "due": due.isoformat() if due else None, "options": options}
