"""Inventory value, turnover and stock warnings at factory scale (`python bench/run.py value`).

Data (made once per bench database, found again by its warehouse code BENCH-VAL): 10 locations, 200 items
in 4 categories, each with a standard cost that changed 120 days ago (two cost rows), and 100 ledger rows
per item over the last 360 days (20,000 rows, written with COPY: receipts and issues that never go negative,
balance rows set to the rows' sums).

Rows (median of 5 runs after a warm-up; wall time, the process's CPU time, queries of one run):
- inventory_value of the bench warehouse today by location, and 90 days ago by category (target < 0.5 s);
- item_turnover of the 200 items over 90 days (target < 0.5 s);
- find_warnings of a slow-moving and an overstock rule over every item with stock in the database (the daily
  job's read side; the bench database may hold the other benches' items too: their count is in the row).
"""

import random
import statistics
import time
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .results import Row, ms
from .stock_ledger import _copy

WAREHOUSE = "BENCH-VAL"
ITEMS = 200
MOVES_PER_ITEM = 100
LOCATIONS = 10
DAYS = 360
RUNS = 5
TARGET = 0.5


def ensure_data(*, log=print):
    """The bench warehouse and its 200 items: made when missing, else found again."""
    from inventory.models import Item, ItemCategory, ItemCost, Location, StockBalance, Warehouse

    warehouse = Warehouse.objects.filter(code=WAREHOUSE).first()
    if warehouse is not None:
        return warehouse, list(Item.objects.filter(code__startswith="BVAL-").order_by("code"))
    log(f"  generating {ITEMS} items × {MOVES_PER_ITEM} ledger rows (COPY) ...")
    warehouse = Warehouse.objects.create(code=WAREHOUSE, name="Bench valuation warehouse")
    locations = Location.objects.bulk_create(Location(warehouse=warehouse, code=f"BV-{n:02d}", pick_sequence=n)
                                             for n in range(LOCATIONS))
    categories = ItemCategory.objects.bulk_create(ItemCategory(code=f"BV{n}", name=f"Bench category {n}")
                                                  for n in range(4))
    items = Item.objects.bulk_create(Item(code=f"BVAL-{n:03d}", name=f"Bench valued item {n}", unit="kg",
                                          category=categories[n % 4]) for n in range(ITEMS))
    today = timezone.localdate()
    ItemCost.objects.bulk_create(
        ItemCost(item=item, unit_cost=Decimal(cost), currency="CNY", valid_from=day)
        for n, item in enumerate(items)
        for cost, day in ((f"{1 + n % 50}.25", today - timedelta(days=DAYS + 1)),
                          (f"{2 + n % 50}.50", today - timedelta(days=120))))
    rng = random.Random(16)
    start = timezone.now() - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / MOVES_PER_ITEM
    columns = ("move_group", "kind", "item_id", "location_id", "quantity", "balance_after", "entered_quantity",
               "entered_unit", "reason", "document_type", "document_number", "created_at")
    rows, balances = [], []
    for index, item in enumerate(items):
        location, on_hand = locations[index % LOCATIONS], 0
        # Every 20th item is barely used (slow-moving), every 7th piles up (overstock).
        issue_share = 0.02 if index % 20 == 0 else 0.8 if index % 7 else 0.3
        for n in range(MOVES_PER_ITEM):
            if on_hand < 20 or rng.random() > issue_share:
                quantity, kind = rng.randint(50, 200), "receipt"
            else:
                quantity, kind = -rng.randint(1, on_hand // 2), "issue"
            on_hand += quantity
            rows.append((uuid.uuid4(), kind, item.pk, location.pk, quantity, on_hand, abs(quantity), "kg", "",
                         "bench", f"BV-{n}", (start + step * n).isoformat()))
        balances.append(StockBalance(item=item, location=location, on_hand=on_hand))
    with connection.cursor() as cursor:
        _copy(cursor, "inventory_stockmove", columns, rows)
        StockBalance.objects.bulk_create(balances)
        cursor.execute("ANALYZE inventory_stockmove")
    return warehouse, items


def _timed(call):
    call()  # warm-up
    walls, cpus = [], []
    for _n in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    with CaptureQueriesContext(connection) as queries:
        call()
    return statistics.median(walls), statistics.median(cpus), len(queries), result


def _row(name, wall, cpu, queries, target=TARGET):
    return Row(name, "median wall / CPU ms (queries)", f"{ms(wall)} / {ms(cpu)} ({queries})",
               f"< {target * 1000:.0f} ms" if target else "", wall < target if target else None)


def run(*, log=print):
    from inventory.models import StockWarningRule, WarningKind
    from inventory.stock_warnings import find_warnings
    from inventory.valuation import GROUP_BY_CATEGORY, inventory_value, item_turnover

    warehouse, items = ensure_data(log=log)
    today = timezone.localdate()
    rows = []
    wall, cpu, queries, value = _timed(lambda: inventory_value(warehouse=warehouse))
    rows.append(_row(f"inventory value today, {len(value.lines)} item/location lines", wall, cpu, queries))
    wall, cpu, queries, _value = _timed(lambda: inventory_value(today - timedelta(days=90), warehouse=warehouse,
                                                                group_by=GROUP_BY_CATEGORY))
    rows.append(_row("inventory value 90 days ago by category", wall, cpu, queries))
    ids = [item.pk for item in items]
    wall, cpu, queries, turnover = _timed(lambda: item_turnover(today - timedelta(days=89), today, item_ids=ids))
    rows.append(_row(f"turnover of {len(turnover)} items over 90 days ({ITEMS * MOVES_PER_ITEM:,} ledger rows)",
                     wall, cpu, queries))
    rules = [StockWarningRule(name="bench slow", kind=WarningKind.SLOW_MOVING, days=60),
             StockWarningRule(name="bench over", kind=WarningKind.OVERSTOCK, days=90, demand_window_days=90)]
    now = timezone.now()
    wall, cpu, queries, found = _timed(lambda: find_warnings(rules, now=now))
    rows.append(_row(f"stock warnings over every item with stock ({len(found)} found)", wall, cpu, queries,
                     target=None))
    return rows
