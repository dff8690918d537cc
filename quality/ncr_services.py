"""The disposition of a nonconforming lot (NCR), decided by QC:

- rework: the order goes back to in_production (fail_qc) and a released rework work order is made
  (quality.rework); when production finishes it, the order returns to awaiting_qc and quality
  opens a re-inspection and closes this NCR (quality.hooks).
- scrap: the scrapped quantity is recorded, the rest of the lot is accepted (sorted good). What the
  order line is then short of is re-planned: a released make-up work order is scheduled, the accepted
  part goes into stock, the order goes back to production and is flagged at risk, and the planners
  are alerted; the make-up lot is inspected when it is done (quality.hooks).
- concession (use as is): needs a manager's approval; then the whole lot is accepted.
- return to supplier: incoming inspections only; the lot stays blocked for the warehouse to return.
When the disposition is done and every line of the order has an accepted lot, the order passes QC
(quality.services.release_order_if_inspected).
"""

from decimal import Decimal

import django_fsm as fsm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from config.transitions import take
from inputs.visible import visible_strip
from orders.models import Order, OrderStatus, Unit
from orders.services import OrderActionRefused, lock_order_of, transition_order
from planning.extra_work import create_extra_work_order
from systemtext.text import Text, joined, stored_fields

from . import stock_links
from .models import IS, NCR, Disposition, Inspection, Nonconformance
from .ncr_models import DECIDE
from .services import (
    APPROVE,
    is_resolved,
    release_order_if_inspected,
)
from .values import plain


def _locked(ncr):
    lock_order_of(Nonconformance, ncr.pk)
    return (Nonconformance.objects.select_for_update(of=("self",))
            .select_related("inspection", "inspection__order_line__product", "product", "order").get(pk=ncr.pk))


def _take(current, transition, *, actor, unmet=None):
    """Take the NCR's `transition` (declared on Nonconformance) as `actor`, refused with the NCR's status."""
    take(getattr(current, transition), actor=actor, unmet=unmet,
                    refused=_("%(number)s is %(status)s; this cannot be done now.")
                    % {"number": current.number, "status": current.get_status_display().lower()})


# The transition each disposition takes, and why it is refused when its condition is not met.
DISPOSITION_TRANSITIONS = {Disposition.REWORK: "rework", Disposition.SCRAP: "scrap",
                           Disposition.CONCESSION: "propose_concession",
                           Disposition.RETURN_TO_SUPPLIER: "return_to_supplier"}
UNMET = {Disposition.REWORK: gettext_lazy("Rework needs the customer order the lot was made for."),
         Disposition.RETURN_TO_SUPPLIER: gettext_lazy("Only received goods can be returned to the supplier.")}


def _check_scrap_quantity(current, quantity):
    if quantity is None:
        raise ValidationError(_("Enter the quantity scrapped."))
    if quantity <= 0 or quantity > current.quantity:
        raise ValidationError(_("The quantity scrapped must be more than zero and at most the lot of %(qty)s.")
                              % {"qty": plain(current.quantity)})
    decimals = Unit.decimals(current.product.unit)
    if quantity != round(quantity, decimals):
        raise ValidationError(_("%(unit)s are counted with at most %(n)s decimals.")
                              % {"unit": current.product.get_unit_display(), "n": decimals})


def decide_disposition(*, actor, ncr, disposition, note="", scrap_quantity: Decimal | None = None):
    """QC decides what happens to the nonconforming lot (see the module docstring)."""
    require(actor, DECIDE)
    note = visible_strip(note or "")
    if disposition not in Disposition.values:
        raise ValidationError(_("Choose a disposition."))
    with transaction.atomic():
        current = _locked(ncr)
        before = current.status
        _take(current, DISPOSITION_TRANSITIONS[disposition], actor=actor, unmet=UNMET.get(disposition))
        if disposition == Disposition.CONCESSION and not note:
            raise ValidationError(_("Explain why the lot can be used as it is."))
        if disposition == Disposition.SCRAP:
            _check_scrap_quantity(current, scrap_quantity)
        current.disposition, current.disposition_note = disposition, note
        current.decided_by, current.decided_at = actor, timezone.now()
        handler = {Disposition.REWORK: _rework, Disposition.SCRAP: _scrap, Disposition.CONCESSION: _propose_concession,
                   Disposition.RETURN_TO_SUPPLIER: _return}[disposition]
        handler(current, actor=actor, note=note, scrap_quantity=scrap_quantity, before=before)
    return current


def _saved(current, *, before, action, actor, note=""):
    """Save the NCR after its transition and write the event of the move from `before`."""
    current.save()
    current.events.record(action=action, actor=actor, from_status=before, to_status=current.status, note=note)


def _rework(current, *, actor, note, before, **_kwargs):
    order = Order.objects.select_for_update().get(pk=current.order_id)
    line = current.inspection.order_line
    reason = (Text(gettext_noop("%(ncr)s: rework — %(note)s"), ncr=current.number, note=note) if note
              else Text(gettext_noop("%(ncr)s: rework"), ncr=current.number))
    try:
        transition_order(actor=actor, order=order, action="fail_qc", note=reason,
                         expected_status=OrderStatus.AWAITING_QC)
    except OrderActionRefused as exc:
        raise ValidationError(exc.message) from None
    work_order, problem = create_extra_work_order(actor=actor, order=order, line=line, quantity=current.quantity,
                                                   note=reason)
    current.rework_work_order = work_order
    event_note = Text(gettext_noop("Rework work order %(wo)s released."), wo=work_order.number)
    if problem:
        event_note = joined(event_note, Text(gettext_noop("It is not scheduled yet: %(problem)s"), problem=problem))
    _saved(current, before=before, action="rework", actor=actor, note=joined(event_note, note.strip()))


def _scrap(current, *, actor, note, scrap_quantity, before, **_kwargs):
    inspection = current.inspection
    current.scrap_quantity = scrap_quantity
    remaining = current.quantity - scrap_quantity
    inspection.accepted_quantity = remaining
    inspection.save(update_fields=["accepted_quantity", "updated_at"])
    inspection.events.record(action="scrapped", actor=actor,
                 note=Text(gettext_noop("%(qty)s scrapped (%(ncr)s), %(rest)s accepted."), qty=scrap_quantity,
                           ncr=current.number, rest=remaining))
    _saved(current, before=before, action="scrap", actor=actor,
           note=joined(Text(gettext_noop("%(qty)s scrapped."), qty=scrap_quantity), note.strip()))
    if current.order_id:
        shortfall = line_shortfall(inspection.order_line) if inspection.order_line_id else Decimal("0")
        if shortfall > 0:
            _make_up_shortfall(current, actor=actor, shortfall=shortfall)
        release_order_if_inspected(actor=actor, order_id=current.order_id)


def line_shortfall(line):
    """What an order line still lacks after its settled inspections: the line quantity less every
    quantity accepted (passed, or what remained after scrap or a concession)."""
    accepted = Decimal("0")
    for inspection in (Inspection.objects.filter(order_line=line).exclude(status=IS.CANCELLED)
                       .select_related("ncr")):
        if is_resolved(inspection):
            accepted += inspection.accepted_quantity or Decimal("0")
    return line.quantity - accepted


def _make_up_shortfall(current, *, actor, shortfall):
    """Re-plan what scrapping left the order short of: a released make-up work order for the
    shortfall, scheduled with the open work; the order goes back to production for it (its inspection
    opens when the work order is done, quality.hooks) and the accepted part of this lot goes into
    stock now. When the item cannot be made again (bought, no routing) the order only gets flagged."""
    order = Order.objects.select_for_update().get(pk=current.order_id)
    reason = Text(gettext_noop("%(ncr)s: %(qty)s of %(sku)s scrapped, to be made again."), ncr=current.number,
                  qty=shortfall, sku=current.product.sku)
    try:
        with transaction.atomic():
            work_order, problem = create_extra_work_order(actor=actor, order=order, line=current.inspection.order_line,
                                                           quantity=shortfall, note=reason)
    except ValidationError as exc:
        _flag_shortfall(current, order, shortfall, made_by=None, why=" ".join(exc.messages))
        return
    current.replacement_work_order = work_order
    current.save(update_fields=["replacement_work_order"])
    stock_links.post_finished_goods(actor=actor, inspection=current.inspection)
    if order.status == OrderStatus.AWAITING_QC:
        try:
            transition_order(actor=actor, order=order, action="fail_qc", note=reason,
                             expected_status=OrderStatus.AWAITING_QC)
        except OrderActionRefused as exc:
            raise ValidationError(exc.message) from None
    note = Text(gettext_noop("Make-up work order %(wo)s released for %(qty)s."), wo=work_order.number, qty=shortfall)
    if problem:
        note = joined(note, Text(gettext_noop("It is not scheduled yet: %(problem)s"), problem=problem))
    current.events.record(action="make_up", actor=actor, from_status=current.status,
                          to_status=current.status, note=note)
    _flag_shortfall(current, order, shortfall, made_by=work_order, why=problem)


def _flag_shortfall(current, order, shortfall, *, made_by, why):
    if made_by is not None:
        reason = Text(gettext_noop("%(ncr)s: %(qty)s of %(sku)s scrapped, made again by %(wo)s."),
                      ncr=current.number, qty=shortfall, sku=current.product.sku, wo=made_by.number)
    else:
        reason = Text(gettext_noop("%(ncr)s: %(qty)s of %(sku)s scrapped, to be re-planned."),
                      ncr=current.number, qty=shortfall, sku=current.product.sku)
    Order.objects.filter(pk=order.pk).update(at_risk=True, **stored_fields("at_risk_reason", reason),
                                             at_risk_since=order.at_risk_since or timezone.now())
    create_alert(
        kind="quality_scrap_shortfall",
        subject=gettext_noop("Order %(order)s is short of %(qty)s %(sku)s after scrapping (%(ncr)s)"),
        body=(gettext_noop("Make-up work order %(wo)s was released and scheduled; check the plan. %(why)s")
              if made_by is not None else
              gettext_noop("It cannot be made again automatically (%(why)s): re-plan the shortfall.")),
        params={"order": order.number, "qty": plain(shortfall), "sku": current.product.sku,
                "ncr": current.number, "wo": made_by.number if made_by is not None else "", "why": why or ""},
        link=reverse("quality:ncr_detail", args=[current.pk]),
        severity="high" if order.is_rush else "info",
        roles=["planner"],
        dedupe_key=f"quality-scrap:{current.pk}",
    )


def _propose_concession(current, *, actor, note, before, **_kwargs):
    _saved(current, before=before, action="concession_proposed", actor=actor, note=note)
    create_alert(
        kind="quality_concession_approval",
        subject=gettext_noop("%(ncr)s: a concession (use as is) awaits your approval"),
        body=gettext_noop("%(sku)s, %(qty)s. Reason: %(note)s"),
        params={"ncr": current.number, "sku": current.product.sku, "qty": plain(current.quantity),
                "note": note},
        link=reverse("quality:ncr_detail", args=[current.pk]),
        severity="high" if current.order_id and current.order.is_rush else "info",
        roles=["manager"],
        dedupe_key=f"quality-concession:{current.pk}:{current.decided_at.isoformat()}",
    )


def _return(current, *, actor, note, before, **_kwargs):
    _saved(current, before=before, action="returned", actor=actor,
           note=joined(Text(gettext_noop("To be returned to %(supplier)s."),
                            supplier=current.inspection.supplier or "—"), note.strip()))


def decide_concession(*, actor, ncr, approve: bool, note=""):
    """A manager approves (the lot is accepted as it is) or declines (the NCR is open again) a concession."""
    require(actor, APPROVE)
    note = visible_strip(note or "")
    with transaction.atomic():
        current = _locked(ncr)
        before = current.status
        # The transitions' conditions compare the approver or the one declining with the proposer.
        if approve:
            current.approved_by = actor
            own = _("The person who proposed the concession cannot approve it too.")
        else:
            current.concession_declined_by = actor
            own = _("The person who proposed the concession cannot decline it.")
        _take(current, "approve_concession" if approve else "decline_concession", actor=actor, unmet=own)
        if not approve:
            if not note:
                raise ValidationError(_("Give a reason for declining."))
            _saved(current, before=before, action="concession_declined", actor=actor, note=note)
            return current
        current.approved_at = timezone.now()
        inspection = current.inspection
        inspection.accepted_quantity = current.quantity
        inspection.save(update_fields=["accepted_quantity", "updated_at"])
        _saved(current, before=before, action="concession_approved", actor=actor, note=note)
        if inspection.inventory_lot_id:
            stock_links.release_lot(actor=actor, lot=inspection.inventory_lot, inspection=inspection)
        # The order event is the proposing inspector's (QC takes pass_qc); the note names the approver.
        release_order_if_inspected(actor=actor, order_id=current.order_id, order_actor=current.decided_by,
                                   note=Text(gettext_noop("Concession %(ncr)s approved by %(who)s."),
                                             ncr=current.number, who=actor.get_full_name() or actor.username))
    return current


def close_reworked(*, actor, ncr, reinspection_numbers):
    """The rework is done (the order is back in awaiting_qc): the NCR closes, pointing to the re-inspection."""
    current = _locked(ncr)
    if not fsm.can_proceed(current.close_reworked):  # closed already, or its rework is not done
        return current
    current.close_reworked()
    _saved(current, before=NCR.IN_REWORK, action="rework_done", actor=actor,
           note=Text(gettext_noop("Re-inspection: %(numbers)s"), numbers=reinspection_numbers or "—"))
    return current
