"""What making an order a rush order would do, worked out before anyone says yes (the facts of the
rush review, rush/): the earliest the order can be finished as a rush order and which other orders
finish later, by how much, and which of them become late.

- An order not planned yet (draft, submitted, approved): the due-date promise as a rush order due on the
  rush date (planning.promise), with its impact.
- An order with open work orders (planned or under way): its planned operations inserted into the stored
  plan as rush work (scheduling.insertion.right_shift: as early as the released, started and locked work
  allows; the other planned operations keep their order and move later only as far as they must, none
  earlier), exactly as approve_rush will place it (plans.insert_new_work), compared with the stored plan.
  Without a stored plan (nothing scheduled yet) all open work is scheduled in memory instead.

Reads only; nothing is saved.
"""

import copy
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from orders.models import OrderStatus, Priority
from systemtext.text import Text

from . import plans
from .promise import Promise, finish_day, moves_between, promise_for_order
from .scheduling.engine import schedule
from .scheduling.insertion import right_shift
from .scheduling.model import SchedulingInputError
from .scheduling.whatif import compare

NOT_PLANNED = (OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED)


def _end_of(day):
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def rush_impact(order, *, requested_date, now=None) -> Promise:
    """The order as a rush order due on `requested_date`: its earliest finish and the orders it moves
    (Promise.moves); Promise.reasons says why there is no answer."""
    now = now or timezone.now()
    trial = copy.copy(order)
    trial.priority, trial.requested_date = Priority.RUSH, requested_date
    if order.status in NOT_PLANNED:
        if order.status == OrderStatus.APPROVED:
            trial.promised_date = requested_date
        return promise_for_order(trial, now=now, impact=True)
    result = Promise(rush=True, requested_date=requested_date)
    work = plans.open_work()
    mine = {wo.number for wo in work.work_orders if wo.order_id == order.pk}
    if not mine:
        # A Text: kept with the rush request's facts and read in each reader's language (rush.facts).
        result.reasons.append(Text(gettext_noop("Order %(number)s has no open work orders left to speed up."),
                                   number=order.number))
        return result
    start = plans.scheduling_start(now)
    try:
        centers = work.scheduling_centers(start)
        current_jobs = work.jobs()
        due = _end_of(requested_date)
        rushed = [replace(job, rush=True, due=due) if job.id in mine else job for job in current_jobs]
        if work.bookings() is not None:
            # As approve_rush will place it (plans.insert_new_work): the order's planned operations as early
            # as the released, started and locked work allows, the others pushed only as far as they must.
            shift = right_shift(work.problem(start, centers, rushed), None, mine, push=True)
            baseline, proposed = shift.before, shift.proposed
            result.moved_operations, result.operations = len(shift.moved), shift.operations
        else:  # nothing stored to insert into: every open operation is scheduled, as schedule_open_work does
            baseline = schedule(work.problem(start, centers, current_jobs), keep_released=True)
            proposed = schedule(work.problem(start, centers, rushed), keep_released=True)
        changes = compare(baseline, proposed)
    except SchedulingInputError as exc:
        result.reasons.append(Text(gettext_noop("The schedule cannot be made: %(reason)s"), reason=str(exc)))
        return result
    result.finish = max(proposed.job_finish[number] for number in mine if number in proposed.job_finish)
    result.earliest_date = finish_day(result.finish)
    result.promise_date = max(requested_date, result.earliest_date)
    result.work_orders = sorted(mine)
    result.moves = moves_between(work, baseline, proposed, changes, exclude=order.pk)
    result.impact_checked = True
    return result
