"""Shop-floor actions on work order operations: start, pause, resume, report quantities, complete.

Each is one function `verb_noun(*, actor, operation, ...)` that runs in one transaction, locks the
operation's order and the operation row (select_for_update) before reading their state, checks the
actor's permission (orders.produce_order) and the input, writes the operation's progress fields
(planning owns the table; this module is their only writer), one append-only production.OperationLog
row, and the work order's and the order's moves with their events:

- the first operation of a work order to start moves the work order released → in_progress, and an
  order that is materials_ready moves → in_production (orders.services.transition_order,
  "start_production");
- completing the last open operation of a work order moves it in_progress → done; when every work
  order of the order that is not cancelled is done, the order moves in_production → awaiting_qc
  ("finish_production").

Rules: an operation starts only when the one before it in its work order is done, and a work
order's first operation only when its sub-assembly work orders are done; nothing starts before the
order's materials are ready (materials_ready or in_production), and nothing is done on an order in
any other state (on hold, cancelled). Good plus scrap reported on an operation never exceed its
quantity; scrap needs a reason from ScrapReason ("other" also needs a note). Every call may carry
`expected_state` (operation_state() of the operation as the tablet showed it): when the operation
changed meanwhile the call is refused, so a stale tablet cannot act twice. A start records the work
instruction version the tablet showed (planning.work_instructions), refused when that is not the current one.

Locks are taken in one order: the order, then the operation, then its work order. Changes of the
schedule (planning, exception reports) lock the work centers, then orders, then write operations, so
these never wait for each other in a circle.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from config.transitions import take
from inputs.visible import visible_strip
from orders.models import Order, OrderStatus, Unit
from orders.services import transition_order
from planning.models import OPEN_WORK_ORDER_STATUSES, WorkInstruction, WorkOrder, WorkOrderOperation, WorkOrderStatus
from systemtext.text import Text

from .models import OperationAction, OperationLog, ScrapReason

WO = WorkOrderStatus
PRODUCE = "orders.produce_order"
# Orders whose operations may be worked on; starting is also allowed from materials_ready.
STARTABLE_ORDER = [OrderStatus.MATERIALS_READY, OrderStatus.IN_PRODUCTION]
QUANTUM = Decimal("0.001")


class OperationRefused(ValidationError):
    """The action cannot be taken on the operation now; the message says why."""


def operation_state(operation):
    """What a tablet saw of an operation, sent back with each action: status, paused, good, scrap."""
    good, scrap = (Decimal(value).quantize(QUANTUM) for value in (operation.good_quantity, operation.scrap_quantity))
    return f"{operation.status}:{int(operation.paused)}:{good}:{scrap}"


def _label(operation):
    return str(_label_text(operation))


def _label_text(operation):
    """The operation named in a stored note, translated when read."""
    return Text(gettext_noop("operation %(sequence)s of %(work_order)s"), sequence=operation.sequence,
                work_order=operation.work_order.number)


def _locked(operation, expected_state):
    """The operation's order and the operation (with its work order and item), locked in that order for
    this transaction; refused when the operation changed since `expected_state` or was cancelled."""
    order_id = (WorkOrderOperation.objects.filter(pk=operation.pk)
                .values_list("work_order__order_id", flat=True).get())  # never changes: read without a lock
    order = Order.objects.select_for_update().get(pk=order_id)
    current = (WorkOrderOperation.objects.select_for_update(of=("self",))
               .select_related("work_order", "work_order__item").get(pk=operation.pk))
    if expected_state and operation_state(current) != expected_state:
        raise OperationRefused(
            _("%(operation)s was changed by someone else meanwhile (it is now %(status)s). Nothing was done; "
              "look at it again.") % {"operation": _label(current).capitalize(), "status": _status_text(current)})
    if current.status == WO.CANCELLED:
        raise OperationRefused(_("%(operation)s was cancelled; nothing can be done on it.")
                               % {"operation": _label(current).capitalize()})
    return current, order


def _status_text(operation):
    if operation.status == WO.IN_PROGRESS and operation.paused:
        return _("paused")
    return operation.get_status_display().lower()


def _check_order(order, *, starting=False):
    """Refused unless the order's operations may be worked on now."""
    if order.status in STARTABLE_ORDER and (starting or order.status == OrderStatus.IN_PRODUCTION):
        return order
    if order.status in (OrderStatus.APPROVED, OrderStatus.PLANNED):
        raise OperationRefused(_("The materials are not ready for order %(number)s yet (it is %(status)s): "
                                 "its operations cannot be started.")
                               % {"number": order.number, "status": order.get_status_display()})
    raise OperationRefused(_("Order %(number)s is %(status)s: its operations cannot be worked on now.")
                           % {"number": order.number, "status": order.get_status_display()})


def _require_status(operation, *, in_progress=True):
    if in_progress and operation.status != WO.IN_PROGRESS:
        raise OperationRefused(_("%(operation)s is %(status)s, not in progress.")
                               % {"operation": _label(operation).capitalize(), "status": _status_text(operation)})


def _log(operation, *, actor, action, from_status, now, good=Decimal("0"), scrap=Decimal("0"), reason="", note="",
         instruction=None):
    return OperationLog.objects.create(operation=operation, action=action, actor=actor, from_status=from_status,
                                       to_status=operation.status, good_quantity=good, scrap_quantity=scrap,
                                       scrap_reason=reason, note=note, created_at=now, work_instruction=instruction)


# --- start -----------------------------------------------------------------------------------------

def _check_precedence(operation):
    work_order = operation.work_order
    previous = (WorkOrderOperation.objects.filter(work_order=work_order, sequence__lt=operation.sequence)
                .exclude(status=WO.CANCELLED).order_by("-sequence").first())
    if previous is not None:
        if previous.status != WO.DONE:
            raise OperationRefused(
                _("Operation %(previous)s of %(work_order)s must be done first (it is %(status)s).")
                % {"previous": previous.sequence, "work_order": work_order.number, "status": _status_text(previous)})
        return
    waiting = list(WorkOrder.objects.filter(parent=work_order).exclude(status__in=[WO.DONE, WO.CANCELLED])
                   .order_by("number").values_list("number", flat=True))
    if waiting:
        raise OperationRefused(
            _("The sub-assemblies of %(work_order)s must be done first: %(waiting)s.")
            % {"work_order": work_order.number, "waiting": ", ".join(waiting)})


def _instruction_seen(operation, instruction):
    """The current work instruction of the operation, which the tablet must have shown (`instruction`: the
    id of the version it showed); None when the operation has none. Refused when the operator was shown none
    or an earlier version, so nobody starts on instructions that are no longer current."""
    current = WorkInstruction.objects.filter(item_id=operation.work_order.item_id, sequence=operation.sequence,
                                             is_current=True).first()
    if current is None:
        return None
    if str(instruction or "") != str(current.pk):
        raise OperationRefused(_("The work instruction of %(operation)s is now version %(version)s: read it, then "
                                 "start.") % {"operation": _label(operation), "version": current.version})
    return current


def start_operation(*, actor, operation, expected_state=None, note="", instruction=None, now=None):
    """Start a released operation (see the module docstring for what else moves). `instruction`: the id of
    the work instruction version the operator was shown, recorded with the start."""
    require(actor, PRODUCE)
    now = now or timezone.now()
    with transaction.atomic():
        current, order = _locked(operation, expected_state)
        if current.status != WO.RELEASED:
            if current.status == WO.PLANNED:
                raise OperationRefused(_("%(operation)s is not released yet: the plan must be released first.")
                                       % {"operation": _label(current).capitalize()})
            raise OperationRefused(_("%(operation)s is already %(status)s.")
                                   % {"operation": _label(current).capitalize(), "status": _status_text(current)})
        _check_precedence(current)
        _check_order(order, starting=True)
        seen = _instruction_seen(current, instruction)
        work_order = WorkOrder.objects.select_for_update().get(pk=current.work_order_id)
        from_status = current.status
        take(current.start, actor=actor, refused=_("%(operation)s is already %(status)s.")
             % {"operation": _label(current).capitalize(), "status": _status_text(current)})
        current.paused = False
        current.started_at = current.started_at or now
        current.save(update_fields=["status", "paused", "started_at"])
        if work_order.status == WO.RELEASED:
            work_order.start()
            work_order.save()
            work_order.events.record(action="start", actor=actor, from_status=WO.RELEASED,
                                    to_status=WO.IN_PROGRESS, note=Text(gettext_noop("Operation %(sequence)s started."),
                                             sequence=current.sequence))
        if order.status == OrderStatus.MATERIALS_READY:
            transition_order(actor=actor, order=order, action="start_production",
                             expected_status=OrderStatus.MATERIALS_READY,
                             note=Text(gettext_noop("First operation started: %(operation)s."),
                                       operation=_label_text(current)))
        _log(current, actor=actor, action=OperationAction.START, from_status=from_status, now=now,
             note=visible_strip(note or ""), instruction=seen)
    return current


# --- pause and resume ------------------------------------------------------------------------------

def _set_paused(*, actor, operation, paused, expected_state, note, now):
    require(actor, PRODUCE)
    now = now or timezone.now()
    with transaction.atomic():
        current, order = _locked(operation, expected_state)
        _require_status(current)
        if current.paused == paused:
            message = (_("%(operation)s is already paused.") if paused
                       else _("%(operation)s is not paused."))
            raise OperationRefused(message % {"operation": _label(current).capitalize()})
        _check_order(order)
        current.paused = paused
        current.save(update_fields=["paused"])
        _log(current, actor=actor, action=OperationAction.PAUSE if paused else OperationAction.RESUME,
             from_status=current.status, now=now, note=visible_strip(note or ""))
    return current


def pause_operation(*, actor, operation, expected_state=None, note="", now=None):
    """Pause an operation in progress (a break, a changeover); its reported quantities stay."""
    return _set_paused(actor=actor, operation=operation, paused=True, expected_state=expected_state, note=note,
                       now=now)


def resume_operation(*, actor, operation, expected_state=None, note="", now=None):
    return _set_paused(actor=actor, operation=operation, paused=False, expected_state=expected_state, note=note,
                       now=now)


# --- quantities ------------------------------------------------------------------------------------

def parse_quantity(value, label):
    """A quantity typed by a person as a Decimal ≥ 0 (blank is 0); ValidationError when it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0")
    try:
        quantity = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(label)s must be a number.") % {"label": label}) from None
    if not quantity.is_finite():
        raise ValidationError(_("%(label)s must be a number.") % {"label": label})
    if quantity < 0:
        raise ValidationError(_("%(label)s cannot be negative.") % {"label": label})
    return quantity


def _check_decimals(quantity, unit, label):
    decimals = Unit.decimals(unit)
    if quantity != quantity.quantize(Decimal(1).scaleb(-decimals)):
        if decimals == 0:
            raise ValidationError(_("%(label)s is counted in whole %(unit)s: it cannot have decimals.")
                                  % {"label": label, "unit": Unit(unit).label if unit in Unit.values else unit})
        raise ValidationError(_("%(label)s can have at most %(n)s decimals.") % {"label": label, "n": decimals})


def _checked_quantities(operation, good, scrap, reason, note):
    errors = []
    values = {}
    for key, value, label in (("good", good, _("Good quantity")), ("scrap", scrap, _("Scrap quantity"))):
        try:
            values[key] = parse_quantity(value, label)
            _check_decimals(values[key], operation.work_order.item.unit, label)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    good, scrap = values["good"], values["scrap"]
    if good + scrap <= 0:
        raise ValidationError(_("Enter the good or the scrap quantity (more than 0)."))
    reason = reason or ""
    if scrap > 0:
        if reason not in ScrapReason.values:
            raise ValidationError(_("Choose the reason for the scrap."))
        if reason == ScrapReason.OTHER and not note:
            raise ValidationError(_("Describe the reason for the scrap."))
    elif reason:
        reason = ""  # a reason without scrap says nothing
    reported = operation.good_quantity + operation.scrap_quantity
    left = operation.quantity - reported
    if good + scrap > left:
        raise ValidationError(
            _("Only %(left)s more can be reported on %(operation)s: its quantity is %(quantity)s and "
              "%(good)s good and %(scrap)s scrap are reported already. Nothing was recorded.")
            % {"left": _number(left), "operation": _label(operation), "quantity": _number(operation.quantity),
               "good": _number(operation.good_quantity), "scrap": _number(operation.scrap_quantity)})
    return good, scrap, reason


def _number(value):
    """1.500 as 1.5 and 10.000 as 10."""
    return f"{Decimal(value).normalize():f}"


def report_quantities(*, actor, operation, good=Decimal("0"), scrap=Decimal("0"), scrap_reason="", note="",
                      expected_state=None, now=None):
    """Add good and scrap quantities to an operation in progress (paused or not)."""
    require(actor, PRODUCE)
    now = now or timezone.now()
    note = visible_strip(note or "")
    with transaction.atomic():
        current, order = _locked(operation, expected_state)
        _require_status(current)
        good, scrap, scrap_reason = _checked_quantities(current, good, scrap, scrap_reason, note)
        _check_order(order)
        current.good_quantity += good
        current.scrap_quantity += scrap
        current.save(update_fields=["good_quantity", "scrap_quantity"])
        _log(current, actor=actor, action=OperationAction.REPORT, from_status=current.status, now=now, good=good,
             scrap=scrap, reason=scrap_reason, note=note)
    return current


# --- complete --------------------------------------------------------------------------------------

def complete_operation(*, actor, operation, expected_state=None, note="", now=None):
    """Finish an operation in progress on which something was reported; see the module docstring for the
    work order's and the order's moves."""
    require(actor, PRODUCE)
    now = now or timezone.now()
    with transaction.atomic():
        current, order = _locked(operation, expected_state)
        if current.status == WO.DONE:
            raise OperationRefused(_("%(operation)s is already done.") % {"operation": _label(current).capitalize()})
        _require_status(current)
        if current.good_quantity + current.scrap_quantity <= 0:
            raise OperationRefused(_("Report the good and scrap quantities of %(operation)s before completing it.")
                                   % {"operation": _label(current)})
        _check_order(order)
        work_order = WorkOrder.objects.select_for_update().get(pk=current.work_order_id)
        from_status = current.status
        take(current.finish, actor=actor, refused=_("%(operation)s is %(status)s, not in progress.")
             % {"operation": _label(current).capitalize(), "status": _status_text(current)})
        current.paused, current.finished_at = False, now
        current.save(update_fields=["status", "paused", "finished_at"])
        _log(current, actor=actor, action=OperationAction.COMPLETE, from_status=from_status, now=now,
             note=visible_strip(note or ""))
        still_open = (WorkOrderOperation.objects.filter(work_order=work_order)
                      .exclude(status__in=[WO.DONE, WO.CANCELLED]).exists())
        if not still_open and work_order.status == WO.IN_PROGRESS:
            work_order.finish()
            work_order.save()
            work_order.events.record(action="finish", actor=actor, from_status=WO.IN_PROGRESS,
                                     to_status=WO.DONE,
                                     note=Text(gettext_noop("Last operation completed: %(sequence)s."),
                                               sequence=current.sequence))
            _finish_order_when_all_done(order, actor=actor)
    return current


def unfinished_work(order):
    """Production's condition of the order's finish_production (orders.stage_hooks, Hook.TRANSITION_CHECK):
    no work order of the order is still planned, released or in progress."""
    numbers = list(WorkOrder.objects.filter(order=order, status__in=OPEN_WORK_ORDER_STATUSES)
                   .order_by("number").values_list("number", flat=True))
    if not numbers:
        return []
    return [_("Work orders not done yet: %(numbers)s.") % {"numbers": ", ".join(numbers)}]


def _finish_order_when_all_done(order, *, actor):
    statuses = set(WorkOrder.objects.filter(order=order).exclude(status=WO.CANCELLED)
                   .values_list("status", flat=True))
    if statuses == {WO.DONE}:
        transition_order(actor=actor, order=order, action="finish_production",
                         expected_status=OrderStatus.IN_PRODUCTION,
                         note=Text(gettext_noop("All work orders of the order are done.")))
