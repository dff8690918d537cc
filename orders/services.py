"""Every write on orders, as one function per user-visible action (HackSoft/Zulip style).

Each runs in one transaction, checks the actor's permission and the input, calls the Order
transition, saves, writes the OrderEvent, and queues background work on commit.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import django_fsm as fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import declared_transition, take, transition_names
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from systemtext.text import Text, joined

from . import rules, rush_criteria, stage_hooks
from .models import (
    CENT,
    EDITABLE,
    Channel,
    Customer,
    Order,
    OrderAction,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Priority,
    Product,
    line_amount,
)
from .tally_models import CustomerExposure


class OrderActionRefused(Exception):
    """The action cannot be taken now; the message says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class LineInput:
    product: Product
    quantity: Decimal
    unit_price: Decimal
    requested_date: date | None = None


# Human names of the transitions, for events, buttons and messages: the declared order actions.
ACTION_LABELS = dict(OrderAction.choices)
# Transitions that need a written reason.
REASON_REQUIRED = {"reject", "hold", "cancel", "cancel_held", "fail_qc"}




def _validate_content(*, customer, requested_date, lines, allow_past_date=False):
    """Check the whole order; raise one ValidationError carrying every problem found."""
    errors = []
    for check in (lambda: rules.validate_customer(customer),
                  lambda: rules.validate_requested_date(requested_date, allow_past=allow_past_date)):
        try:
            check()
        except ValidationError as exc:
            errors.extend(exc.messages)
    if not lines:
        errors.append(_("Add at least one order line."))
    for number, line in enumerate(lines, start=1):
        checks = (
            (rules.validate_product, (line.product,)),
            (rules.validate_quantity, (line.quantity, line.product)),
            (rules.validate_unit_price, (line.unit_price,)),
        )
        for check, args in checks:
            try:
                check(*args)
            except ValidationError as exc:
                errors.extend(_("Line %(n)s: %(msg)s") % {"n": number, "msg": m} for m in exc.messages)
        if line.requested_date is not None and line.requested_date < rules.today() and not allow_past_date:
            errors.append(_("Line %(n)s: the requested date is in the past.") % {"n": number})
    if errors:
        raise ValidationError(errors)


def _total(lines):
    return sum((line_amount(line.quantity, line.unit_price) for line in lines), Decimal("0"))


def _set_totals(order, lines):
    order.total_amount = _total(lines)
    order.refresh_search_text([line.product for line in lines])


def _insert_lines(order, lines):
    return OrderLine.objects.bulk_create(
        OrderLine(order=order, line_no=i, product=line.product, quantity=line.quantity,
                  unit_price=line.unit_price, requested_date=line.requested_date)
        for i, line in enumerate(lines, start=1)
    )


def _apply_rush(order, *, priority, rush_reason, lines, rush_rules=None):
    # Each line's own date counts: one line wanted sooner than its standard lead time proposes rush.
    # The manager's rules kept as data count too (orders.rush_criteria); the reason is kept as a message id.
    proposal = rush_criteria.propose(requested_date=order.requested_date,
                                     lines=[(ln.product, ln.requested_date) for ln in lines],
                                     customer=order.customer, total=_total(lines), currency=order.currency,
                                     active=rush_rules)
    order.rush_suggested = proposal.suggested
    order.rush_suggested_reason = proposal.reason or ""
    order.rush_suggested_reason_values = None
    if priority == Priority.RUSH and not visible_strip(rush_reason or ""):
        raise ValidationError(_("Give the reason for the rush."))
    order.priority = priority
    order.rush_reason = visible_strip(rush_reason or "") if priority == Priority.RUSH else ""


def create_order(*, actor, customer: Customer, requested_date, lines: list[LineInput], channel=Channel.BROWSER,
                 customer_po="", priority=Priority.NORMAL, rush_reason="", currency=None, internal_notes="",
                 customer_notes="", entry_key=None, submit=False, note="", also=None) -> Order:
    """Create a draft order, or with `submit` an order sent to the order desk at once ("save and submit",
    the API). Replaying the same entry_key (a double-clicked button) returns the order the first click created
    instead of a second one, marked `replayed` (not stored) so the caller reports what actually happened to
    it rather than acting on it again.

    Everything is written in one short transaction with one statement per table (issue 19): the order number,
    the order row already in its final status (one save: one tally upsert), its lines and its events (bulk).
    `also(order)`, when given, runs last in that transaction (the API stores its idempotent answer there)."""
    require(actor, "orders.add_order")
    entry_key = entry_key or uuid.uuid4()
    _validate_content(customer=customer, requested_date=requested_date, lines=lines)
    customer_po = customer_po.strip()
    # One read for what intake needs to know beforehand: an earlier sending, an earlier PO, the exposure.
    facts = _intake_facts(customer=customer, customer_po=customer_po, entry_key=entry_key)
    if facts["replay_id"] is not None:
        return _replayed(facts["replay_id"])
    order = Order(customer=customer, channel=channel, customer_po=customer_po, requested_date=requested_date,
                  currency=currency or customer.currency, internal_notes=internal_notes.strip(),
                  customer_notes=customer_notes.strip(), created_by=actor, entry_key=entry_key)
    _apply_rush(order, priority=priority, rush_reason=rush_reason, lines=lines, rush_rules=facts["rush_rules"])
    order.duplicate_po_warning = facts["duplicate_po"]
    order.total_amount = _total(lines)
    if submit:
        _submit_new(order, actor=actor, lines=lines, open_value=Decimal(facts["open_cents"] or 0) * CENT)
    try:
        with transaction.atomic():
            order.number = next_number(series.ORDER)
            order.refresh_search_text([line.product for line in lines])  # the number is searched too
            order.save()
            known_without_reading(order, lines=_insert_lines(order, lines))
            _record_entry_events(order, actor=actor, submitted=submit, note=note)
            if submit:
                stage_hooks.after_transition(actor=actor, order=order, action="submit", from_status=OrderStatus.DRAFT)
                if order.is_rush:
                    _alert_new_rush_order(order)
            if also is not None:
                also(order)
    except IntegrityError:
        # The other click of a double-click (a twin API request) committed first: hand back its order.
        existing = Order.objects.filter(entry_key=entry_key).values_list("pk", flat=True).first()
        if existing is None:
            raise
        return _replayed(existing)
    order.replayed = False
    return order


def _intake_facts(*, customer, customer_po, entry_key):
    """{replay_id, duplicate_po, open_cents, rush_rules} in one query: the order an earlier sending of this entry made,
    whether the customer's PO was used before (rules.duplicate_po_orders) and the customer's maintained
    credit exposure (orders.tallies), and the active rush rules (orders.rush_criteria)."""
    earlier = Order.objects.filter(entry_key=entry_key).order_by().values("pk")[:1]
    exposure = CustomerExposure.objects.filter(customer_id=OuterRef("pk")).values("open_cents")[:1]
    return (Customer.objects.filter(pk=customer.pk)
            .annotate(replay_id=Subquery(earlier), open_cents=Subquery(exposure),
                      duplicate_po=Exists(rules.duplicate_po_orders(customer, customer_po)),
                      rush_rules=rush_criteria.active_rules_subquery())
            .values("replay_id", "open_cents", "duplicate_po", "rush_rules").get())


def known_without_reading(order, **related):
    """Hand `order` back with the related rows just written (`lines=[...]`) as if prefetched, so a caller
    rendering it (the API's answer, inside the intake transaction) reads nothing back."""
    cache = getattr(order, "_prefetched_objects_cache", {})
    for name, rows in related.items():
        known = getattr(order, name).all()
        known._result_cache, known._prefetch_done = list(rows), True
        cache[name] = known
    order._prefetched_objects_cache = cache


def _replayed(pk):
    existing = Order.objects.select_related("customer").get(pk=pk)
    existing.replayed = True
    return existing


def _submit_new(order, *, actor, lines, open_value):
    """Take the submit transition on the order about to be inserted, as submit_order does on a draft:
    the state machine's declared source, permission and condition (its lines, here still in memory)."""
    order.pending_lines = lines
    exceeded, _open = rules.credit_exceeded(order.customer, order.total_amount, open_value=open_value)
    order.credit_warning = exceeded
    take(order.submit, actor=actor, refused=_("Unknown action."), unmet=_condition_message(order, "submit"))
    order.submitted_at = timezone.now()


def _record_entry_events(order, *, actor, submitted, note):
    """The "created" event, and the "submit" event of an order submitted as it was entered, in one insert."""
    created = OrderEvent(order=order, action=OrderAction.CREATED, actor=actor, to_status=OrderStatus.DRAFT)
    events = [created]
    if submitted:
        created.created_at = order.submitted_at
        note = note if isinstance(note, Text) else visible_strip(note or "")
        events.append(OrderEvent(order=order, action=OrderAction.SUBMIT, actor=actor, from_status=OrderStatus.DRAFT,
                                 to_status=order.status, note=note, created_at=order.submitted_at))
    else:
        created.to_status = order.status
    OrderEvent.objects.bulk_create(events)


def update_order(*, actor, order: Order, customer: Customer, requested_date, lines: list[LineInput],
                 customer_po="", priority=Priority.NORMAL, rush_reason="", currency=None, internal_notes="",
                 customer_notes="", channel=None) -> Order:
    """Change a draft or rejected order (only its creator, or an admin, may)."""
    require(actor, "orders.change_order")
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.created_by_id != actor.id and not actor.is_superuser:
            raise PermissionDenied(_("Only the person who entered this order may change it."))
        if current.status not in EDITABLE:
            raise OrderActionRefused(
                _("Order %(number)s is %(status)s and can no longer be edited.")
                % {"number": current.number, "status": current.get_status_display()})
        _validate_content(customer=customer, requested_date=requested_date, lines=lines)
        current.customer = customer
        current.requested_date = requested_date
        current.customer_po = customer_po.strip()
        current.currency = currency or customer.currency
        current.internal_notes = internal_notes.strip()
        current.customer_notes = customer_notes.strip()
        if channel:
            current.channel = channel
        _apply_rush(current, priority=priority, rush_reason=rush_reason, lines=lines)
        _set_totals(current, lines)
        current.lines.all().delete()
        _insert_lines(current, lines)
        current.duplicate_po_warning = rules.duplicate_po_orders(
            customer, current.customer_po, exclude_order_id=current.pk).exists()
        current.save()
        current.events.record(action="edited", actor=actor, from_status=current.status,
                              to_status=current.status)
    return current


# Transitions whose unmet condition the user satisfies on the form itself (approving over the credit
# limit: the acknowledgement checkbox), so they are offered even while the condition is unmet.
SATISFIED_ON_FORM = {"approve"}


def available_actions(order: Order, user, among=None) -> list[str]:
    """Names of the transitions this user may take on this order now (state, role and conditions), of
    those named in `among` when given (so a page checks only the conditions of the buttons it shows)."""
    names = []
    for t in order.get_all_status_transitions():
        if among is not None and t.name not in among:
            continue
        if t.source not in (order.status, "*") or not t.has_perm(order, user):
            continue
        if t.name in SATISFIED_ON_FORM or all(condition(order) for condition in t.conditions):
            names.append(t.name)
    return names


def transition_order(*, actor, order: Order, action: str, note="", expected_status=None, changes=None) -> Order:
    """Take one transition of the order state machine, as `actor`. Stage services call this after
    doing their own work. Refuses, changing nothing, when the order moved on since the user saw it,
    when the transition is not possible from the current state, or not for the user's role.
    `changes` are further field values saved with the transition (one UPDATE)."""
    note = note if isinstance(note, Text) else visible_strip(note or "")
    if action in REASON_REQUIRED and not note:
        raise ValidationError(_("Give a reason."))
    if action not in transition_names(Order):
        raise OrderActionRefused(_("Unknown action."))
    try:
        with transaction.atomic():
            stage_hooks.before_transition(action=action)  # shared locks first (stage_hooks Hook.CANCEL_LOCK)
            # The order row locked before anything is read: the stage hooks check their rows (material
            # issued, work started) under it, so a stage acting on the order meanwhile waits or is seen.
            current = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
            if expected_status and current.status != expected_status:
                raise OrderActionRefused(
                    _("Order %(number)s was changed by someone else meanwhile (it is now %(status)s). "
                      "Nothing was done; look at it again.")
                    % {"number": current.number, "status": current.get_status_display()})
            declared = declared_transition(current, action)
            if declared is None:
                raise OrderActionRefused(
                    _("“%(action)s” is not possible while order %(number)s is %(status)s.")
                    % {"action": ACTION_LABELS.get(action, action), "number": current.number,
                       "status": current.get_status_display()})
            if not declared.has_perm(current, actor):
                raise PermissionDenied(_("Your role may not do this."))
            for field, value in (changes or {}).items():
                setattr(current, field, value)
            from_status = current.status
            try:
                getattr(current, action)()  # checks the transition's conditions
            except fsm.TransitionNotAllowed:
                raise OrderActionRefused(_condition_message(current, action)) from None
            if action in {"reject", "hold", "cancel", "cancel_held"} and isinstance(note, str):
                current.status_reason = note  # typed by the person who took the step
            now = timezone.now()
            if action == "submit":
                current.submitted_at = now
            elif action == "approve":
                current.approved_at = now
            current.save()
            event = current.events.record(action=action, actor=actor, from_status=from_status,
                                          to_status=current.status, note=note)
            if action == "reject":
                _alert_owner_rejected(current, event)
            # Later stages react in this same transaction (work orders cancelled, inspection opened…).
            stage_hooks.after_transition(actor=actor, order=current, action=action, from_status=from_status)
    except fsm.ConcurrentTransition:
        fresh = Order.objects.get(pk=order.pk)
        raise OrderActionRefused(
            _("Order %(number)s was changed by someone else meanwhile (it is now %(status)s). "
              "Nothing was done; look at it again.")
            % {"number": fresh.number, "status": fresh.get_status_display()}) from None
    return current


def _condition_message(order, action):
    if action == "submit":
        return _("Add at least one line before submitting.")
    if action == "approve" and order.credit_warning:
        return _("This order is over the customer's credit limit: acknowledge the warning to approve it.")
    if action == "cancel_held":
        return _("This order was on hold after production started; it can no longer be cancelled.")
    problems = stage_hooks.transition_problems(order, action)
    if problems:
        return " ".join(str(problem) for problem in problems)
    return _("The conditions for “%(action)s” are not met yet.") % {"action": ACTION_LABELS.get(action, action)}


def submit_order(*, actor, order: Order, note="", expected_status=None) -> Order:
    """Send the order to the order desk. Checks the content again, flags credit and duplicate PO
    warnings for the reviewer, and alerts the order desk and planners when it is a rush order."""
    with transaction.atomic():
        current = Order.objects.select_related("customer").get(pk=order.pk)
        if current.created_by_id != actor.id and not actor.is_superuser and current.status in EDITABLE:
            raise PermissionDenied(_("Only the person who entered this order may submit it."))
        lines = [LineInput(ln.product, ln.quantity, ln.unit_price, ln.requested_date)
                 for ln in current.lines.select_related("product")]
        if current.status in EDITABLE:
            _validate_content(customer=current.customer, requested_date=current.requested_date, lines=lines)
        exceeded, _open_value = rules.credit_exceeded(current.customer, current.total_amount,
                                                       exclude_order_id=current.pk)
        duplicate_po = rules.duplicate_po_orders(current.customer, current.customer_po,
                                                 exclude_order_id=current.pk).exists()
        submitted = transition_order(
            actor=actor, order=current, action="submit", note=note, expected_status=expected_status,
            changes={"credit_warning": exceeded, "credit_acknowledged_by": None, "duplicate_po_warning": duplicate_po})
        if submitted.is_rush:
            _alert_new_rush_order(submitted)
    return submitted


def _alert_owner_rejected(order, event):
    """The order desk sent the order back: its sales owner is told why (rule order_rejected, alerts.defaults),
    whichever page or API rejected it."""
    create_alert(
        kind="order_rejected",
        subject=gettext_noop("Order %(number)s for %(customer)s was rejected"),
        body=gettext_noop("Reason: %(reason)s. Correct the order and submit it again."),
        params={"number": order.number, "customer": order.customer.name, "reason": event.note},
        link=reverse("orders:detail", args=[order.pk]), severity="high", owner=order.created_by,
        rush=order.is_rush, dedupe_key=f"order-rejected:{order.pk}:{event.pk}")


def _alert_new_rush_order(order):
    create_alert(
        kind="rush_order_submitted",
        subject=gettext_noop("Rush order %(number)s from %(customer)s needs review"),
        body=gettext_noop("Requested date %(date)s. Reason: %(reason)s"),
        params={"number": order.number, "customer": order.customer.name,
                "date": order.requested_date, "reason": order.rush_reason},
        link=reverse("orders:detail", args=[order.pk]),
        severity="high",
        roles=["order_desk", "planner"],
        dedupe_key=f"rush-submitted:{order.pk}:{order.submitted_at.isoformat()}",
    )


def approve_order(*, actor, order: Order, note="", acknowledge_credit=False, promised_date=None,
                  expected_status=None) -> Order:
    """Approve a submitted order. An order over the customer's credit limit is approved only when the
    reviewer acknowledges the warning (recorded as its own event)."""
    with transaction.atomic():
        current = Order.objects.get(pk=order.pk)
        if current.credit_warning and current.credit_acknowledged_by_id is None:
            if not acknowledge_credit:
                raise OrderActionRefused(_condition_message(current, "approve"))
            require(actor, "orders.review_order")
            Order.objects.filter(pk=current.pk).update(credit_acknowledged_by=actor)
            current.events.record(action="credit_acknowledged", actor=actor,
                                  from_status=current.status, to_status=current.status)
        if promised_date is None and current.promised_date is None:
            # The factory's capable-to-promise date (planning), when the reviewer did not set one.
            promised_date = stage_hooks.promise_for(current)
        if promised_date is not None:
            if promised_date < rules.today():
                raise ValidationError(_("The promised date cannot be in the past."))
            Order.objects.filter(pk=current.pk).update(promised_date=promised_date)
        return transition_order(actor=actor, order=current, action="approve", note=note,
                                expected_status=expected_status)


def reject_order(*, actor, order, reason, expected_status=None):
    return transition_order(actor=actor, order=order, action="reject", note=reason, expected_status=expected_status)


def hold_order(*, actor, order, reason, expected_status=None):
    return transition_order(actor=actor, order=order, action="hold", note=reason, expected_status=expected_status)


def resume_order(*, actor, order, note="", expected_status=None):
    return transition_order(actor=actor, order=order, action="resume", note=note, expected_status=expected_status)


def lock_order_of(model, pk):
    """Lock the order a row of `model` (inspection, NCR, complaint, rush request…: anything with an
    order_id) belongs to, before the caller locks the row itself: the order comes first in the global lock
    order (docs/locking.md), so a service starting from the row never waits for the order while holding
    the row that an order-first service wants next."""
    order_id = model.objects.filter(pk=pk).values_list("order_id", flat=True).first()
    if order_id is not None:
        Order.objects.select_for_update().filter(pk=order_id).values_list("pk").first()


def cancel_order(*, actor, order, reason, expected_status=None):
    """Cancel before production starts; the later stages release their work orders and reservations
    in the same transaction (stage_hooks ON_CANCEL)."""
    action = "cancel_held" if order.status == OrderStatus.ON_HOLD else "cancel"
    return transition_order(actor=actor, order=order, action=action, note=reason, expected_status=expected_status)


# The dates make_rush may move, named in its event note (read in the reader's language).
DATE_FIELD_LABELS = {"requested_date": gettext_noop("Requested date"), "promised_date": gettext_noop("Promised date")}

# An approved rush request may speed up any order whose goods have not left yet.
RUSH_OPEN_STATUSES = (OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED, OrderStatus.PLANNED,
                      OrderStatus.MATERIALS_READY, OrderStatus.IN_PRODUCTION, OrderStatus.AWAITING_QC,
                      OrderStatus.QC_PASSED)


def make_rush(*, actor, order, reason, rush_date=None, note=""):
    """Make an order a rush order after its rush review was approved (rush.services): priority rush with
    the reason, and the rush date as its requested date (not approved yet) or its promised date (approved
    or later, so planning schedules it for that day). Managers only."""
    require(actor, "orders.review_order")
    if not visible_strip(reason or ""):
        raise ValidationError(_("Give the reason for the rush."))
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.status not in RUSH_OPEN_STATUSES:
            raise OrderActionRefused(_("Order %(number)s is %(status)s: it cannot be made a rush order now.")
                                     % {"number": current.number, "status": current.get_status_display()})
        current.priority, current.rush_reason = Priority.RUSH, visible_strip(reason)[:300]
        fields = ["priority", "rush_reason", "updated_at"]
        text = Text(gettext_noop("Made a rush order: %(reason)s"), reason=current.rush_reason)
        date_field = "requested_date" if current.status in (*EDITABLE, OrderStatus.SUBMITTED) else "promised_date"
        before = getattr(current, date_field)
        if rush_date is not None and rush_date != before:
            setattr(current, date_field, rush_date)
            fields.append(date_field)
            text = joined(text, Text(gettext_noop("%(field)s %(old)s → %(new)s."),
                                     field=Text(DATE_FIELD_LABELS[date_field]), old=before, new=rush_date))
        current.save(update_fields=fields)
        current.events.record(action="rush_approved", actor=actor, from_status=current.status,
                              to_status=current.status, note=joined(text, visible_strip(note or "")))
    return current


def set_rush(*, actor, order, rush: bool, reason=""):
    """Flag or unflag rush on an order that sales may still edit."""
    require(actor, "orders.change_order")
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.status not in EDITABLE:
            raise OrderActionRefused(_("Rush can be set here only while the order is a draft."))
        if rush and not reason.strip():
            raise ValidationError(_("Give the reason for the rush."))
        current.priority = Priority.RUSH if rush else Priority.NORMAL
        current.rush_reason = reason.strip() if rush else ""
        current.save(update_fields=["priority", "rush_reason", "updated_at"])
        current.events.record(action="edited", actor=actor, from_status=current.status,
                              to_status=current.status,
                              note=Text(gettext_noop("Flagged as rush: %(reason)s"), reason=reason) if rush
                              else Text(gettext_noop("Rush removed")))
    return current


def change_promised_date(*, actor, order, new_date, reason):
    """A new promised date for an approved (or later, not yet shipped) order, decided on a delay (the general
    manager's decision in rush.decisions). Writes the order event "promised_date_changed" with the old and
    new date and the reason: the hook customer notices use (they pick up these events; nothing is sent
    from here)."""
    require(actor, "orders.change_promised_date")
    reason = visible_strip(reason or "")
    if new_date is None:
        raise ValidationError(_("Enter the new promised date."))
    if new_date < rules.today():
        raise ValidationError(_("The new promised date cannot be in the past."))
    if not reason:
        raise ValidationError(_("Give the reason for the new date."))
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.status not in RUSH_OPEN_STATUSES or current.status in (*EDITABLE, OrderStatus.SUBMITTED):
            raise ValidationError(_("Order %(number)s is %(status)s: its promised date cannot be changed now.")
                                  % {"number": current.number, "status": current.get_status_display()})
        before = current.promised_date
        current.promised_date = new_date
        current.save(update_fields=["promised_date", "updated_at"])
        note = joined(Text(gettext_noop("%(field)s %(old)s → %(new)s."), field=Text(DATE_FIELD_LABELS["promised_date"]),
                           old=before or "—", new=new_date), reason)
        current.events.record(action="promised_date_changed", actor=actor, from_status=current.status,
                              to_status=current.status, note=note)
    return current
