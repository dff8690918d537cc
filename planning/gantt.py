"""Gantt chart layout: rows and bar geometry for planned operations in a time window, and the SVG.

Pure (no queries): planning.gantt_views feeds it GanttOperation values built from one selector query.
Coordinates are SVG user units; the chart scales to the page width through its viewBox. Times are
placed and labelled in the time zone given (the factory's TIME_ZONE), so a day column is a factory day.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

DAY, WEEK, MONTH = "day", "week", "month"
ZOOMS = (DAY, WEEK, MONTH)
BY_CENTER, BY_ORDER = "center", "order"

LABEL_WIDTH = 200
CHART_WIDTH = 1200
HEADER_HEIGHT = 28
ROW_HEIGHT = 22
BAR_HEIGHT = 14
MIN_BAR_WIDTH = 2  # a five-minute operation on a month view stays visible and clickable
MAX_LABEL_CHARS = 30  # what fits the label column; the full name is in each bar's tooltip


@dataclass(frozen=True)
class GanttOperation:
    """One planned operation as the chart needs it. `unit` is the 0-based parallel unit (None: unknown)."""

    order_id: int
    order_number: str
    customer_name: str
    work_order_number: str
    item_code: str
    item_name: str
    sequence: int
    description: str
    center_code: str
    unit: int | None
    start: datetime
    end: datetime
    rush: bool = False
    late: bool = False
    locked: bool = False
    operation_id: int | None = None


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    zoom: str

    @property
    def seconds(self):
        return (self.end - self.start).total_seconds()

    def x(self, moment):
        """The x of a moment, clamped to the chart (bars running past the window are cut at its edge)."""
        share = (moment - self.start).total_seconds() / self.seconds
        return LABEL_WIDTH + CHART_WIDTH * min(max(share, 0.0), 1.0)


@dataclass(frozen=True)
class Row:
    label: str
    y: float


@dataclass(frozen=True)
class Bar:
    operation: GanttOperation
    x: float
    y: float
    width: float
    css_class: str
    href: str
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass
class GanttChart:
    window: Window
    rows: list = field(default_factory=list)
    bars: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    now_x: float | None = None
    adjustable: bool = False  # bars link to the operation's adjustment dialog

    @property
    def width(self):
        return LABEL_WIDTH + CHART_WIDTH

    @property
    def height(self):
        return HEADER_HEIGHT + ROW_HEIGHT * max(len(self.rows), 1)


def window_for(day: date, zoom: str, tz) -> Window:
    """The window containing `day`: that day, its week (Monday first) or its calendar month, in `tz`."""
    if zoom == DAY:
        first, last = day, day + timedelta(days=1)
    elif zoom == WEEK:
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=7)
    else:
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
    return Window(_local_midnight(first, tz), _local_midnight(last, tz), zoom)


def shifted_day(day: date, zoom: str, steps: int) -> date:
    """A day in the window `steps` windows before (negative) or after `day`'s window."""
    if zoom == DAY:
        return day + timedelta(days=steps)
    if zoom == WEEK:
        return day + timedelta(days=7 * steps)
    month_index = day.year * 12 + day.month - 1 + steps
    return date(month_index // 12, month_index % 12 + 1, 1)


def is_late(work_order_end: datetime | None, promised: date | None, requested: date, tz) -> bool:
    """Late: the work order is planned to end after the promised date (the requested date if nothing was
    promised) is over in the factory's time zone."""
    if work_order_end is None:
        return False
    due = promised or requested
    return work_order_end > _local_midnight(due + timedelta(days=1), tz)


def layout(operations, window: Window, *, group_by: str, now: datetime, tz, order_url,
           operation_url=None) -> GanttChart:
    """Rows and bars for `operations` (those outside the window are skipped).

    By work center a row is one parallel unit of a work center; by order a row is one order and its
    bars are the order's operations. `order_url(order_id)` is the link of a bar, or, when given (the
    user may adjust the plan), `operation_url(operation_id)`: the operation's adjustment dialog.
    """
    visible = [op for op in operations if op.start < window.end and op.end > window.start]
    row_index = {}
    for key, label in sorted({_row_key(op, group_by) for op in visible}):
        row_index[(key, label)] = len(row_index)
    chart = GanttChart(window=window, adjustable=operation_url is not None)
    chart.rows = [Row(label, HEADER_HEIGHT + ROW_HEIGHT * index) for (_key, label), index in row_index.items()]
    urls = {}
    for op in visible:
        y = HEADER_HEIGHT + ROW_HEIGHT * row_index[_row_key(op, group_by)] + (ROW_HEIGHT - BAR_HEIGHT) / 2
        x = window.x(op.start)
        width = max(window.x(op.end) - x, MIN_BAR_WIDTH)
        if chart.adjustable and op.operation_id is not None:
            href = operation_url(op.operation_id)
        else:
            if op.order_id not in urls:
                urls[op.order_id] = order_url(op.order_id)
            href = urls[op.order_id]
        chart.bars.append(Bar(op, x, y, width, _bar_class(op), href, _tooltip(op, tz)))
    chart.ticks = _ticks(window, tz)
    if window.start <= now < window.end:
        chart.now_x = window.x(now)
    return chart


def render_svg(chart: GanttChart, *, title: str):
    """The chart as an inline SVG string; every text from the data is escaped by format_html."""
    height = chart.height
    parts = [format_html(
        '<svg class="gantt" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" preserveAspectRatio="xMinYMin meet"{}>', chart.width, height, title,
        format_html(' data-adjust="1" data-window-minutes="{}" data-chart-width="{}"', round(chart.window.seconds / 60),
                    CHART_WIDTH) if chart.adjustable else "")]
    parts.append(format_html_join("", '<rect class="gantt-row-band" x="0" y="{}" width="{}" height="{}"/>'
                                  '<text class="gantt-row-label" x="4" y="{}">{}</text>',
                                  ((row.y, chart.width, ROW_HEIGHT, _f(row.y + ROW_HEIGHT - 7), row.label)
                                   for row in chart.rows)))
    parts.append(format_html_join("", '<line class="gantt-tick" x1="{}" y1="0" x2="{}" y2="{}"/>'
                                  '<text class="gantt-tick-label" x="{}" y="18">{}</text>',
                                  ((_f(t.x), _f(t.x), height, _f(t.x + 3), t.label) for t in chart.ticks)))
    parts.append(format_html_join("", '<a href="{}"><title>{}</title><rect class="{}" x="{}" y="{}" width="{}" '
                                  'height="{}" rx="2"/>{}</a>',
                                  ((bar.href, bar.title, bar.css_class, _f(bar.x), _f(bar.y), _f(bar.width),
                                    BAR_HEIGHT, _lock_mark(bar)) for bar in chart.bars)))
    if chart.now_x is not None:
        parts.append(format_html('<line class="gantt-now" x1="{}" y1="0" x2="{}" y2="{}"><title>{}</title></line>',
                                 _f(chart.now_x), _f(chart.now_x), height, _("Now")))
    parts.append(mark_safe("</svg>"))  # noqa: S308 (a constant)
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 (parts built by format_html)


def _local_midnight(day, tz):
    return datetime.combine(day, time.min, tzinfo=tz)


def _row_key(op, group_by):
    if group_by == BY_ORDER:
        label = f"{op.order_number} · {op.customer_name}"
        if len(label) > MAX_LABEL_CHARS:
            label = label[:MAX_LABEL_CHARS - 1] + "…"
        return (op.order_number,), label
    if op.unit is None:
        return (op.center_code, -1), op.center_code
    return (op.center_code, op.unit), f"{op.center_code} · {op.unit + 1}"


def _bar_class(op):
    classes = ["gantt-bar"]
    if op.rush:
        classes.append("gantt-rush")
    if op.late:
        classes.append("gantt-late")
    if op.locked:
        classes.append("gantt-locked")
    return " ".join(classes)


def _tooltip(op, tz):
    text = _("%(order)s (%(customer)s) · %(item)s · operation %(sequence)s %(operation)s · %(center)s · "
             "%(start)s – %(end)s") % {
        "order": op.order_number, "customer": op.customer_name, "item": f"{op.item_code} {op.item_name}",
        "sequence": op.sequence, "operation": op.description, "center": op.center_code,
        "start": date_format(op.start.astimezone(tz), "DATETIME_FORMAT"),
        "end": date_format(op.end.astimezone(tz), "DATETIME_FORMAT")}
    notes = [_("rush") if op.rush else "", _("late") if op.late else "", _("locked") if op.locked else ""]
    notes = [note for note in notes if note]
    return f"{text} ({', '.join(notes)})" if notes else text


def _lock_mark(bar):
    if not bar.operation.locked:
        return ""
    x, y = bar.x + 2, bar.y + 6
    return format_html('<g class="gantt-lock"><rect x="{}" y="{}" width="7" height="6"/>'
                       '<path d="M{} {} v-2 a2.5 2.5 0 0 1 5 0 v2"/></g>', _f(x), _f(y), _f(x + 1), _f(y))


def _ticks(window, tz):
    """Hour lines on a day (labelled every two hours), day lines on a week or month."""
    ticks = []
    if window.zoom == DAY:
        for hour in range(24):
            moment = window.start + timedelta(hours=hour)
            ticks.append(Tick(window.x(moment), f"{hour:02d}" if hour % 2 == 0 else ""))
        return ticks
    day = window.start.astimezone(tz).date()
    while (moment := _local_midnight(day, tz)) < window.end:
        label = date_format(day, "MONTH_DAY_FORMAT") if window.zoom == WEEK else str(day.day)
        ticks.append(Tick(window.x(moment), label))
        day += timedelta(days=1)
    return ticks


def _f(number):
    """Coordinates with one decimal keep 2,000 bars' markup small."""
    return f"{number:.1f}"
