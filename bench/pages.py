"""Server time and query counts of the order list and the order page, through Django's test Client
in this process (no network): p50/p95 over a bounded number of requests after a short warm-up."""

from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from orders.demo_data import ensure_role_users

from .results import Row
from .sample_orders import BIG_EVENTS, BIG_LINES, ensure_sample_orders
from .timing import measure_get, page_rows, wall_and_cpu

LIST_P95_TARGET = 0.100
LIST_MAX_QUERIES = 10
ORDER_PAGE_P95_TARGET = 0.080



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
        rows += page_rows(name, measure_get(sales, url, requests), p95_target=LIST_P95_TARGET,
                          max_queries=LIST_MAX_QUERIES)

    log("  order page ...")
    big, small = ensure_sample_orders()
    desk = Client()
    desk.force_login(users["order_desk"])
    big = measure_get(desk, reverse("orders:detail", args=[big.pk]), requests)
    small = measure_get(desk, reverse("orders:detail", args=[small.pk]), requests)
    name = f"order page, {BIG_LINES} lines + {BIG_EVENTS} events"
    rows += page_rows(name, big, p95_target=ORDER_PAGE_P95_TARGET)[:2] + [
        Row("order page, 3 lines (for comparison)", "p50 ms", wall_and_cpu(small.p50, small.cpu_p50)),
        Row("order page queries: big vs small", "queries", f"{big.queries} vs {small.queries}", "equal",
            big.queries == small.queries),
    ]
    return rows
