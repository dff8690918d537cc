"""Server time and query counts of the order list and the order page, through Django's test Client
in this process (no network): p50/p95 over a bounded number of requests after a short warm-up."""

import time
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.demo_data import ensure_role_users

from .results import Row, ms, percentile
from .sample_orders import BIG_EVENTS, BIG_LINES, ensure_sample_orders

LIST_P95_TARGET = 0.100
LIST_MAX_QUERIES = 10
ORDER_PAGE_P95_TARGET = 0.080
WARMUP = 3


def _measure(client, url, requests):
    for _i in range(WARMUP):
        _get(client, url)
    timings = []
    for _i in range(requests):
        started = time.perf_counter()
        _get(client, url)
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return percentile(timings, 0.50), percentile(timings, 0.95), len(queries)


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def run(*, requests=30, log=print):
    users = ensure_role_users()
    rows = []
    sales = Client()
    sales.force_login(users["sales"])
    base = reverse("orders:list")
    pages = [
        ("order list, first page", base),
        ("order list, filtered (2 statuses, by requested date)",
         base + "?" + urlencode([("status", "in_production"), ("status", "awaiting_qc"), ("sort", "requested")])),
        ("order list, searched (q=酒店)", base + "?" + urlencode({"q": "酒店"})),
        ("order list, page 40 of 100 per page", base + "?" + urlencode({"page": 40, "per_page": 100})),
    ]
    for name, url in pages:
        log(f"  {name} ...")
        p50, p95, queries = _measure(sales, url, requests)
        rows += [
            Row(name, "p50 ms", ms(p50)),
            Row(name, "p95 ms", ms(p95), f"< {ms(LIST_P95_TARGET)}", p95 < LIST_P95_TARGET),
            Row(name, "queries", str(queries), f"<= {LIST_MAX_QUERIES}", queries <= LIST_MAX_QUERIES),
        ]

    log("  order page ...")
    big, small = ensure_sample_orders()
    desk = Client()
    desk.force_login(users["order_desk"])
    big_p50, big_p95, big_queries = _measure(desk, reverse("orders:detail", args=[big.pk]), requests)
    small_p50, _small_p95, small_queries = _measure(desk, reverse("orders:detail", args=[small.pk]), requests)
    name = f"order page, {BIG_LINES} lines + {BIG_EVENTS} events"
    rows += [
        Row(name, "p50 ms", ms(big_p50)),
        Row(name, "p95 ms", ms(big_p95), f"< {ms(ORDER_PAGE_P95_TARGET)}", big_p95 < ORDER_PAGE_P95_TARGET),
        Row("order page, 3 lines (for comparison)", "p50 ms", ms(small_p50)),
        Row("order page queries: big vs small", "queries", f"{big_queries} vs {small_queries}", "equal",
            big_queries == small_queries),
    ]
    return rows
