"""The rush review as people do it (see rush/models.py):

1. request_rush: sales, the order desk or a manager asks for an order to be made a rush order by a date,
   with a reason. Refused for a date before today or before the fastest the factory can make it as a
   rush order (the schedule what-if), for an order already rush or already under review, or in a state
   past QC. The facts are gathered (rush/facts.py) and the reviewers are alerted.
2. sign_review: each area signs its verdict (feasible, with conditions, not feasible): planning and
   production by a planner or a production supervisor, the warehouse by the warehouse, QC by QC.
3. approve_rush / reject_rush: a manager decides, with a reason for a rejection. Approval needs all
   three reviews and none "not feasible". It makes the order a rush order (orders.services.make_rush),
   moves its work forward exactly as the what-if showed (planning.plans.insert_new_work: only what is in
   its way moves, later), tells the owners of
   the orders that moved their new finish, alerts everyone concerned, and issues the production notice
   (生产通知单, rush/documents.py). Locks: work centers, then the order, then the request (the order of
   every change to the schedule, planning.plans).
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from accounts.roles import role_label, roles_of
from alerts.services import create_alert
from config.transitions import take
from documents.services import request_document
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from orders.models import Order
from orders.services import RUSH_OPEN_STATUSES, OrderActionRefused, lock_order_of, make_rush
from planning.models import OPEN_WORK_ORDER_STATUSES
from planning.plans import insert_new_work, lock_scheduling
from systemtext.text import Text, joined, stored_fields

from . import facts as rush_facts
from .models import ReviewArea, RushRequest, RushReview, RushStatus, Verdict
from .selectors import NEXT_STEP, board_rows

REQUEST = "rush.add_rushrequest"
REVIEW = "rush.review_rushrequest"
APPROVE = "rush.approve_rushrequest"
# Who signs each area's review.
REVIEWER_ROLES = {ReviewArea.PLANNING: {"planner", "production"}, ReviewArea.WAREHOUSE: {"warehouse"},
                  ReviewArea.QUALITY: {"qc"}}
NOTICE = "production_notice"


def areas_for(user):
    """The review areas `user` may sign."""
    roles = roles_of(user)
    return [area for area in ReviewArea.values if roles & REVIEWER_ROLES[area]]


def request_rush(*, actor, order, requested_date, reason, now=None) -> RushRequest:
    require(actor, REQUEST)
    reason = visible_strip(reason or "")
    errors = []
    if not reason:
        errors.append(_("Give the reason for the rush."))
    if requested_date is None:
        errors.append(_("Enter the date the customer needs the goods."))
    elif requested_date < timezone.localdate():
        errors.append(_("The date %(date)s is in the past.") % {"date": date_format(requested_date)})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
        if current.status not in RUSH_OPEN_STATUSES:
            raise ValidationError(_("Order %(number)s is %(status)s: it cannot be made a rush order now.")
                                  % {"number": current.number, "status": current.get_status_display()})
        if current.is_rush:
            raise ValidationError(_("Order %(number)s is a rush order already.") % {"number": current.number})
        open_request = RushRequest.objects.filter(order=current, status=RushStatus.REQUESTED).first()
        if open_request is not None:
            raise ValidationError(_("Order %(number)s is under rush review already (%(request)s).")
                                  % {"number": current.number, "request": open_request.number})
        gathered = rush_facts.gather(current, requested_date, now=now)
        earliest = gathered["schedule"]["earliest_date"]
        if earliest and not gathered["schedule"]["meets_requested"]:
            raise ValidationError(_("The fastest the factory can make order %(number)s as a rush order is "
                                    "%(earliest)s; %(date)s cannot be met. Ask for %(earliest)s or later.")
                                  % {"number": current.number, "earliest": date_format(date.fromisoformat(earliest)),
                                     "date": date_format(requested_date)})
        try:
            with transaction.atomic():
                request = RushRequest.objects.create(number=next_number(series.RUSH_REQUEST), order=current,
                                                     requested_date=requested_date, reason=reason,
                                                     requested_by=actor, facts=gathered)
        except IntegrityError:  # someone else asked at the same moment
            raise ValidationError(_("Order %(number)s is under rush review already.")
                                  % {"number": current.number}) from None
        request.events.record(action="requested", actor=actor, to_status=RushStatus.REQUESTED, note=reason)
        create_alert(
            kind="rush_review_requested",
            subject=gettext_noop("Rush review %(request)s: order %(order)s needed by %(date)s"),
            body=gettext_noop("%(customer)s. Reason: %(reason)s. Sign your area's review."),
            params={"request": request.number, "order": current.number, "date": requested_date,
                    "customer": current.customer.name, "reason": reason},
            link=reverse("rush:detail", args=[request.pk]), severity="high",
            roles=["planner", "production", "warehouse", "qc", "manager"],
            dedupe_key=f"rush-requested:{request.pk}")
    return request


def _locked(request):
    lock_order_of(RushRequest, request.pk)  # approving ends by changing the order: the order first
    return RushRequest.objects.select_for_update().select_related("order").get(pk=request.pk)


def _not_open(current):
    return _("%(number)s is %(status)s; it cannot be changed now.") % {
        "number": current.number, "status": current.get_status_display().lower()}


def _refuse_unless_open(current):
    if not current.is_open:
        raise ValidationError(_not_open(current))


def _approval_problem(current):
    """Why the request cannot be approved yet (the conditions of RushRequest.approve), in words."""
    missing = current.missing_areas()
    if missing:
        return _("Reviews still to be signed: %(areas)s.") % {"areas": ", ".join(str(ReviewArea(a).label)
                                                                               for a in missing)}
    refused = current.not_feasible_reviews()
    return (_("%(areas)s judged it not feasible: reject the request, or ask for a new one once the problem is "
              "solved.") % {"areas": ", ".join(str(r.get_area_display()) for r in refused)}) if refused else None


def sign_review(*, actor, request, area, verdict, conditions="") -> RushReview:
    require(actor, REVIEW)
    if area not in ReviewArea.values:
        raise ValidationError(_("Choose the area of the review."))
    if area not in areas_for(actor):
        raise PermissionDenied(_("Only %(roles)s sign the %(area)s review.") % {
            "roles": ", ".join(sorted(str(role_label(role)) for role in REVIEWER_ROLES[area])),
            "area": ReviewArea(area).label.lower()})
    if verdict not in Verdict.values:
        raise ValidationError(_("Choose a verdict."))
    conditions = (conditions or "").strip()
    if verdict != Verdict.FEASIBLE and not conditions:
        raise ValidationError(_("Write the conditions, or why it is not feasible."))
    with transaction.atomic():
        current = _locked(request)
        _refuse_unless_open(current)
        signed = current.reviews.filter(area=area).select_related("reviewer").first()
        if signed is not None:
            raise ValidationError(_("The %(area)s review was signed already by %(name)s.") % {
                "area": ReviewArea(area).label.lower(),
                "name": signed.reviewer.get_full_name() or signed.reviewer.username})
        review = RushReview.objects.create(request=current, area=area, verdict=verdict, conditions=conditions,
                                           reviewer=actor)
        current.events.record(action="reviewed", actor=actor, from_status=current.status,
                              to_status=current.status,
                              note=joined(Text(gettext_noop("%(area)s: %(verdict)s."), area=ReviewArea(area).label,
                                               verdict=Verdict(verdict).label), conditions))
    return review


def approve_rush(*, actor, request, note="", now=None) -> RushRequest:
    require(actor, APPROVE)
    with transaction.atomic():
        lock_scheduling()  # work centers first, as every change to the schedule
        current = _locked(request)
        before = current.status
        take(current.approve, actor=actor, refused=_not_open(current), unmet=_approval_problem(current))
        order = current.order
        decided = rush_facts.gather(order, current.requested_date, now=now)
        try:
            order = make_rush(actor=actor, order=order, reason=current.reason, rush_date=current.requested_date,
                              note=current.number)
        except OrderActionRefused as exc:
            raise ValidationError(exc.message) from None
        open_work_orders = list(order.work_orders.filter(status__in=OPEN_WORK_ORDER_STATUSES))
        if open_work_orders:
            insert_new_work(work_orders=open_work_orders, rush=True, now=now)
        current.decided_by, current.decided_at = actor, timezone.now()
        current.decision_reason, current.decision_facts = visible_strip(note or "")[:500], decided
        current.save()
        current.events.record(action="approved", actor=actor, from_status=before,
                              to_status=RushStatus.APPROVED, note=current.decision_reason)
        _tell_the_moved(current, order, decided["schedule"]["moves"])
        create_alert(
            kind="rush_approved",
            subject=gettext_noop("Rush order %(order)s approved: needed by %(date)s"),
            body=gettext_noop("%(customer)s. Reason: %(reason)s. %(moved)s other orders move."),
            params={"order": order.number, "date": current.requested_date,
                    "customer": order.customer.name, "reason": current.reason,
                    "moved": decided["schedule"]["moved_count"]},
            link=reverse("rush:detail", args=[current.pk]), severity="critical",
            roles=["planner", "production", "warehouse", "qc", "shipping", "order_desk"],
            dedupe_key=f"rush-approved:{current.pk}")
        request_document(actor=actor, kind=NOTICE, obj=current)
    return current


def _tell_the_moved(current, rush_order, moves):
    """Alert the person who entered each order that moves, with its new finish."""
    rows = Order.objects.filter(number__in=[move["order"] for move in moves]).values_list("number", "pk",
                                                                                           "created_by")
    orders = {number: (pk, owner) for number, pk, owner in rows}
    users = get_user_model().objects.in_bulk({owner for _pk, owner in orders.values()})
    for move in moves:
        pk, owner_id = orders.get(move["order"], (None, None))
        if owner_id not in users:
            continue
        late = move["becomes_late"]
        create_alert(
            kind="rush_moved_order",
            subject=gettext_noop("Order %(order)s now finishes %(new)s (was %(old)s): rush order %(rush)s"),
            body=(gettext_noop("Rush order %(rush)s was approved (%(request)s). Order %(order)s is now late: agree "
                               "a new date with the customer.") if late else
                  gettext_noop("Rush order %(rush)s was approved (%(request)s). Check the promised date of order "
                               "%(order)s.")),
            params={"order": move["order"], "new": parse_datetime(move["new_finish"]),
                    "old": parse_datetime(move["old_finish"]), "rush": rush_order.number,
                    "request": current.number},
            link=reverse("orders:detail", args=[pk]), severity="high" if late else "info",
            users=[users[owner_id]], dedupe_key=f"rush-moved:{current.pk}:{move['order']}")


def reject_rush(*, actor, request, reason) -> RushRequest:
    require(actor, APPROVE)
    reason = visible_strip(reason or "")
    if not reason:
        raise ValidationError(_("Give the reason for the rejection."))
    with transaction.atomic():
        current = _locked(request)
        before = current.status
        take(current.reject, actor=actor, refused=_not_open(current))
        current.decided_by, current.decided_at = actor, timezone.now()
        current.decision_reason = reason[:500]
        current.save()
        current.events.record(action="rejected", actor=actor, from_status=before,
                              to_status=RushStatus.REJECTED, note=reason)
        create_alert(
            kind="rush_rejected",
            subject=gettext_noop("Rush request %(request)s for order %(order)s was rejected"),
            body=gettext_noop("Reason: %(reason)s"),
            params={"request": current.number, "order": current.order.number, "reason": reason},
            link=reverse("rush:detail", args=[current.pk]), users=[current.requested_by],
            dedupe_key=f"rush-rejected:{current.pk}")
    return current


# --- watching the rush orders (Celery beat, rush.tasks.watch_rush_orders) -------------------------

# The at-risk reason this watch sets, so it clears only its own (LATE_MARK started it in rows stored
# translated, before texts were stored with their values).
LATE_REASON = gettext_noop("⏱ Predicted to finish %(day)s, %(n)s days after its date %(due)s.")
LATE_MARK = "⏱"


def watch_rush_orders():
    """Flag every open rush order predicted to finish after its date (the stored schedule) as at risk
    and alert planning, production and the managers once a day; clear the flag it set when the
    prediction is on time again. Returns (flagged, cleared) order numbers."""
    flagged, cleared = [], []
    today = timezone.localdate()
    for row in board_rows():
        order = row.order
        with transaction.atomic():
            current = Order.objects.select_for_update().get(pk=order.pk)
            if row.predicted_late and not current.at_risk:
                reason = Text(LATE_REASON, day=row.predicted_day, n=row.late_days, due=row.due)
                Order.objects.filter(pk=current.pk).update(at_risk=True, **stored_fields("at_risk_reason", reason),
                                                           at_risk_since=timezone.now())
                current.events.record(action="at_risk", actor=None, from_status=current.status,
                                      to_status=current.status, note=reason)
                flagged.append(current.number)
            elif not row.predicted_late and current.at_risk and (current.at_risk_reason == LATE_REASON
                                                                 or current.at_risk_reason.startswith(LATE_MARK)):
                Order.objects.filter(pk=current.pk).update(at_risk=False, at_risk_reason="",
                                                           at_risk_reason_values=None, at_risk_since=None)
                current.events.record(action="at_risk_cleared", actor=None, from_status=current.status,
                                      to_status=current.status)
                cleared.append(current.number)
            if row.predicted_late:
                create_alert(
                    kind="rush_at_risk",
                    subject=gettext_noop("Rush order %(order)s is predicted late: %(day)s instead of %(due)s"),
                    body=gettext_noop("%(customer)s. Next step: %(step)s. Speed it up or agree a new date."),
                    params={"order": current.number, "day": row.predicted_day, "due": row.due,
                            "customer": order.customer.name, "step": NEXT_STEP[current.status][0]},
                    link=reverse("orders:detail", args=[current.pk]), severity="critical",
                    roles=["planner", "production", "manager"],
                    dedupe_key=f"rush-at-risk:{current.pk}:{today.isoformat()}")
    return flagged, cleared
