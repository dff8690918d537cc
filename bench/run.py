#!/usr/bin/env python
"""Run the benchmarks and print one table: name, metric, value, target, ok?

    python bench/run.py                 # everything
    python bench/run.py pages http      # a selection: startup, pages, http, pdf, scheduler, planning, ...
    BENCH_ORDERS=5000 python bench/run.py   # a quick run on a smaller data set

Runs against PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/orderflow_bench),
creating, migrating and seeding it as needed. See bench/README.md for what each row means.
"""

import argparse
import json
import os
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("startup", "optimiser", "pages", "http", "pdf", "scheduler", "planning", "promise", "plan_quality", "stock",
         "quality", "materials", "mrp", "shipping", "reports", "rollups", "alerts", "load", "value")


def _redis_answers(url):
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _progress(message):
    """Progress lines go to stderr; stdout keeps only the table."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="*", metavar="part", help=f"what to run: {', '.join(PARTS)} (default: all)")
    parser.add_argument("--orders", type=int, default=int(os.environ.get("BENCH_ORDERS", "100000")),
                        help="size of the data set (default: env BENCH_ORDERS or 100000)")
    parser.add_argument("--reseed", action="store_true", help="rebuild the bench database even if it fits")
    parser.add_argument("--page-requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--http-requests", type=int, default=200, help="timed POSTs per side (default 200)")
    parser.add_argument("--http-clients", type=int, default=4, help="concurrent HTTP clients (default 4)")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    if not 1 <= args.orders <= 10_000_000:
        parser.error("--orders must be between 1 and 10,000,000")
    for name in ("page_requests", "http_requests", "http_clients"):
        if not 1 <= getattr(args, name) <= 10_000:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 10,000")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    parts = args.parts or list(PARTS)
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/orderflow_bench")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    # The parts that time work through a real worker (order confirmation, prep sheet, alerts, the load test).
    if {"pdf", "materials", "alerts", "load"} & set(parts) and _redis_answers(redis_url):
        os.environ["BENCH_CELERY_BROKER_URL"] = redis_url  # read by bench.settings, passed to the worker

    from bench.timing import timed_part

    rows, began = [], time.monotonic()
    if "startup" in parts:  # `make run` on its own SQLite file: before the bench database is set up
        from bench import startup

        print("make run start-up (embedded default) ...", file=sys.stderr, flush=True)
        rows += timed_part("startup", lambda: startup.run(log=_progress))

    if "optimiser" in parts:  # pure scheduling: no database either
        from bench import optimiser

        print("Optimiser against plain CP-SAT (ft10, ta01-ta10, ta51/ta61/ta71; about 5 minutes) ...",
              file=sys.stderr, flush=True)
        rows += timed_part("optimiser", lambda: optimiser.run(log=_progress)[0])

    if not set(parts) - {"startup", "optimiser"}:
        return _report(rows, args, started=began, database_name="(none)")

    from bench import database

    database.create_if_missing(os.environ["BENCH_DATABASE_URL"])
    import django

    django.setup()
    log = _progress
    started = time.monotonic()
    try:
        rows += timed_part("seed", lambda: database.prepare(os.environ["BENCH_DATABASE_URL"], orders=args.orders,
                                                            reseed=args.reseed, log=log))
    except database.NotABenchDatabase as exc:
        raise SystemExit(str(exc)) from None
    seeded_url = os.environ["BENCH_DATABASE_URL"]
    with database.working_copy(seeded_url, log=log):
        rows += _run_parts(parts, args, log)
    return _report(rows, args, started=started, database_name=seeded_url.rsplit("/", 1)[-1])


def _database_parts(args, log):
    """(part, progress line, what it runs) for the parts that need the database, in their order. Each is
    imported when it runs, so a selection loads only what it needs."""
    from importlib import import_module

    def bench(module):
        return import_module(f"bench.{module}")

    requests = args.page_requests
    return [
        ("pages", "Pages ...", lambda: bench("pages").run(requests=requests, log=log)),
        ("http", "Order creation over HTTP ...",
         lambda: bench("http_throughput").run(requests=args.http_requests, clients=args.http_clients, log=log)),
        ("pdf", "PDF ...", lambda: bench("pdf").run(log=log)),
        ("scheduler", "Scheduler (built-in vs CP-SAT, 10 s per instance) ...",
         lambda: bench("scheduler").run(time_limit=10.0, instances=bench("scheduler").JOB_SHOP, factory=True,
                                        log=log)),
        ("planning", "Planning at factory scale (reschedule, Gantt, daily plan) ...",
         lambda: bench("planning_scale").run(requests=requests, log=log)),
        ("plan_quality", "Planning quality at factory scale ...", lambda: bench("planning_quality").run(log=log)),
        ("promise", "Due-date promise at factory scale ...",
         lambda: bench("planning_scale").promise_rows(bench("planning_scale").build_factory(log=log), log=log)),
        ("stock", "Stock ledger (1,000,000 rows) ...", lambda: bench("stock_ledger").run(requests=requests, log=log)),
        ("quality", "SPC page with 1,000 inspections ...",
         lambda: bench("quality_spc").run(requests=requests, log=log)),
        ("materials", "Material requirements of 500 orders (3-level BOMs) ...",
         lambda: bench("material_requirements").run(log=log)),
        ("mrp", "Factory-wide MRP over 500 orders ...", lambda: bench("mrp").run(log=log)),
        ("value", "Inventory value, turnover and stock warnings (200 items × 100 ledger rows) ...",
         lambda: bench("inventory_value").run(log=log)),
        ("shipping", "Tracking page and delivery note ...",
         lambda: bench("shipping_bench").run(requests=requests, log=log)),
        ("reports", "Dashboard and reports (1,000,000 order events) ...",
         lambda: bench("reports_bench").run(requests=requests, log=log)),
        ("rollups", "Dashboard from the daily rollups (deliveries, lead-time histograms) ...",
         lambda: bench("rollups_bench").run(requests=requests, log=log)),
        ("alerts", "Alert delivery through a real worker (latency, 1,000 burst) ...",
         lambda: bench("alerts_bench").run(log=log)),
        ("load", "Load test (Locust) ...", lambda: bench("load_test").run(log=log)),
    ]


def _run_parts(parts, args, log):
    """The selected database parts, each timed as a whole (bench.timing.timed_part)."""
    from bench.timing import timed_part

    rows = []
    for name, progress, function in _database_parts(args, log):
        if name in parts:
            log(progress)
            rows += timed_part(name, function)
    return rows


def _report(rows, args, *, started, database_name):
    from bench.results import format_table

    print(f"\nOrderFlow benchmarks: {args.orders} generated orders, PostgreSQL {database_name}, "
          f"{os.cpu_count()} CPUs, {time.monotonic() - started:.0f} s\n")
    print(format_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    missed = [r for r in rows if r.ok is False]
    if missed:
        print(f"\n{len(missed)} target(s) missed.")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
