from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import pgettext

from config.replica import reads_from_replica
from exports.spreadsheets import export_response
from inventory.stock_warnings import open_warning_counts
from orders.models import OrderStatus
from record_pages.views import paginate

from . import charts
from .dashboard import FIGURES, Drill, drill_rows, figure_orders, shared_dashboard
from .facts import add_missing_facts
from .forms import PeriodFilterForm
from .selectors import home_figures, work_center_by_code
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
    # The week's Monday, short, in the reader's language ("Dec 7", "12月7日").
    week_format = pgettext("a week's Monday under a chart column (Django date format)", "M j")
    return {
        "form": form, "filters": filters, "query": query, "drill": drill, **figures,
        "computed_at": computed_at, "shared_seconds": max(settings.DASHBOARD_CACHE_SECONDS, 0),
        "on_time_chart": charts.column_chart(weeks, value=lambda w: w["percent"], maximum=100, ticks=(50, 100),
                                             label=lambda w: date_format(w["week"], week_format)),
        "stage_chart": charts.bar_chart([s for s in figures["stages"] if s["count"]],
                                        value=lambda s: s["count"], label=lambda s: s["label"]),
        "utilisation_rows": _utilisation_rows(figures),
        # The horizon's rows drill down to the orders planned in the horizon, not in the period.
        "horizon_query": urlencode({**filters.query(), "date_from": figures["horizon"]["date_from"].isoformat(),
                                    "date_to": figures["horizon"]["date_to"].isoformat()})
        if figures["horizon"] else "",
    }


def _utilisation_rows(figures):
    """Each work center's period figures beside its planned-horizon figures (both lists are per active
    center in code order)."""
    horizon = {row["center"].pk: row for row in (figures["horizon"] or {}).get("rows", [])}
    return [{"center": row["center"], "period": row, "horizon": horizon.get(row["center"].pk)}
            for row in figures["utilisation"]]


@login_required
@permission_required("reports.view_dashboard", raise_exception=True)
@reads_from_replica
def manager_dashboard(request):
    context = _dashboard_context(request)
    if request.user.has_perm("inventory.view_stockwarning"):
        context["warning_counts"] = open_warning_counts()
    return render(request, "reports/dashboard.html", context)


@login_required
@permission_required("reports.view_dashboard", raise_exception=True)
@reads_from_replica
def wall(request):
    """The wall screen: big type, dark, no navigation, reloads itself every minute."""
    context = _dashboard_context(request)
    context["refresh_seconds"] = WALL_REFRESH_SECONDS
    return render(request, "reports/wall.html", context)


@login_required
@permission_required("reports.view_dashboard", raise_exception=True)
@reads_from_replica
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
        center = work_center_by_code(request.GET.get("center", ""))
        if center is None:
            raise Http404
    add_missing_facts(filters.start, filters.end)  # the same deliveries as the figure, without the beat
    orders = drill_rows(figure_orders(filters, Drill(figure=figure, status=status, week=week,
                                                     center_id=center.pk if center else None)))
    return render(request, "reports/drill.html", {
        "form": form, "figure": figure, "figure_label": FIGURES[figure], "status": status, "week": week,
        "center": center, **paginate(request, orders)})


@login_required
@permission_required("reports.view_reports", raise_exception=True)
@reads_from_replica
def report_list(request):
    return render(request, "reports/report_list.html", {"reports": REPORTS.values()})


def _report(request, key):
    report = REPORTS.get(key)
    if report is None:
        raise Http404
    form = PeriodFilterForm(request.GET or None)
    filters = form.filters()
    add_missing_facts(filters.start, filters.end)  # delivery and rush rows read the facts: no beat needed
    return report, form, filters


@login_required
@permission_required("reports.view_reports", raise_exception=True)
@reads_from_replica
def report_page(request, key):
    report, form, filters = _report(request, key)
    context = paginate(request, report.rows(filters))
    context["rows"] = list(report.on_page(context["page"]))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/report.html", {"report": report, "form": form, "export_query": query.urlencode(),
                                                   **context})


@login_required
@permission_required("reports.view_reports", raise_exception=True)
@reads_from_replica
def report_export(request, key, fmt):
    report, _form, filters = _report(request, key)
    rows = report.present(report.rows(filters).iterator(chunk_size=2000))
    return export_response(report.key, report.header, rows, report.title, fmt)


