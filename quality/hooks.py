"""Quality's plug into the order state machine (ON_TRANSITION reactions listed in
orders.stage_hooks.REACTIONS); runs inside the order's transaction, so a failure here undoes the transition.

- finish_production (the order reaches awaiting_qc): one open inspection per order line that has no
  accepted lot yet; the lot is the line's finished quantity (good quantity of the last operation of
  its finished work orders, else the line quantity), or for a reworked lot the NCR's quantity once its
  rework work order is done (not at the NCR decision: the reworked lot does not exist yet). NCRs of the
  order whose rework is done are closed, pointing to their re-inspection. QC is alerted.
- pass_qc: inspections of the order still open (an earlier lot of a line whose latest lot settled it) are
  cancelled with a note, so the QC queue shows only real work.

Quality's conditions of order transitions (TRANSITION_CHECK reactions, orders.stage_hooks.REACTIONS), the
rules release_order_if_inspected and the NCR dispositions follow, so no other path moves the order past them:
- lines_not_accepted (pass_qc): every line's latest inspection is passed, or failed and settled by scrap or
  a concession, and something was accepted;
- no_failed_lot (fail_qc): the order goes back to production only for a failed lot (rework, make-up,
  or nothing accepted);
- open_ncr_problems (close): an order is not closed while one of its NCRs is open.
"""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alerts.services import create_alert
from orders.models import Order
from planning.models import WorkOrderOperation, WorkOrderStatus
from systemtext.text import Text

from .models import IS, NCR, QUEUE_STATUSES, Inspection, Nonconformance
from .ncr_services import close_reworked
from .services import is_resolved, line_outcomes, open_inspection


def on_order_transition(*, actor, order, action, from_status):
    if action == "finish_production":
        open_inspections_for_order(actor=actor, order=order)
    elif action == "pass_qc":
        _cancel_leftovers(actor=actor, order=order)


def open_ncr_problems(order):
    numbers = list(Nonconformance.objects.filter(order=order).exclude(status=NCR.CLOSED)
                   .order_by("number").values_list("number", flat=True))
    if not numbers:
        return []
    return [_("Nonconformance reports still open: %(numbers)s.") % {"numbers": ", ".join(numbers)}]


def lines_not_accepted(order):
    latest = line_outcomes(order)
    waiting = []
    for line in order.lines.order_by("line_no"):
        inspection = latest.get(line.pk)
        if inspection is None:
            waiting.append(_("line %(n)s not inspected") % {"n": line.line_no})
        elif not is_resolved(inspection):
            waiting.append(_("line %(n)s: %(number)s is %(status)s") % {
                "n": line.line_no, "number": inspection.number, "status": inspection.get_status_display().lower()})
    if waiting:
        return [_("QC has not accepted every line of order %(number)s yet: %(lines)s.")
                % {"number": order.number, "lines": "; ".join(waiting)}]
    if not any((inspection.accepted_quantity or 0) > 0 for inspection in latest.values()):
        return [_("QC accepted nothing of order %(number)s.") % {"number": order.number}]
    return []


def no_failed_lot(order):
    if any(inspection.status == IS.FAILED for inspection in line_outcomes(order).values()):
        return []
    return [_("No lot of order %(number)s failed inspection: it goes back to production only for a failed lot.")
            % {"number": order.number}]


def finished_quantities(order, exclude_work_orders=()):
    """{order line id: good quantity of the last operation of its finished top-level work orders}."""
    operations = (WorkOrderOperation.objects
                  .filter(work_order__order=order, work_order__parent__isnull=True,
                          work_order__status=WorkOrderStatus.DONE, work_order__order_line__isnull=False)
                  .exclude(work_order_id__in=list(exclude_work_orders))
                  .order_by("work_order_id", "-sequence")
                  .values_list("work_order_id", "work_order__order_line_id", "good_quantity"))
    seen, totals = set(), {}
    for work_order_id, line_id, good in operations:
        if work_order_id in seen:
            continue
        seen.add(work_order_id)
        totals[line_id] = totals.get(line_id, Decimal("0")) + (good or Decimal("0"))
    return totals


def _make_up_lot(previous):
    """(quantity, note) of a done make-up work order that replaces what `previous` scrapped, else None."""
    ncr = getattr(previous, "ncr", None)
    work_order = ncr.replacement_work_order if ncr is not None and ncr.replacement_work_order_id else None
    if work_order is None or work_order.status != WorkOrderStatus.DONE:
        return None
    last = work_order.operations.order_by("-sequence").first()
    quantity = last.good_quantity if last is not None and last.good_quantity else work_order.quantity
    return quantity, _("Inspection of make-up work order %(wo)s (%(ncr)s).") % {"wo": work_order.number,
                                                                             "ncr": ncr.number}


def open_inspections_for_order(*, actor, order):
    # A reworked lot is inspected again once its rework work order is done, never earlier: before that
    # the lot to inspect does not exist yet (the NCR stays in rework and its line waits).
    in_rework = list(Nonconformance.objects.select_for_update(of=("self",)).filter(order=order, status=NCR.IN_REWORK)
                     .select_related("inspection", "rework_work_order"))
    waiting_rework = {ncr.inspection.order_line_id for ncr in in_rework
                      if ncr.rework_work_order is not None and ncr.rework_work_order.status != WorkOrderStatus.DONE}
    in_rework = [ncr for ncr in in_rework if ncr.inspection.order_line_id not in waiting_rework]
    reworked_lines = {ncr.inspection.order_line_id: ncr for ncr in in_rework}
    latest = line_outcomes(order)
    # Rework and make-up work orders are inspected as their own lots, never as the line's first output.
    extra_work_orders = [wo for ncr in Nonconformance.objects.filter(order=order)
                         for wo in (ncr.rework_work_order_id, ncr.replacement_work_order_id) if wo]
    finished = finished_quantities(order, exclude_work_orders=extra_work_orders)
    opened, made_up = [], []
    for line in order.lines.select_related("product").order_by("line_no"):
        previous = latest.get(line.pk)
        if line.pk in waiting_rework or (previous is not None and previous.status in QUEUE_STATUSES):
            continue
        make_up = _make_up_lot(previous) if previous is not None and is_resolved(previous) else None
        if previous is not None and is_resolved(previous) and make_up is None:
            continue
        ncr = reworked_lines.get(line.pk)
        if make_up is not None:
            (quantity, note), ncr = make_up, None
            made_up.append(previous.ncr)
        elif ncr is not None:
            quantity, note = ncr.quantity, Text(gettext_noop("Re-inspection after rework (%(ncr)s)."), ncr=ncr.number)
        else:
            quantity, note = finished.get(line.pk) or line.quantity, ""
        rounds = Inspection.objects.filter(order_line=line).count()
        lot_number = f"{order.number}-{line.line_no}" + (f"-R{rounds}" if rounds else "")
        opened.append(open_inspection(actor=actor, product=line.product, lot_quantity=quantity, order=order,
                                      order_line=line, lot_number=lot_number, note=note))
    numbers = ", ".join(inspection.number for inspection in opened)
    for ncr in in_rework:
        close_reworked(actor=actor, ncr=ncr, reinspection_numbers=numbers)
    if made_up:
        _clear_scrap_risk(actor=actor, order=order, ncrs=made_up)
    if opened:
        create_alert(
            kind="inspection_due",
            subject=gettext_noop("Order %(order)s awaits inspection: %(numbers)s"),
            params={"order": order.number, "numbers": numbers},
            link=reverse("quality:queue"),
            severity="high" if order.is_rush else "info",
            roles=["qc"],
            dedupe_key=f"quality-due:{order.pk}:{opened[0].pk}",
        )
    return opened


def _clear_scrap_risk(*, actor, order, ncrs):
    """The shortfall is made again: the order is no longer at risk for it (a risk of another cause stays)."""
    current = Order.objects.select_for_update().get(pk=order.pk)
    if not any(current.at_risk_because_of(ncr.number) for ncr in ncrs):
        return
    Order.objects.filter(pk=order.pk).update(at_risk=False, at_risk_reason="", at_risk_reason_values=None,
                                             at_risk_since=None)
    current.events.record(action="at_risk_cleared", actor=actor, from_status=current.status,
                          to_status=current.status,
                          note=Text(gettext_noop("The make-up lot is made and awaits inspection.")))


def _cancel_leftovers(*, actor, order):
    for inspection in Inspection.objects.select_for_update().filter(order=order, status__in=QUEUE_STATUSES):
        before = inspection.status
        inspection.cancel()
        inspection.save()
        inspection.events.record(action="cancelled", actor=actor, from_status=before,
                     to_status=IS.CANCELLED,
                     note=Text(gettext_noop("Order %(order)s passed QC without this inspection."), order=order.number))
