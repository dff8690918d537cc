"""Material delay requests (物料延误申请): an item — optionally one purchase order line — arrives later
than expected.

`record_material_delay` stores the request (MD-2026-00001) with the new expected date and the reason.
With a purchase order line, the line's expected date becomes the new one (an event on the purchase
order), so the materials panels and planning's material date follow. The orders affected are those
waiting for materials (approved or planned) whose requirements are short of the item when the delay is
recorded (inventory.requirements): each is marked at risk (Order.at_risk, at_risk_reason, at_risk_since
— kept from an earlier cause when it was already at risk) with an OrderEvent "at_risk", and its owners
— the person who entered it and the planners — are alerted (severity high for rush orders). The
affected orders are kept on the request for the record. When a goods receipt later gives such an order
everything it needs, its risk is cleared again (inventory.purchasing, event "at_risk_cleared"), unless
something else (a process exception) put it at risk since.

The request is the form 《材料交期延迟申请单》 (PDF: inventory.documents) and waits for the PMC head's
decision (seed 003). The PMC head is the planner role's `inventory.decide_materialdelay` permission (PMC is
the planners' department here; managers hold it too), taken by someone other than the person who recorded
the request: `approve_material_delay` accepts the new date; `reject_material_delay` (a reason is required)
tells the requester that the date is not accepted, so purchasing goes back to the supplier. Neither moves
dates: what the supplier said is a fact recorded at once, so the plan and the at-risk flags follow it
while the decision is pending. Every step is a MaterialDelayEvent (who, when, from, to, why), and the
requester is alerted of the decision. A delay that threatens a rush order's date goes on to the general
manager's office (rush.decisions).
"""

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
from orders.models import Order
from systemtext.text import Text, stored_fields

from .models import MaterialDelay, MaterialDelayAction, MaterialDelayStatus, PurchaseOrderLine
from .purchasing import set_line_expected_date
from .requirements import open_orders_short_of

MAX_REASON = 1000


def _errors(item, line, new_expected_date, reason):
    errors = {}
    if new_expected_date is None:
        errors["new_expected_date"] = [_("Enter the new expected date.")]
    elif new_expected_date < timezone.localdate():
        errors["new_expected_date"] = [_("The new expected date cannot be in the past.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the delay.")]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [_("At most %(n)s characters.") % {"n": MAX_REASON}]
    if line is not None and line.item_id != item.pk:
        errors["purchase_order_line"] = [_("That purchase order line is for another item.")]
    return errors


def record_material_delay(*, actor, item, new_expected_date, reason, line: PurchaseOrderLine | None = None):
    require(actor, "inventory.add_materialdelay")
    reason = visible_strip(reason or "")
    errors = _errors(item, line, new_expected_date, reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        previous = None
        if line is not None:
            previous = PurchaseOrderLine.objects.get(pk=line.pk).expected_date
            set_line_expected_date(actor=actor, line=line, expected_date=new_expected_date, reason=reason)
        delay = MaterialDelay.objects.create(
            number=next_number(series.MATERIAL_DELAY), item=item, purchase_order_line=line,
            previous_expected_date=previous, new_expected_date=new_expected_date, reason=reason, created_by=actor)
        affected = [requirements.order for requirements in open_orders_short_of(item)]
        delay.affected_orders.set(affected)
        delay.events.record(action=MaterialDelayAction.RECORDED, actor=actor, to_status=delay.status, note=reason)
        for order in affected:
            _mark_at_risk(actor, order, delay)
    return delay


def _mark_at_risk(actor, order, delay):
    note = Text(gettext_noop("Material delay %(number)s: %(code)s expected on %(date)s. %(reason)s"),
                number=delay.number, code=delay.item.code, date=delay.new_expected_date, reason=delay.reason)
    now = timezone.now()
    current = Order.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=order.pk)
    Order.objects.filter(pk=current.pk).update(at_risk=True, **stored_fields("at_risk_reason", note),
                                               at_risk_since=current.at_risk_since or now)
    current.events.record(action="at_risk", actor=actor, from_status=current.status,
                          to_status=current.status, note=note)
    create_alert(
        kind="material_delay",
        subject=gettext_noop("Order %(order)s at risk: %(code)s delayed to %(date)s"),
        body=gettext_noop("Material delay %(number)s: %(code)s %(name)s is now expected on %(date)s. Reason: "
                          "%(reason)s"),
        params={"order": current.number, "code": delay.item.code, "name": delay.item.name,
                "date": delay.new_expected_date, "number": delay.number, "reason": delay.reason},
        link=reverse("orders:detail", args=[current.pk]),
        severity="high" if current.is_rush else "info",
        roles=("planner",), users=[current.created_by],
        dedupe_key=f"material-delay:{delay.pk}:{current.pk}", rush=current.is_rush)


def _decide(*, actor, delay, action, reason):
    reason = visible_strip(reason or "")
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most %(n)s characters.") % {"n": 500}]})
    if action == "reject" and not reason:
        raise ValidationError({"reason": [_("Give the reason for rejecting the request.")]})
    with transaction.atomic():
        current = (MaterialDelay.objects.select_for_update(of=("self",)).select_related("item", "created_by")
                   .get(pk=delay.pk))
        if current.created_by_id == actor.pk:
            raise ValidationError(_("The person who recorded a material delay request cannot decide it: "
                                    "another PMC head decides."))
        before = current.status
        current.decided_by, current.decision_reason = actor, reason
        take(getattr(current, action), actor=actor,
             refused=_("Material delay %(number)s was decided already.") % {"number": current.number})
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        event = MaterialDelayAction.APPROVED if action == "approve" else MaterialDelayAction.REJECTED
        current.events.record(action=event, actor=actor, from_status=before, to_status=current.status, note=reason)
        create_alert(
            kind="material_delay_decided",
            subject=gettext_noop("Material delay %(number)s: %(decision)s"),
            body=gettext_noop("%(code)s %(name)s expected on %(date)s — %(decision)s by %(by)s. %(reason)s"),
            params={"number": current.number, "code": current.item.code, "name": current.item.name,
                    "date": current.new_expected_date, "decision": MaterialDelayStatus(current.status).label,
                    "by": actor.get_full_name() or actor.username, "reason": reason},
            link=reverse("inventory:material_delay_detail", args=[current.pk]),
            severity="info", users=[current.created_by], dedupe_key=f"material-delay-decided:{current.pk}")
    return current


def approve_material_delay(*, actor, delay, reason=""):
    """The PMC head accepts the new expected date."""
    require(actor, "inventory.decide_materialdelay")
    return _decide(actor=actor, delay=delay, action="approve", reason=reason)


def reject_material_delay(*, actor, delay, reason):
    """The PMC head does not accept the new date (the reason is required): purchasing goes back to the
    supplier."""
    require(actor, "inventory.decide_materialdelay")
    return _decide(actor=actor, delay=delay, action="reject", reason=reason)
