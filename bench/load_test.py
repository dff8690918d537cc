"""The load test (bench part "load"): Locust, headless, with bench/load/locustfile.py's mix of the roles'
actions against gunicorn (bench.http_throughput.Server) on the bench database, with Redis as the broker of
a real Celery worker (concurrency 1, on the same two cores) and as the web processes' shared cache
(BENCH_CACHE_URL), as in production. 50 users for 60 s by default (LOAD_USERS, LOAD_SECONDS). Reports
throughput, p95 per action and errors, then checks nothing was lost: every order the sales users were
answered for is in the database, with its "submit" event. Without Redis the rows say n/a."""

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from . import processes
from .database import part_customer
from .http_throughput import Server, _session_cookie
from .results import Row

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
P95_TARGET_MS = 500


def _worker(celery_app):
    log_path = os.path.join(tempfile.gettempdir(), f"orderflow_bench_load_worker_{os.getpid()}.log")
    return processes.start(
        ["-m", "celery", "-A", "config.celery_app", "worker", "-Q", celery_app.conf.task_default_queue,
         "--concurrency", "1", "--pool", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "WARNING", "--hostname", f"bench-load-{os.getpid()}@%h"],
        env=processes.child_env(), log_path=log_path)


def _queued(celery_app):
    from kombu.exceptions import ChannelError

    with celery_app.connection_for_write() as connection:
        try:
            return connection.default_channel.queue_declare(queue=celery_app.conf.task_default_queue,
                                                            passive=True).message_count
        except ChannelError:  # Redis keeps no empty queue
            return 0


def run(*, log=print):
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        return [Row("load test", "-", "n/a (no Redis at BENCH_REDIS_URL: it runs with a real worker)")]
    from config.celery_app import app as celery_app
    from orders.demo_data import ensure_role_users
    from orders.models import Order, OrderEvent, Product

    users = ensure_role_users()
    sessions = {role: _session_cookie(user) for role, user in users.items()}
    customer = part_customer("load")
    products = list(Product.objects.filter(is_active=True, unit="pcs").order_by("sku").values_list("sku",
                                                                                                 flat=True)[:3])
    order_ids = list(Order.objects.order_by("-pk").values_list("pk", flat=True)[:200])
    prefix = f"LOAD-{uuid.uuid4().hex[:6]}-"
    out = Path(tempfile.mkdtemp(prefix="orderflow-load-"))
    workers = min(9, 2 * (os.cpu_count() or 1) + 1)
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/1")
    celery_app.control.purge()
    worker = _worker(celery_app)
    try:
        with Server(workers, CACHE_URL=cache_url) as server:
            env = processes.child_env(LOAD_SESSIONS=json.dumps(sessions), LOAD_PRODUCTS=",".join(products),
                                      LOAD_CUSTOMER=customer.code, LOAD_PO_PREFIX=prefix,
                                      LOAD_ORDER_IDS=",".join(map(str, order_ids)))
            log(f"  locust: {USERS} users for {SECONDS} s against {workers} gunicorn workers and a Celery worker ...")
            subprocess.run([sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / "load" / "locustfile.py"),
                            "--headless", "-u", str(USERS), "-r", "10", "-t", f"{SECONDS}s", "--only-summary",
                            "--host", f"http://127.0.0.1:{server.port}", "--csv", str(out / "load")],
                           env=env, check=False, capture_output=True, timeout=SECONDS + 120)
        # The background work the users caused (alerts, webhooks, PDFs) is done, not just queued.
        queued = _queued(celery_app)
        deadline = time.monotonic() + 120
        while queued and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
            queued = _queued(celery_app)
    finally:
        processes.stop(worker)
    stats = list(csv.DictReader((out / "load_stats.csv").open()))
    rows, worst = [], 0
    for row in stats:
        if row["Name"] == "Aggregated":
            continue
        p95 = float(row["95%"] or 0)
        worst = max(worst, p95)
        rows.append(Row(f"load: {row['Type']} {row['Name']}", "req/s, p95 ms, failures",
                        f"{float(row['Requests/s']):.1f}, {p95:.0f}, {row['Failure Count']}"))
    total = next(row for row in stats if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"])
    submitted = sum(int(row["Request Count"]) - int(row["Failure Count"]) for row in stats
                    if row["Name"] == "/orders/new/ (submit)")
    made = Order.objects.filter(customer_po__startswith=prefix)
    with_events = OrderEvent.objects.filter(order__in=made, action="submit").values("order").distinct().count()
    rows += [
        Row(f"load: all actions, {USERS} users, {SECONDS} s", "req/s", f"{float(total['Requests/s']):.1f}"),
        Row("load: p95 of the slowest action", "ms", f"{worst:.0f}", f"< {P95_TARGET_MS}", worst < P95_TARGET_MS),
        Row("load: failed requests", "count", str(failures), "0", failures == 0),
        Row("load: background tasks left queued (after up to 2 min)", "tasks", str(queued), "0", queued == 0),
        # A request still running when Locust stops is made but not counted as answered: more in the
        # database than answered is fine; fewer would be a lost order.
        Row("load: orders answered as created / in the database / with their submit event", "orders",
            f"{submitted} / {made.count()} / {with_events}", "none lost",
            made.count() >= submitted and with_events == made.count()),
    ]
    return rows
