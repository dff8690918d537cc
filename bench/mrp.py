"""Factory-wide MRP at scale (`python bench/run.py mrp`).

Data: the material requirements bench's data set (bench/material_requirements.py: 500 approved or planned
orders of 2 lines, 20 products through 3-level BOMs, 330 items, shared stock, 10 sent purchase orders),
plus MRP planning data on it made once: preferred supplier, order multiples and minimums on the shared
materials, make lead times on the made items, reorder points on a fifth of the bought items, and five
finished goods made to stock (their forecast from the orders' history).

Rows (median of RUNS runs after a warm-up, wall and CPU time of this process beside each other):
- the computation (inventory.mrp.compute_mrp, no forecast): target < 5 s wall;
- a whole run as the button makes it (inventory.mrp_plans.run_mrp: forecasts with statsmodels, the
  plan computed, the run and its lines written): target < 5 s wall;
- the plan's size: lines (purchases, production, suggestions) and queries of the computation.
"""

import statistics
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from .material_requirements import ensure_data
from .results import Row

TARGET = 5.0
RUNS = 3
MADE_TO_STOCK = 5


def _planning_data(log):
    from inventory.models import Item, Sourcing, Supplier

    if Item.objects.filter(code__startswith="BMRP-", make_to_stock=True).exists():
        return
    log("  adding MRP planning data ...")
    with transaction.atomic():
        supplier = Supplier.objects.get(code="BMRP-SUP")
        Supplier.objects.filter(pk=supplier.pk).update(lead_time_days=6)
        bought = Item.objects.filter(code__startswith="BMRP-", sourcing=Sourcing.BUY)
        bought.update(preferred_supplier=supplier)
        bought.filter(code__startswith="BMRP-RM-").update(order_multiple=Decimal("25"),
                                                          minimum_order_quantity=Decimal("50"))
        for n, item in enumerate(bought.order_by("code")):
            if n % 5 == 0:
                Item.objects.filter(pk=item.pk).update(reorder_point=Decimal("300"), reorder_quantity=Decimal("500"))
        Item.objects.filter(code__startswith="BMRP-", sourcing=Sourcing.MAKE).update(make_lead_time_days=2)
        finished = Item.objects.filter(code__startswith="BMRP-", code__endswith="-FG").order_by("code")
        Item.objects.filter(pk__in=[item.pk for item in finished[:MADE_TO_STOCK]]).update(make_to_stock=True)


def _timed(function):
    function()  # warm-up (imports, caches)
    walls, cpus = [], []
    for _run in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def run(*, log=print):
    from inventory.models import Item, MrpRun
    from inventory.mrp import compute_mrp
    from inventory.mrp_plans import run_mrp
    from orders.demo_data import ensure_role_users

    orders = ensure_data(log=log)
    _planning_data(log)
    items = Item.objects.filter(code__startswith="BMRP-").count()
    planner = ensure_role_users()["planner"]
    log(f"  MRP over {len(orders)} orders and {items} items ...")
    wall, cpu, result = _timed(lambda: compute_mrp())
    with CaptureQueriesContext(connection) as captured:
        compute_mrp()
    kinds = {}
    for line in result.lines:
        kinds[line.kind] = kinds.get(line.kind, 0) + 1
    run_wall, run_cpu, made = _timed(lambda: run_mrp(actor=planner))
    lines = made.lines.count()
    MrpRun.objects.filter(started_by=planner, lines__item__code__startswith="BMRP-").exclude(pk=made.pk).delete()
    name = f"MRP, {len(orders)} orders, {items} items"
    return [
        Row(f"{name}: plan computed", "median s wall", f"{wall:.3f}", f"< {TARGET:.0f}", wall < TARGET),
        Row(f"{name}: plan computed", "median s CPU", f"{cpu:.3f}"),
        Row(f"{name}: plan computed", "queries", str(len(captured))),
        Row(f"{name}: plan computed", "lines buy / make / reorder",
            f"{kinds.get('buy', 0)} / {kinds.get('make', 0)} / {kinds.get('reorder', 0)}"),
        Row(f"{name}: run recorded (forecasts, plan, {lines} lines written)", "median s wall", f"{run_wall:.3f}",
            f"< {TARGET:.0f}", run_wall < TARGET),
        Row(f"{name}: run recorded", "median s CPU", f"{run_cpu:.3f}"),
    ]
