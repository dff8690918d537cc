"""The bench database: created if missing, migrated, and seeded with BENCH_ORDERS generated orders.

A database is reused when it was seeded by the bench with the requested size, rebuilt (dropped and
created again) when it was seeded by the bench with another size, unfinished, or --reseed is given,
and never touched (not even migrated) when it has tables but no bench marker: BENCH_DATABASE_URL
then points at someone else's data.
"""

import os
import sys
import time
from contextlib import contextmanager

import dj_database_url
import psycopg2
from psycopg2 import sql

from .results import Row

# Bulk generation target: 100,000 orders in a couple of minutes.
SEED_TARGET_ORDERS_PER_SECOND = 100_000 / 180
RATE_TARGET_FROM = 20_000


class NotABenchDatabase(Exception):
    pass


def _admin_connection(url):
    """A connection to the server's maintenance database, for CREATE/DROP DATABASE."""
    cfg = dj_database_url.parse(url)
    if "postgresql" not in cfg["ENGINE"]:
        raise SystemExit(f"The benchmarks run on PostgreSQL; BENCH_DATABASE_URL is {cfg['ENGINE']}.")
    conn = psycopg2.connect(dbname="postgres", user=cfg["USER"] or None, password=cfg["PASSWORD"] or None,
                            host=cfg["HOST"] or None, port=cfg["PORT"] or None)
    conn.autocommit = True
    return conn, cfg["NAME"]


def create_if_missing(url):
    conn, name = _admin_connection(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def _drop_and_create(url):
    from django.db import connections

    connections.close_all()
    conn, name = _admin_connection(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def _migrate():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def prepare(url, *, orders, reseed=False, log=print):
    """Make the database hold `orders` generated orders. Returns the rows to report (the seeding
    time when it seeded now)."""
    from django.core.management import call_command
    from django.db import connection

    from bench.baseline_app.models import BenchDataset

    tables = connection.introspection.table_names()
    if tables and BenchDataset._meta.db_table not in tables:
        raise NotABenchDatabase(
            f"{connection.settings_dict['NAME']} has tables but was not made by the benchmarks; refusing to touch "
            "it. Point BENCH_DATABASE_URL at a database of its own (default .../orderflow_bench).")
    _migrate()
    marker = BenchDataset.objects.order_by("-id").first()
    if marker is not None and marker.orders == orders and not reseed:
        log(f"Reusing the bench database: {marker.orders} generated orders (seeded {marker.seeded_at:%Y-%m-%d}).")
        return [Row("seed (reused)", "orders", str(orders))]
    if marker is not None:
        had = f"{marker.orders} orders" if marker.orders else "an unfinished seeding"
        log(f"Rebuilding the bench database (had {had}, {orders} orders asked).")
        _drop_and_create(url)
        _migrate()
    # Marked before seeding (0 = unfinished), so that an interrupted run is rebuilt, not refused.
    marker = BenchDataset.objects.create(orders=0)
    log(f"Seeding {orders} orders ...")
    started = time.monotonic()
    # Its progress goes to stderr with the other progress lines; stdout keeps only the table.
    call_command("seed_demo", orders=orders, force=True, seed=42, batch_size=2000, stdout=sys.stderr)
    seconds = time.monotonic() - started
    BenchDataset.objects.filter(pk=marker.pk).update(orders=orders, seconds=seconds)
    rate = orders / seconds
    name = f"seed {orders} orders (bulk, lines + events)"
    if orders < RATE_TARGET_FROM:  # start-up and the catalog dominate small runs
        return [Row(name, "s (orders/s)", f"{seconds:.1f} ({rate:.0f}/s)", f"(from {RATE_TARGET_FROM} orders)")]
    return [Row(name, "s (orders/s)", f"{seconds:.1f} ({rate:.0f}/s)", f">= {SEED_TARGET_ORDERS_PER_SECOND:.0f}/s",
                rate >= SEED_TARGET_ORDERS_PER_SECOND)]


@contextmanager
def working_copy(url, *, log=print):
    """Run the parts on a copy of the seeded database, dropped afterwards: what a part adds (orders posted
    over HTTP, PDFs, alerts, the stock ledger's million rows) never lands in the seeded database, so the next
    run starts from the same data. PostgreSQL copies the files (CREATE DATABASE … TEMPLATE, STRATEGY
    FILE_COPY): seconds, against minutes of seeding. Children (gunicorn, the worker) read the copy's URL from
    BENCH_DATABASE_URL, which points at the copy while it exists."""
    from django.db import connections

    conn, name = _admin_connection(url)
    copy = f"{name}_run_{os.getpid()}"
    connections.close_all()  # the template must have no other session
    started = time.monotonic()
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))
            cur.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(copy), sql.Identifier(name)))
        log(f"Working on a copy of {name}: {copy} ({time.monotonic() - started:.1f} s to copy).")
        copy_url = url.rsplit("/", 1)[0] + "/" + copy
        os.environ["BENCH_DATABASE_URL"] = copy_url
        connections["default"].settings_dict["NAME"] = copy
        yield copy_url
    finally:
        connections.close_all()
        os.environ["BENCH_DATABASE_URL"] = url
        connections["default"].settings_dict["NAME"] = name
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))
        conn.close()


def part_customer(part):
    """The customer a part places its orders for (BENCH-HTTP, BENCH-LOAD, …): each part its own, so that one
    part's orders never change what another part measures (the credit exposure, the customer's order list)."""
    from orders.models import Customer

    customer, _created = Customer.objects.get_or_create(
        code=f"BENCH-{part.upper()}", defaults={"name": f"基准客户 {part}", "name_en": f"Bench customer {part}"})
    return customer
