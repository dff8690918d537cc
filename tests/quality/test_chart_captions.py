"""The SPC page's charts never print a caption over another (the same defect as the dashboard's charts
had): Pareto captions are cut to their column's width (the full name stays in the tooltip and the table),
and control-limit captions of limits that lie close together are spread apart."""

import re

from django.template.loader import render_to_string

from quality.charts import FONT, _text_width, control_chart, pareto_chart
from quality.spc import Subgroup, pareto, xbar_r


def control_chart_svg(chart, *, which, title):
    return render_to_string("quality/charts/control.html", {"c": control_chart(chart, which=which), "title": title})


def pareto_svg(bars, *, title):
    return render_to_string("quality/charts/pareto.html", {"c": pareto_chart(bars), "title": title})


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


def test_the_control_chart_draws_one_point_per_subgroup_and_marks_those_out_of_control():
    groups = [Subgroup(label=f"QI-{i}", size=5, mean=50 + (i % 3) * 0.1 + (5 if i == 6 else 0), range=2.0)
              for i in range(12)]
    svg = control_chart_svg(xbar_r(groups), which="x", title="X")
    assert svg.count("<circle ") == 12 and svg.count('class="spc-point spc-out"') == 1
    assert "<title>QI-6: " in svg and svg.count("<polyline ") == 1  # equal sizes: straight limit lines


def test_chart_labels_are_escaped():
    hostile = '<script>alert("x")</script>'
    bars = pareto([(hostile, "major", 3), ("Scratch", "minor", 1)])
    svg = pareto_svg(bars, title=f"Pareto {hostile}")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('class="pareto-bar ') == 2
    groups = [Subgroup(label=hostile, size=5, mean=50 + i * 0.1, range=0.3) for i in range(3)]
    assert "<script>" not in control_chart_svg(xbar_r(groups), which="r", title=hostile)
