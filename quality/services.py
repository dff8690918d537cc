"""Every write on inspections: one function per user-visible action (quality.models explains the flow;
attachments are in quality.attachments).

Each runs in one transaction, checks the actor's permission and the input, locks the inspection row
(so a double click or two inspectors at once cannot sign twice or write into a signed inspection),
writes the event, and queues alerts on commit (alerts.create_alert).

Counting defects per class (GB/T 2828.1 clause 3/4): for an AQL up to 10 the lot is judged on
nonconforming items, so a sample with two defects of the same class counts once; above 10 (per 100
items) every defect counts. A class is judged on its own sample: the first n samples of its plan.
The inspection is rejected when any class has defects ≥ Re.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from orders.models import Order, OrderStatus
from orders.services import OrderActionRefused, lock_order_of, transition_order
from systemtext.text import Text, joined

from . import sampling, stock_links, switching
from .models import (
    DEFECT_CLASSES,
    IS,
    NCR,
    Disposition,
    Inspection,
    InspectionClassPlan,
    InspectionPlan,
    InspectionSource,
    Measurement,
    Nonconformance,
    SamplingState,
    SamplingStateEvent,
    Verdict,
)
from .values import parse_attribute, parse_measured, plain

RECORD = "quality.record_inspection"
APPROVE = "quality.approve_inspection"

# The severity inside a sentence of an event note ("normal inspection"), translated when read.
SEVERITY_WORDS = {"normal": gettext_noop("normal"), "tightened": gettext_noop("tightened"),
                  "reduced": gettext_noop("reduced")}


def locked_inspection(inspection):
    lock_order_of(Inspection, inspection.pk)  # signing ends by moving the order: the order first
    return (Inspection.objects.select_for_update(of=("self",)).select_related("product", "order", "plan")
            .get(pk=inspection.pk))


def refuse_unless(current, statuses):
    if current.status in statuses:
        return
    if current.status in (IS.PASSED, IS.FAILED) and current.signed_by_id:
        signer = current.signed_by.get_full_name() or current.signed_by.username
        raise ValidationError(
            _("Inspection %(number)s was already signed by %(who)s at %(when)s; nothing was changed.")
            % {"number": current.number, "who": signer,
               "when": date_format(timezone.localtime(current.signed_at), "DATETIME_FORMAT")})
    raise ValidationError(_("Inspection %(number)s is %(status)s; this cannot be done now.")
                          % {"number": current.number, "status": current.get_status_display().lower()})


# --- opening ------------------------------------------------------------------------------------

def open_inspection(*, actor, product, lot_quantity, source=InspectionSource.PRODUCTION, order=None,
                    order_line=None, lot_number="", supplier="", inventory_lot=None, note="") -> Inspection:
    """An open inspection of a lot (no permission check: the caller decides who may open one)."""
    if lot_quantity is None or lot_quantity <= 0:
        raise ValidationError(_("The lot quantity must be more than zero."))
    inspection = Inspection.objects.create(
        number=next_number(series.INSPECTION), source=source, order=order, order_line=order_line, product=product,
        lot_quantity=lot_quantity, lot_number=(lot_number or "").strip(), supplier=(supplier or "").strip(),
        inventory_lot=inventory_lot, created_by=actor)
    inspection.events.record(action="opened", actor=actor, to_status=IS.OPEN, note=note)
    return inspection


def create_receipt_inspection(*, actor, product, lot_quantity, lot_number="", supplier="",
                              inventory_lot=None) -> Inspection:
    """An incoming inspection typed in by QC (goods receipt). A stock lot under inspection is put in
    quarantine until the verdict."""
    require(actor, "quality.add_inspection")
    if not product.is_active:
        raise ValidationError(_("Product %(sku)s is inactive.") % {"sku": product.sku})
    if len((lot_number or "").strip()) > 60 or len((supplier or "").strip()) > 200:
        raise ValidationError(_("The lot number has at most 60 and the supplier at most 200 characters."))
    with transaction.atomic():
        inspection = open_inspection(actor=actor, product=product, lot_quantity=lot_quantity,
                                     source=InspectionSource.RECEIPT, lot_number=lot_number, supplier=supplier,
                                     inventory_lot=inventory_lot)
        if inventory_lot is not None:
            stock_links.quarantine_lot(actor=actor, lot=inventory_lot, inspection=inspection)
    return inspection


# --- starting: the sampling plan ------------------------------------------------------------------

def sampling_state_for(product, *, lock=False):
    rows = SamplingState.objects.select_for_update() if lock else SamplingState.objects
    state = rows.filter(product=product).first()
    if state is None:
        state, _created = SamplingState.objects.get_or_create(product=product)
        if lock:
            state = SamplingState.objects.select_for_update().get(pk=state.pk)
    return state


def class_plans_for(*, plan: InspectionPlan, lot_size: int, severity: str):
    """The sampling plan of each defect class (InspectionClassPlan rows, unsaved)."""
    rows = []
    for defect_class in DEFECT_CLASSES:
        aql = plan.aql_for(defect_class)
        found = sampling.plan_for(lot_size=lot_size, level=plan.inspection_level, aql=aql, severity=severity)
        tighter_aql = sampling.one_step_tighter(aql)
        tighter = None
        if tighter_aql is not None:
            tighter = sampling.plan_for(lot_size=lot_size, level=plan.inspection_level, aql=tighter_aql,
                                        severity=sampling.NORMAL).acceptance
        rows.append(InspectionClassPlan(
            defect_class=defect_class, aql=str(found.aql), plan_letter=found.plan_letter,
            table_sample_size=found.table_sample_size, sample_size=found.sample_size, acceptance=found.acceptance,
            rejection=found.rejection, tighter_acceptance=tighter))
    return rows


def start_inspection(*, actor, inspection, expected_status=IS.OPEN) -> Inspection:
    """Begin inspecting: the product's active plan version, the scheme's severity and the per-class
    sampling plans are fixed on the inspection."""
    require(actor, RECORD)
    with transaction.atomic():
        current = locked_inspection(inspection)
        refuse_unless(current, [expected_status])
        plan = InspectionPlan.objects.filter(product=current.product, is_active=True).first()
        if plan is None or not plan.characteristics.exists():
            raise ValidationError(_("Product %(sku)s has no active inspection plan: enter its plan first.")
                                  % {"sku": current.product.sku})
        state = sampling_state_for(current.product)
        if state.discontinued:
            raise ValidationError(_("Sampling inspection of %(sku)s is discontinued (5 lots not accepted on "
                                    "tightened inspection). A manager resumes it after corrective action.")
                                  % {"sku": current.product.sku})
        rows = class_plans_for(plan=plan, lot_size=current.lot_size, severity=state.severity)
        for row in rows:
            row.inspection = current
        InspectionClassPlan.objects.bulk_create(rows)
        current.plan = plan
        current.severity = state.severity
        current.inspection_level = plan.inspection_level
        current.code_letter = sampling.code_letter(current.lot_size, plan.inspection_level)
        current.inspector = actor
        current.started_at = timezone.now()
        current.start()
        current.save()
        current.events.record(action="started", actor=actor, from_status=IS.OPEN,
                     to_status=IS.IN_PROGRESS,
                     note=Text(gettext_noop("Plan version %(v)s, %(severity)s inspection, level %(level)s, code "
                                            "letter %(letter)s."), v=plan.version, severity=Text(SEVERITY_WORDS.get(
                                                current.severity, current.severity)),
                               level=plan.inspection_level, letter=current.code_letter))
    return current


# --- recording values -----------------------------------------------------------------------------

def sample_sizes(inspection):
    """{defect class: n} of a started inspection."""
    return {row.defect_class: row.sample_size for row in inspection.class_plans.all()}


def _cell(current, characteristic, sample_no, raw, sizes):
    """Check one cell and return (value, passed, is_defect); ValidationError names the cell."""
    where = _("Sample %(n)s, %(name)s") % {"n": sample_no, "name": characteristic.name}
    if characteristic.plan_id != current.plan_id:
        raise ValidationError(_("This characteristic is not part of the inspection's plan."))
    if sample_no < 1 or sample_no > current.lot_size:
        raise ValidationError(_("Sample %(n)s is beyond the lot of %(lot)s items.") % {"n": sample_no,
                                                                                      "lot": current.lot_size})
    allowed = sizes.get(characteristic.defect_class, 0)
    if sample_no > allowed:
        raise ValidationError(_("%(where)s: only %(n)s samples are inspected for %(cls)s defects.")
                              % {"where": where, "n": allowed, "cls": characteristic.get_defect_class_display()})
    try:
        if characteristic.is_measured:
            value = parse_measured(raw, characteristic.unit)
            if value is not None and not characteristic.is_possible(value):
                raise ValidationError(impossible_value_message(characteristic, value))
            defect = value is not None and not characteristic.within_tolerance(value)
            return value, None, defect
        passed = parse_attribute(raw)
        return None, passed, passed is False
    except ValidationError as exc:
        raise ValidationError(f"{where}: {' '.join(exc.messages)}") from None


def impossible_value_message(characteristic, value):
    low = plain(characteristic.possible_min) if characteristic.possible_min is not None else None
    high = plain(characteristic.possible_max) if characteristic.possible_max is not None else None
    values = {"value": plain(value), "low": low, "high": high, "unit": characteristic.unit}
    if low is not None and high is not None:
        return _("%(value)s %(unit)s is not a possible reading (possible: %(low)s to %(high)s %(unit)s). Check the "
                 "instrument and type it again.") % values
    if low is not None:
        return _("%(value)s %(unit)s is not a possible reading (it cannot be below %(low)s %(unit)s). Check the "
                 "instrument and type it again.") % values
    return _("%(value)s %(unit)s is not a possible reading (it cannot be above %(high)s %(unit)s). Check the "
             "instrument and type it again.") % values


def _write_cell(current, characteristic, sample_no, value, passed, defect, actor):
    if value is None and passed is None:
        Measurement.objects.filter(inspection=current, characteristic=characteristic, sample_no=sample_no).delete()
        return None
    measurement, _created = Measurement.objects.update_or_create(
        inspection=current, characteristic=characteristic, sample_no=sample_no,
        defaults={"value": value, "passed": passed, "is_defect": defect, "recorded_by": actor,
                  "recorded_at": timezone.now()})
    return measurement


def record_value(*, actor, inspection, characteristic, sample_no, raw):
    """Save one cell as typed (the form saves each cell on change). Returns the measurement (None
    for a cleared cell) with is_defect telling whether it is out of tolerance / failed."""
    require(actor, RECORD)
    with transaction.atomic():
        current = locked_inspection(inspection)
        refuse_unless(current, [IS.IN_PROGRESS])
        value, passed, defect = _cell(current, characteristic, sample_no, raw, sample_sizes(current))
        return _write_cell(current, characteristic, sample_no, value, passed, defect, actor)


def save_values(*, actor, inspection, entries):
    """Save many cells at once ({(characteristic, sample_no): raw}); all or nothing: any bad cell
    raises one ValidationError listing every bad cell and nothing is written."""
    require(actor, RECORD)
    with transaction.atomic():
        current = locked_inspection(inspection)
        refuse_unless(current, [IS.IN_PROGRESS])
        sizes = sample_sizes(current)
        checked, errors = [], []
        for (characteristic, sample_no), raw in entries.items():
            try:
                checked.append((characteristic, sample_no, *_cell(current, characteristic, sample_no, raw, sizes)))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        existing = {(m.characteristic_id, m.sample_no): m for m in current.measurements.all()}
        now, new_cells = timezone.now(), []
        for characteristic, sample_no, value, passed, defect in checked:
            before = existing.get((characteristic.pk, sample_no))
            if before is not None and (before.value, before.passed) == (value, passed):
                continue  # unchanged: keep who recorded it and when
            if before is None and (value is not None or passed is not None):
                # A first reading: inserted with the others in one statement (a whole sheet pasted at once).
                new_cells.append(Measurement(inspection=current, characteristic=characteristic, sample_no=sample_no,
                                             value=value, passed=passed, is_defect=defect, recorded_by=actor,
                                             recorded_at=now))
                continue
            _write_cell(current, characteristic, sample_no, value, passed, defect, actor)
        Measurement.objects.bulk_create(new_cells)
    return current


# --- the verdict -----------------------------------------------------------------------------------

def tally(inspection):
    """Per class: defects counted as the standard says, and the cells still missing.
    Returns ({class: defects}, missing count, first missing cell label)."""
    plans = {row.defect_class: row for row in inspection.class_plans.all()}
    characteristics = list(inspection.plan.characteristics.all()) if inspection.plan_id else []
    filled = {}
    for m in inspection.measurements.all():
        filled[(m.characteristic_id, m.sample_no)] = m
    defects = {}
    missing, first_missing = 0, ""
    for defect_class, row in plans.items():
        mine = [c for c in characteristics if c.defect_class == defect_class]
        items, nonconformities = set(), 0
        for c in mine:
            for sample_no in range(1, row.sample_size + 1):
                m = filled.get((c.pk, sample_no))
                if m is None:
                    missing += 1
                    first_missing = first_missing or _("sample %(n)s, %(name)s") % {"n": sample_no, "name": c.name}
                elif m.is_defect:
                    items.add(sample_no)
                    nonconformities += 1
        defects[defect_class] = nonconformities if row.counts_nonconformities else len(items)
    return defects, missing, first_missing


def verdict_of(plans, defects):
    rejected = any(defects.get(row.defect_class, 0) >= row.rejection for row in plans)
    return Verdict.REJECT if rejected else Verdict.ACCEPT


def _check_password(actor, password):
    if not password or not actor.check_password(password):
        raise ValidationError(_("Your password is not correct: the signature was not accepted."))


def confirm_inspection(*, actor, inspection, password, forced_verdict="", reason="") -> Inspection:
    """The inspector signs (re-entering the password). The verdict follows Ac/Re per class; a verdict
    against it (`forced_verdict`, with a reason) waits for a manager's approval instead."""
    require(actor, RECORD)
    _check_password(actor, password)
    if forced_verdict and forced_verdict not in Verdict.values:
        raise ValidationError(_("Unknown verdict."))
    with transaction.atomic():
        current = locked_inspection(inspection)
        refuse_unless(current, [IS.IN_PROGRESS])
        plans = list(current.class_plans.all())
        defects, missing, first_missing = tally(current)
        computed = verdict_of(plans, defects)
        if missing and computed == Verdict.ACCEPT:
            raise ValidationError(_("%(n)s values are still missing (the first: %(cell)s). Record them before "
                                    "signing.") % {"n": missing, "cell": first_missing})
        for row in plans:
            row.defects = defects.get(row.defect_class, 0)
        InspectionClassPlan.objects.bulk_update(plans, ["defects"])
        current.computed_verdict = computed
        current.signed_by = actor
        current.signed_at = timezone.now()
        if forced_verdict and forced_verdict != computed:
            reason = visible_strip(reason or "")
            if not reason:
                raise ValidationError(_("Give the reason for a verdict against the Ac/Re result."))
            current.forced_verdict = forced_verdict
            current.forced_reason = reason
            current.ask_approval()
            current.save()
            current.events.record(action="verdict_forced", actor=actor, from_status=IS.IN_PROGRESS,
                                  to_status=IS.PENDING_APPROVAL, note=reason)
            _alert_approval_needed(current)
            return current
        return _finish(current, actor=actor, verdict=computed, from_status=IS.IN_PROGRESS)


def decide_forced_verdict(*, actor, inspection, approve: bool, note="") -> Inspection:
    """A manager approves (the forced verdict stands) or declines (back to the inspector) a verdict
    that goes against Ac/Re."""
    require(actor, APPROVE)
    note = visible_strip(note or "")
    with transaction.atomic():
        current = locked_inspection(inspection)
        refuse_unless(current, [IS.PENDING_APPROVAL])
        if current.signed_by_id == actor.pk:
            raise PermissionDenied(_("The inspector who asked for the verdict cannot approve it too."))
        if not approve:
            if not note:
                raise ValidationError(_("Give a reason for declining."))
            current.decline_approval()
            current.forced_verdict, current.forced_reason = "", ""
            current.signed_by, current.signed_at = None, None
            current.save()
            current.events.record(action="verdict_declined", actor=actor,
                                  from_status=IS.PENDING_APPROVAL, to_status=IS.IN_PROGRESS, note=note)
            return current
        current.approved_by = actor
        current.approved_at = timezone.now()
        # The order event is the inspector's (QC takes pass_qc); its note names the approver.
        return _finish(current, actor=actor, verdict=current.forced_verdict, from_status=IS.PENDING_APPROVAL,
                       note=note, order_actor=current.signed_by,
                       order_note=Text(gettext_noop("Verdict against Ac/Re approved by %(who)s."),
                                       who=actor.get_full_name() or actor.username))


def _update_sampling_state(inspection, actor):
    state = sampling_state_for(inspection.product, lock=True)
    outcomes = [switching.ClassOutcome(acceptance=row.acceptance, defects=row.defects or 0,
                                       tighter_acceptance=row.tighter_acceptance)
                for row in inspection.class_plans.all()]
    before = switching.State(severity=state.severity, score=state.switching_score, recent=state.recent,
                             tightened_rejections=state.tightened_rejections, discontinued=state.discontinued)
    if before.discontinued:
        return
    moved = switching.after_lot(before, outcomes)
    after = moved.state
    state.severity, state.switching_score, state.recent = after.severity, after.score, after.recent
    state.tightened_rejections, state.discontinued = after.tightened_rejections, after.discontinued
    state.save()
    if moved.reason:
        SamplingStateEvent.objects.create(
            product=inspection.product, inspection=inspection, from_severity=before.severity,
            to_severity=switching.DISCONTINUED if after.discontinued else after.severity, reason=moved.reason,
            actor=actor)


def _finish(current, *, actor, verdict, from_status, note="", order_actor=None, order_note=""):
    current.verdict = verdict
    if verdict == Verdict.ACCEPT:
        current.pass_lot()
        current.accepted_quantity = current.lot_quantity
    else:
        current.fail_lot()
    current.save()
    current.events.record(action="passed" if verdict == Verdict.ACCEPT else "failed", actor=actor,
                          from_status=from_status, to_status=current.status, note=note)
    _update_sampling_state(current, actor)
    if verdict == Verdict.ACCEPT:
        if current.inventory_lot_id:
            stock_links.release_lot(actor=actor, lot=current.inventory_lot, inspection=current)
        release_order_if_inspected(actor=actor, order_id=current.order_id, order_actor=order_actor, note=order_note)
    else:
        open_nonconformance(actor=actor, inspection=current)
    return current


# --- the order ----------------------------------------------------------------------------------

def line_outcomes(order):
    """{order line id: its latest inspection that counts} for the order (cancelled ones don't)."""
    latest = {}
    for inspection in (Inspection.objects.filter(order=order).exclude(status=IS.CANCELLED)
                       .select_related("ncr").order_by("created_at", "pk")):
        latest[inspection.order_line_id] = inspection
    return latest


def is_resolved(inspection):
    """Passed, or failed and closed by scrapping or a concession (what remains is accepted)."""
    if inspection.status == IS.PASSED:
        return True
    ncr = getattr(inspection, "ncr", None)
    return (inspection.status == IS.FAILED and ncr is not None and ncr.status == NCR.CLOSED
            and ncr.disposition in (Disposition.SCRAP, Disposition.CONCESSION))


def release_order_if_inspected(*, actor, order_id, order_actor=None, note=""):
    """When every line of an order awaiting QC has an accepted (or dispositioned) lot, the passed
    quantities go into stock and the order moves awaiting_qc → qc_passed; with nothing accepted at
    all (everything scrapped) it goes back to production for re-planning instead."""
    if order_id is None:
        return None
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != OrderStatus.AWAITING_QC:
        return order
    latest = line_outcomes(order)
    lines = list(order.lines.all())
    if not lines or any(line.pk not in latest or not is_resolved(latest[line.pk]) for line in lines):
        return order
    order_actor = order_actor or actor
    accepted = [latest[line.pk] for line in lines if (latest[line.pk].accepted_quantity or 0) > 0]
    numbers = ", ".join(latest[line.pk].number for line in lines)
    try:
        if not accepted:
            return transition_order(actor=order_actor, order=order, action="fail_qc",
                                    expected_status=OrderStatus.AWAITING_QC,
                                    note=Text(gettext_noop("Nothing accepted (%(numbers)s): the order needs "
                                                           "re-planning."), numbers=numbers))
        stock_links.receive_finished_goods(actor=actor, inspections=accepted)
        return transition_order(actor=order_actor, order=order, action="pass_qc",
                                 expected_status=OrderStatus.AWAITING_QC,
                                 note=joined(Text(gettext_noop("Inspected: %(numbers)s"), numbers=numbers),
                                             note.strip() if isinstance(note, str) else note))
    except OrderActionRefused as exc:
        raise ValidationError(exc.message) from None


# --- nonconformance ---------------------------------------------------------------------------------

def _defects_summary(inspection):
    parts = []
    for row in inspection.class_plans.all():
        if row.defects:
            parts.append(_("%(cls)s: %(d)s (Ac %(ac)s, Re %(re)s)")
                         % {"cls": row.get_defect_class_display(), "d": row.defects, "ac": row.acceptance,
                            "re": row.rejection})
    return "; ".join(parts)


def open_nonconformance(*, actor, inspection) -> Nonconformance:
    """A failed lot gets its NCR; its stock lot (if any) is blocked until the disposition is done, and
    QC lead, planners and managers are alerted (high for a rush order)."""
    ncr = Nonconformance.objects.create(
        number=next_number(series.NONCONFORMANCE), inspection=inspection, order=inspection.order,
        product=inspection.product, quantity=inspection.lot_quantity, description=_defects_summary(inspection))
    ncr.events.record(action="opened", actor=actor, to_status=NCR.OPEN,
                      note=Text(gettext_noop("Lot %(lot)s of %(qty)s failed inspection %(number)s."),
                                lot=inspection.lot_number or "—", qty=inspection.lot_quantity,
                                number=inspection.number))
    if inspection.inventory_lot_id:
        stock_links.block_lot(actor=actor, lot=inspection.inventory_lot, ncr=ncr)
    create_alert(
        kind="inspection_failed",
        subject=gettext_noop("Inspection %(number)s failed: %(sku)s %(product)s, %(ncr)s opened"),
        body=gettext_noop("Order %(order)s. Defects: %(defects)s"),
        params={"number": inspection.number, "sku": inspection.product.sku, "product": inspection.product.name,
                "ncr": ncr.number, "order": inspection.order.number if inspection.order else "—",
                "defects": ncr.description or "—"},
        link=reverse("quality:ncr_detail", args=[ncr.pk]),
        severity="high" if inspection.is_rush else "info",
        roles=["qc", "planner", "manager"],
        dedupe_key=f"quality-failed:{inspection.pk}",
        rush=inspection.is_rush,
    )
    return ncr


def _alert_approval_needed(inspection):
    create_alert(
        kind="inspection_verdict_approval",
        subject=gettext_noop("Inspection %(number)s: a verdict against Ac/Re awaits your approval"),
        body=gettext_noop("%(who)s asks for “%(verdict)s”. Reason: %(reason)s"),
        params={"number": inspection.number, "who": inspection.signed_by.get_full_name()
                or inspection.signed_by.username, "verdict": inspection.forced_verdict,
                "reason": inspection.forced_reason},
        link=reverse("quality:inspection_detail", args=[inspection.pk]),
        severity="high" if inspection.is_rush else "info",
        roles=["manager"],
        dedupe_key=f"quality-force:{inspection.pk}:{inspection.signed_at.isoformat()}",
    )


# --- other actions ----------------------------------------------------------------------------------

def cancel_inspection(*, actor, inspection, reason) -> Inspection:
    """Cancel an inspection that is not signed (e.g. opened by mistake); recorded, never deleted."""
    require(actor, RECORD)
    reason = visible_strip(reason or "")
    if not reason:
        raise ValidationError(_("Give a reason."))
    with transaction.atomic():
        current = locked_inspection(inspection)
        refuse_unless(current, [IS.OPEN, IS.IN_PROGRESS])
        if current.order_id and current.order.status == OrderStatus.AWAITING_QC:
            raise ValidationError(_("The order is waiting for this inspection; it cannot be cancelled."))
        before = current.status
        current.cancel()
        current.save()
        current.events.record(action="cancelled", actor=actor, from_status=before,
                              to_status=IS.CANCELLED, note=reason)
    return current


def resume_sampling(*, actor, product, note) -> SamplingState:
    """After corrective action a manager resumes a discontinued scheme, on tightened inspection."""
    require(actor, "quality.resume_sampling")
    note = visible_strip(note or "")
    if not note:
        raise ValidationError(_("Describe the corrective action taken."))
    with transaction.atomic():
        state = sampling_state_for(product, lock=True)
        if not state.discontinued:
            raise ValidationError(_("Sampling inspection of this product is not discontinued."))
        after = switching.resumed(switching.State(severity=state.severity, discontinued=True))
        state.severity, state.switching_score, state.recent = after.severity, 0, ""
        state.tightened_rejections, state.discontinued = 0, False
        state.save()
        SamplingStateEvent.objects.create(product=product, from_severity=switching.DISCONTINUED,
                                          to_severity=after.severity, reason="resumed", note=note, actor=actor)
    return state
