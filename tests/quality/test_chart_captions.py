"""The SPC page's charts never print a caption over another (the same defect as the dashboard's charts
had): Pareto captions are cut to their column's width (the full name stays in the tooltip and the table),
and control-limit captions of limits that lie close together are spread apart."""

import re

from quality.charts import FONT, _text_width, control_chart_svg, pareto_svg
from quality.spc import Subgroup, pareto, xbar_r


def captions(svg):
    """(x, y, text) of the chart's visible captions."""
    return [(float(x), float(y), text) for x, y, text in
            re.findall(r'<text x="([\d.]+)" y="([\d.]+)" class="spc-label"[^>]*>([^<]*)', svg)]


def test_pareto_captions_fit_their_columns():
    bars = pareto([(f"缺陷类型很长的名字{i}" if i % 2 else f"Long defect name number {i}", "major", 20 - i)
                   for i in range(14)])
    svg = str(pareto_svg(bars, title="Pareto"))
    below = sorted((x, text) for x, y, text in captions(svg) if text != "100 %")
    assert len(below) == 14
    extents = [(x - _text_width(text) / 2, x + _text_width(text) / 2) for x, text in below]
    for (_left, right), (next_left, _right) in zip(extents, extents[1:], strict=False):
        assert right <= next_left
    assert all(text.endswith("…") for _x, text in below)
    assert "<title>缺陷类型很长的名字1</title>" in svg  # the full name on hover


def test_close_control_limits_get_captions_apart():
    groups = [Subgroup(label=f"QI-{i}", size=5, mean=50 + (i % 3) * 0.001, range=0.002) for i in range(10)]
    chart = xbar_r(groups, lsl=0, usl=100)
    svg = str(control_chart_svg(chart, which="x", title="X"))
    limits = sorted(y for _x, y, text in captions(svg) if text.split()[0] in ("UCL", "CL", "LCL"))
    assert len(limits) == 3
    assert all(b - a >= FONT for a, b in zip(limits, limits[1:], strict=False))
