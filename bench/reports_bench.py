"""Dashboard and reports at scale (`python bench/run.py reports`).

Data: the bench database's generated orders (100,000 by default) plus ten OrderEvents per order written
by COPY (1,000,000 at the default size; found again by the action "bench_report"): half of the orders
walk submitted → delivered → closed with spread-out times, the rest stop at a random stage with
timeline notes. The delivered-order facts are then rebuilt (reports.facts.refresh_order_facts, the beat
task's work) and timed as a row of its own.

Rows: the manager's dashboard (12 weeks and one year; computed afresh, and 12 weeks once more as the
figures shared between page views for a minute), a drill-down, the delivery and order status
reports and a custom report, through the Django test Client as a manager: p50/p95 over N requests after
3 warm-ups (target p95 < 300 ms) and the query count.
"""

import io
import random
import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .results import Row
from .timing import measure_get, page_rows

P95_TARGET = 0.300
EVENTS_PER_ORDER = 10
MARK = "bench_report"
WALK = ["submitted", "approved", "planned", "materials_ready", "in_production", "awaiting_qc", "qc_passed",
        "shipped", "delivered", "closed"]


def ensure_events(*, log=print):
    from orders.models import Order, OrderEvent

    orders = list(Order.objects.values_list("id", flat=True))
    wanted = len(orders) * EVENTS_PER_ORDER
    if OrderEvent.objects.filter(action=MARK).count() >= wanted * 0.9:
        return
    log(f"  writing {wanted:,} order events by COPY ...")
    rng = random.Random(8)
    now = timezone.now()
    buffer = io.StringIO()
    for order_id in orders:
        start = now - timedelta(days=rng.uniform(1, 365))
        delivered = rng.random() < 0.5
        at = start
        for step in range(EVENTS_PER_ORDER):
            at += timedelta(hours=rng.uniform(1, 72))
            to_status = WALK[step] if delivered else ""
            buffer.write(f"{order_id}\t{MARK}\t\t{to_status}\t{at.isoformat()}\t\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY orders_orderevent (order_id, action, from_status, to_status, created_at, note) FROM STDIN", buffer)



def run(*, requests=30, log=print):
    from django.contrib.auth import get_user_model

    from reports import builder, services
    from reports.facts import refresh_order_facts

    ensure_events(log=log)
    started = time.perf_counter()
    facts = refresh_order_facts()
    refresh_seconds = time.perf_counter() - started
    manager = get_user_model().objects.filter(groups__name="manager").first()
    client = Client()
    client.force_login(manager)
    saved = services.save_report(actor=manager, name=f"bench {timezone.now():%H%M%S%f}",
                                 columns=list(builder.COLUMNS)[:8],
                                 filters=[{"field": "priority", "op": "eq", "value": "rush"}])
    today = timezone.localdate()
    year = f"?date_from={today - timedelta(days=364)}&date_to={today}"
    pages = [
        # recompute=1: the figures computed on every request, not the minute-long shared copy.
        ("dashboard 12 weeks", reverse("reports:dashboard") + "?recompute=1"),
        ("dashboard 12 weeks, shared figures", reverse("reports:dashboard")),
        ("dashboard 1 year", reverse("reports:dashboard") + year + "&recompute=1"),
        ("dashboard drill-down delivered", reverse("reports:drill") + year + "&figure=delivered"),
        ("report delivery 1 year", reverse("reports:report", args=["delivery"]) + year),
        ("report order status 1 year", reverse("reports:report", args=["order_status"]) + year),
        ("custom report (rush lines)", reverse("reports:saved_run", args=[saved.pk])),
    ]
    rows = [Row("reports: fact refresh", "seconds", f"{refresh_seconds:.1f}", f"{facts:,} delivered orders")]
    for name, url in pages:
        log(f"  {name} ...")
        rows += page_rows(f"reports: {name}", measure_get(client, url, requests), p95_target=P95_TARGET)
    return rows
