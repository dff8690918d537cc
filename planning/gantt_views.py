"""The Gantt chart pages: planned operations by work center (a row per parallel unit) or by order.

For planners (orders.plan_order) each bar opens the operation's adjustment dialog
(planning.adjustment_views); for the others it links to the order. Times are the factory's (TIME_ZONE).
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import crew_load as crew_load_module
from . import gantt
from .crew_load import crew_load
from .gantt_selectors import gantt_operations

GANTT_PERMISSION = "planning.view_workorder"
ADJUST_PERMISSION = "orders.plan_order"


@login_required
@permission_required(GANTT_PERMISSION, raise_exception=True)
def gantt_by_center(request):
    return _gantt_page(request, gantt.BY_CENTER, "planning:gantt")


@login_required
@permission_required(GANTT_PERMISSION, raise_exception=True)
def gantt_by_order(request):
    return _gantt_page(request, gantt.BY_ORDER, "planning:gantt_orders")


def _gantt_page(request, group_by, url_name):
    tz = timezone.get_default_timezone()
    now = timezone.now()
    zoom = request.GET.get("zoom")
    if zoom not in gantt.ZOOMS:
        zoom = gantt.WEEK
    day, bad_date = _day_from(request.GET.get("date"), now.astimezone(tz).date())
    window = gantt.window_for(day, zoom, tz)
    operations = gantt_operations(window, tz)
    can_adjust = request.user.has_perm(ADJUST_PERMISSION)
    chart = gantt.layout(operations, window, group_by=group_by, now=now, tz=tz,
                         order_url=lambda pk: reverse("orders:detail", args=[pk]),
                         operation_url=_operation_url() if can_adjust else None)
    title = _("Gantt by work center") if group_by == gantt.BY_CENTER else _("Gantt by order")
    here = reverse(url_name)

    def link(target_day, target_zoom=zoom, path=here):
        return f"{path}?{urlencode({'date': target_day.isoformat(), 'zoom': target_zoom})}"

    return render(request, "planning/gantt.html", {
        "title": title,
        "group_by": group_by,
        "can_adjust": can_adjust,
        "gantt_chart": gantt.drawing(chart),
        "crew_band": _crew_band(window, tz),
        "zoom": zoom,
        "time_zone": str(tz),
        "day": day,
        "bad_date": bad_date,
        "window_start": window.start,
        "window_last_day": (window.end - timedelta(seconds=1)).astimezone(tz).date(),
        "operation_count": len(chart.bars),
        "previous_url": link(gantt.shifted_day(day, zoom, -1)),
        "next_url": link(gantt.shifted_day(day, zoom, 1)),
        "today_url": link(now.astimezone(tz).date()),
        "zoom_links": [(value, label, link(day, value)) for value, label in _zoom_labels()],
        "by_center_url": link(day, path=reverse("planning:gantt")),
        "by_order_url": link(day, path=reverse("planning:gantt_orders")),
    })


def _crew_band(window, tz):
    """The crew load under the chart (None when no crews exist and no operation needs people)."""
    loads = crew_load(window.start, window.end, tz)
    return crew_load_module.band_drawing(loads, window) if loads else None


def _operation_url():
    """The dialog URL per operation id without a reverse() per bar (2,000 bars)."""
    pattern = reverse("planning:operation_adjust", args=[0])
    head, tail = pattern.rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


def _day_from(text, today):
    """The day asked for (ISO), or today with a flag when the text is not a date."""
    if not text:
        return today, False
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return today, True
    # Far-off years would overflow the previous/next links; no plan is there anyway.
    if not 1900 <= day.year <= 2200:
        return today, True
    return day, False


def _zoom_labels():
    return [(gantt.DAY, _("Day")), (gantt.WEEK, _("Week")), (gantt.MONTH, _("Month"))]
