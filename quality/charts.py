"""Server-rendered SVG for the SPC page: the X̄ and R charts and the defect Pareto chart.

Only numbers and escaped labels go into the markup, so the SVG is safe to insert into the page."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

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
        return f'<line class="{css}" x1="{xs[0]:.1f}" x2="{xs[-1]:.1f}" y1="{ys[0]:.1f}" y2="{ys[0]:.1f}"/>'
    points = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        half = (xs[1] - xs[0]) / 2 if len(xs) > 1 else 0
        points.append(f"{x - half if i else x:.1f},{y:.1f}")
        points.append(f"{x + half if i < len(xs) - 1 else x:.1f},{y:.1f}")
    return f'<polyline class="{css}" fill="none" points="{" ".join(points)}"/>'


def control_chart_svg(chart, *, which, title):
    """`which` is "x" (subgroup means) or "r" (ranges)."""
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

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-label="{escape(title)}" data-chart="{which}">',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" class="spc-plot"/>']
    limits = (("UCL", upper, "spc-limit"), ("CL", center, "spc-center"), ("LCL", lower, "spc-limit"))
    # Limits close together would print their captions over each other: they are spread apart.
    label_ys = _spread([y(series[-1]) + 4 for _label, series, _css in limits])
    for (label, series, css), label_y in zip(limits, label_ys, strict=True):
        parts.append(_step_line(xs, [y(v) for v in series], css))
        parts.append(f'<text x="{LEFT - 4}" y="{label_y:.1f}" class="spc-label" text-anchor="end">'
                     f'{label} {_fmt(series[-1])}</text>')
    if which == "x":
        for label, value in (("LSL", chart.lsl), ("USL", chart.usl)):
            if value is not None:
                parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                             f'class="spc-spec"/><text x="{LEFT + plot_w}" y="{y(value) - 3:.1f}" class="spc-label" '
                             f'text-anchor="end">{label} {_fmt(value)}</text>')
    parts.append('<polyline class="spc-series" fill="none" points="'
                 + " ".join(f"{x:.1f},{y(v):.1f}" for x, v in zip(xs, values, strict=True)) + '"/>')
    many = len(groups) > 200
    for group, x, v, out in zip(groups, xs, values, outs, strict=True):
        # With many subgroups only the points out of control are drawn (the line shows the rest).
        if many and not out:
            continue
        css = "spc-point spc-out" if out else "spc-point"
        parts.append(f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="{2 if many else 3}" class="{css}">'
                     f'<title>{escape(group.label)}: {_fmt(v)}</title></circle>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def pareto_svg(bars, *, title):
    if not bars:
        return ""
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 40, HEIGHT - TOP - BOTTOM - 40
    most = max(bar.count for bar in bars)
    slot = plot_w / len(bars)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(title)}" data-chart="pareto">',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" class="spc-plot"/>']
    points = []
    for i, bar in enumerate(bars):
        height = plot_h * bar.count / most
        x = LEFT + i * slot
        parts.append(f'<rect x="{x + slot * 0.1:.1f}" y="{TOP + plot_h - height:.1f}" width="{slot * 0.8:.1f}" '
                     f'height="{height:.1f}" class="pareto-bar pareto-{escape(bar.defect_class)}">'
                     f'<title>{escape(bar.label)}: {bar.count}</title></rect>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{TOP + plot_h + 14}" class="spc-label" text-anchor="middle">'
                     f'{escape(_fit(bar.label, slot - LABEL_GAP * 2))}<title>{escape(bar.label)}</title></text>')
        points.append(f"{x + slot / 2:.1f},{TOP + plot_h * (1 - bar.cumulative / 100):.1f}")
    parts.append(f'<polyline class="pareto-cumulative" fill="none" points="{" ".join(points)}"/>')
    parts.append(f'<text x="{LEFT + plot_w + 4}" y="{TOP + 10}" class="spc-label">100 %</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
