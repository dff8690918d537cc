"""The customer's tracking page and the delivery note at scale (`python bench/run.py shipping`).

Data (made once per bench database, found again by its order number SO-BENCH-SHIP): one order of 20
lines shipped in 40 shipments of 20 lines each (800 shipment lines), half of them delivered, and a
tracking link. Rows are written directly (bulk) because the point is the read side; the shipping
services are tested in tests/shipping.

Rows:
- the tracking page through the Django test Client without login: 3 warm-up requests then N timed
  ones, p50/p95 server time and the query count (three whatever the number of shipments);
- a tampered token (refused before the database);
- the delivery note of a 20-line shipment rendered in-process (builder + WeasyPrint), p50/p95 of 5.
"""

import logging
import time
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .results import Row, ms, percentile
from .timing import measure_get, page_rows, wall_and_cpu

ORDER_NUMBER = "SO-BENCH-SHIP"
LINES = 20
SHIPMENTS = 40
PAGE_P95_TARGET = 0.300
PAGE_MAX_QUERIES = 3
NOTE_P95_TARGET = 3.0
NOTE_RENDERS = 5


def ensure_data(actor, *, log=print):
    """The bench order with its shipments; returns (order, a 20-line shipment)."""
    from inventory.models import Item, Location, Lot, Warehouse
    from orders.models import Customer, Order, OrderLine, Product
    from shipping.models import Shipment, ShipmentLine

    order = Order.objects.filter(number=ORDER_NUMBER).first()
    if order is not None and order.shipments.count() >= SHIPMENTS:
        return order, order.shipments.order_by("pk").first()
    log(f"  writing an order shipped in {SHIPMENTS} shipments × {LINES} lines ...")
    customer = Customer.objects.create(code="BENCH-SHIP", name="基准客户有限公司", language="zh-hans",
                                       shipping_address="上海市浦东新区张江路 1 号")
    warehouse = Warehouse.objects.create(code="BENCH-SHIP", name="Bench shipping")
    location = Location.objects.create(warehouse=warehouse, code="BENCH-SHIP-FG")
    products = Product.objects.bulk_create([Product(sku=f"BENCH-SHIP-{i:02d}", name=f"基准产品 {i}")
                                            for i in range(LINES)])
    items = Item.objects.bulk_create([Item(code=f"BENCH-SHIP-{i:02d}", name=p.name, item_type="finished_good",
                                           sourcing="make", product=p) for i, p in enumerate(products)])
    lots = Lot.objects.bulk_create([Lot(item=item, number=f"BENCH-LOT-{i:02d}") for i, item in enumerate(items)])
    per_shipment = Decimal("5")
    order = Order.objects.create(number=ORDER_NUMBER, customer=customer, created_by=actor, status="shipped",
                                 requested_date=timezone.localdate(), promised_date=timezone.localdate(),
                                 priority="rush", rush_reason="bench")
    lines = OrderLine.objects.bulk_create([
        OrderLine(order=order, line_no=i + 1, product=p, quantity=per_shipment * SHIPMENTS, unit_price=Decimal("9.90"),
                  shipped_quantity=per_shipment * SHIPMENTS) for i, p in enumerate(products)])
    now = timezone.now()
    shipments = Shipment.objects.bulk_create([
        Shipment(number=f"SH-BENCH-{n:05d}", order=order, status="delivered" if n % 2 else "shipped",
                 ship_to_name=customer.name, ship_to_address=customer.shipping_address, carrier="顺丰速运",
                 tracking_number=f"SF{n:010d}", actual_ship_date=(now - timedelta(days=SHIPMENTS - n)).date(),
                 shipped_at=now - timedelta(days=SHIPMENTS - n), created_by=actor, shipped_by=actor,
                 received_by_name="收货人" if n % 2 else "", received_at=now if n % 2 else None)
        for n in range(SHIPMENTS)])
    ShipmentLine.objects.bulk_create([
        ShipmentLine(shipment=s, line_no=i + 1, order_line=line, item=items[i], lot=lots[i], location=location,
                     quantity=per_shipment, packages=1)
        for s in shipments for i, line in enumerate(lines)], batch_size=2000)
    return order, shipments[0]



def _note_times(shipment):
    from documents.rendering import render_pdf
    from shipping.documents import build_delivery_note

    times, cpus = [], []
    for _ in range(NOTE_RENDERS):
        began, cpu = time.perf_counter(), time.process_time()
        content = build_delivery_note(shipment, "zh-hans")
        render_pdf(content.template_name, content.context, "zh-hans")
        cpus.append(time.process_time() - cpu)
        times.append(time.perf_counter() - began)
    return percentile(times, 0.5), percentile(times, 0.95), percentile(cpus, 0.5), percentile(cpus, 0.95)


def run(*, requests=30, log=print):
    from orders.demo_data import ensure_role_users
    from shipping import tracking

    users = ensure_role_users()
    order, shipment = ensure_data(users["shipping"], log=log)
    _link, token = tracking.create_tracking_link(actor=users["order_desk"], order=order, language="zh-hans")
    client = Client()
    rows = []
    name = f"Tracking page, {SHIPMENTS} shipments × {LINES} lines"
    log(f"  {name} ...")
    rows += page_rows(name, measure_get(client, reverse("tracking:page", args=[token]), requests),
                      p95_target=PAGE_P95_TARGET, max_queries=PAGE_MAX_QUERIES)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # not a "Not Found" warning per timed request
    try:
        tampered_timing = measure_get(client, reverse("tracking:page", args=[tampered]), requests, status=404)
    finally:
        request_log.setLevel(level)
    rows += [Row("Tracking page, tampered token", "p95 ms", wall_and_cpu(tampered_timing.p95, tampered_timing.cpu_p95)),
             Row("Tracking page, tampered token", "queries", str(tampered_timing.queries), "0",
                 tampered_timing.queries == 0)]
    name = f"Delivery note PDF, {LINES} lines"
    log(f"  {name} ...")
    p50, p95, cpu_p50, cpu_p95 = _note_times(shipment)
    rows += [Row(name, "p50 ms", wall_and_cpu(p50, cpu_p50)),
             Row(name, "p95 ms", wall_and_cpu(p95, cpu_p95), f"< {ms(NOTE_P95_TARGET)}", p95 < NOTE_P95_TARGET)]
    return rows
