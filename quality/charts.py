"""Geometry for the SPC page's charts: the X̄ and R charts and the defect Pareto chart. As for the
dashboard (reports/charts.py), Python computes the positions and templates/quality/charts/ draws the
shapes, so every label goes through the template's escaping."""

WIDTH, HEIGHT = 960, 240
LEFT, RIGHT, TOP, BOTTOM = 88, 16, 16, 28


FONT = 11  # .spc-label's font size, in chart units
LABEL_GAP = 2


def _text_width(text):
    """A caption's width, estimated: CJK characters are square, Latin ones about 0.6 of the font size."""
    return sum(FONT if ord(ch) > 0x2E7F else FONT * 0.6 for ch in text)


def _fit(text, room):
    """`text` cut (with an ellipsis) to at most `room` chart units wide, so captions never run into each other."""
    if _text_width(text) <= room:
        return text
    while text and _text_width(text + "…") > room:
        text = text[:-1]
    return text + "…" if text else ""


def _spread(positions, gap=FONT + 1):
    """Label y positions (same order as given) moved apart to at least `gap` from each other."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = list(positions)
    for before, after in zip(order, order[1:], strict=False):
        placed[after] = max(placed[after], placed[before] + gap)
    return placed


def _fmt(value):
    return f"{value:.4g}"


def _scale(low, high):
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.08
    return low - pad, high + pad


def _step_line(xs, ys, css):
    """A limit line: straight when it is the same for every subgroup, else a step per subgroup."""
    if len(set(ys)) == 1:
        return {"css": css, "x1": f"{xs[0]:.1f}", "x2": f"{xs[-1]:.1f}", "y": f"{ys[0]:.1f}"}
    points = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        half = (xs[1] - xs[0]) / 2 if len(xs) > 1 else 0
        points.append(f"{x - half if i else x:.1f},{y:.1f}")
        points.append(f"{x + half if i < len(xs) - 1 else x:.1f},{y:.1f}")
    return {"css": css, "points": " ".join(points)}


def control_chart(chart, *, which):
    """The geometry of an X̄ chart (`which` "x": subgroup means) or an R chart ("r": ranges), drawn by
    templates/quality/charts/control.html. Numbers are formatted here (one decimal), labels stay text."""
    groups = chart.subgroups
    if which == "x":
        values = [g.mean for g in groups]
        center = [chart.grand_mean] * len(groups)
        upper, lower = [g.ucl_x for g in groups], [g.lcl_x for g in groups]
        outs = [g.x_out for g in groups]
        extra = [v for v in (chart.lsl, chart.usl) if v is not None]
    else:
        values = [g.range for g in groups]
        center = [g.cl_r for g in groups]
        upper, lower = [g.ucl_r for g in groups], [g.lcl_r for g in groups]
        outs = [g.r_out for g in groups]
        extra = []
    low, high = _scale(min(values + lower + extra), max(values + upper + extra))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(groups) - 1, 1)
    xs = [LEFT + i * step for i in range(len(groups))]

    def y(v):
        return TOP + plot_h * (high - v) / (high - low)

    limits = (("UCL", upper, "spc-limit"), ("CL", center, "spc-center"), ("LCL", lower, "spc-limit"))
    # Limits close together would print their captions over each other: they are spread apart.
    label_ys = _spread([y(series[-1]) + 4 for _label, series, _css in limits])
    specs = []
    if which == "x":
        specs = [{"label": label, "value": _fmt(value), "y": f"{y(value):.1f}", "text_y": f"{y(value) - 3:.1f}"}
                 for label, value in (("LSL", chart.lsl), ("USL", chart.usl)) if value is not None]
    many = len(groups) > 200
    return {
        "which": which, "width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "plot_w": plot_w,
        "plot_h": plot_h, "right_x": LEFT + plot_w, "label_x": LEFT - 4,
        "limits": [{"line": _step_line(xs, [y(v) for v in series], css), "label": label, "value": _fmt(series[-1]),
                    "label_y": f"{label_y:.1f}"}
                   for (label, series, css), label_y in zip(limits, label_ys, strict=True)],
        "specs": specs,
        "series": " ".join(f"{x:.1f},{y(v):.1f}" for x, v in zip(xs, values, strict=True)),
        # With many subgroups only the points out of control are drawn (the line shows the rest).
        "points": [{"cx": f"{x:.1f}", "cy": f"{y(v):.1f}", "r": 2 if many else 3, "out": out, "label": group.label,
                    "value": _fmt(v)}
                   for group, x, v, out in zip(groups, xs, values, outs, strict=True) if out or not many],
    }


def pareto_chart(bars):
    """The geometry of the defect Pareto chart (templates/quality/charts/pareto.html): one column per
    defect, its caption cut to the column's width, and the cumulative line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 40, HEIGHT - TOP - BOTTOM - 40
    most = max((bar.count for bar in bars), default=0) or 1
    slot = plot_w / max(len(bars), 1)
    columns, points = [], []
    for i, bar in enumerate(bars):
        height = plot_h * bar.count / most
        x = LEFT + i * slot
        columns.append({"x": f"{x + slot * 0.1:.1f}", "y": f"{TOP + plot_h - height:.1f}", "w": f"{slot * 0.8:.1f}",
                        "h": f"{height:.1f}", "defect_class": bar.defect_class, "label": bar.label,
                        "caption": _fit(bar.label, slot - LABEL_GAP * 2), "count": bar.count,
                        "text_x": f"{x + slot / 2:.1f}"})
        points.append(f"{x + slot / 2:.1f},{TOP + plot_h * (1 - bar.cumulative / 100):.1f}")
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "plot_w": plot_w, "plot_h": plot_h,
            "columns": columns, "cumulative": " ".join(points), "caption_y": TOP + plot_h + 14,
            "hundred_x": LEFT + plot_w + 4, "hundred_y": TOP + 10}
