"""Reads of the purchase plan (采购计划) and forecast pages, a fixed number of queries whatever the size
of the plan. Users without inventory.view_mrprun get nothing (the views answer 403 before)."""

from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import pgettext

from . import forecasting
from .forecast_charts import forecast_chart
from .models import PURCHASED_KINDS, MrpForecast, MrpLine, MrpLineDemand, MrpRun, PlanLineKind
from .mrp_filters import PlanLineFilter


def latest_run(user):
    if not user.has_perm("inventory.view_mrprun"):
        return None
    return (MrpRun.objects.filter(finished_at__isnull=False).select_related("started_by")
            .order_by("-started_at", "-id").first())


def _lines(run):
    demands = Prefetch("demands", queryset=MrpLineDemand.objects.select_related("order").order_by(
        "order__number", "forecast_week"))
    return (MrpLine.objects.filter(run=run).select_related("item", "supplier", "purchase_request", "approved_by",
                                                            "run")
            .prefetch_related(demands))


def purchase_plan(run, filters=None):
    """The run's purchase lines (planned purchases and replenishment), filtered, grouped by supplier in
    the template (sorted by supplier first)."""
    if run is None:
        return MrpLine.objects.none()
    return PlanLineFilter(filters or {}, _lines(run).filter(kind__in=PURCHASED_KINDS)).qs


def planned_production(run):
    if run is None:
        return []
    return list(_lines(run).filter(kind=PlanLineKind.MAKE).order_by("release_date", "item__code", "pk"))


def forecast_charts(run):
    """[{item, method, chart, total}] for the make-to-stock items: the order history up to this week and
    the forecast the run used."""
    items = forecasting.make_to_stock_items()
    if not items:
        return []
    history = forecasting.order_history(items, today=run.plan_date if run else None)
    by_item = {}
    if run is not None:
        for row in MrpForecast.objects.filter(run=run).order_by("week"):
            by_item.setdefault(row.item_id, []).append((row.week, row.quantity))

    def caption(week):
        # Translators: a date format (Django's date filter) for a week's caption under a chart column: "Dec 28".
        return formats.date_format(week, pgettext("chart week caption", "M j"))

    return [{"item": item, "chart": forecast_chart(history[item.pk], by_item.get(item.pk, []), caption=caption),
             "forecast_total": sum((q for _w, q in by_item.get(item.pk, [])), 0),
             "history_total": sum((q for _w, q in history[item.pk]), 0)} for item in items]
