"""Process exception report pages: list (filters, search, sort, pages), report (from the navigation, or from
the tablet prefilled with the work center or the operation), detail with its timeline and photos,
acknowledge/resolve, more photos, and the permission-checked photo download (uploads are never served
as static files)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import require
from record_pages.views import add_service_errors, paginate

from . import exception_reports, selectors
from .forms import ExceptionFilterForm, ExceptionReportForm, PhotoUploadForm
from .photos import photo_uploads_limited, too_large_message

VIEW = "production.view_exceptionreport"


@login_required
@permission_required(VIEW, raise_exception=True)
def exception_list(request):
    form = ExceptionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return render(request, "production/exception_list.html", {
        "form": form, **paginate(request, selectors.exception_list(request.user, filters)),
        "can_report": request.user.has_perm(exception_reports.REPORT),
    })


def _refuse_too_large(request, form, field="photos"):
    """Files the upload handler stopped storing: refused with a message (they are not in request.FILES)."""
    for name in request.photo_size_limit.too_large:
        form.add_error(field, too_large_message(name))


def _initial(request):
    """Prefill from the tablet: ?operation=<pk> (its work center too) or ?work_center=<pk>."""
    initial = {}
    operation = None
    if request.GET.get("operation", "").isdigit():
        operation = selectors.reportable_operation(int(request.GET["operation"]))
        if operation is not None:
            initial["operation"] = operation.pk
            initial["work_center"] = (operation.planned_work_center or operation.work_center).pk
    if "work_center" not in initial and request.GET.get("work_center", "").isdigit():
        initial["work_center"] = int(request.GET["work_center"])
    return initial, operation


@photo_uploads_limited
@login_required
@permission_required(exception_reports.REPORT, raise_exception=True)
def exception_create(request):
    initial, operation = _initial(request)
    form = ExceptionReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        _refuse_too_large(request, form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = exception_reports.report_exception(
                    actor=request.user, type=data["type"], severity=data["severity"], work_center=data["work_center"],
                    operation=data["operation"], description=data["description"], down_until=data["down_until"],
                    photos=data["photos"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(number)s was reported; the supervisor and the planners are alerted.")
                                 % {"number": report.number})
                return redirect("production:exception_detail", pk=report.pk)
        operation = form.cleaned_data.get("operation") if hasattr(form, "cleaned_data") else operation
    return render(request, "production/exception_form.html", {"form": form, "operation": operation})


@login_required
@permission_required(VIEW, raise_exception=True)
def exception_detail(request, pk):
    report = selectors.exception_detail(request.user, pk)
    user = request.user
    return render(request, "production/exception_detail.html", {
        "report": report, "photo_form": PhotoUploadForm(),
        "can_handle": user.has_perm(exception_reports.HANDLE),
        "can_add_photos": report.is_open and (user.has_perm(exception_reports.REPORT)
                                              or user.has_perm(exception_reports.HANDLE)),
    })


@login_required
@permission_required(exception_reports.HANDLE, raise_exception=True)
@require_POST
def exception_action(request, pk, action):
    report = selectors.exception_detail(request.user, pk)
    expected = request.POST.get("expected_status") or None
    try:
        if action == "acknowledge":
            exception_reports.acknowledge_exception(actor=request.user, report=report,
                                                    note=request.POST.get("note", ""), expected_status=expected)
            messages.success(request, _("%(number)s was acknowledged.") % {"number": report.number})
        elif action == "resolve":
            exception_reports.resolve_exception(actor=request.user, report=report,
                                                action_taken=request.POST.get("action_taken", ""),
                                                expected_status=expected)
            messages.success(request, _("%(number)s was resolved.") % {"number": report.number})
        else:
            raise Http404(_("Unknown action."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("production:exception_detail", pk=report.pk)


@photo_uploads_limited
@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def exception_add_photos(request, pk):
    report = selectors.exception_detail(request.user, pk)
    form = PhotoUploadForm(request.POST, request.FILES)
    _refuse_too_large(request, form)
    if form.is_valid():
        try:
            exception_reports.add_exception_photos(actor=request.user, report=report,
                                                   photos=form.cleaned_data["photos"],
                                                   expected_status=request.POST.get("expected_status") or None)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The photos were added."))
            return redirect("production:exception_detail", pk=report.pk)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("production:exception_detail", pk=report.pk)


@login_required
@require_GET
def exception_photo(request, pk, photo_pk):
    require(request.user, VIEW)
    photo = selectors.exception_photo(request.user, pk, photo_pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The photo's file is missing.")) from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
