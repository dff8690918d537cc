"""Material requirements at factory scale (`python bench/run.py materials`).

Data (made once per bench database, found again by its customer code BENCH-MRP): 20 products, each
made through a 3-level BOM (finished good → 3 sub-assemblies → 2 parts each, with scrap %, bought
material at every level and 50 raw materials shared by all), stock for the shared materials received
through the stock services, 10 sent purchase orders, and 500 approved or planned orders of 2 lines.

Rows:
- batch: inventory.requirements.requirements_for_orders for the 500 orders (explosion and netting),
  median of 5 runs after a warm-up, and its query count — target < 2 s, a fixed number of queries;
- one order: order_requirements (the order page's Materials section), median and query count;
- the material prep sheet PDF of a planned bench order (its line count in the row): render time in this
  process (target < 1.5 s) and queue-to-ready time through a real worker (bench/pdf.py).
"""

import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .results import Row, ms

CUSTOMER = "BENCH-MRP"
PRODUCTS = 20
SHARED_MATERIALS = 50
ORDERS = 500
BATCH_TARGET = 2.0
RUNS = 5
PREP_SHEET_RENDER_TARGET = 1.5


def _bom(parent, lines, version_of):
    from inventory.models import BillOfMaterials, BOMLine

    bom = BillOfMaterials.objects.create(parent=parent, version=1, is_active=True)
    version_of.append(bom)
    BOMLine.objects.bulk_create(BOMLine(bom=bom, position=n, component=component, quantity=Decimal(quantity),
                                        scrap_percent=Decimal(scrap))
                                for n, (component, quantity, scrap) in enumerate(lines, start=1))


def _master_data():
    from inventory.models import Item
    from orders.models import Product

    shared = Item.objects.bulk_create(
        Item(code=f"BMRP-RM-{n:03d}", name=f"共用原料 Shared material {n}", unit="kg" if n % 3 == 0 else "pcs",
             purchase_lead_time_days=3 + n % 10) for n in range(SHARED_MATERIALS))
    products = Product.objects.bulk_create(Product(sku=f"BMRP-P-{n:02d}", name=f"Bench product {n}")
                                           for n in range(PRODUCTS))
    boms = []
    for p, product in enumerate(products):
        code = f"BMRP-{p:02d}"
        finished = Item.objects.create(code=f"{code}-FG", name=f"成品 {p}", item_type="finished_good",
                                       sourcing="make", product=product)
        own = Item.objects.create(code=f"{code}-RM", name=f"专用料 {p}", unit="kg", purchase_lead_time_days=7)
        assemblies = []
        for a in range(3):
            assembly = Item.objects.create(code=f"{code}-SA{a}", name=f"组件 {p}-{a}", item_type="sub_assembly",
                                           sourcing="make")
            bought = Item.objects.create(code=f"{code}-SA{a}-RM", name=f"组件料 {p}-{a}", purchase_lead_time_days=5)
            parts = []
            for b in range(2):
                part = Item.objects.create(code=f"{code}-SA{a}-P{b}", name=f"零件 {p}-{a}-{b}",
                                           item_type="component", sourcing="make")
                _bom(part, [(shared[(p * 7 + a * 3 + b + k) % SHARED_MATERIALS], str(1 + k), "0") for k in range(3)],
                     boms)
                parts.append(part)
            _bom(assembly, [(parts[0], "2", "10"), (parts[1], "1", "5"), (bought, "4", "0")], boms)
            assemblies.append(assembly)
        _bom(finished, [(assemblies[0], "1", "0"), (assemblies[1], "2", "0"), (assemblies[2], "1", "2.5"),
                        (own, "0.75", "8")], boms)
    return shared, products


def _stock_and_supply(shared, users, log):
    from inventory import purchasing, stock_services, warehouse_services
    from inventory.models import Location, Warehouse
    from inventory.purchasing import PurchaseLineInput
    from inventory.stock_services import LotInput

    warehouse = Warehouse.objects.filter(code="BMRP-WH").first() or warehouse_services.create_warehouse(
        actor=users["admin"], code="BMRP-WH", name="Bench MRP warehouse")
    location = Location.objects.filter(code="BMRP-A-01").first() or warehouse_services.create_location(
        actor=users["admin"], warehouse=warehouse, code="BMRP-A-01", pick_sequence=1)
    log("  receiving the shared materials ...")
    for n, item in enumerate(shared):
        stock_services.receive_stock(actor=users["admin"], item=item, location=location,
                                     quantity=Decimal(200 + 37 * n), lot_input=LotInput(number=f"BMRP-L{n:03d}"))
    supplier = purchasing.create_supplier(actor=users["admin"], code="BMRP-SUP", name="Bench supplier")
    today = timezone.localdate()
    for n in range(10):
        po = purchasing.create_purchase_order(actor=users["admin"], supplier=supplier, lines=[
            PurchaseLineInput(item=shared[(n * 5 + k) % SHARED_MATERIALS], quantity=Decimal(500),
                              unit_price=Decimal("1.50"), expected_date=today + timedelta(days=3 + n + k),
                              unit=shared[(n * 5 + k) % SHARED_MATERIALS].unit) for k in range(4)])
        purchasing.send_purchase_order(actor=users["admin"], purchase_order=po)


def _orders(products, users):
    from orders.models import Customer, Order, OrderLine, OrderStatus

    customer = Customer.objects.create(code=CUSTOMER, name="Bench MRP customer")
    today = timezone.localdate()
    orders = Order.objects.bulk_create(
        Order(number=f"BMRP-{n:05d}", customer=customer, requested_date=today + timedelta(days=20 + n % 30),
              status=OrderStatus.PLANNED if n % 2 else OrderStatus.APPROVED, created_by=users["sales"],
              priority="rush" if n % 10 == 0 else "normal") for n in range(ORDERS))
    OrderLine.objects.bulk_create(
        OrderLine(order=order, line_no=k + 1, product=products[(n + 7 * k) % PRODUCTS],
                  quantity=Decimal(5 + (n * 3 + k) % 40), unit_price=Decimal("10"))
        for n, order in enumerate(orders) for k in range(2))


def ensure_data(*, log=print):
    """The bench's orders: made when missing, else found again."""
    from orders.demo_data import ensure_role_users
    from orders.models import Order

    users = ensure_role_users()
    if not Order.objects.filter(customer__code=CUSTOMER).exists():
        log(f"  generating {PRODUCTS} products with 3-level BOMs and {ORDERS} orders ...")
        with transaction.atomic():
            shared, products = _master_data()
            _stock_and_supply(shared, users, log)
            _orders(products, users)
    return list(Order.objects.filter(customer__code=CUSTOMER).order_by("pk"))


def _timed(function, runs):
    function()  # warm-up
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return statistics.median(timings), len(captured), result


def run(*, log=print):
    from inventory.requirements import order_requirements, requirements_for_orders

    orders = ensure_data(log=log)
    log(f"  requirements of {len(orders)} orders ...")
    seconds, queries, result = _timed(lambda: requirements_for_orders(orders), RUNS)
    components = sum(len(r.components) for r in result.values())
    short = sum(1 for r in result.values() if r.shortages)
    single, single_queries, _result = _timed(lambda: order_requirements(orders[0]), RUNS)
    return [*_requirement_rows(orders, seconds, queries, components, short, single, single_queries),
            *_prep_sheet_rows(orders, log)]


def _prep_sheets(orders, count, offset):
    """Prep sheets of planned bench orders: the open one of an order, else made through the service."""
    from django.core.exceptions import ValidationError

    from inventory.models import MaterialPrepSheet
    from inventory.prep_sheets import generate_prep_sheet
    from orders.demo_data import ensure_role_users
    from orders.models import OrderStatus

    warehouse = ensure_role_users()["warehouse"]
    sheets = []
    for order in [o for o in orders if o.status == OrderStatus.PLANNED][offset:]:
        sheet = MaterialPrepSheet.objects.filter(order=order).exclude(status="cancelled").first()
        if sheet is None:
            try:
                sheet = generate_prep_sheet(actor=warehouse, order=order)
            except ValidationError:
                continue
        sheets.append(sheet)
        if len(sheets) == count:
            break
    return sheets


def _prep_sheet_rows(orders, log):
    from orders.demo_data import ensure_role_users

    from . import pdf

    sample = _prep_sheets(orders, 1, 0)
    lines = sample[0].lines.count() if sample else 0
    return pdf.document_rows(kind="material_prep_sheet", label=f"material prep sheet PDF ({lines} lines)",
                             actor=ensure_role_users()["warehouse"], objects=lambda count, offset: _prep_sheets(
                                 orders, count, offset), log=log, render_target=PREP_SHEET_RENDER_TARGET)


def _requirement_rows(orders, seconds, queries, components, short, single, single_queries):
    return [
        Row(f"material requirements, {len(orders)} orders (3-level BOMs)", "median s", f"{seconds:.3f}",
            f"< {BATCH_TARGET:.0f}", seconds < BATCH_TARGET),
        Row(f"material requirements, {len(orders)} orders", "queries", str(queries), "7", queries == 7),
        Row(f"material requirements, {len(orders)} orders", "component rows / orders short",
            f"{components} / {short}"),
        Row("material requirements, one order", "median ms", ms(single)),
        Row("material requirements, one order", "queries", str(single_queries), "7", single_queries == 7),
    ]
