"""Gantt chart layout: rows and bar geometry for planned operations in a time window, and the SVG.

Pure (no queries): planning.gantt_views feeds it GanttOperation values built from one selector query.
Coordinates are SVG user units; the chart scales to the page width through its viewBox. Times are
placed and labelled in the time zone given (the factory's TIME_ZONE), so a day column is a factory day.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils.formats import date_format
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


def drawing(chart: GanttChart):
    """The chart's geometry for templates/planning/_gantt_chart.html (numbers formatted here, texts left
    to the template's escaping), as the dashboard's charts do (reports/charts.py)."""
    height = chart.height
    return {
        "width": chart.width, "height": height, "adjustable": chart.adjustable,
        "window_minutes": round(chart.window.seconds / 60), "chart_width": CHART_WIDTH,
        "rows": [{"y": row.y, "height": ROW_HEIGHT, "label_y": _f(row.y + ROW_HEIGHT - 7), "label": row.label}
                 for row in chart.rows],
        "ticks": [{"x": _f(t.x), "label_x": _f(t.x + 3), "label": t.label} for t in chart.ticks],
        "bars": [{"href": bar.href, "title": bar.title, "css": bar.css_class, "x": _f(bar.x), "y": _f(bar.y),
                  "w": _f(bar.width), "h": BAR_HEIGHT, "lock": _lock_mark(bar)} for bar in chart.bars],
        "now_x": None if chart.now_x is None else _f(chart.now_x),
    }


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
    """Where a locked bar's padlock goes (a rect and its shackle), or None."""
    if not bar.operation.locked:
        return None
    x, y = bar.x + 2, bar.y + 6
    return {"x": _f(x), "y": _f(y), "shackle_x": _f(x + 1)}


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
