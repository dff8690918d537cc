"""Process exception reports (工序异常报告): report, acknowledge, resolve, add photos.

report_exception(actor, ...) — the production role (operators, supervisors) reports a problem on a
work center, optionally on one operation. In one transaction:
- the affected operations are found and linked: the chosen operation, and (without one, or for a
  breakdown that takes the work center down) the open operations planned on the work center from now
  until the work center is back (`down_until`), else for the next 24 hours; their orders are linked too;
- a machine breakdown with `down_until` sets planning's WorkCenter.down_until and reschedules all open
  work with planning.plans.schedule_open_work(now=...): planned operations after the outage move to
  after down_until. Released and started operations keep their places in that scheduler (it keeps
  released work fixed so the shop floor is not reshuffled); the affected list and the at-risk flags
  tell the planner which of them to look at;
- the affected orders are marked at risk (Order.at_risk/at_risk_reason/at_risk_since) with an
  OrderEvent "at_risk" each;
- alerts go to the production role (the supervisor) and the planners, as a database row first.

acknowledge_exception / resolve_exception — production, planners and managers. Resolving needs the
action taken; it clears the at-risk flag of the affected orders that have no other open exception
report, and a breakdown whose work center is still down brings it back now (and reschedules).
Every status change writes an append-only ExceptionEvent (who, when, from, to, note).

Locks: work centers (all, in key order: planning.plans.lock_scheduling), then the affected orders, then
operations (written by the scheduler); the same order as planning and the shop-floor actions (order,
then operation), so they never wait for each other in a circle.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from orders.models import Order
from planning.models import OPEN_WORK_ORDER_STATUSES, WorkCenter, WorkOrderOperation, WorkOrderStatus
from planning.plans import lock_scheduling, schedule_open_work
from systemtext.text import Text, stored_fields

from .models import (
    OPEN_EXCEPTION_STATUSES,
    ExceptionPhoto,
    ExceptionReport,
    ExceptionSeverity,
    ExceptionStatus,
    ExceptionType,
)
from .photos import PHOTO_MAX_COUNT, checked_photo

REPORT = "production.report_exceptionreport"
HANDLE = "production.handle_exceptionreport"
WINDOW_WITHOUT_DOWNTIME = timedelta(hours=24)
LONGEST_DOWNTIME = timedelta(days=30)
ALERT_ROLES = ["production", "planner"]
ALERT_SEVERITY = {ExceptionSeverity.LOW: "info", ExceptionSeverity.MEDIUM: "info", ExceptionSeverity.HIGH: "high",
                  ExceptionSeverity.CRITICAL: "critical"}
# Alert subjects per type: English source messages read by each recipient in their own language.
ALERT_SUBJECTS = {
    ExceptionType.MACHINE_BREAKDOWN: gettext_noop("Machine breakdown at %(center)s (%(number)s)"),
    ExceptionType.MATERIAL_SHORTAGE: gettext_noop("Material shortage at %(center)s (%(number)s)"),
    ExceptionType.QUALITY_PROBLEM: gettext_noop("Quality problem at %(center)s (%(number)s)"),
    ExceptionType.TOOLING: gettext_noop("Tooling problem at %(center)s (%(number)s)"),
    ExceptionType.OTHER: gettext_noop("Production problem at %(center)s (%(number)s)"),
}
ALERT_BODY = gettext_noop("Reported by %(reporter)s: %(description)s — affected orders: %(orders)s")




def _center_of(operation):
    return operation.planned_work_center or operation.work_center


def _checked_input(*, type, severity, work_center, operation, description, down_until, now):
    errors = []
    if type not in ExceptionType.values:
        errors.append(_("Choose the type of problem."))
    if severity not in ExceptionSeverity.values:
        errors.append(_("Choose the severity."))
    if not description:
        errors.append(_("Describe the problem."))
    if operation is not None:
        if operation.status not in OPEN_WORK_ORDER_STATUSES:
            errors.append(_("Operation %(sequence)s of %(work_order)s is %(status)s; report the problem on the "
                            "work center instead.") % {"sequence": operation.sequence,
                                                       "work_order": operation.work_order.number,
                                                       "status": operation.get_status_display().lower()})
        elif work_center is not None and _center_of(operation).pk != work_center.pk:
            errors.append(_("Operation %(sequence)s of %(work_order)s is planned on %(center)s, not on the chosen "
                            "work center.") % {"sequence": operation.sequence,
                                               "work_order": operation.work_order.number,
                                               "center": _center_of(operation).code})
        work_center = work_center or _center_of(operation)
    if work_center is None:
        errors.append(_("Choose the work center."))
    if down_until is not None:
        if type != ExceptionType.MACHINE_BREAKDOWN:
            errors.append(_("Only a machine breakdown takes the work center down."))
        elif down_until <= now:
            errors.append(_("“Down until” must be in the future."))
        elif down_until > now + LONGEST_DOWNTIME:
            errors.append(_("“Down until” can be at most 30 days ahead; report again when more is known."))
    if errors:
        raise ValidationError(errors)
    return work_center


def _operations_in_window(work_center, start, end):
    """Open operations planned on the work center between start and end, and those started there."""
    return list(WorkOrderOperation.objects
                .annotate(center=Coalesce("planned_work_center_id", "work_center_id"))
                .filter(center=work_center.pk, status__in=OPEN_WORK_ORDER_STATUSES,
                        work_order__status__in=OPEN_WORK_ORDER_STATUSES)
                .filter(Q(status=WorkOrderStatus.IN_PROGRESS) | Q(planned_start__lt=end, planned_end__gt=start))
                .select_related("work_order").order_by("planned_start", "pk"))


def _take_down(work_center, down_until):
    """Set the work center's down-until time (a later one already set stays). All work centers are locked
    first (planning.plans.lock_scheduling), as every change of the schedule does."""
    lock_scheduling()
    center = WorkCenter.objects.get(pk=work_center.pk)
    if center.down_until is None or center.down_until < down_until:
        center.down_until = down_until
        center.save(update_fields=["down_until", "updated_at"])
    return center


def _at_risk_reason(report):
    return Text(gettext_noop("%(number)s %(type)s at %(center)s: %(description)s"), number=report.number,
                type=ExceptionType(report.type).label, center=report.work_center.code,
                description=report.description[:300])


def _locked_orders(order_ids):
    """The orders, locked in key order: after the work centers, before any operation (the lock order of the
    shop-floor actions and of planning)."""
    return list(Order.objects.select_for_update().filter(pk__in=order_ids).order_by("pk"))


def _mark_orders_at_risk(report, orders, *, actor, now):
    reason = _at_risk_reason(report)
    for order in orders:
        if not order.at_risk:
            Order.objects.filter(pk=order.pk).update(at_risk=True, **stored_fields("at_risk_reason", reason),
                                                     at_risk_since=now, updated_at=now)
        order.events.record(action="at_risk", actor=actor, from_status=order.status, to_status=order.status,
                            note=reason)


def _alert(report, orders):
    create_alert(
        kind="process_exception",
        subject=ALERT_SUBJECTS[report.type],
        body=ALERT_BODY,
        params={"number": report.number, "center": report.work_center.code,
                "reporter": report.reported_by.get_full_name() or report.reported_by.username,
                "description": report.description[:500],
                "orders": ", ".join(order.number for order in orders) or "—"},
        link=reverse("production:exception_detail", args=[report.pk]),
        severity=ALERT_SEVERITY[report.severity],
        roles=ALERT_ROLES,
        dedupe_key=f"process-exception:{report.pk}",
        rush=any(order.is_rush for order in orders),  # a rush order's exception escalates at once
    )


def report_exception(*, actor, type, work_center=None, description, severity=ExceptionSeverity.MEDIUM,
                     operation=None, down_until=None, photos=(), now=None) -> ExceptionReport:
    """Record a process exception (see the module docstring for everything it does)."""
    require(actor, REPORT)
    now = now or timezone.now()
    description = visible_strip(description or "")
    photos = list(photos)
    if len(photos) > PHOTO_MAX_COUNT:
        raise ValidationError(_("Attach at most %(n)s photos.") % {"n": PHOTO_MAX_COUNT})
    checked = [(photo, *checked_photo(photo)) for photo in photos]
    with transaction.atomic():
        if operation is not None:
            operation = WorkOrderOperation.objects.select_related(
                "work_order", "work_order__order", "planned_work_center", "work_center").get(pk=operation.pk)
        work_center = _checked_input(type=type, severity=severity, work_center=work_center, operation=operation,
                                     description=description, down_until=down_until, now=now)
        breakdown = type == ExceptionType.MACHINE_BREAKDOWN and down_until is not None
        if breakdown:
            work_center = _take_down(work_center, down_until)
        affected = [operation] if operation is not None else []
        if operation is None or breakdown:
            window_end = down_until or now + WINDOW_WITHOUT_DOWNTIME
            affected += [op for op in _operations_in_window(work_center, now, window_end) if op not in affected]
        report = ExceptionReport.objects.create(
            number=next_number(series.EXCEPTION_REPORT), type=type, severity=severity, work_center=work_center,
            operation=operation, description=description, down_until=down_until if breakdown else None,
            reported_by=actor, reported_at=now)
        report.affected_operations.set(affected)
        order_ids = sorted({op.work_order.order_id for op in affected})
        report.affected_orders.set(order_ids)
        report.events.record(action="reported", actor=actor, to_status=report.status, note=description, created_at=now)
        orders = _locked_orders(order_ids)  # before the scheduler writes their operations
        if breakdown:
            schedule_open_work(now=now)
        _mark_orders_at_risk(report, orders, actor=actor, now=now)
        # Files last: nothing after this can refuse the report and leave them behind without their rows.
        _store_photos(report, checked, actor=actor, now=now)
        _alert(report, Order.objects.filter(pk__in=order_ids).order_by("number"))
    return report


def _store_photos(report, checked, *, actor, now):
    for upload, content_type, suffix in checked:
        original = (getattr(upload, "name", "") or "")[:200]
        upload.name = f"photo{suffix}"  # stored under a random name with the suffix of what it really is
        ExceptionPhoto.objects.create(report=report, file=upload, content_type=content_type, size=upload.size,
                                      original_name=original, uploaded_by=actor, uploaded_at=now)


def add_exception_photos(*, actor, report, photos, expected_status=None, now=None):
    """Attach more photos to a report that is not resolved yet."""
    require(actor, REPORT, HANDLE, any_of=True)
    now = now or timezone.now()
    photos = list(photos)
    if not photos:
        raise ValidationError(_("Choose at least one photo."))
    checked = [(photo, *checked_photo(photo)) for photo in photos]
    with transaction.atomic():
        current = _locked(report, expected_status)
        if not current.is_open:
            raise ValidationError(_("%(number)s is resolved; no more photos can be added.")
                                  % {"number": current.number})
        if current.photos.count() + len(photos) > PHOTO_MAX_COUNT:
            raise ValidationError(_("A report holds at most %(n)s photos.") % {"n": PHOTO_MAX_COUNT})
        _store_photos(current, checked, actor=actor, now=now)
        added = current.photos.order_by("-id")[:len(photos)]
        current.events.record(action="photos_added", actor=actor, from_status=current.status,
                              to_status=current.status, created_at=now,
                              note=", ".join(photo.original_name for photo in added))
    return current


def _locked(report, expected_status):
    current = ExceptionReport.objects.select_for_update().get(pk=report.pk)
    if expected_status and current.status != expected_status:
        raise ValidationError(
            _("%(number)s was changed by someone else meanwhile (it is now %(status)s). Nothing was done; look at "
              "it again.") % {"number": current.number, "status": current.get_status_display().lower()})
    return current


def acknowledge_exception(*, actor, report, note="", expected_status=None, now=None) -> ExceptionReport:
    """The supervisor or planner has seen the report and is on it."""
    require(actor, HANDLE)
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(report, expected_status)
        take(current.acknowledge, actor=actor,
                        refused=_("%(number)s is %(status)s; only an open report is acknowledged.")
                        % {"number": current.number, "status": current.get_status_display().lower()})
        current.acknowledged_by, current.acknowledged_at = actor, now
        current.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        current.events.record(action="acknowledged", actor=actor, from_status=ExceptionStatus.OPEN,
                              to_status=current.status, note=visible_strip(note or ""), created_at=now)
    return current


def _bring_back(report, *, now):
    """A resolved breakdown whose work center is still down for it: the work center is back now. The caller
    holds the schedule lock."""
    still_down = (ExceptionReport.objects.filter(work_center=report.work_center, type=ExceptionType.MACHINE_BREAKDOWN,
                                                 status__in=OPEN_EXCEPTION_STATUSES, down_until__gt=now)
                  .exclude(pk=report.pk).exists())
    center = WorkCenter.objects.get(pk=report.work_center_id)
    if still_down or center.down_until is None or center.down_until <= now:
        return False
    center.down_until = None
    center.save(update_fields=["down_until", "updated_at"])
    schedule_open_work(now=now)
    return True


def _clear_orders_at_risk(report, orders, *, actor, now):
    """Orders no other open report affects are no longer at risk (the resolved one is no longer open)."""
    for order in orders:
        if not order.at_risk:
            continue
        if ExceptionReport.objects.filter(status__in=OPEN_EXCEPTION_STATUSES, affected_orders=order).exists():
            continue
        Order.objects.filter(pk=order.pk).update(at_risk=False, at_risk_reason="", at_risk_reason_values=None,
                                                 at_risk_since=None, updated_at=now)
        order.events.record(action="at_risk_cleared", actor=actor, from_status=order.status,
                     to_status=order.status, note=Text(gettext_noop("%(number)s resolved."), number=report.number))


def resolve_exception(*, actor, report, action_taken, expected_status=None, now=None) -> ExceptionReport:
    """Close a report with the action taken (required)."""
    require(actor, HANDLE)
    now = now or timezone.now()
    action_taken = (action_taken or "").strip()
    if not action_taken:
        raise ValidationError(_("Describe the action taken to resolve the problem."))
    with transaction.atomic():
        current = _locked(report, expected_status)
        from_status = current.status
        current.action_taken = action_taken  # the transition's condition
        take(current.resolve, actor=actor,
                        refused=_("%(number)s is already resolved.") % {"number": current.number})
        current.resolved_by, current.resolved_at = actor, now
        current.save(update_fields=["status", "action_taken", "resolved_by", "resolved_at"])
        current.events.record(action="resolved", actor=actor, from_status=from_status, to_status=current.status,
                              note=action_taken, created_at=now)
        breakdown = current.type == ExceptionType.MACHINE_BREAKDOWN and current.down_until is not None
        if breakdown:
            lock_scheduling()  # work centers before orders, as every change of the schedule
        orders = _locked_orders(current.affected_orders.values_list("pk", flat=True))
        if breakdown and _bring_back(current, now=now):
            current.events.record(action="work_center_back", actor=actor, from_status=current.status,
                                  to_status=current.status, created_at=now,
                                  note=Text(gettext_noop("%(center)s is back in service; open work was rescheduled."),
                                            center=current.work_center.code))
        _clear_orders_at_risk(current, orders, actor=actor, now=now)
    return current
