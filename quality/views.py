"""Quality pages: the QC queue, the inspection list and page, the tablet form to record values (each
cell saved on change through htmx), signing and approval, attachments, NCRs with their disposition,
inspection plans, and SPC. Views stay thin: parse, call a selector or a service, render or redirect."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import require
from audit.history import history
from record_pages.views import paginate

from . import attachments, charts, fast_entry, ncr_services, plan_services, selectors, services, spc
from .forms import (
    AttachmentForm,
    CharacteristicFormSet,
    ConfirmForm,
    CsvValuesForm,
    DecisionForm,
    DispositionForm,
    InspectionFilterForm,
    NonconformanceFilterForm,
    NonconformingForm,
    PasteValuesForm,
    PlanHeaderForm,
    ReasonForm,
    ReceiptInspectionForm,
    SpcForm,
    characteristic_initial,
    plan_header_initial,
)
from .models import IS, NCR, DefectClass, InspectionPlan

SAMPLES_PER_PAGE = 25


def _errors_to_messages(request, exc):
    for message in exc.messages:
        messages.error(request, message)


# --- the queue and the list ------------------------------------------------------------------------

@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def queue(request):
    """Open inspections, rush first (急单), oldest first."""
    search = request.GET.get("q", "")
    rows = selectors.inspection_queue(request.user, search)
    return render(request, "quality/queue.html", {
        "search": search, **paginate(request, rows), "can_add": request.user.has_perm("quality.add_inspection")})


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def inspection_list(request):
    form = InspectionFilterForm(request.GET or None)
    rows = selectors.inspection_list(request.user, request.GET)
    return render(request, "quality/inspection_list.html", {"form": form, **paginate(request, rows)})


@login_required
@permission_required("quality.add_inspection", raise_exception=True)
def inspection_create(request):
    """An incoming inspection of received goods."""
    form = ReceiptInspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lot = selectors.receipt_lot(data["product"], data["lot_number"]) if data["lot_number"] else None
        try:
            inspection = services.create_receipt_inspection(
                actor=request.user, product=data["product"], lot_quantity=data["lot_quantity"],
                lot_number=data["lot_number"], supplier=data["supplier"], inventory_lot=lot)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Inspection %(number)s is open.") % {"number": inspection.number})
            return redirect("quality:inspection_detail", pk=inspection.pk)
    return render(request, "quality/inspection_create.html", {"form": form})


# --- one inspection -------------------------------------------------------------------------------

def _inspection(request, pk):
    inspection = selectors.inspection_for_page(request.user, pk)
    if inspection is None:
        raise Http404(_("No such inspection."))
    return inspection


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def inspection_detail(request, pk):
    inspection = _inspection(request, pk)
    user = request.user
    context = {"inspection": inspection, "can_record": user.has_perm(services.RECORD),
               "can_approve": user.has_perm(services.APPROVE), "confirm_form": ConfirmForm(),
               "decision_form": DecisionForm(), "attachment_form": AttachmentForm(), "cancel_form": ReasonForm(),
               "class_plans": list(inspection.class_plans.all()), "events": list(inspection.events.all())}
    if inspection.plan_id:
        context["recorded"], context["needed"] = selectors.progress(inspection)
    if inspection.has_ncr:
        context["ncr"] = inspection.ncr
    return render(request, "quality/inspection_detail.html", context)


@login_required
@require_POST
def inspection_start(request, pk):
    require(request.user, services.RECORD)
    inspection = _inspection(request, pk)
    try:
        services.start_inspection(actor=request.user, inspection=inspection)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect("quality:inspection_detail", pk=pk)
    return redirect("quality:inspection_record", pk=pk)


def _inspection_action(request, pk, *, perm, form, invalid, act, done):
    """A POST action on an inspection page: check the role, the form and run `act` (a service call)
    with the inspection and the form's data; its refusal is shown on the page, nothing half done."""
    require(request.user, perm)
    inspection = _inspection(request, pk)
    try:
        if not form.is_valid():
            raise ValidationError(invalid)
        act(inspection, form.cleaned_data)
        messages.success(request, done)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("quality:inspection_detail", pk=pk)


@login_required
@require_POST
def inspection_cancel(request, pk):
    return _inspection_action(
        request, pk, perm=services.RECORD, form=ReasonForm(request.POST), invalid=_("Give a reason."),
        act=lambda inspection, data: services.cancel_inspection(actor=request.user, inspection=inspection,
                                                                reason=data["reason"]),
        done=_("The inspection is cancelled."))


def _grid_page(request, inspection):
    sizes = [row.sample_size for row in inspection.class_plans.all()]
    largest = max(sizes, default=0)
    pages = max(1, -(-largest // SAMPLES_PER_PAGE))
    try:
        page = min(max(int(request.GET.get("page", request.POST.get("page", 1))), 1), pages)
    except ValueError:
        page = 1
    first = (page - 1) * SAMPLES_PER_PAGE + 1
    return page, pages, first, min(first + SAMPLES_PER_PAGE - 1, largest)


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def inspection_record(request, pk):
    """The tablet form: per sample one big input per characteristic. Each cell is saved on change
    (htmx → inspection_cell); the Save button saves the whole page at once (all or nothing)."""
    inspection = _inspection(request, pk)
    if inspection.status not in (IS.IN_PROGRESS,):
        return redirect("quality:inspection_detail", pk=pk)
    page, pages, first, last = _grid_page(request, inspection)
    errors = []
    fast_forms = _fast_forms(request, inspection)
    if request.method == "POST" and request.POST.get("fast") in FAST_ENTRY:
        require(request.user, services.RECORD)
        done = _fast_entry(request, inspection, fast_forms[request.POST["fast"]])
        if done:
            return redirect(f"{request.path}?page={page}")
        errors = [e for form in fast_forms.values() if form.is_bound for e in _form_messages(form)]
    elif request.method == "POST":
        require(request.user, services.RECORD)
        characteristics = selectors.plan_characteristics(inspection)
        entries = {}
        for key, raw in request.POST.items():
            if key.startswith("cell-"):
                try:
                    _prefix, char_id, sample_no = key.split("-")
                    entries[(characteristics[int(char_id)], int(sample_no))] = raw
                except (ValueError, KeyError):
                    errors.append(_("The form was damaged; reload the page."))
        if not errors:
            try:
                services.save_values(actor=request.user, inspection=inspection, entries=entries)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("Saved."))
                target = request.POST.get("next_page")
                page = int(target) if target and target.isdigit() else page
                return redirect(f"{request.path}?page={page}")
    characteristics, rows = selectors.sample_grid(inspection, first=first, last=last)
    posted = request.POST if errors else {}
    recorded, needed = selectors.progress(inspection)
    return render(request, "quality/inspection_record.html", {
        "inspection": inspection, "characteristics": characteristics, "rows": rows, "page_number": page,
        "pages": range(1, pages + 1), "page_count": pages, "errors": errors, "posted": posted,
        "class_plans": list(inspection.class_plans.all()), "recorded": recorded, "needed": needed,
        "confirm_form": ConfirmForm(), "can_record": request.user.has_perm(services.RECORD),
        "fast": fast_forms, "fast_open": request.POST.get("fast", "")},
        status=400 if errors and request.POST.get("fast") else 200)


# Fast entry (quality.fast_entry): which form, and the service that records what it carries.
FAST_ENTRY = {
    "paste": (PasteValuesForm, lambda actor, inspection, data: fast_entry.record_pasted_values(
        actor=actor, inspection=inspection, characteristic=data["characteristic"], text=data["values"],
        first_sample=data["first_sample"], decimal=data["decimal"])),
    "csv": (CsvValuesForm, lambda actor, inspection, data: fast_entry.record_csv_values(
        actor=actor, inspection=inspection, upload=data["file"], decimal=data["decimal"])),
    "nonconforming": (NonconformingForm, lambda actor, inspection, data: fast_entry.record_nonconforming_units(
        actor=actor, inspection=inspection, characteristic=data["characteristic"], samples_text=data["samples"])),
}


def _fast_forms(request, inspection):
    posted = request.POST.get("fast") if request.method == "POST" else None
    return {name: form_class(request.POST if name == posted else None,
                             request.FILES if name == posted else None, inspection=inspection, prefix=name)
            for name, (form_class, _record) in FAST_ENTRY.items()}


def _form_messages(form):
    return [f"{form.fields[name].label}: {e}" if name in form.fields else e
            for name, errors in form.errors.items() for e in errors]


def _fast_entry(request, inspection, form):
    """Record a fast-entry form; True when saved (a message says how much), else its errors are on the form."""
    if not form.is_valid():
        return False
    _form_class, record = FAST_ENTRY[request.POST["fast"]]
    try:
        result = record(request.user, inspection, form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    if isinstance(result, list):
        messages.success(request, ngettext("Recorded: %(n)s nonconforming sample, every other sample conforms.",
                                           "Recorded: %(n)s nonconforming samples, every other sample conforms.",
                                           len(result)) % {"n": len(result)})
    else:
        messages.success(request, ngettext("%(n)s value recorded.", "%(n)s values recorded.", result) % {"n": result})
    return True


@login_required
@require_POST
def inspection_cell(request, pk):
    """Save one cell (htmx, on change) and answer the cell again: flagged when out of tolerance or
    failed, with the message when the value was refused."""
    require(request.user, services.RECORD)
    inspection = _inspection(request, pk)
    characteristic = selectors.plan_characteristic(inspection, request.POST.get("characteristic", "0") or 0)
    try:
        sample_no = int(request.POST.get("sample", ""))
    except ValueError:
        raise Http404(_("No such sample.")) from None
    raw = request.POST.get(f"cell-{characteristic.pk}-{sample_no}", "")
    error, measurement = "", None
    try:
        measurement = services.record_value(actor=request.user, inspection=inspection, characteristic=characteristic,
                                            sample_no=sample_no, raw=raw)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    cell = selectors.Cell(characteristic=characteristic, sample_no=sample_no, measurement=measurement, active=True)
    recorded, needed = selectors.progress(inspection)
    return render(request, "quality/_cell_response.html", {
        "cell": cell, "inspection": inspection, "error": error, "raw": raw, "can_record": True,
        "recorded": recorded, "needed": needed})


@login_required
@require_POST
def inspection_confirm(request, pk):
    require(request.user, services.RECORD)
    inspection = _inspection(request, pk)
    form = ConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Enter your password to sign."))
        data = form.cleaned_data
        result = services.confirm_inspection(actor=request.user, inspection=inspection, password=data["password"],
                                             forced_verdict=data["forced_verdict"], reason=data["reason"])
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect("quality:inspection_record" if inspection.status == IS.IN_PROGRESS
                        else "quality:inspection_detail", pk=pk)
    if result.status == IS.PENDING_APPROVAL:
        messages.warning(request, _("Signed. The verdict against Ac/Re waits for a manager's approval."))
    else:
        messages.success(request, _("Signed: %(number)s %(status)s.") % {"number": result.number,
                                                                       "status": result.get_status_display().lower()})
    return redirect("quality:inspection_detail", pk=pk)


@login_required
@require_POST
def inspection_approve(request, pk):
    return _inspection_action(
        request, pk, perm=services.APPROVE, form=DecisionForm(request.POST), invalid=_("Approve or decline."),
        act=lambda inspection, data: services.decide_forced_verdict(
            actor=request.user, inspection=inspection, approve=data["decision"] == "approve", note=data["note"]),
        done=_("Your decision is recorded."))


@login_required
@require_POST
def attachment_upload(request, pk):
    return _inspection_action(
        request, pk, perm=services.RECORD, form=AttachmentForm(request.POST, request.FILES),
        invalid=_("Choose a file."),
        act=lambda inspection, data: attachments.add_attachment(actor=request.user, inspection=inspection,
                                                                upload=data["file"]),
        done=_("The file is attached."))


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def attachment_download(request, pk):
    attachment = selectors.attachment(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- NCRs -----------------------------------------------------------------------------------------

@login_required
@permission_required(selectors.VIEW_NCR, raise_exception=True)
def ncr_list(request):
    form = NonconformanceFilterForm(request.GET or None)
    rows = selectors.nonconformance_list(request.user, request.GET)
    return render(request, "quality/ncr_list.html", {"form": form, **paginate(request, rows)})


@login_required
@permission_required(selectors.VIEW_NCR, raise_exception=True)
def ncr_detail(request, pk):
    ncr = selectors.nonconformance_for_page(request.user, pk)
    if ncr is None:
        raise Http404(_("No such NCR."))
    user = request.user
    disposition_form, decision_form = DispositionForm(), DecisionForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "disposition":
                require(user, ncr_services.DECIDE)
                disposition_form = DispositionForm(request.POST)
                if not disposition_form.is_valid():
                    raise ValidationError(_("Choose a disposition."))
                data = disposition_form.cleaned_data
                ncr_services.decide_disposition(actor=user, ncr=ncr, disposition=data["disposition"], note=data["note"],
                                                scrap_quantity=data["scrap_quantity"])
            elif action == "concession":
                require(user, services.APPROVE)
                decision_form = DecisionForm(request.POST)
                if not decision_form.is_valid():
                    raise ValidationError(_("Approve or decline."))
                ncr_services.decide_concession(actor=user, ncr=ncr,
                                               approve=decision_form.cleaned_data["decision"] == "approve",
                                               note=decision_form.cleaned_data["note"])
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("%(number)s is updated.") % {"number": ncr.number})
            return redirect("quality:ncr_detail", pk=pk)
    return render(request, "quality/ncr_detail.html", {
        "ncr": ncr, "events": list(ncr.events.all()), "class_plans": list(ncr.inspection.class_plans.all()),
        "disposition_form": disposition_form, "decision_form": decision_form,
        "can_decide": user.has_perm(ncr_services.DECIDE) and ncr.status == NCR.OPEN,
        "can_approve": user.has_perm(services.APPROVE) and ncr.status == NCR.AWAITING_APPROVAL})


# --- inspection plans --------------------------------------------------------------------------------

@login_required
@permission_required("quality.view_inspectionplan", raise_exception=True)
def plan_list(request):
    search = request.GET.get("q", "")
    return render(request, "quality/plan_list.html", {
        "search": search, **paginate(request, selectors.plan_products(search=search))})


@login_required
@permission_required("quality.view_inspectionplan", raise_exception=True)
def plan_edit(request, product_pk):
    """The inspection plan of a product: edit (a new version), versions, and the sampling scheme."""
    user = request.user
    product = selectors.plan_product(product_pk)
    can_change = user.has_perm("quality.change_inspectionplan")
    active = selectors.active_plan(product)
    header = PlanHeaderForm(initial=plan_header_initial(active))
    formset = CharacteristicFormSet(prefix="ch", initial=characteristic_initial(active))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "resume":
            return _resume_sampling(request, product)
        if not can_change:
            raise PermissionDenied(_("Your role may not do this."))
        if action == "activate":
            return _activate_version(request, product)
        header = PlanHeaderForm(request.POST)
        formset = CharacteristicFormSet(request.POST, prefix="ch")
        if header.is_valid() and formset.is_valid():
            data = header.cleaned_data
            try:
                plan = plan_services.save_inspection_plan(
                    actor=user, product=product, inspection_level=data["inspection_level"],
                    aql_critical=data["aql_critical"], aql_major=data["aql_major"], aql_minor=data["aql_minor"],
                    characteristics=formset.characteristics(), note=data["note"], valid_from=data["valid_from"])
            except ValidationError as exc:
                header.add_error(None, exc)
            else:
                if active is not None and plan.pk == active.pk:
                    messages.info(request, _("Nothing changed: the plan is still version %(v)s.") % {"v": plan.version})
                else:
                    messages.success(request, _("Version %(v)s of the inspection plan is saved and active.")
                                     % {"v": plan.version})
                return redirect("quality:plan_edit", product_pk=product.pk)
    shown = None
    if request.GET.get("version", "").isdigit():
        shown = selectors.plan_version(product, int(request.GET["version"]))
    versions = list(selectors.plan_versions(product))
    return render(request, "quality/plan_edit.html", {
        "product": product, "active": active, "header": header, "formset": formset, "can_change": can_change,
        "versions": versions, "shown": shown, "history": history(InspectionPlan, [v.pk for v in versions]),
        "state": selectors.sampling_state(product), "state_events": selectors.sampling_events(product),
        "can_resume": user.has_perm("quality.resume_sampling"), "resume_form": ReasonForm()})


def _activate_version(request, product):
    version = request.POST.get("version", "")
    plan = selectors.plan_version_or_404(product, version)
    try:
        plan_services.activate_inspection_plan(actor=request.user, plan=plan)
        messages.success(request, _("Version %(v)s is the active plan again.") % {"v": plan.version})
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("quality:plan_edit", product_pk=product.pk)


def _resume_sampling(request, product):
    require(request.user, "quality.resume_sampling")
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Describe the corrective action taken."))
        services.resume_sampling(actor=request.user, product=product, note=form.cleaned_data["reason"])
        messages.success(request, _("Sampling inspection is resumed on tightened inspection."))
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect("quality:plan_edit", product_pk=product.pk)


# --- SPC ------------------------------------------------------------------------------------------

def _day_start(day):
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def spc_page(request):
    """X̄-R chart and Cp/Cpk of a measured characteristic; defect Pareto of the product for a period."""
    form = SpcForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        product = data["product"]
        names = selectors.measured_characteristic_names(product)
        name = data["characteristic"] if data["characteristic"] in names else (names[0] if names else "")
        context.update(product=product, names=names, name=name)
        if name:
            characteristic = selectors.spc_characteristic(product, name)
            lsl = float(characteristic.lower_limit) if characteristic else None
            usl = float(characteristic.upper_limit) if characteristic else None
            chart = spc.xbar_r(selectors.spc_subgroups(product, name, data["subgroups"] or 25), lsl=lsl, usl=usl)
            context.update(characteristic=characteristic, chart=chart)
            if chart is not None:
                context["x_chart"] = charts.control_chart(chart, which="x")
                context["r_chart"] = charts.control_chart(chart, which="r")
        end_day = data["date_to"] or timezone.localdate()
        start_day = data["date_from"] or end_day - timedelta(days=90)
        bars = spc.pareto(selectors.defect_counts(product, start=_day_start(start_day),
                                                  end=_day_start(end_day + timedelta(days=1))))
        for bar in bars:
            bar.class_label = DefectClass(bar.defect_class).label
        context.update(bars=bars, start_day=start_day, end_day=end_day,
                       pareto_chart=charts.pareto_chart(bars))
    return render(request, "quality/spc.html", context)
