"""Pages of the custom report builder: list, build/edit (save), run (paginated) and export."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import ROLE_LABELS
from config.replica import reads_from_replica
from exports.spreadsheets import export_response
from record_pages.views import add_service_errors, paginate

from . import builder, services
from .selectors import saved_report, saved_reports_for
from .tables import Report

FILTER_ROWS = 5


class BuilderForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    columns = forms.MultipleChoiceField(label=gettext_lazy("Columns"), widget=forms.CheckboxSelectMultiple,
                                        choices=[(k, label) for k, (label, _p) in builder.COLUMNS.items()])
    shared_with_role = forms.ChoiceField(label=gettext_lazy("Share with role"), required=False,
                                         choices=[("", gettext_lazy("Nobody"))] + list(ROLE_LABELS.items()))


def _filter_rows(data):
    fields, ops, values = (data.getlist(n) for n in ("filter_field", "filter_op", "filter_value"))
    return [{"field": f, "op": o, "value": v} for f, o, v in zip(fields, ops, values, strict=False)]


def _builder_context(form, filters):
    rows = list(filters) + [{"field": "", "op": "", "value": ""}] * max(0, FILTER_ROWS - len(filters))
    return {"form": form, "filter_rows": rows,
            "filter_fields": [(k, v[0]) for k, v in builder.FILTERS.items()],
            "operators": [(k, v[0]) for k, v in builder.OPERATORS.items()]}


@login_required
@permission_required("reports.view_savedreport", raise_exception=True)
def saved_list(request):
    return render(request, "reports/saved_list.html", {
        **paginate(request, saved_reports_for(request.user)),
        "can_build": request.user.has_perm("reports.add_savedreport")})


@login_required
@permission_required("reports.add_savedreport", raise_exception=True)
def build(request, pk=None):
    report = saved_report(request.user, pk) if pk else None
    if report is not None and report.owner_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        form = BuilderForm(request.POST)
        filters = _filter_rows(request.POST)
        if form.is_valid():
            try:
                report = services.save_report(actor=request.user, report=report, filters=filters,
                                              **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Report saved."))
                return redirect("reports:saved_run", pk=report.pk)
    else:
        initial = {"name": report.name, "columns": report.columns, "shared_with_role": report.shared_with_role} \
            if report else {"columns": ["order_number", "customer_code", "status", "product_sku", "quantity"]}
        form = BuilderForm(initial=initial)
        filters = report.filters if report else []
    return render(request, "reports/builder.html", {**_builder_context(form, filters), "report": report})


def _as_report(saved):
    return Report(key=f"report-{saved.pk}", title=saved.name, header=builder.header(saved.columns),
                  rows=None, labels=builder.labels(saved.columns), money=builder.money(saved.columns))


@login_required
@permission_required("reports.view_savedreport", raise_exception=True)
@reads_from_replica
def run(request, pk):
    saved = saved_report(request.user, pk)
    report = _as_report(saved)
    try:
        rows = builder.run(saved.columns, saved.filters)
    except ValidationError as exc:  # a definition saved under an older whitelist
        for message in exc.messages:
            messages.error(request, message)
        rows = builder.run(["order_number"], [])
    context = paginate(request, rows)
    context["rows"] = list(report.on_page(context["page"]))
    return render(request, "reports/saved_run.html", {"saved": saved, "report": report, "header": report.header,
                                                      "can_edit": saved.owner_id == request.user.pk, **context})


@login_required
@permission_required("reports.view_savedreport", raise_exception=True)
@reads_from_replica
def export(request, pk, fmt):
    saved = saved_report(request.user, pk)
    report = _as_report(saved)
    rows = report.present(builder.run(saved.columns, saved.filters).iterator(chunk_size=2000))
    return export_response(report.key, report.header, rows, report.title, fmt)
