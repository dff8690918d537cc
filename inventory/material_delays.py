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
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from orders.models import Order
from systemtext.text import Text, stored_fields

from .models import MaterialDelay, PurchaseOrderLine
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
