"""Geometry for the dashboard's server-rendered SVG charts (the templates draw the shapes, the stylesheet
colours them: `.chart` rules in static/css/orderflow.css).

Sizes are in the SVG's own units; the SVG scales with its box, so the font size below is the size of a
label relative to the chart. Labels are spaced so that none overlaps another: a column chart with more
columns than room for their captions captions every n-th column only (the rest keep a tooltip)."""

import math

WIDTH = 600
HEIGHT = 200
BAR_GAP = 4
FONT = 12  # label font size in chart units (the stylesheet sets the same on .chart text)
AXIS = 18  # room under the columns for their captions
LABEL_GAP = 6  # least space between two captions


def text_width(text, font=FONT):
    """A caption's width, estimated: CJK characters are square, Latin ones about 0.6 of the font size."""
    return sum(font if ord(ch) > 0x2E7F else font * 0.6 for ch in str(text))


def column_chart(items, *, value, label, height=HEIGHT, width=WIDTH, maximum=None, ticks=()):
    """Vertical bars for `items`; `value(item)` gives the bar height (None = no bar), `label(item)` its
    caption. Returns the bars with x, y, width, height, the item and whether its caption is shown, and
    horizontal grid lines at `ticks` (values on the same scale)."""
    values = [value(i) or 0 for i in items]
    top = maximum if maximum is not None else max(values, default=0)
    plot = height - AXIS - FONT  # room above the tallest bar for its value
    if not items:
        return {"bars": [], "width": width, "height": height, "ticks": []}
    slot = width / len(items)
    labels = [str(label(i)) for i in items]
    widest = max(text_width(text) for text in labels)
    every = max(1, math.ceil((widest + LABEL_GAP) / slot))
    bars = []
    right_of_last = -LABEL_GAP
    for index, (item, v) in enumerate(zip(items, values, strict=True)):
        h = 0 if not top else plot * float(v) / float(top)
        # Centred under its column, but kept inside the chart; shown when clear of the caption before it.
        half = text_width(labels[index]) / 2
        label_x = min(max(index * slot + slot / 2, half), width - half)
        show = index % every == 0 and label_x - half >= right_of_last + LABEL_GAP
        if show:
            right_of_last = label_x + half
        bars.append({"x": round(index * slot + BAR_GAP / 2, 1), "y": round(height - AXIS - h, 1),
                     "w": round(max(slot - BAR_GAP, 1), 1), "h": round(h, 1), "value": value(item),
                     "label": labels[index], "label_x": round(label_x, 1), "item": item, "show_label": show})
    grid = [{"value": t, "y": round(height - AXIS - (plot * float(t) / float(top) if top else 0), 1)}
            for t in ticks]
    return {"bars": bars, "width": width, "height": height, "ticks": grid, "baseline": height - AXIS,
            "label_y": height - 4}


def bar_chart(items, *, value, label, width=WIDTH, row=26):
    """Horizontal bars for `items` (one row each, caption on the left, value at the bar's end): long
    captions such as stage names never collide."""
    labels = [str(label(i)) for i in items]
    values = [value(i) or 0 for i in items]
    top = max(values, default=0)
    label_w = min(max((text_width(t) for t in labels), default=0) + 10, width * 0.4)
    value_w = max((text_width(str(v)) for v in values), default=0) + 10
    room = width - label_w - value_w
    bars = []
    for index, (item, v) in enumerate(zip(items, values, strict=True)):
        w = 0 if not top else room * float(v) / float(top)
        y = index * row
        bars.append({"x": round(label_w, 1), "y": y + 4, "w": round(w, 1), "h": row - 8, "value": value(item),
                     "label": labels[index], "label_x": round(label_w - 8, 1), "text_y": y + row / 2 + FONT / 3,
                     "value_x": round(label_w + w + 4, 1), "item": item})
    return {"bars": bars, "width": width, "height": max(len(items) * row, row)}
