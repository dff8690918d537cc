"""Logistics delays (物流延误) and compensation (退款、赠品、折扣券), as seed 003's delay plan runs them:
the delay is recorded (carrier, cause, new ETA) and the customer told at once (notices.services.notify,
kind "delayed"); customer service follows it to resolution; compensation is proposed against the order and
approved or rejected by a manager. Every step is a LogisticsEvent (who, when, from, to, why)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
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
from orders.models import Currency
from shipping.models import Shipment, ShipmentStatus

from .models import (
    APPROVE_COMPENSATION,
    DELAY_PERMISSION,
    Compensation,
    CompensationKind,
    CompensationStatus,
    DelayCause,
    DelayStatus,
    LogisticsAction,
    NoticeKind,
    ShipmentDelay,
)
from .services import notify

PROPOSE_PERMISSION = "notices.add_compensation"


def _text(value, label, limit, errors, *, required=True):
    value = visible_strip(value or "")
    if required and not value:
        errors.append(_("Enter %(what)s.") % {"what": label})
    elif len(value) > limit:
        errors.append(_("%(what)s has at most %(n)s characters.") % {"what": label, "n": limit})
    return value


def record_delay(*, actor, shipment, carrier, cause, detail, new_eta):
    """Record that `shipment` is delayed and tell the customer. Refuses, writing nothing, when the shipment
    is not on its way, the cause is unknown or the new arrival date is missing or in the past."""
    require(actor, DELAY_PERMISSION)
    errors = []
    carrier = _text(carrier or shipment.carrier, _("the carrier"), 100, errors)
    detail = _text(detail, _("what happened"), 500, errors)
    if cause not in DelayCause.values:
        errors.append(_("Choose the cause of the delay."))
    if new_eta is None:
        errors.append(_("Enter the new arrival date."))
    elif new_eta < timezone.localdate():
        errors.append(_("The new arrival date cannot be in the past."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Shipment.objects.select_for_update().select_related("order__customer").get(pk=shipment.pk)
        if current.status != ShipmentStatus.SHIPPED:
            raise ValidationError(_("Shipment %(number)s is not on its way: only a shipped shipment can be delayed.")
                                  % {"number": current.number})
        delay = ShipmentDelay.objects.create(number=next_number(series.LOGISTICS_DELAY), shipment=current,
                                             carrier=carrier, cause=cause, detail=detail, new_eta=new_eta,
                                             recorded_by=actor)
        order = current.order
        delay.events.record(action=LogisticsAction.RECORDED, actor=actor, order=order, to_status=DelayStatus.OPEN,
                            note=detail)
        notify(order=order, kind=NoticeKind.DELAYED, key=f"delay:{delay.pk}", actor=actor,
               values={"carrier": carrier, "tracking_number": current.tracking_number, "new_eta": new_eta,
                       "cause": DelayCause(cause).label, "detail": detail})
        create_alert(kind="logistics_delay",
                     subject=gettext_noop("Logistics delay %(delay)s: order %(order)s arrives %(date)s"),
                     body=gettext_noop("%(customer)s, shipment %(shipment)s with %(carrier)s. The customer was told."),
                     params={"delay": delay.number, "order": order.number, "date": new_eta,
                             "customer": order.customer.name, "shipment": current.number, "carrier": carrier},
                     link=reverse("notices:delay", args=[delay.pk]), severity="high" if order.is_rush else "info",
                     roles=["customer_service", "shipping"], rush=order.is_rush,
                     dedupe_key=f"logistics-delay:{delay.pk}")
    return delay


def resolve_delay(*, actor, delay, resolution):
    """The delay is over (goods arrived, or another way found); how, in the person's words."""
    errors = []
    resolution = _text(resolution, _("how it was resolved"), 500, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = ShipmentDelay.objects.select_for_update().select_related("shipment").get(pk=delay.pk)
        take(current.resolve, actor=actor, refused=_("This delay is resolved already."))
        current.resolution, current.resolved_by, current.resolved_at = resolution, actor, timezone.now()
        current.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        current.events.record(action=LogisticsAction.RESOLVED, actor=actor, order_id=current.shipment.order_id,
                              from_status=DelayStatus.OPEN, to_status=DelayStatus.RESOLVED, note=resolution)
    return current


def _amount(value):
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def propose_compensation(*, actor, order, kind, amount, currency, description, delay=None):
    """Propose a refund, a gift or a discount voucher for `order` (for `delay`, when given); a manager decides."""
    require(actor, PROPOSE_PERMISSION)
    errors = []
    if kind not in CompensationKind.values:
        errors.append(_("Choose refund, gift or discount voucher."))
    value = _amount(amount)
    if value is None or value <= 0:
        errors.append(_("Enter an amount greater than zero."))
    elif value >= Decimal("10000000000"):
        errors.append(_("The amount is too large."))
    if currency not in Currency.values:
        errors.append(_("Choose the currency."))
    description = _text(description, _("a description"), 300, errors)
    if delay is not None and delay.shipment.order_id != order.pk:
        errors.append(_("The delay belongs to another order."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        compensation = Compensation.objects.create(order=order, delay=delay, kind=kind, amount=value,
                                                   currency=currency, description=description, proposed_by=actor)
        compensation.events.record(action=LogisticsAction.PROPOSED, actor=actor, order=order, delay=delay,
                                   to_status=CompensationStatus.PROPOSED, note=description)
        create_alert(kind="compensation_proposed",
                     subject=gettext_noop("Compensation for order %(order)s to approve: %(amount)s"),
                     body=gettext_noop("%(customer)s. %(description)s"),
                     params={"order": order.number, "amount": f"{value} {currency}",
                             "customer": order.customer.name, "description": description},
                     link=reverse("notices:delay", args=[delay.pk]) if delay else reverse("notices:home"),
                     roles=["manager"], dedupe_key=f"compensation-proposed:{compensation.pk}")
    return compensation


def decide_compensation(*, actor, compensation, approve, note=""):
    """A manager approves the compensation, or rejects it with a reason."""
    require(actor, APPROVE_COMPENSATION)
    note = visible_strip(note or "")
    if not approve and not note:
        raise ValidationError(_("Give the reason for rejecting the compensation."))
    if len(note) > 300:
        raise ValidationError(_("The reason has at most 300 characters."))
    with transaction.atomic():
        current = Compensation.objects.select_for_update().get(pk=compensation.pk)
        method = current.approve if approve else current.reject
        take(method, actor=actor, refused=_("This compensation was decided already."))
        current.decided_by, current.decided_at, current.decision_note = actor, timezone.now(), note
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        current.events.record(action=LogisticsAction.APPROVED if approve else LogisticsAction.REJECTED, actor=actor,
                              order_id=current.order_id, delay_id=current.delay_id,
                              from_status=CompensationStatus.PROPOSED, to_status=current.status, note=note)
    return current
