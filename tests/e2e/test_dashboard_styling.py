"""The manager reads a styled dashboard with correct delivery figures, on a 1366×768 screen and on the 1920×1080 wall
screen, in English and in Chinese. What breaks when the chart styling is missing is measured in Chromium:
- chart bars and meters are coloured (an unstyled SVG shape is black), meter fills are as wide as their
  percentage (0 % is an empty track, not a full bar);
- chart captions have a readable size and no two overlap (bounding boxes), over 29 weeks of columns;
- the filter's "Apply" button (and the report builder's) is a styled button.
Each view is also screenshotted (into the test's tmp folder)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from reports.facts import refresh_order_facts
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role
from tests.reports.data import build, event, order_row
from tests.reports.test_dashboard_pilot import planned_work_ahead

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TZ = ZoneInfo("Asia/Shanghai")
PERIOD = "date_from=2025-07-01&date_to=2026-01-18"
BLACK = "rgb(0, 0, 0)"
ACCENT = "rgb(31, 95, 191)"  # --accent

MEASURE = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  const charts = [...document.querySelectorAll('figure.chart')].map(fig => ({
    name: fig.dataset.chart,
    bars: [...fig.querySelectorAll('rect.bar')].map(el => getComputedStyle(el).fill),
    texts: [...fig.querySelectorAll('svg text')].map(el => ({text: el.textContent, ...box(el)})),
  }));
  const meters = [...document.querySelectorAll('td.meter-cell')].map(td => {
    const percent = td.dataset.periodPercent ?? td.dataset.horizonPercent;
    return {percent: percent === '' ? null : parseFloat(percent),
            track: box(td.querySelector('.meter-bg')).w, fill: box(td.querySelector('.meter-fill')).w,
            trackColour: getComputedStyle(td.querySelector('.meter-bg')).fill,
            fillColour: getComputedStyle(td.querySelector('.meter-fill')).fill};
  });
  const apply = document.querySelector('form.filters button[type=submit]');
  return {charts, meters, apply: apply && getComputedStyle(apply).backgroundColor};
}"""


def weekly_deliveries(creator, weeks=29):
    """One order delivered on time every Wednesday from 2025-07-02 to 2026-01-14: 29 weekly columns."""
    customer, product = CustomerFactory(code="C-WEEKLY"), ProductFactory(sku="P-WEEKLY")
    for n in range(weeks):
        day = date(2025, 7, 2) + timedelta(weeks=n)
        submitted = datetime(day.year, day.month, day.day, 9, tzinfo=TZ) - timedelta(days=3)
        order = order_row(creator=creator, customer=customer, product=product, status="delivered",
                          submitted=submitted, requested=day + timedelta(days=1))
        event(order, "submitted", submitted, "draft")
        event(order, "delivered", submitted + timedelta(days=3), "shipped")


def overlaps(a, b):
    return a["x"] + 0.5 < b["x"] + b["w"] and b["x"] + 0.5 < a["x"] + a["w"] and \
        a["y"] + 0.5 < b["y"] + b["h"] and b["y"] + 0.5 < a["y"] + a["h"]


def check_styled(page, *, bar_colour, max_caption_height):
    measured = page.evaluate(MEASURE)
    charts = {c["name"]: c for c in measured["charts"]}
    assert set(charts) == {"on_time", "stages"}
    for chart in charts.values():
        assert chart["bars"] and set(chart["bars"]) == {bar_colour}, chart["name"]
        texts = [t for t in chart["texts"] if t["w"] > 0]
        assert texts
        for t in texts:
            assert 8 <= t["h"] <= max_caption_height, (chart["name"], t)
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                assert not overlaps(a, b), (chart["name"], a, b)
    assert len(charts["on_time"]["bars"]) == 29
    meters = measured["meters"]
    assert {m["percent"] for m in meters} >= {0.0, 25.0}
    for m in meters:
        assert m["trackColour"] != BLACK and m["fillColour"] != BLACK and m["trackColour"] != m["fillColour"]
        assert m["track"] >= 80
        assert m["fill"] == pytest.approx(m["track"] * min(m["percent"] or 0, 100) / 100, abs=1.5)
    return measured


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_manager_reads_a_styled_dashboard_and_wall_screen(sessions, live_server, tmp_path, language):
    creator = user_with_role("sales")
    build(creator)  # Jan 2026: 5 delivered, 3 on time
    weekly_deliveries(creator)
    # Rows written directly, not delivered through the services (which write the facts and the daily rollups
    # the dashboard reads at once): the facts are built from them as a delivery would.
    refresh_order_facts()
    planned_work_ahead()  # WC-H: 0 % in the period, 25 % over the planned horizon
    user_with_role("manager", username="boss")

    page = sessions("boss", viewport={"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.select_option("#language-select", language)
    page.goto(f"{live_server.url}/reports/dashboard/?{PERIOD}")
    # Correct delivery figures: the 29 weekly orders on time plus A-E of the data set (3 on time).
    expect(page.locator("[data-figure=on_time]")).to_contain_text("(32/34)")
    expect(page.locator("[data-figure=on_time]")).to_contain_text("94.1 %")
    # The 90th percentiles come from the daily rollups' half-day buckets: the page says so, in the reader's language.
    note = page.locator("[data-note=percentile-error]")
    expect(note).to_be_visible()
    expect(note).to_contain_text({"en": "within ±0.25 days", "zh-hans": "误差在 ±0.25 天以内"}[language])
    page.screenshot(path=tmp_path / f"dashboard-{language}.png", full_page=True)
    measured = check_styled(page, bar_colour=ACCENT, max_caption_height=24)
    assert measured["apply"] == ACCENT
    # The same filter form on the reports, and the report builder's button, are styled buttons too.
    for path, button in (("/reports/delivery/", "form.filters button[type=submit]"),
                         ("/reports/custom/new/", "form.builder button[type=submit]")):
        page.goto(f"{live_server.url}{path}")
        assert page.locator(button).evaluate("b => getComputedStyle(b).backgroundColor") == ACCENT, path

    wall = sessions("boss", viewport={"width": 1920, "height": 1080})
    wall.goto(f"{live_server.url}/reports/dashboard/wall/?{PERIOD}")
    expect(wall.locator("[data-figure=on_time]")).to_contain_text("(32/34)")
    wall.screenshot(path=tmp_path / f"wall-{language}.png", full_page=True)
    check_styled(wall, bar_colour="rgb(91, 155, 255)", max_caption_height=32)
    assert wall.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(15, 27, 42)"
    assert (tmp_path / f"wall-{language}.png").stat().st_size > 10_000
