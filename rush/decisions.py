"""Decisions on delays (seed 003: "如因制程异常耽误交期,生产办必须立即书面向总经办申请批示,并将总经办批示后的
报告及时分发通知经营课").

request_delay_decision (planners, the production head, managers): when a process exception or a material
delay threatens a rush order's date, a decision request goes to the general manager's office (role
general_manager), naming the proposals — overtime on a work center (day, from, to), an operation to an
outside supplier (寻求外部资源), a new date — and the system works out each option's impact
(rush.decision_options; resequencing is always offered). Refused with a message, nothing written, when the
order is not a rush order hit by that exception or delay, the proposals are incomplete or in the past,
or a decision on the order is pending already (one at a time, a database constraint).

raise_threatened_decisions (beat task rush.tasks.raise_delay_decisions, every minute): the same request
raised by the system, once per cause and order (a database constraint; it never repeats one a person asked
for), when an open process exception or an approved material delay threatens an open rush order's promised
date (else its requested date):
- a process exception: the plan's finish of the order's open work (rescheduled around a breakdown by the
  report itself), and the end of a breakdown, the later of them, falls after the date;
- a material delay: the material's new expected date is after the date.
The options are resequencing and the new date that estimate gives (the planners can ask again by hand with
overtime or outsourcing once it is decided); the situation is a message id with its values. An order with a
decision pending waits until it is decided, then is looked at again (a new date decided usually ends the
threat).

decide_delay (general_manager): the chosen option and the reason; in the same transaction it is carried
out and distributed:
- a new date: the order's promised date (orders.services.change_promised_date, whose order event
  "promised_date_changed" is the hook the customer notices pick up);
- overtime: an overtime exception on the work center's calendar (planning.services.add_calendar_exception),
  and the open work rescheduled with that time (plans.schedule_open_work);
- outsourcing: the operation recorded as outsourced on its work order (a work order event naming the
  supplier and the decision);
- resequencing: the order's open work moved before the work in its way (plans.insert_new_work as a rush);
- an alert to the business office (sales, the order desk), the planners and the order's sales owner.
Locks: work centers (lock_scheduling), then the order, then the decision — the order every schedule change
takes. Every step is a DelayDecisionEvent (who, when, from, to, why).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from inputs.visible import visible_strip
from inventory.models import MaterialDelay, MaterialDelayStatus
from numbering import series
from numbering.services import next_number
from orders.models import Currency, Order, Priority
from orders.services import RUSH_OPEN_STATUSES, change_promised_date, lock_order_of
from planning.models import OPEN_WORK_ORDER_STATUSES, CalendarException, ExceptionKind
from planning.plans import insert_new_work, lock_scheduling, schedule_open_work
from planning.promise import finish_day
from planning.services import add_calendar_exception, exception_errors
from production.models import OPEN_EXCEPTION_STATUSES, ExceptionReport, ExceptionType
from systemtext.text import Text, joined, money

from . import decision_options
from .models import DECIDE_PERMISSION, DecisionAction, DecisionOption, DecisionStatus, DelayDecision

ASK = "rush.add_delaydecision"
MAX_SITUATION = 2000
MAX_REASON = 500
DISTRIBUTE_TO = ["sales", "order_desk", "planner"]


def _source_errors(order, exception_report, material_delay):
    if (exception_report is None) == (material_delay is None):
        return [_("Name the process exception or the material delay the decision is about.")]
    source = exception_report or material_delay
    if not source.affected_orders.filter(pk=order.pk).exists():
        return [_("%(source)s does not affect order %(order)s.") % {"source": source.number, "order": order.number}]
    return []


def _overtime_errors(overtime, today):
    if overtime is None:
        return []
    center, day, start, end = overtime
    if None in (center, day, start, end):
        return [_("For overtime, give the work center, the day, and from and until when.")]
    if day < today:
        return [_("The overtime day %(date)s is in the past.") % {"date": day}]
    trial = CalendarException(calendar=center.calendar, date=day, kind=ExceptionKind.OVERTIME, start=start, end=end)
    return [message for messages in exception_errors(trial).values() for message in messages]


def _outsource_errors(order, outsource):
    if outsource is None:
        return []
    operation, supplier, cost, currency = outsource
    if operation is None or supplier is None:
        return [_("For outsourcing, name the operation and the outside supplier.")]
    if cost is None or currency in (None, ""):
        return [_("For outsourcing, give the supplier's price and its currency.")]
    if not isinstance(cost, Decimal) or cost <= 0 or cost != cost.quantize(Decimal("0.01")) or cost >= 10**10:
        return [_("The outsourcing price must be a positive amount with at most 2 decimals.")]
    if currency not in Currency.values:
        return [_("Choose the currency of the outsourcing price.")]
    if operation.work_order.order_id != order.pk or operation.status not in OPEN_WORK_ORDER_STATUSES:
        return [_("Operation %(sequence)s of %(work_order)s is not open work of order %(order)s.")
                % {"sequence": operation.sequence, "work_order": operation.work_order.number, "order": order.number}]
    return []


def _blank(values):
    return all(value in (None, "") for value in values)


def _create(*, actor, current, situation, exception_report, material_delay, overtime, outsource, proposed_date,
            now):
    """Write the decision request of the locked order `current` with its options, event and alert."""
    facts = decision_options.options_for(current, overtime=overtime, outsource=outsource,
                                         proposed_date=proposed_date, now=now)
    fields = {"overtime_work_center": None, "overtime_date": None, "overtime_start": None, "overtime_end": None}
    if overtime is not None:
        fields = dict(zip(fields, overtime, strict=True))
    operation, supplier, cost, currency = outsource or (None, None, None, "")
    try:
        with transaction.atomic():
            decision = DelayDecision.objects.create(
                number=next_number(series.DELAY_DECISION), order=current, exception_report=exception_report,
                material_delay=material_delay, situation=situation, facts=facts, requested_by=actor,
                outsource_operation=operation, outsource_supplier=supplier, outsource_cost=cost,
                outsource_currency=currency or "", proposed_date=proposed_date,
                requested_at=now, **fields)
    except IntegrityError:  # someone else asked at the same moment
        raise ValidationError(_("A decision on order %(order)s is pending already.")
                              % {"order": current.number}) from None
    decision.events.record(action=DecisionAction.REQUESTED if actor else DecisionAction.RAISED, actor=actor,
                           to_status=decision.status, note=situation)
    source = exception_report or material_delay
    by = (actor.get_full_name() or actor.username) if actor else Text(gettext_noop("OrderFlow (automatically)"))
    create_alert(
        kind="delay_decision_requested",
        subject=gettext_noop("Decision needed: rush order %(order)s delayed (%(source)s)"),
        body=gettext_noop("%(number)s from %(by)s: %(situation)s"),
        params={"order": current.number, "source": source.number, "number": decision.number,
                "by": by, "situation": situation},
        link=reverse("rush:decision_detail", args=[decision.pk]), severity="high",
        roles=["general_manager"], rush=True, dedupe_key=f"delay-decision-requested:{decision.pk}")
    return decision


def request_delay_decision(*, actor, order, situation, exception_report=None, material_delay=None,
                           overtime=None, outsource=None, proposed_date=None, now=None) -> DelayDecision:
    """`overtime`: (work center, day, start, end) or None; `outsource`: (operation, supplier, price, currency)
    or None."""
    require(actor, ASK)
    now = now or timezone.now()
    today = timezone.localdate(now)
    situation = visible_strip(situation or "")
    overtime = None if overtime is None or _blank(overtime) else overtime
    outsource = None if outsource is None or _blank(outsource) else outsource
    errors = []
    if not situation:
        errors.append(_("Describe the situation: what happened and what it does to the date."))
    elif len(situation) > MAX_SITUATION:
        errors.append(_("At most %(n)s characters.") % {"n": MAX_SITUATION})
    if proposed_date is not None and proposed_date < today:
        errors.append(_("The proposed date %(date)s is in the past.") % {"date": proposed_date})
    errors += _source_errors(order, exception_report, material_delay)
    errors += _overtime_errors(overtime, today) + _outsource_errors(order, outsource)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if not current.is_rush or current.status not in RUSH_OPEN_STATUSES:
            raise ValidationError(_("Order %(number)s is not an open rush order: its delays are handled by the "
                                    "planners.") % {"number": current.number})
        pending = DelayDecision.objects.filter(order=current, status=DecisionStatus.PENDING).first()
        if pending is not None:
            raise ValidationError(_("A decision on order %(order)s is pending already (%(number)s).")
                                  % {"order": current.number, "number": pending.number})
        return _create(actor=actor, current=current, situation=situation, exception_report=exception_report,
                       material_delay=material_delay, overtime=overtime, outsource=outsource,
                       proposed_date=proposed_date, now=now)


def threatened_day(order, *, exception_report=None, material_delay=None):
    """The day the cause puts `order`'s finish at when that is after its promised (else requested) date;
    None when the date is not threatened."""
    due = order.promised_date or order.requested_date
    if due is None:
        return None
    if material_delay is not None:
        day = material_delay.new_expected_date
    else:
        finish = decision_options.planned_finish(decision_options.open_operations(order))
        ends = [instant for instant in (finish, exception_report.down_until) if instant is not None]
        day = finish_day(max(ends)) if ends else None
    return day if day is not None and day > due else None


def _situation(order, due, day, exception_report, material_delay):
    if material_delay is not None:
        return Text(gettext_noop("Material delay %(source)s: %(code)s %(name)s is now expected on %(date)s, after "
                                 "the promised date %(due)s of rush order %(order)s (%(reason)s)."),
                    source=material_delay.number, code=material_delay.item.code, name=material_delay.item.name,
                    date=day, due=due, order=order.number, reason=material_delay.reason)
    return Text(gettext_noop("Process exception %(source)s (%(type)s at %(center)s) puts the finish of rush order "
                             "%(order)s at %(date)s, after its promised date %(due)s: %(description)s"),
                source=exception_report.number, type=ExceptionType(exception_report.type).label,
                center=exception_report.work_center.code, order=order.number, date=day, due=due,
                description=exception_report.description)


def _causes():
    """(order id, exception report, material delay) of every open rush order hit by an open process exception
    or an approved material delay that no decision (asked for or raised) is about yet."""
    known = set(DelayDecision.objects.values_list("order_id", "exception_report_id", "material_delay_id"))
    rush_open = {"priority": Priority.RUSH, "status__in": RUSH_OPEN_STATUSES}
    causes = []
    for report in (ExceptionReport.objects.filter(status__in=OPEN_EXCEPTION_STATUSES,
                                                  affected_orders__priority=Priority.RUSH).distinct()
                   .select_related("work_center").order_by("reported_at", "pk")):
        for order_id in report.affected_orders.filter(**rush_open).values_list("pk", flat=True):
            if (order_id, report.pk, None) not in known:
                causes.append((order_id, report, None))
    for delay in (MaterialDelay.objects.filter(status=MaterialDelayStatus.APPROVED,
                                               affected_orders__priority=Priority.RUSH).distinct()
                  .select_related("item").order_by("decided_at", "pk")):
        for order_id in delay.affected_orders.filter(**rush_open).values_list("pk", flat=True):
            if (order_id, None, delay.pk) not in known:
                causes.append((order_id, None, delay))
    return causes


def raise_threatened_decisions(now=None):
    """Beat: raise the decision request of every cause that threatens a rush order's date, once per cause
    and order (see the module docstring). Returns the numbers of the requests raised."""
    now = now or timezone.now()
    raised = []
    for order_id, exception_report, material_delay in _causes():
        with transaction.atomic():
            current = Order.objects.select_for_update().get(pk=order_id)
            if not current.is_rush or current.status not in RUSH_OPEN_STATUSES:
                continue
            if DelayDecision.objects.filter(order=current, status=DecisionStatus.PENDING).exists():
                continue  # one decision at a time: looked at again once it is decided
            if DelayDecision.objects.filter(order=current, exception_report=exception_report,
                                            material_delay=material_delay).exists():
                continue  # raised or asked for meanwhile
            day = threatened_day(current, exception_report=exception_report, material_delay=material_delay)
            if day is None:
                continue
            due = current.promised_date or current.requested_date
            situation = _situation(current, due, day, exception_report, material_delay)
            try:
                decision = _create(actor=None, current=current, situation=situation,
                                   exception_report=exception_report, material_delay=material_delay, overtime=None,
                                   outsource=None, proposed_date=max(day, timezone.localdate(now)), now=now)
            except ValidationError:
                continue  # asked for at the same moment
        raised.append(decision.number)
    return raised


def _carry_out(actor, decision, option, now):
    """Do what was decided; returns the Text the decided event and the alert say about it."""
    order = decision.order
    if decision.chosen_option == DecisionOption.NEW_DATE:
        new_date = date.fromisoformat(option["date"])
        change_promised_date(actor=actor, order=order, new_date=new_date,
                             reason=f"{decision.number}: {decision.decision_reason}")
        return Text(gettext_noop("Promised date of %(order)s is now %(date)s."), order=order.number, date=new_date)
    if decision.chosen_option == DecisionOption.OVERTIME:
        center = decision.overtime_work_center
        add_calendar_exception(actor=actor, calendar=center.calendar, date=decision.overtime_date,
                               kind=ExceptionKind.OVERTIME, start=decision.overtime_start, end=decision.overtime_end,
                               note=f"{decision.number} {order.number}"[:200])
        schedule_open_work(now=now)
        return Text(gettext_noop("Overtime at %(center)s on %(day)s, %(start)s–%(end)s, is on its calendar."),
                    center=center.code, day=decision.overtime_date, start=decision.overtime_start.strftime("%H:%M"),
                    end=decision.overtime_end.strftime("%H:%M"))
    if decision.chosen_option == DecisionOption.OUTSOURCE:
        operation, supplier = decision.outsource_operation, decision.outsource_supplier
        work_order = operation.work_order
        note = Text(gettext_noop("Operation %(sequence)s goes to %(supplier)s for %(cost)s %(currency)s (decision "
                                 "%(number)s)."),
                    sequence=operation.sequence, supplier=supplier.name, cost=money(decision.outsource_cost),
                    currency=decision.outsource_currency, number=decision.number)
        work_order.events.record(action="outsourced", actor=actor, from_status=work_order.status,
                                 to_status=work_order.status, note=note)
        return Text(gettext_noop("Operation %(sequence)s of %(work_order)s goes to %(supplier)s."),
                    sequence=operation.sequence, work_order=work_order.number, supplier=supplier.name)
    open_work_orders = list(order.work_orders.filter(status__in=OPEN_WORK_ORDER_STATUSES))
    if open_work_orders:
        insert_new_work(work_orders=open_work_orders, rush=True, now=now)
    return Text(gettext_noop("The work of %(order)s goes before the work in its way."), order=order.number)


def decide_delay(*, actor, decision, option, reason, now=None) -> DelayDecision:
    require(actor, DECIDE_PERMISSION)
    now = now or timezone.now()
    reason = visible_strip(reason or "")
    errors = []
    if option not in DecisionOption.values:
        errors.append(_("Choose one of the options."))
    if not reason:
        errors.append(_("Give the reason for the decision."))
    elif len(reason) > MAX_REASON:
        errors.append(_("At most %(n)s characters.") % {"n": MAX_REASON})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_scheduling()  # work centers first, as every change to the schedule
        lock_order_of(DelayDecision, decision.pk)
        current = DelayDecision.objects.select_for_update(of=("self",)).select_related(
            "order__created_by", "overtime_work_center__calendar", "outsource_operation__work_order",
            "outsource_supplier").get(pk=decision.pk)
        before = current.status
        current.chosen_option, current.decision_reason = option, reason
        take(current.decide, actor=actor,
             refused=_("%(number)s was decided already.") % {"number": current.number},
             unmet=_("That option was not offered in %(number)s.") % {"number": current.number})
        current.decided_by, current.decided_at = actor, now
        current.save()
        current.events.record(action=DecisionAction.DECIDED, actor=actor, from_status=before,
                              to_status=current.status,
                              note=joined(Text(gettext_noop("%(option)s."), option=DecisionOption(option).label),
                                          reason))
        done = _carry_out(actor, current, current.option(option), now)
        current.events.record(action=DecisionAction.CARRIED_OUT, actor=actor, from_status=current.status,
                              to_status=current.status, note=done)
        order = current.order
        create_alert(
            kind="delay_decided",
            subject=gettext_noop("General manager's decision on rush order %(order)s: %(option)s"),
            body=gettext_noop("%(number)s: %(done)s Reason: %(reason)s"),
            params={"order": order.number, "option": DecisionOption(option).label, "number": current.number,
                    "done": done, "reason": reason},
            link=reverse("rush:decision_detail", args=[current.pk]), severity="high",
            roles=DISTRIBUTE_TO, users=[order.created_by], rush=True,
            dedupe_key=f"delay-decided:{current.pk}")
    return current
