"""The manager's dashboard: figures over a period, filtered by customer, product and priority, each
with the orders behind it (`figure_orders`). A fixed number of queries whatever the data size:
aggregates run in SQL; percentiles with PostgreSQL's percentile_cont, on SQLite from the sorted values.

What the period applies to:
- orders by stage, rush share, top customers and products: orders received (submitted) in the period;
  values are per currency (never summed across currencies) and customers and products are ranked
  within each currency;
- on-time delivery, lead times, rush on-time: orders delivered in the period (definitions in reports.facts:
  due = promised else requested date, on time = delivered on or before it). For the factory or one
  priority they are read from the daily rollups (reports.rollups, a few rows per day whatever the number
  of orders; the 90th percentiles from half-day buckets, within ±0.25 days, averages exact); a customer's
  or a product's from the period's delivered-order facts, brought up to date first;
- first-pass yield: final inspections signed in the period; of each order line's first signed final
  inspection, the share that passed. Without the quality app: good / (good + scrap) of the operations
  reported in the period;
- utilisation: per work center, the work content (setup + run) of the operations planned to start in
  the period against the center's available minutes in the period (its calendar × parallel units);
  and the same over the planned horizon (today to the end of the planned work): the default period
  ends today, while the schedule lies ahead;
- late, at risk, predicted late: the open orders now (the period does not apply). Late: due date
  passed; predicted late: a work order planned to end after the due date.

`shared_dashboard` keeps each filter set's figures in the cache for DASHBOARD_CACHE_SECONDS: with
many managers and wall screens open, the factory's figures are computed once a minute instead of
once per page view, and the page says when they were computed.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Customer, Order, OrderLine, OrderStatus, Priority, Product
from planning.daily_plan import merge, subtract, working_windows
from planning.models import CalendarException, CalendarShift, WorkCenter, WorkOrder, WorkOrderOperation, WorkOrderStatus
from production.models import OperationLog
from quality.models import Inspection, InspectionSource, InspectionStatus

from .facts import STAGES, add_missing_facts, rebuild_period_facts
from .models import DeliveredOrderFact, DeliveryDay
from .rollups import bucket_error_days, in_period, lead_time_stats

S = OrderStatus
OPEN = [S.SUBMITTED, S.APPROVED, S.PLANNED, S.MATERIALS_READY, S.IN_PRODUCTION, S.AWAITING_QC, S.QC_PASSED,
        S.SHIPPED, S.ON_HOLD]
RECEIVED = [s for s, _label in S.choices if s not in (S.DRAFT,)]
DEFAULT_WEEKS = 12
HORIZON_MAX_DAYS = 183  # the planned horizon's utilisation looks at most half a year ahead
TOP = 10
STAGE_LABELS = {
    "review_hours": _("Review"), "planning_hours": _("Planning"), "materials_hours": _("Materials"),
    "production_hours": _("Production"), "quality_hours": _("Quality"), "shipping_hours": _("Shipping"),
}


def factory_tz():
    return ZoneInfo(settings.TIME_ZONE)


def today():
    return timezone.localdate(timezone=factory_tz())


def day_bounds(day):
    """Start and end of a factory-local day."""
    start = datetime.combine(day, time(0), tzinfo=factory_tz())
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class DashboardFilters:
    date_from: date
    date_to: date
    customer: Customer | None = None
    product: Product | None = None
    priority: str = ""

    @classmethod
    def default(cls, **kwargs):
        end = today()
        return cls(date_from=end - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), date_to=end, **kwargs)

    @property
    def start(self):
        return datetime.combine(self.date_from, time(0), tzinfo=factory_tz())

    @property
    def end(self):
        return datetime.combine(self.date_to + timedelta(days=1), time(0), tzinfo=factory_tz())

    def query(self):
        """The filters as list query parameters (for links to the drill-down page)."""
        params = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        if self.customer:
            params["customer"] = self.customer.code
        if self.product:
            params["product"] = self.product.sku
        if self.priority:
            params["priority"] = self.priority
        return params


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation between the two nearest values)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(sorted_values, fraction):
    """percentile_cont over already sorted values (None for none)."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def _order_scope(qs, filters, prefix=""):
    """Customer, product and priority filters on an Order queryset (or one reaching orders by `prefix`)."""
    if filters.customer:
        qs = qs.filter(**{f"{prefix}customer": filters.customer})
    if filters.priority:
        qs = qs.filter(**{f"{prefix}priority": filters.priority})
    if filters.product:
        qs = qs.filter(Exists(OrderLine.objects.filter(order_id=OuterRef(f"{prefix}pk" if not prefix else
                                                                         f"{prefix}id"),
                                                       product=filters.product)))
    return qs


def received_orders(filters):
    """Orders received in the period (submitted; entry time for those without a submission time)."""
    qs = Order.objects.exclude(status=S.DRAFT).annotate(received_at=Coalesce("submitted_at", "created_at"))
    qs = qs.filter(received_at__gte=filters.start, received_at__lt=filters.end)
    return _order_scope(qs, filters)


def delivered_facts(filters):
    qs = DeliveredOrderFact.objects.filter(delivered_date__gte=filters.date_from, delivered_date__lte=filters.date_to)
    if filters.customer:
        qs = qs.filter(customer_id=filters.customer.pk)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.product:
        qs = qs.filter(Exists(OrderLine.objects.filter(order_id=OuterRef("order_id"), product=filters.product)))
    return qs


def open_orders(filters):
    qs = Order.objects.filter(status__in=OPEN).annotate(due=Coalesce("promised_date", "requested_date"))
    return _order_scope(qs, filters)


def _predicted_late():
    return Exists(WorkOrder.objects.filter(order_id=OuterRef("pk"), planned_end__date__gt=Coalesce(
        OuterRef("promised_date"), OuterRef("requested_date")))
                  .exclude(status=WorkOrderStatus.CANCELLED))


# --- figures -----------------------------------------------------------------------------------------

def received_summary(filters):
    """The orders received in the period counted and summed by (status, priority, customer, currency) in
    one scan; orders by stage, the rush share and the top customers are read from it."""
    return list(received_orders(filters).values("status", "priority", "customer_id", "currency").annotate(
        n=Count("id"), value=Sum("total_amount")).order_by())


def per_currency(totals):
    """{currency: amount} as [{"currency", "amount"}] in currency order: money is never summed across
    currencies (there is no exchange rate in the data), so a total is one amount per currency."""
    return [{"currency": code, "amount": totals[code]} for code in sorted(totals)]


def stage_figures(summary):
    counts, values = {}, {}
    for row in summary:
        counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
        by_currency = values.setdefault(row["status"], {})
        by_currency[row["currency"]] = by_currency.get(row["currency"], Decimal("0")) + (row["value"] or 0)
    return [{"status": s, "label": label, "count": counts.get(s, 0), "values": per_currency(values.get(s, {}))}
            for s, label in S.choices if s != S.DRAFT]


def from_rollups(filters):
    """Whether the delivery figures can be read from the daily rollups (reports.rollups): they are kept per
    day and priority, so for the factory as a whole or one priority. A customer's or a product's figures
    read that customer's or product's facts of the period."""
    return filters.customer is None and filters.product is None


def rush_figures(summary, filters):
    total = sum(row["n"] for row in summary)
    rush = sum(row["n"] for row in summary if row["priority"] == Priority.RUSH)
    if from_rollups(filters):
        delivered = {"n": 0, "on_time": 0}
        if filters.priority in ("", Priority.RUSH):
            days = in_period(DeliveryDay, filters.date_from, filters.date_to, Priority.RUSH).aggregate(
                n=Sum("delivered"), on_time=Sum("on_time"))
            delivered = {"n": int(days["n"] or 0), "on_time": int(days["on_time"] or 0)}
    else:
        delivered = delivered_facts(filters).filter(priority=Priority.RUSH).aggregate(
            n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
    return {"received": total, "rush": rush, "rush_share": _share(rush, total),
            "rush_delivered": delivered["n"], "rush_on_time": delivered["on_time"],
            "rush_on_time_percent": _share(delivered["on_time"], delivered["n"])}


def _share(part, whole):
    return None if not whole else round(100.0 * part / whole, 1)


def on_time_by_week(filters):
    if from_rollups(filters):
        weeks = {}
        for row in (in_period(DeliveryDay, filters.date_from, filters.date_to, filters.priority).values("day")
                    .annotate(n=Sum("delivered"), on_time=Sum("on_time")).order_by()):
            week = weeks.setdefault(row["day"] - timedelta(days=row["day"].weekday()), [0, 0])
            week[0] += int(row["n"] or 0)
            week[1] += int(row["on_time"] or 0)
        rows = [{"delivered_week": week, "n": n, "on_time": on_time}
                for week, (n, on_time) in sorted(weeks.items()) if n]
    else:
        rows = list(delivered_facts(filters).values("delivered_week").annotate(
            n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True))).order_by("delivered_week"))
    total = sum(r["n"] for r in rows)
    on_time = sum(r["on_time"] for r in rows)
    weeks = [{"week": r["delivered_week"], "delivered": r["n"], "on_time": r["on_time"],
              "percent": _share(r["on_time"], r["n"])} for r in rows]
    return {"weeks": weeks, "delivered": total, "on_time": on_time, "percent": _share(on_time, total)}


def lead_times(filters):
    """Average and 90th percentile (days) of the lead time and of each stage, over orders delivered in
    the period. One query on either database."""
    fields = ["lead_time_hours"] + [f for f, _a, _b in STAGES]
    qs = delivered_facts(filters)
    bucket_error = None
    if from_rollups(filters):
        # Averages exact, the 90th percentile from the daily histograms (within half a bucket).
        stats = lead_time_stats(filters.date_from, filters.date_to, filters.priority)
        bucket_error = bucket_error_days()
    elif connection.vendor == "postgresql":
        aggregates = {}
        for name in fields:
            aggregates[f"{name}__avg"] = Avg(name)
            aggregates[f"{name}__p90"] = PercentileCont(name, 0.9)
        result = qs.aggregate(**aggregates)
        stats = {name: (result[f"{name}__avg"], result[f"{name}__p90"]) for name in fields}
    else:
        columns = list(zip(*qs.values_list(*fields), strict=True)) or [()] * len(fields)
        stats = {}
        for name, column in zip(fields, columns, strict=True):
            values = sorted(v for v in column if v is not None)
            stats[name] = (sum(values) / len(values) if values else None, percentile(values, 0.9))

    def days(pair):
        return tuple(None if v is None else round(v / 24, 1) for v in pair)

    total = days(stats["lead_time_hours"])
    return {"avg_days": total[0], "p90_days": total[1], "bucket_error_days": bucket_error,
            "stages": [{"field": f, "label": STAGE_LABELS[f], "avg_days": days(stats[f])[0],
                        "p90_days": days(stats[f])[1]} for f, _a, _b in STAGES]}


def first_pass_yield(filters):
    if not apps.is_installed("quality"):
        return production_yield(filters)

    finished = Inspection.objects.filter(source=InspectionSource.PRODUCTION, signed_at__isnull=False,
                                         status__in=[InspectionStatus.PASSED, InspectionStatus.FAILED],
                                         order_line__isnull=False)
    first = finished.filter(order_line_id=OuterRef("order_line_id")).order_by("signed_at", "id").values("id")[:1]
    qs = finished.filter(signed_at__gte=filters.start, signed_at__lt=filters.end).filter(id=Subquery(first))
    qs = _order_scope(qs, filters, prefix="order__")
    result = qs.aggregate(n=Count("id"), passed=Count("id", filter=Q(status=InspectionStatus.PASSED)))
    return {"basis": "inspections", "first": result["n"], "passed": result["passed"],
            "percent": _share(result["passed"], result["n"])}


def production_yield(filters):
    qs = OperationLog.objects.filter(created_at__gte=filters.start, created_at__lt=filters.end)
    qs = _order_scope(qs, filters, prefix="operation__work_order__order__")
    result = qs.aggregate(good=Sum("good_quantity"), scrap=Sum("scrap_quantity"))
    good, scrap = result["good"] or 0, result["scrap"] or 0
    return {"basis": "production", "good": good, "scrap": scrap,
            "percent": _share(float(good), float(good + scrap))}


def _planned_operations(start, end=None):
    """The operations planned to start in [start, end) (from start on with no end), not cancelled, with the
    work center they run on."""
    bounds = Q(planned_start__gte=start) if end is None else Q(planned_start__gte=start, planned_start__lt=end)
    return (WorkOrderOperation.objects.filter(bounds)
            .exclude(Q(status=WorkOrderStatus.CANCELLED) | Q(work_order__status=WorkOrderStatus.CANCELLED))
            .annotate(center_id=Coalesce("planned_work_center_id", "work_center_id")))


def planned_horizon():
    """(first day, last day) of the planned work ahead: from today to the day the last operation planned to
    start from today on is planned to end (at most HORIZON_MAX_DAYS), or None with no work planned ahead.
    The dashboard's period ends today, so its utilisation misses the schedule; this is the schedule's span."""
    start_day = today()
    start, _end = day_bounds(start_day)
    last_end = _planned_operations(start, None).aggregate(last=Max("planned_end"))["last"]
    if last_end is None:
        return None
    last_day = min(timezone.localtime(last_end, factory_tz()).date(), start_day + timedelta(days=HORIZON_MAX_DAYS))
    return start_day, max(last_day, start_day)


def utilisation(filters):
    """Per active work center: planned work content of the operations starting in the period against
    the center's available minutes (3 queries: centers, operations, calendar shifts+exceptions)."""
    return utilisation_between(filters.date_from, filters.date_to)


def utilisation_between(date_from, date_to):
    """utilisation() over the factory days date_from..date_to."""
    centers = list(WorkCenter.objects.filter(is_active=True).select_related("calendar").order_by("code"))
    start, _end = day_bounds(date_from)
    _start, end = day_bounds(date_to)
    work = (_planned_operations(start, end).values("center_id")
            .annotate(minutes=Sum(F("setup_minutes") + F("run_minutes_per_unit") * F("quantity"),
                                  output_field=DecimalField(max_digits=20, decimal_places=3))))
    scheduled = {r["center_id"]: float(r["minutes"] or 0) for r in work}
    calendar_ids = {c.calendar_id for c in centers}
    shifts, exceptions = {}, {}
    for shift in CalendarShift.objects.filter(calendar_id__in=calendar_ids):
        shifts.setdefault(shift.calendar_id, []).append(shift)
    for exc in CalendarException.objects.filter(calendar_id__in=calendar_ids, date__gte=date_from -
                                                timedelta(days=1), date__lte=date_to + timedelta(days=1)):
        exceptions.setdefault(exc.calendar_id, []).append(exc)
    tz = factory_tz()
    available_by_calendar = {}
    for center in centers:
        if center.calendar_id not in available_by_calendar:
            minutes = 0
            day = date_from
            while day <= date_to:
                nearby = [e for e in exceptions.get(center.calendar_id, []) if abs((e.date - day).days) <= 1]
                windows, closures, _holiday = working_windows(day, center.calendar, shifts.get(center.calendar_id, []),
                                                              nearby, tz)
                open_time = subtract(merge((w.start, w.end) for w in windows), [(c.start, c.end) for c in closures])
                minutes += sum((end - start).total_seconds() for start, end in open_time) / 60
                day += timedelta(days=1)
            available_by_calendar[center.calendar_id] = minutes
    rows = []
    for center in centers:
        available = available_by_calendar[center.calendar_id] * center.parallel_units
        planned = scheduled.get(center.pk, 0.0)
        percent = _share(planned, available)
        rows.append({"center": center, "scheduled_minutes": round(planned), "available_minutes": round(available),
                     "scheduled_hours": round(planned / 60, 1), "available_hours": round(available / 60, 1),
                     "percent": percent, "meter": min(percent or 0, 100), "over": (percent or 0) > 100})
    return rows


def late_orders(filters):
    today_ = today()
    result = open_orders(filters).aggregate(
        late=Count("id", filter=Q(due__lt=today_)), at_risk=Count("id", filter=Q(at_risk=True)),
        predicted_late=Count("id", filter=_predicted_late()))
    return result


def _top_candidates(totals):
    """The ids of `totals` ({id: {"value": …}}) that may be among the TOP biggest: those at least as big as
    the TOP-th (ties are broken by code once the names are read, for the candidates only)."""
    ranked = sorted(totals.items(), key=lambda item: -item[1]["value"])
    if not ranked:
        return []
    cut = ranked[min(TOP, len(ranked)) - 1][1]["value"]
    return [(pk, total) for pk, total in ranked if total["value"] >= cut]


def _rank(candidates, names):
    """The TOP of the candidates, biggest first, ties by code (names: {id: (code, name)})."""
    return sorted(candidates, key=lambda item: (-item[1]["value"], names[item[0]][0]))[:TOP]


def _by_currency(rows, key):
    """{currency: {key(row): {"value", "n"}}} from rows with "currency", "value" and "n"."""
    totals = {}
    for row in rows:
        total = totals.setdefault(row["currency"], {}).setdefault(key(row), {"value": Decimal("0"), "n": 0})
        total["value"] += row["value"] or 0
        total["n"] += row["n"]
    return totals


def top_customers(summary):
    """The TOP customers by order value, ranked within each currency (a USD amount is not comparable with
    a CNY one): [{"currency", "rows": [...]}] in currency order. One query for the names of every ranking."""
    candidates = {currency: _top_candidates(totals)
                  for currency, totals in _by_currency(summary, lambda row: row["customer_id"]).items()}
    ids = {pk for ranked in candidates.values() for pk, _total in ranked}
    names = {c["pk"]: (c["code"], c["name"]) for c in Customer.objects.filter(pk__in=ids).values("pk", "code", "name")}
    return [{"currency": currency, "rows": [
        {"customer__code": names[pk][0], "customer__name": names[pk][1], "currency": currency, **total}
        for pk, total in _rank(candidates[currency], names)]} for currency in sorted(candidates)]


def top_products(filters):
    """The TOP products by value over the lines of the orders received in the period, ranked within each
    currency (the order's), with how many orders had each: [{"currency", "rows": [...]}]. The value is
    summed for every product in one pass; the orders are counted (COUNT DISTINCT, which sorts) for the TOP
    products only."""
    received = received_orders(filters).values("pk").order_by()
    lines = OrderLine.objects.filter(order__in=received)
    if filters.product:
        lines = lines.filter(product=filters.product)
    value = Sum(F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=20, decimal_places=2))
    rows = [{"currency": row["order__currency"], "product_id": row["product_id"], "value": row["value"], "n": 0}
            for row in lines.values("product_id", "order__currency").annotate(value=value).order_by()]
    candidates = {currency: _top_candidates(totals)
                  for currency, totals in _by_currency(rows, lambda row: row["product_id"]).items()}
    names = {p["pk"]: (p["sku"], p["name"]) for p in Product.objects.filter(
        pk__in={pk for ranked in candidates.values() for pk, _total in ranked}).values("pk", "sku", "name")}
    top = {currency: _rank(ranked, names) for currency, ranked in candidates.items()}
    ids = {pk for ranked in top.values() for pk, _total in ranked}
    orders = {(row["order__currency"], row["product_id"]): row["n"] for row in lines.filter(product_id__in=ids)
              .values("product_id", "order__currency").annotate(n=Count("order_id", distinct=True)).order_by()
              } if ids else {}
    return [{"currency": currency, "rows": [
        {"product__sku": names[pk][0], "product__name": names[pk][1], "currency": currency,
         "value": total["value"], "n": orders.get((currency, pk), 0)} for pk, total in top[currency]]}
        for currency in sorted(top)]


def horizon_utilisation():
    """Utilisation over the planned horizon: {"date_from", "date_to", "rows"}, or None with no work ahead."""
    horizon = planned_horizon()
    if horizon is None:
        return None
    return {"date_from": horizon[0], "date_to": horizon[1], "rows": utilisation_between(*horizon)}


def dashboard(filters, *, rebuild_facts=False):
    """Every figure for these filters. The delivery figures come from the daily rollups (reports.rollups,
    kept at each delivery) for the factory or one priority, else from the period's facts, which are brought
    up to date first; `rebuild_facts` ("Recompute now") rebuilds the period's facts, and the rollups with
    them, before either is read."""
    if rebuild_facts:
        rebuild_period_facts(filters.start, filters.end)
    elif not from_rollups(filters):
        # A customer's or product's figures read the facts: those written around a delivery (a bulk load)
        # are added first. The rollups follow the facts written at each delivery and by the beat's refresh.
        add_missing_facts(filters.start, filters.end)
    summary = received_summary(filters)
    return {
        "stages": stage_figures(summary), "rush": rush_figures(summary, filters),
        "on_time": on_time_by_week(filters), "lead": lead_times(filters), "fpy": first_pass_yield(filters),
        "utilisation": utilisation(filters), "horizon": horizon_utilisation(), "late": late_orders(filters),
        "top_customers": top_customers(summary), "top_products": top_products(filters),
    }


def shared_dashboard(filters, *, recompute=False):
    """(figures, computed_at) for these filters, from the cache when another page view computed them
    less than DASHBOARD_CACHE_SECONDS ago; `recompute` computes them afresh, delivered-order facts
    included (and shares the result)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return dashboard(filters, rebuild_facts=recompute), timezone.now()
    filters_key = "&".join(f"{name}={value}" for name, value in sorted(filters.query().items()))
    key = "reports:dashboard:" + hashlib.sha256(filters_key.encode()).hexdigest()
    if not recompute:
        shared = cache.get(key)
        if shared is not None:
            return shared
    shared = (dashboard(filters, rebuild_facts=recompute), timezone.now())
    cache.set(key, shared, seconds)
    return shared


# --- drill-down ----------------------------------------------------------------------------------------

FIGURES = {
    "received": _("Orders received"),
    "stage": _("Orders by stage"),
    "rush": _("Rush orders received"),
    "delivered": _("Orders delivered"),
    "delivered_on_time": _("Delivered on time"),
    "delivered_late": _("Delivered late"),
    "rush_delivered": _("Rush orders delivered"),
    "rush_on_time": _("Rush orders delivered on time"),
    "late": _("Late orders (due date passed)"),
    "at_risk": _("At-risk orders"),
    "predicted_late": _("Predicted late (planned finish after the due date)"),
    "center": _("Orders with operations planned at the work center in the period"),
    "fpy_first": _("Orders with a first final inspection"),
    "fpy_failed": _("Orders whose first final inspection failed"),
}


@dataclass
class Drill:
    figure: str
    status: str = ""
    week: date | None = None
    center_id: int | None = None
    extra: dict = field(default_factory=dict)


def figure_orders(filters, drill: Drill):
    """The orders behind a dashboard figure (same filters, same definitions)."""
    f = drill.figure
    if f in ("received", "stage", "rush"):
        qs = received_orders(filters)
        if f == "stage" and drill.status:
            qs = qs.filter(status=drill.status)
        if f == "rush":
            qs = qs.filter(priority=Priority.RUSH)
        return qs
    if f in ("delivered", "delivered_on_time", "delivered_late", "rush_delivered", "rush_on_time"):
        facts = delivered_facts(filters)
        if drill.week:
            facts = facts.filter(delivered_week=drill.week)
        if f in ("delivered_on_time", "rush_on_time"):
            facts = facts.filter(on_time=True)
        if f == "delivered_late":
            facts = facts.filter(on_time=False)
        if f.startswith("rush"):
            facts = facts.filter(priority=Priority.RUSH)
        return Order.objects.filter(pk__in=facts.values("order_id"))
    if f in ("late", "at_risk", "predicted_late"):
        qs = open_orders(filters)
        if f == "late":
            return qs.filter(due__lt=today())
        if f == "at_risk":
            return qs.filter(at_risk=True)
        return qs.filter(_predicted_late())
    if f in ("fpy_first", "fpy_failed"):
        finished = Inspection.objects.filter(source=InspectionSource.PRODUCTION, signed_at__isnull=False,
                                             status__in=[InspectionStatus.PASSED, InspectionStatus.FAILED],
                                             order_line__isnull=False)
        first = finished.filter(order_line_id=OuterRef("order_line_id")).order_by("signed_at", "id").values("id")[:1]
        qs = finished.filter(signed_at__gte=filters.start, signed_at__lt=filters.end).filter(id=Subquery(first))
        if f == "fpy_failed":
            qs = qs.filter(status=InspectionStatus.FAILED)
        return _order_scope(Order.objects.filter(pk__in=qs.values("order_id")), filters)
    if f == "center" and drill.center_id:
        # The operations utilisation counts (all orders: utilisation is the factory's, not filtered).
        return Order.objects.filter(pk__in=_planned_operations(filters.start, filters.end).filter(
            center_id=drill.center_id).values("work_order__order_id"))
    return Order.objects.none()


def drill_rows(orders):
    return (orders.select_related("customer")
            .annotate(due_date=Coalesce("promised_date", "requested_date"),
                      rush=Case(When(priority=Priority.RUSH, then=Value(True)), default=Value(False)))
            .only("number", "status", "priority", "requested_date", "promised_date", "total_amount", "currency",
                  "at_risk", "created_at", "submitted_at", "customer__code", "customer__name")
            .order_by("-created_at", "-id"))
