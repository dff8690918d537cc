"""Replan everything: the explicit full re-dispatch of all open work, with its impact shown first.

New orders and rush orders go into the stored plan without re-dispatching the rest (plans.insert_new_work),
so the plan stays stable. A planner who wants the dispatch rule applied to everything again (rush first,
earliest due first, each operation where it finishes earliest) asks for it here: replan_preview shows which
orders would finish later and which earlier than in the stored plan, by how much, and which would become
late or on time; replan_everything applies it (plans.schedule_open_work) only when the plan has not changed
since the preview was shown (the preview's digest of the stored placements), so the impact seen is the
impact applied. The re-dispatch is followed by the due-date improvement (scheduling.tardiness); each of
its swaps is listed on the page ("WO-7 moved before WO-3 on FILL-2: saves 3 h of tardiness on SO-…").
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from orders.models import Order
from systemtext.text import Text

from . import plan_approval, plans
from .models import PlanSubmission, PlanSubmissionStatus
from .promise import OrderMove, moves_between
from .scheduling.engine import schedule
from .scheduling.insertion import right_shift
from .scheduling.model import SchedulingInputError
from .scheduling.whatif import compare


@dataclass
class ReplanPreview:
    later: list[OrderMove] = field(default_factory=list)
    earlier: list[OrderMove] = field(default_factory=list)
    operations: int = 0
    moved_operations: int = 0
    improvements: list = field(default_factory=list)  # Texts: each swap of the due-date improvement
    returned_plans: list[str] = field(default_factory=list)  # orders whose plan awaiting approval goes back
    digest: str = ""
    reasons: list[str] = field(default_factory=list)


def _digest(work):
    """A digest of the stored plan: the open operations and their places."""
    text = "|".join(f"{op.work_order_id}:{op.sequence}:{op.status}:{op.planned_work_center_id}:{op.planned_unit}:"
                    f"{op.planned_start}:{op.planned_end}" for op in work.ops)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def replan_preview(*, now=None) -> ReplanPreview:
    """What replanning everything now would change, order by order (reads only)."""
    now = plans.scheduling_start(now)
    work = plans.open_work_rows()
    preview = ReplanPreview(digest=_digest(work), operations=len(work.ops))
    if not work.ops:
        return preview
    try:
        problem = work.problem(now)
        proposed = schedule(problem, keep_released=True, improve_due=True)
        # The stored plan as it is: nothing new inserted, nothing pushed.
        current = right_shift(problem, None, (), push=False).proposed if work.bookings() is not None else None
    except SchedulingInputError as exc:
        preview.reasons.append(_("The schedule cannot be made: %(reason)s") % {"reason": str(exc)})
        return preview
    if current is None:
        preview.reasons.append(_("Some open work has no place yet: replanning places it."))
        return preview
    moved = [key for key, placed in proposed.assignments.items()
             if (placed.unit, placed.start, placed.center)
             != (current.assignments[key].unit, current.assignments[key].start, current.assignments[key].center)]
    preview.moved_operations = len(moved)
    order_of = {wo.number: wo.order_id for wo in work.work_orders}
    preview.returned_plans = awaiting_approval({order_of[job] for job, _op in moved if job in order_of})
    preview.improvements = improvement_texts(work, proposed.moves)
    changes = compare(current, proposed)
    preview.later = moves_between(work, current, proposed, changes, exclude=None)
    swapped = compare(proposed, current)  # earlier in the new plan = later in the stored one, seen backwards
    preview.earlier = [_backwards(move) for move in moves_between(work, proposed, current, swapped, exclude=None)]
    return preview


def improvement_texts(work, moves):
    """Each swap of the due-date improvement as a text for people (message id + values)."""
    if not moves:
        return []
    order_of = {wo.number: wo.order_id for wo in work.work_orders}
    numbers = dict(Order.objects.filter(pk__in=set(order_of.values())).values_list("pk", "number"))
    return [Text(gettext_noop("%(wo)s moved before %(other)s on %(center)s: saves %(saved)s of tardiness on "
                              "%(order)s"), wo=move.job_id, other=move.before_job_id, center=move.center,
                 saved=timedelta(minutes=max(move.saved_own, move.saved, move.saved_rush)),
                 order=numbers.get(order_of.get(move.job_id), move.job_id))
            for move in moves]


def _backwards(move):
    return OrderMove(order_id=move.order_id, number=move.number, customer=move.customer, rush=move.rush,
                     old_finish=move.new_finish, new_finish=move.old_finish, delay_minutes=move.delay_minutes,
                     late_minutes_before=move.late_minutes_after, late_minutes_after=move.late_minutes_before)


def replan_everything(*, actor, digest, now=None) -> plans.ScheduledWork:
    """Re-dispatch all open work (plans.schedule_open_work) if the stored plan is still the one previewed."""
    require(actor, "orders.plan_order")
    with transaction.atomic():
        plans.lock_scheduling()  # the work centers first, as every change of the schedule
        before = plans.open_work_rows()
        if _digest(before) != digest:
            raise ValidationError(_("The plan changed since its impact was shown: look at the new impact first."))
        result = plans.schedule_open_work(now=now, improve_due=True)
        plan_approval.withdraw_replanned(actor=actor, order_ids=_orders_moved(before, plans.open_work_rows()))
        return result


def _place(op):
    return op.planned_work_center_id, op.planned_unit, op.planned_start, op.planned_end


def _orders_moved(before, after):
    """The orders with an operation whose place differs between two readings of the stored plan."""
    order_of = {wo.pk: wo.order_id for wo in before.work_orders}
    placed = {(op.work_order_id, op.sequence): _place(op) for op in before.ops}
    return {order_of[op.work_order_id] for op in after.ops
            if op.work_order_id in order_of and placed.get((op.work_order_id, op.sequence)) != _place(op)}


def awaiting_approval(order_ids):
    """Numbers of those orders whose plan awaits the head's approval: replanning moves their work, so it sends
    those plans back to the planner (plan_approval.withdraw_replanned)."""
    ids = set(order_ids)
    return sorted(PlanSubmission.objects.filter(order_id__in=ids, status=PlanSubmissionStatus.SUBMITTED)
                  .values_list("order__number", flat=True))
