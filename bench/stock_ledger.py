"""The stock ledger at warehouse scale (`python bench/run.py stock`).

Data (made once per bench database, found again by its warehouse code BENCH-WH): 100 locations,
1,000 items (kg) with 4 lots each, and 1,000,000 ledger rows written with COPY — receipts and issues
per item/location/lot that never go negative, with their balance rows set to the rows' sums, so the
ledger is consistent (`check_stock_ledger` passes). One item, BENCH-STK-0000, holds 200,800 rows
(50,200 per lot): the worst case of the item ledger page. Every 10th item has a reorder point above
its stock.

Rows:
- posting throughput (inventory.stock_services through the real posting engine, a receipt and an
  issue per round on items with no other traffic): 1 writer; 8 writers on 8 items (threads, one
  connection each); 8 writers on ONE balance row (all wait for the same row lock) — postings/s;
- pages through the Django test Client as the warehouse user, 3 warm-up requests then N timed ones:
  p50/p95 and the query count of one more request: on hand by item (first page; below reorder point),
  by location and lot (one warehouse, by picking walk), the heavy item's stock page (first page; page
  500 of 100 per page; filtered by one lot) and the lot page of one of its lots.
"""

import io
import random
import threading
import time
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .results import Row
from .timing import measure_get, page_rows

LEDGER_ROWS = 1_000_000
ITEMS = 1_000
LOTS_PER_ITEM = 4
LOCATIONS = 100
HEAVY_ROWS_PER_OTHER_ITEM = 800
WAREHOUSE = "BENCH-WH"
PAGE_P95_TARGET = 0.200
PAGE_MAX_QUERIES = 15
SINGLE_WRITER_TARGET = 50  # postings per second
ROUNDS_SINGLE = 150  # a receipt and an issue each
ROUNDS_PER_WRITER = 40
WRITERS = 8


def _copy(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def ensure_ledger(*, log=print):
    """The bench's stock: made when missing (about a minute), else found again. Returns the heavy item."""
    from inventory.models import Item, Location, Lot, StockBalance, StockMove, Warehouse

    warehouse = Warehouse.objects.filter(code=WAREHOUSE).first()
    if warehouse is not None and StockMove.objects.filter(location__warehouse=warehouse).count() >= LEDGER_ROWS:
        return Item.objects.get(code="BENCH-STK-0000")
    if warehouse is not None:
        raise SystemExit(f"{WAREHOUSE} exists with an unfinished ledger; rebuild the bench database (--reseed).")
    log(f"  generating {LEDGER_ROWS:,} ledger rows (COPY) ...")
    started = time.monotonic()
    warehouse = Warehouse.objects.create(code=WAREHOUSE, name="Bench warehouse")
    locations = Location.objects.bulk_create(
        Location(warehouse=warehouse, code=f"BW-{n // 10:02d}-{n % 10:02d}", zone=f"Z{n // 25}", bin=str(n),
                 pick_sequence=n) for n in range(LOCATIONS))
    items = Item.objects.bulk_create(
        Item(code=f"BENCH-STK-{n:04d}", name=f"Bench material {n}", unit="kg",
             reorder_point=Decimal("1000000") if n % 10 == 5 else Decimal("0")) for n in range(ITEMS))
    today = timezone.localdate()
    lots = Lot.objects.bulk_create(
        Lot(item=item, number=f"BL-{item.pk}-{k}", supplier_lot=f"S{k}", expiry_date=today + timedelta(days=30 * k + 1))
        for item in items for k in range(LOTS_PER_ITEM))
    lots_by_item = {}
    for lot in lots:
        lots_by_item.setdefault(lot.item_id, []).append(lot)
    rng = random.Random(7)
    heavy_rows = LEDGER_ROWS - (ITEMS - 1) * HEAVY_ROWS_PER_OTHER_ITEM
    start = timezone.now() - timedelta(days=365)
    columns = ("move_group", "kind", "item_id", "lot_id", "location_id", "quantity", "balance_after",
               "entered_quantity", "entered_unit", "reason", "document_type", "document_id", "document_number",
               "created_at")
    balances = []
    with connection.cursor() as cursor:
        for index, item in enumerate(items):
            rows_for_item = heavy_rows if index == 0 else HEAVY_ROWS_PER_OTHER_ITEM
            step = timedelta(days=365) / rows_for_item
            generated = []
            for k, lot in enumerate(lots_by_item[item.pk]):
                location = locations[(index + k * 7) % LOCATIONS]
                on_hand = 0
                for n in range(rows_for_item // LOTS_PER_ITEM):
                    if on_hand < 50 or rng.random() < 0.4:
                        quantity, kind, document = rng.randint(100, 500), "receipt", "purchase_receipt"
                    else:
                        quantity, kind, document = -rng.randint(1, on_hand // 2), "issue", "work_order"
                    on_hand += quantity
                    generated.append((uuid.uuid4(), kind, item.pk, lot.pk, location.pk, quantity, on_hand,
                                      abs(quantity), "kg", "", document, n, f"B-{n}",
                                      (start + step * (n * LOTS_PER_ITEM + k)).isoformat()))
                balances.append(StockBalance(item=item, location=location, lot=lot, on_hand=on_hand))
            _copy(cursor, "inventory_stockmove", columns, generated)
            if index % 100 == 99:
                log(f"    {index + 1} items ...")
        StockBalance.objects.bulk_create(balances, batch_size=2000)
        # As autovacuum would have done on a table that grew over a year: statistics and the
        # visibility map (index-only counts).
        cursor.execute("VACUUM ANALYZE inventory_stockmove")
        cursor.execute("VACUUM ANALYZE inventory_stockbalance")
    log(f"  generated in {time.monotonic() - started:.0f} s")
    return items[0]


def _throughput_items(actor, count, location):
    from inventory import stock_services
    from inventory.models import Item

    items = []
    for n in range(count):
        item, _created = Item.objects.get_or_create(code=f"BENCH-TPUT-{n}", defaults={
            "name": f"Throughput material {n}", "unit": "kg"})
        stock_services.receive_stock(actor=actor, item=item, location=location, quantity=Decimal("100"))
        items.append(item)
    return items


def _post_rounds(actor, item, location, rounds):
    from inventory import stock_services

    try:
        for _n in range(rounds):
            stock_services.receive_stock(actor=actor, item=item, location=location, quantity=Decimal("5"))
            stock_services.issue_stock(actor=actor, item=item, location=location, quantity=Decimal("5"))
    finally:
        connections.close_all()


def _writers(actor, items, location, rounds):
    threads = [threading.Thread(target=_post_rounds, args=(actor, item, location, rounds)) for item in items]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(items) * rounds * 2 / (time.perf_counter() - started)


def _throughput(actor, location, log):
    log("  posting throughput ...")
    items = _throughput_items(actor, WRITERS, location)
    started = time.perf_counter()
    _post_rounds(actor, items[0], location, ROUNDS_SINGLE)
    single = ROUNDS_SINGLE * 2 / (time.perf_counter() - started)
    parallel = _writers(actor, items, location, ROUNDS_PER_WRITER)
    contended = _writers(actor, [items[0]] * WRITERS, location, ROUNDS_PER_WRITER)
    return [
        Row("stock postings, 1 writer", "postings/s", f"{single:.0f}", f">= {SINGLE_WRITER_TARGET}",
            single >= SINGLE_WRITER_TARGET),
        Row(f"stock postings, {WRITERS} writers on {WRITERS} items", "postings/s", f"{parallel:.0f}",
            "> 1 writer", parallel > single),
        Row(f"stock postings, {WRITERS} writers on one balance row", "postings/s", f"{contended:.0f}"),
    ]



def run(*, requests=30, log=print):
    from inventory.models import Location, Warehouse
    from orders.demo_data import ensure_role_users

    users = ensure_role_users()
    heavy = ensure_ledger(log=log)
    keeper = users["warehouse"]
    rows = _throughput(keeper, Location.objects.filter(warehouse__code=WAREHOUSE).order_by("pk").first(), log)
    client = Client()
    client.force_login(keeper)
    warehouse = Warehouse.objects.get(code=WAREHOUSE)
    lot = heavy.lots.order_by("pk").first()
    item_url = reverse("inventory:stock_item", args=[heavy.pk])
    pages = [  # (name, url, judged against the p95 target)
        ("on hand by item, first page", reverse("inventory:stock_list"), True),
        ("on hand by item, below reorder point", reverse("inventory:stock_list") + "?below_reorder_point=on", True),
        ("on hand by location and lot, one warehouse", reverse("inventory:balance_list")
         + f"?warehouse={warehouse.pk}&sort=location", True),
        ("item ledger, 200,800 rows, first page", item_url, True),
        ("item ledger, one lot", item_url + f"?lot={lot.number}", True),
        # Offset pagination reads past the 49,900 newer rows: informative, the cost of going deep.
        ("item ledger, page 500 of 100 per page", item_url + "?per_page=100&page=500", False),
        ("lot page (50,200 moves)", reverse("inventory:lot_detail", args=[lot.pk]), True),
    ]
    for name, url, judged in pages:
        log(f"  {name} ...")
        rows += page_rows(name, measure_get(client, url, requests), p95_target=PAGE_P95_TARGET if judged else None,
                          max_queries=PAGE_MAX_QUERIES)
    return rows
