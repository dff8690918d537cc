"""Demand forecasts of make-to-stock items (Item.make_to_stock) from their order history.

History: the quantity of the item's product on order lines, per week the order came in (submitted, else
created), over the last HISTORY_WEEKS weeks before this one, for every order that was not a draft,
rejected or cancelled; weeks without orders count as zero.

Model: statsmodels' exponential smoothing. Holt's method with a damped additive trend (the level and a
trend that fades, so a short rise is not extrapolated for ever) when the history has at least
MIN_TREND_WEEKS weeks with orders; simple exponential smoothing (level only) when it has fewer; no forecast
when it has none. Parameters are fitted by maximum likelihood on the history. A forecast is never negative
and is rounded up to the item's unit.

The forecast feeds MRP as demand (inventory.mrp) and is stored with the run (MrpForecast); the forecast
page draws the history beside it (inventory.forecast_charts).
"""

import warnings
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from orders.models import OrderLine, OrderStatus, Unit

from .models import Item

HISTORY_WEEKS = 26
MIN_TREND_WEEKS = 8
NOT_DEMAND = [OrderStatus.DRAFT, OrderStatus.REJECTED, OrderStatus.CANCELLED]


@dataclass
class ItemForecast:
    item: Item
    history: list  # [(week start, Decimal)], oldest first
    forecast: list  # [(week start, Decimal)]
    method: str  # "holt", "simple" or "" (no history)


def week_start(day):
    return day - timedelta(days=day.weekday())


def make_to_stock_items():
    return list(Item.objects.filter(make_to_stock=True, is_active=True, product__isnull=False).order_by("code"))


def order_history(items, *, today=None):
    """{item id: [(week start, quantity)]} for the HISTORY_WEEKS full weeks before this one (one query)."""
    this_week = week_start(today or timezone.localdate())
    first = this_week - timedelta(weeks=HISTORY_WEEKS)
    by_product = {item.product_id: item for item in items}
    received = Coalesce("order__submitted_at", "order__created_at")
    rows = (OrderLine.objects.filter(product_id__in=by_product).exclude(order__status__in=NOT_DEMAND)
            .annotate(week=TruncWeek(received, tzinfo=timezone.get_current_timezone()))
            .filter(week__date__gte=first, week__date__lt=this_week)
            .values("product_id", "week").annotate(quantity=Sum("quantity")))
    totals = defaultdict(Decimal)
    for row in rows:
        totals[(by_product[row["product_id"]].pk, timezone.localtime(row["week"]).date())] += row["quantity"]
    weeks = [first + timedelta(weeks=n) for n in range(HISTORY_WEEKS)]
    return {item.pk: [(week, totals.get((item.pk, week), Decimal("0"))) for week in weeks] for item in items}


def smooth(values, periods):
    """(forecast floats for `periods` steps, method) of the weekly `values` (see the module docstring)."""
    # lazy: statsmodels (with scipy) takes a second to import; only MRP runs and the forecast page need it.
    from statsmodels.tsa.holtwinters import ExponentialSmoothing, SimpleExpSmoothing

    series = [float(v) for v in values]
    weeks_with_orders = sum(1 for v in series if v > 0)
    if not weeks_with_orders:
        return [0.0] * periods, ""
    with warnings.catch_warnings():
        # Short or flat series make the optimiser warn about convergence; the fit is still the best it found.
        warnings.simplefilter("ignore")
        if weeks_with_orders >= MIN_TREND_WEEKS:
            fitted = ExponentialSmoothing(series, trend="add", damped_trend=True,
                                          initialization_method="estimated").fit()
            method = "holt"
        else:
            fitted = SimpleExpSmoothing(series, initialization_method="estimated").fit()
            method = "simple"
    return [max(float(v), 0.0) for v in fitted.forecast(periods)], method


def forecast_items(items, *, weeks, today=None) -> list[ItemForecast]:
    """The forecast of each make-to-stock item for the `weeks` weeks from this one."""
    this_week = week_start(today or timezone.localdate())
    history = order_history(items, today=today)
    result = []
    for item in items:
        past = history[item.pk]
        values, method = smooth([q for _week, q in past], weeks)
        step = Decimal(1).scaleb(-Unit.decimals(item.unit))
        # Rounded to grams/pieces first, so float noise (12.0000001) is not rounded up to a whole unit more.
        forecast = [(this_week + timedelta(weeks=n), Decimal(str(round(v, 3))).quantize(step, rounding=ROUND_CEILING))
                    for n, v in enumerate(values)]
        result.append(ItemForecast(item, past, forecast, method))
    return result
