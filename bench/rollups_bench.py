"""The dashboard from the daily rollups (`python bench/run.py rollups`, issue 19 item 2).

Data: the reports part's generated order events (bench.reports_bench.ensure_events: half of the orders walk
submitted → delivered → closed) and the delivered-order facts rebuilt from them, which fills the rollups too
(reports.rollups.replace_facts); the rebuild is timed as a row of its own.

Rows, each wall time with this process's CPU time beside it (bench.timing):
- the manager's dashboard page over 12 weeks and over one year with its figures computed on every request
  (DASHBOARD_CACHE_SECONDS=0, no fact rebuild): p50/p95 and the query count, target p95 < 300 ms;
- the delivery figures alone (weekly on-time, rush on-time, lead times with p90), read from the rollups and,
  for comparison, computed from the facts as before the rollups (reports.dashboard.from_rollups off);
- the nightly reconciliation (facts rebuilt from the events, rollups recounted).
"""

import time

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from .results import Row, percentile
from .timing import WARMUP, measure_get, page_rows, wall_and_cpu

P95_TARGET = 0.300


def _timed(function, requests):
    """(p50, p95, cpu p50, cpu p95) of `function` over `requests` calls after the warm-up."""
    for _i in range(WARMUP):
        function()
    walls, cpus = [], []
    for _i in range(requests):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return percentile(walls, 0.5), percentile(walls, 0.95), percentile(cpus, 0.5), percentile(cpus, 0.95)


def run(*, requests=30, log=print):
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from reports import dashboard as figures
    from reports import rollups
    from reports.facts import refresh_order_facts
    from reports.models import DeliveryDay, LeadTimeDay

    from .reports_bench import ensure_events

    ensure_events(log=log)
    started = time.perf_counter()
    facts = refresh_order_facts()
    rows = [Row("rollups: facts and rollups rebuilt", "seconds", f"{time.perf_counter() - started:.1f}",
                f"{facts:,} delivered orders, {DeliveryDay.objects.count():,} day rows, "
                f"{LeadTimeDay.objects.count():,} histogram rows")]
    manager = get_user_model().objects.filter(groups__name="manager").first()
    client = Client()
    client.force_login(manager)
    today = timezone.localdate()
    periods = [("12 weeks", figures.DashboardFilters.default()),
               ("1 year", figures.DashboardFilters(date_from=today - timedelta(days=364), date_to=today))]
    with override_settings(DASHBOARD_CACHE_SECONDS=0):
        for name, filters in periods:
            log(f"  dashboard {name} ...")
            url = reverse("reports:dashboard") + f"?date_from={filters.date_from}&date_to={filters.date_to}"
            rows += page_rows(f"rollups: dashboard {name}", measure_get(client, url, requests),
                              p95_target=P95_TARGET)
    for name, filters in periods:
        def delivery_figures(f=filters):
            summary = []
            return figures.on_time_by_week(f), figures.rush_figures(summary, f), figures.lead_times(f)

        log(f"  delivery figures {name}: rollups, then facts ...")
        p50, p95, cpu50, cpu95 = _timed(delivery_figures, requests)
        rows.append(Row(f"rollups: delivery figures {name}, from the rollups", "p95 ms", wall_and_cpu(p95, cpu95),
                        f"p50 {wall_and_cpu(p50, cpu50)}"))
        original = figures.from_rollups
        figures.from_rollups = lambda _filters: False
        try:
            p50, p95, cpu50, cpu95 = _timed(delivery_figures, requests)
        finally:
            figures.from_rollups = original
        rows.append(Row(f"rollups: delivery figures {name}, from the facts (before)", "p95 ms",
                        wall_and_cpu(p95, cpu95), f"p50 {wall_and_cpu(p50, cpu50)}"))
    log("  nightly reconciliation ...")
    wall, cpu = time.perf_counter(), time.process_time()
    drift = rollups.reconcile(fix=True)
    rows.append(Row("rollups: nightly reconciliation", "seconds",
                    f"{time.perf_counter() - wall:.1f} (CPU {time.process_time() - cpu:.1f})",
                    f"{len(drift)} differences"))
    return rows
