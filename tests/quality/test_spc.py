"""SPC on a data set checked by hand: X̄-R limits, out-of-control points, Cp/Cpk, the Pareto; the SPC
page's query count does not grow with the number of inspections."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quality import selectors, services, spc
from tests.fixtures.factories import user_with_role

from .setup import DIAMETER, PASSWORD, fill, give_plan, made_product, order_awaiting_qc

# Five subgroups of five diameters (nominal 10, tolerance ±0.05): every range is 0.04.
DATA = [
    ["10.00", "10.02", "9.98", "10.01", "9.99"],  # mean 10.00
    ["10.01", "10.03", "10.00", "10.02", "10.04"],  # mean 10.02
    ["9.98", "10.00", "10.01", "9.99", "10.02"],  # mean 10.00
    ["10.00", "10.01", "9.99", "10.02", "9.98"],  # mean 10.00
    ["10.05", "10.07", "10.06", "10.04", "10.08"],  # mean 10.06: above the UCL (3 values out of tolerance)
]
# By hand: X̿ = 50.08 / 5 = 10.016, R̄ = 0.04; A2 = 0.577, D3 = 0, D4 = 2.114, d2 = 2.326 for n = 5
GRAND_MEAN, MEAN_RANGE = 10.016, 0.04
UCL_X, LCL_X = 10.016 + 0.577 * 0.04, 10.016 - 0.577 * 0.04  # 10.03908, 9.99292
UCL_R, LCL_R = 2.114 * 0.04, 0.0  # 0.08456
SIGMA = 0.04 / 2.326  # 0.0171969
CP = 0.10 / (6 * SIGMA)  # 0.9692
CPK = (10.05 - 10.016) / (3 * SIGMA)  # 0.6590


@pytest.fixture
def inspected(sales):
    qc = user_with_role("qc")
    product = made_product(sku="SHAFT-1")
    give_plan(product, actor=qc, characteristics=[DIAMETER])
    for values in DATA:
        _order, inspection = order_awaiting_qc(sales, product, quantity="5")  # lot 5: all 5 items measured
        services.start_inspection(actor=qc, inspection=inspection)
        fill(qc, inspection, overrides={(1, n): value for n, value in enumerate(values, start=1)})
        services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    return product


def test_xbar_r_limits_and_capability_by_hand():
    groups = [spc.Subgroup(label=f"G{i}", size=5, mean=sum(map(float, values)) / 5,
                           range=max(map(float, values)) - min(map(float, values)))
              for i, values in enumerate(DATA, start=1)]
    chart = spc.xbar_r(groups, lsl=9.95, usl=10.05)
    assert chart.grand_mean == pytest.approx(GRAND_MEAN)
    assert chart.mean_range == pytest.approx(MEAN_RANGE)
    assert (chart.ucl_x, chart.lcl_x) == (pytest.approx(UCL_X), pytest.approx(LCL_X))
    assert (chart.ucl_r, chart.lcl_r) == (pytest.approx(UCL_R), pytest.approx(LCL_R))
    assert chart.cp == pytest.approx(CP) and chart.cpk == pytest.approx(CPK)
    assert [g.label for g in chart.out_of_control] == ["G5"]


def test_subgroups_of_different_sizes_get_limits_for_their_own_size():
    # σ̂ = mean(0.2 / 1.128, 0.4 / 2.059) = 0.185787; X̿ = (2·5 + 4·5.1) / 6 = 5.066667
    chart = spc.xbar_r([spc.Subgroup("a", 2, 5.0, 0.2), spc.Subgroup("b", 4, 5.1, 0.4)])
    sigma = (0.2 / 1.128 + 0.4 / 2.059) / 2
    small, large = chart.subgroups
    assert chart.grand_mean == pytest.approx(30.4 / 6)
    assert small.ucl_x == pytest.approx(30.4 / 6 + 1.880 * 1.128 * sigma)
    assert large.ucl_x == pytest.approx(30.4 / 6 + 0.729 * 2.059 * sigma)
    assert large.ucl_r == pytest.approx(2.282 * 2.059 * sigma) and not chart.equal_sizes
    assert spc.xbar_r([spc.Subgroup("only", 5, 1.0, 0.1)]) is None


def test_pareto_sorts_and_accumulates():
    bars = spc.pareto([("Crack", "critical", 1), ("Diameter", "major", 6), ("Surface", "minor", 3),
                       ("Label", "minor", 0)])
    assert [(b.label, b.count, round(b.cumulative, 1)) for b in bars] == [("Diameter", 6, 60.0),
                                                                         ("Surface", 3, 90.0), ("Crack", 1, 100.0)]


@pytest.mark.django_db
def test_subgroups_are_aggregated_in_sql_in_two_queries(inspected, django_assert_num_queries):
    with django_assert_num_queries(2):
        groups = selectors.spc_subgroups(inspected, DIAMETER.name, 25)
    assert [round(g.mean, 4) for g in groups] == [10.0, 10.02, 10.0, 10.0, 10.06]
    assert {round(g.range, 4) for g in groups} == {0.04} and {g.size for g in groups} == {5}
    chart = spc.xbar_r(groups, lsl=9.95, usl=10.05)
    assert chart.cpk == pytest.approx(CPK)
    assert len(selectors.spc_subgroups(inspected, DIAMETER.name, 3)) == 3


@pytest.mark.django_db
def test_the_spc_page_shows_the_numbers_and_marks_the_point_out_of_control(client, inspected):
    client.force_login(user_with_role("qc"))
    page = client.get(reverse("quality:spc"), {"product": inspected.pk, "characteristic": DIAMETER.name,
                                               "subgroups": 25})
    html = page.content.decode()
    assert page.status_code == 200
    assert "10.0160" in html and "0.0400" in html and "10.0391 / 9.9929" in html and "0.0846 / 0.0000" in html
    assert "0.97 / 0.66" in html  # Cp / Cpk
    assert html.count('class="spc-point spc-out"') == 1 and 'data-chart="x"' in html and 'data-chart="r"' in html
    assert 'data-testid="pareto-row"' in html and "Diameter" in html


def test_the_spc_charts_are_drawn_in_the_readers_language(client, inspected):
    client.force_login(user_with_role("qc"))
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("quality:spc"), {"product": inspected.pk, "characteristic": DIAMETER.name})
    html = page.content.decode()
    assert 'aria-label="X̄ 图" data-chart="x"' in html and 'aria-label="R 图" data-chart="r"' in html
    assert html.count('<circle cx=') == 2 * len(DATA)  # one point per subgroup on each chart


@pytest.mark.django_db
def test_the_spc_page_costs_the_same_queries_for_more_inspections(client, inspected, sales):
    qc = user_with_role("qc")
    client.force_login(qc)
    params = {"product": inspected.pk, "characteristic": DIAMETER.name, "subgroups": 100}

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("quality:spc"), params).status_code == 200
        return len(captured)

    before = queries()
    for _ in range(3):
        _order, inspection = order_awaiting_qc(sales, inspected, quantity="5")
        services.start_inspection(actor=qc, inspection=inspection)
        fill(qc, inspection)
        services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    assert queries() == before
