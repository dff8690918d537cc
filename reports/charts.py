"""Geometry for the dashboard's server-rendered SVG charts (the templates draw the shapes)."""

WIDTH = 600
HEIGHT = 180
BAR_GAP = 4


def column_chart(items, *, value, label, height=HEIGHT, width=WIDTH, maximum=None):
    """Vertical bars for `items`; `value(item)` gives the bar height (None = no bar), `label(item)` its
    caption. Returns the bars with x, y, width, height and the item."""
    values = [value(i) or 0 for i in items]
    top = maximum if maximum is not None else max(values, default=0)
    if not items:
        return {"bars": [], "width": width, "height": height}
    slot = width / len(items)
    bars = []
    for index, (item, v) in enumerate(zip(items, values, strict=True)):
        h = 0 if not top else (height - 20) * float(v) / float(top)
        bars.append({"x": round(index * slot + BAR_GAP / 2, 1), "y": round(height - 16 - h, 1),
                     "w": round(max(slot - BAR_GAP, 1), 1), "h": round(h, 1), "value": value(item),
                     "label": label(item), "label_x": round(index * slot + slot / 2, 1), "item": item})
    return {"bars": bars, "width": width, "height": height}
