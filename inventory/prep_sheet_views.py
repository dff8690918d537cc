"""Prep sheet pages: the list with the day's batch (make the sheets of every planned order, print a
day's sheets with a progress bar), the sheet page (scan to issue, returns, substitutes, production's
acceptance, the PDF panel, timeline). Thin views: parse, call a selector or a service, redirect (the
scan field has the focus again after every scan)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from orders.models import OrderStatus
from record_pages.views import add_service_errors, paginate

from . import prep_sheet_issuing, prep_sheet_selectors, prep_sheets
from .models import PrepSheetStatus
from .prep_sheet_forms import (
    BatchForm,
    CancelSheetForm,
    PrepSheetFilterForm,
    ReturnForm,
    ScanForm,
    SubstituteForm,
    today_batch_form,
)
from .purchasing_forms import new_entry_key
from .requirement_views import show_errors
from .units import format_quantity

VIEW = "inventory.view_materialprepsheet"
ISSUE = "inventory.issue_materialprepsheet"


@login_required
@permission_required(VIEW, raise_exception=True)
def prep_sheet_list(request):
    user = request.user
    form = PrepSheetFilterForm(request.GET or None)
    return render(request, "inventory/prep_sheets/list.html", {
        "form": form, **paginate(request, prep_sheet_selectors.prep_sheet_list(user, request.GET)),
        "batch_form": today_batch_form(), "can_generate": user.has_perm("inventory.add_materialprepsheet"),
    })


def _detail_context(request, sheet, *, scan_form=None):
    user = request.user
    lines = list(sheet.lines.all())
    for line in lines:
        line.return_key = new_entry_key()  # one per return form: the same return sent twice posts once
    is_open = sheet.status in prep_sheets.OPEN_SHEET
    planned = sheet.order.status == OrderStatus.PLANNED
    return {
        "sheet": sheet, "order": sheet.order, "lines": lines, "events": list(sheet.events.all()),
        "moves": [move for line in lines for move in line.moves.all()],
        "can_issue": user.has_perm(ISSUE) and is_open and planned,
        "can_return": user.has_perm(ISSUE) and sheet.status != PrepSheetStatus.CANCELLED,
        "can_accept": (user.has_perm("inventory.accept_materialprepsheet") and planned
                       and sheet.status in (PrepSheetStatus.PARTIALLY_ISSUED, PrepSheetStatus.ISSUED)),
        "can_substitute": user.has_perm("inventory.approve_substitution") and is_open,
        "can_cancel": user.has_perm("inventory.change_materialprepsheet") and is_open,
        "scan_form": scan_form or ScanForm(initial={"entry_key": new_entry_key()}),
        "return_form": ReturnForm(), "substitute_form": SubstituteForm(), "cancel_form": CancelSheetForm(),
    }


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def prep_sheet_detail(request, pk):
    sheet = prep_sheet_selectors.prep_sheet_detail(request.user, pk)
    return render(request, "inventory/prep_sheets/detail.html", _detail_context(request, sheet))


def _issued_message(result):
    move = result.move
    if result.duplicate:
        return _("This scan was already recorded (line %(n)s); nothing more was issued.") % {"n": move.line.line_no}
    return _("Issued %(quantity)s of %(code)s%(lot)s from %(location)s on line %(n)s.") % {
        "quantity": format_quantity(move.quantity, move.item.unit), "code": move.item.code,
        "lot": _(", lot %(lot)s") % {"lot": move.lot.number} if move.lot else "", "location": move.location.code,
        "n": move.line.line_no}


@login_required
@permission_required(ISSUE, raise_exception=True)
@require_POST
def prep_sheet_issue(request, pk):
    sheet = prep_sheet_selectors.prep_sheet_detail(request.user, pk)
    form = ScanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = prep_sheet_issuing.issue_prep_sheet_material(
                actor=request.user, sheet=sheet, code=data["code"], quantity=data["quantity"],
                entry_key=data["entry_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _issued_message(result))
            return redirect("inventory:prep_sheet_detail", pk=pk)
    response = render(request, "inventory/prep_sheets/detail.html", _detail_context(request, sheet, scan_form=form))
    response.status_code = 400
    return response


def _line(sheet_pk, line_pk):
    return prep_sheet_selectors.prep_sheet_line(sheet_pk, line_pk)


@login_required
@permission_required(ISSUE, raise_exception=True)
@require_POST
def prep_sheet_return(request, pk, line_pk):
    prep_sheet_selectors.prep_sheet_detail(request.user, pk)  # visible to the user, else 404
    line = _line(pk, line_pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("inventory:prep_sheet_detail", pk=pk)
    location = None
    if request.POST.get("location"):
        location = prep_sheet_selectors.location_by_code(request.POST["location"])
        if location is None:
            messages.error(request, _("No location with this code."))
            return redirect("inventory:prep_sheet_detail", pk=pk)
    lot = None
    if request.POST.get("lot"):
        lot = prep_sheet_selectors.line_lot(line, request.POST["lot"])
        if lot is None:
            messages.error(request, _("No lot with this number for the line's item."))
            return redirect("inventory:prep_sheet_detail", pk=pk)
    try:
        move = prep_sheet_issuing.return_prep_sheet_material(actor=request.user, line=line, lot=lot, location=location,
                                                             quantity=form.cleaned_data["quantity"],
                                                             reason=form.cleaned_data["reason"],
                                                             entry_key=form.cleaned_data["entry_key"])
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("Returned %(quantity)s of %(code)s to %(location)s.") % {
            "quantity": format_quantity(move.quantity, move.item.unit), "code": move.item.code,
            "location": move.location.code})
    return redirect("inventory:prep_sheet_detail", pk=pk)


@login_required
@permission_required("inventory.approve_substitution", raise_exception=True)
@require_POST
def prep_sheet_substitute(request, pk, line_pk):
    prep_sheet_selectors.prep_sheet_detail(request.user, pk)
    line = _line(pk, line_pk)
    form = SubstituteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("inventory:prep_sheet_detail", pk=pk)
    try:
        prep_sheets.approve_substitution(actor=request.user, line=line, substitute=form.cleaned_data["substitute"],
                                         reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("Line %(n)s: %(code)s may be issued instead.")
                         % {"n": line.line_no, "code": form.cleaned_data["substitute"].code})
    return redirect("inventory:prep_sheet_detail", pk=pk)


def _show_order_readiness(request, sheet, result):
    """After an acceptance: the order is ready for production, or what it still needs. False when the
    result says neither (the caller says what was accepted)."""
    if result.order_ready:
        messages.success(request, _("All materials accepted: order %(number)s is ready for production.")
                         % {"number": sheet.order.number})
    elif result.missing:
        messages.warning(request, _("Every line is accepted, but order %(number)s still needs: %(items)s.")
                         % {"number": sheet.order.number,
                            "items": ", ".join(f"{c.item.code} {format_quantity(c.still_needed, c.item.unit)}"
                                               for c in result.missing)})
    else:
        return False
    return True


@login_required
@permission_required("inventory.accept_materialprepsheet", raise_exception=True)
@require_POST
def prep_sheet_accept(request, pk):
    sheet = prep_sheet_selectors.prep_sheet_detail(request.user, pk)
    accepted = [key.removeprefix("accept_") for key in request.POST if key.startswith("accept_")]
    discrepancies = {key.removeprefix("discrepancy_"): value for key, value in request.POST.items()
                     if key.startswith("discrepancy_") and value.strip()}
    if not all(key.isdigit() for key in [*accepted, *discrepancies]):
        raise PermissionDenied(_("Not a line of this sheet."))
    try:
        result = prep_sheets.accept_prep_sheet(actor=request.user, sheet=sheet, accepted=accepted,
                                               discrepancies=discrepancies)
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect("inventory:prep_sheet_detail", pk=pk)
    if discrepancies:
        messages.warning(request, ngettext("%(n)s discrepancy reported to the warehouse.",
                                           "%(n)s discrepancies reported to the warehouse.", len(discrepancies))
                         % {"n": len(discrepancies)})
    if not _show_order_readiness(request, sheet, result) and accepted:
        messages.success(request, _("Lines accepted."))
    return redirect("inventory:prep_sheet_detail", pk=pk)


@login_required
@permission_required("inventory.accept_materialprepsheet", raise_exception=True)
@require_GET
def prep_sheet_acceptance(request):
    """Production's queue: the sheets whose issued material waits for its acceptance."""
    return render(request, "inventory/prep_sheets/acceptance.html", {
        "sheets": prep_sheet_selectors.acceptance_queue(request.user)})


@login_required
@permission_required("inventory.accept_materialprepsheet", raise_exception=True)
@require_POST
def prep_sheet_accept_all(request, pk):
    sheet = prep_sheet_selectors.prep_sheet_detail(request.user, pk)
    try:
        result = prep_sheets.accept_all_issued(actor=request.user, sheet=sheet)
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect("inventory:prep_sheet_acceptance")
    if not _show_order_readiness(request, sheet, result):
        messages.success(request, _("Prep sheet %(number)s: everything issued so far is accepted.")
                         % {"number": sheet.number})
    return redirect("inventory:prep_sheet_acceptance")


@login_required
@permission_required("inventory.change_materialprepsheet", raise_exception=True)
@require_POST
def prep_sheet_cancel(request, pk):
    sheet = prep_sheet_selectors.prep_sheet_detail(request.user, pk)
    form = CancelSheetForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give a reason."))
        prep_sheets.cancel_prep_sheet(actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("Prep sheet %(number)s cancelled.") % {"number": sheet.number})
    return redirect("inventory:prep_sheet_detail", pk=pk)


# --- the day's batch ---------------------------------------------------------------------------------

@login_required
@permission_required("inventory.add_materialprepsheet", raise_exception=True)
@require_POST
def prep_sheet_generate_all(request):
    result = prep_sheets.generate_open_prep_sheets(actor=request.user)
    if result.sheets:
        messages.success(request, ngettext("%(n)s prep sheet made: %(numbers)s.",
                                           "%(n)s prep sheets made: %(numbers)s.", len(result.sheets))
                         % {"n": len(result.sheets), "numbers": ", ".join(s.number for s in result.sheets)})
    for order, problems in result.problems:
        messages.error(request, _("Order %(number)s: %(problems)s") % {"number": order.number,
                                                                      "problems": " ".join(problems)})
    if not result.sheets and not result.problems:
        messages.info(request, _("Every planned order already has a prep sheet."))
    return redirect("inventory:prep_sheet_list")


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def prep_sheet_batch_create(request):
    form = BatchForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("inventory:prep_sheet_list")
    day = form.cleaned_data["day"]
    try:
        batch = prep_sheets.request_print_batch(actor=request.user, day=day,
                                                sheets=prep_sheet_selectors.sheets_of_day(request.user, day),
                                                language=form.cleaned_data.get("language") or None)
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect("inventory:prep_sheet_list")
    return redirect("inventory:prep_sheet_batch", pk=batch.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def prep_sheet_batch(request, pk):
    batch = prep_sheet_selectors.print_batch(request.user, pk)
    return render(request, "inventory/prep_sheets/batch.html", {
        "batch": batch, **prep_sheet_selectors.batch_progress(batch)})


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def prep_sheet_batch_progress(request, pk):
    batch = prep_sheet_selectors.print_batch(request.user, pk)
    response = render(request, "inventory/prep_sheets/_batch_progress.html", {
        "batch": batch, **prep_sheet_selectors.batch_progress(batch)})
    response["Cache-Control"] = "no-store"
    return response
