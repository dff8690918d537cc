from datetime import date

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from orders.models import OrderStatus
from record_pages.views import paginate

from . import charts, exports
from .dashboard import FIGURES, Drill, drill_rows, figure_orders, shared_dashboard
from .facts import facts_refreshed_at
from .forms import PeriodFilterForm
from .selectors import home_figures
from .tables import REPORTS

WALL_REFRESH_SECONDS = 60


@login_required
def home(request):
    """Each role's start page: its own queue and figures first, then the order counts by stage."""
    return render(request, "reports/home.html", home_figures(request.user))


def _dashboard_context(request):
    form = PeriodFilterForm(request.GET or None)
    filters = form.filters()
    figures, computed_at = shared_dashboard(filters, recompute="recompute" in request.GET)
    query = urlencode(filters.query())
    drill = reverse("reports:drill")
    weeks = figures["on_time"]["weeks"]
    return {
        "form": form, "filters": filters, "query": query, "drill": drill, **figures,
        "refreshed_at": facts_refreshed_at(), "computed_at": computed_at,
        "on_time_chart": charts.column_chart(weeks, value=lambda w: w["percent"], maximum=100,
                                             label=lambda w: w["week"].strftime("%m-%d")),
        "stage_chart": charts.column_chart([s for s in figures["stages"] if s["count"]],
                                           value=lambda s: s["count"], label=lambda s: s["label"]),
    }


@login_required
@permission_required("reports.view_dashboard", raise_exception=True)
def manager_dashboard(request):
    return render(request, "reports/dashboard.html", _dashboard_context(request))


@login_required
@permission_required("reports.view_dashboard", raise_exception=True)
def wall(request):
    """The wall screen: big type, dark, no navigation, reloads itself every minute."""
    context = _dashboard_context(request)
    context["refresh_seconds"] = WALL_REFRESH_SECONDS
    return render(request, "reports/wall.html", context)


@login_required
@permission_required("reports.view_dashboard", raise_exception=True)
def drill(request):
    """The orders behind one dashboard figure (same filters and definitions as the figure)."""
    figure = request.GET.get("figure", "")
    if figure not in FIGURES:
        raise Http404
    form = PeriodFilterForm(request.GET or None)
    filters = form.filters()
    status = request.GET.get("status", "")
    if status and status not in OrderStatus.values:
        status = ""
    try:
        week = date.fromisoformat(request.GET["week"]) if request.GET.get("week") else None
    except ValueError:
        week = None
    center = None
    if figure == "center":
        from planning.models import WorkCenter

        center = WorkCenter.objects.filter(code=request.GET.get("center", "")).first()
        if center is None:
            raise Http404
    orders = drill_rows(figure_orders(filters, Drill(figure=figure, status=status, week=week,
                                                     center_id=center.pk if center else None)))
    return render(request, "reports/drill.html", {
        "form": form, "figure": figure, "figure_label": FIGURES[figure], "status": status, "week": week,
        "center": center, **paginate(request, orders)})


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def report_list(request):
    return render(request, "reports/report_list.html", {"reports": REPORTS.values()})


def _report(request, key):
    report = REPORTS.get(key)
    if report is None:
        raise Http404
    form = PeriodFilterForm(request.GET or None)
    return report, form, form.filters()


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def report_page(request, key):
    report, form, filters = _report(request, key)
    context = paginate(request, report.rows(filters))
    context["rows"] = list(report.present(context["page"]))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/report.html", {"report": report, "form": form, "export_query": query.urlencode(),
                                                   **context})


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def report_export(request, key, fmt):
    report, _form, filters = _report(request, key)
    rows = report.present(report.rows(filters).iterator(chunk_size=2000))
    return exports.export_response(report.key, report.header, rows, report.title, fmt)


