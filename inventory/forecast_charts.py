"""Geometry of the demand forecast chart (templates/inventory/mrp/_forecast_chart.html draws it): one
column per week, the order history in one colour and the forecast in another, a dashed line where the
forecast starts, the week captions spaced so that none overlaps. Positions are computed here; every text
is left as text for the template to escape (docs/lists-forms-charts.md)."""

import math

WIDTH = 720
HEIGHT = 220
TOP = 16  # room above the tallest column for its value
AXIS = 20  # room under the columns for the week captions
LEFT = 40  # room for the scale on the left
GAP = 2
FONT = 12  # caption font size in chart units (the stylesheet's .chart text)
CAPTION_GAP = 10  # least space between two captions


def text_width(text):
    """A caption's width, estimated: CJK characters are square, Latin ones about 0.6 of the font size."""
    return sum(FONT if ord(ch) > 0x2E7F else FONT * 0.6 for ch in str(text))


def nice_top(value):
    """The scale's top: 1, 2 or 5 × a power of ten, at least `value` (and at least 1)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def forecast_chart(history, forecast, *, caption):
    """history, forecast: [(week start, quantity)]; `caption(week)` the week's caption in the reader's
    format. Returns the columns (x, y, w, h, kind "history"/"forecast", week, quantity, caption shown?),
    the scale ticks and where the forecast starts."""
    weeks = [(week, quantity, "history") for week, quantity in history] + [
        (week, quantity, "forecast") for week, quantity in forecast]
    plot_width, plot_height = WIDTH - LEFT, HEIGHT - TOP - AXIS
    top = nice_top(float(max((q for _w, q, _k in weeks), default=0)))
    slot = plot_width / max(len(weeks), 1)
    widest = max((text_width(caption(week)) for week, _q, _k in weeks), default=0)
    every = max(1, math.ceil((widest + CAPTION_GAP) / slot))
    columns = []
    for index, (week, quantity, kind) in enumerate(weeks):
        height = plot_height * float(quantity) / top
        half = text_width(caption(week)) / 2  # the caption stays inside the chart
        x = LEFT + index * slot
        columns.append({"x": round(x + GAP / 2, 1), "y": round(TOP + plot_height - height, 1),
                        "w": round(max(slot - GAP, 1), 1), "h": round(height, 1), "kind": kind, "week": week,
                        "quantity": quantity, "caption": caption(week),
                        "caption_x": round(min(max(x + slot / 2, LEFT + half), WIDTH - half), 1),
                        "show_caption": (len(weeks) - 1 - index) % every == 0})
    ticks = [{"value": top * n / 4, "y": round(TOP + plot_height - plot_height * n / 4, 1)} for n in range(5)]
    split = LEFT + len(history) * slot if forecast else None
    return {"width": WIDTH, "height": HEIGHT, "columns": columns, "ticks": ticks, "left": LEFT,
            "baseline": TOP + plot_height, "caption_y": HEIGHT - 5, "split_x": round(split, 1) if split else None}
