"""Shipping demo data for `manage.py seed_shipping_demo` (run by `make seed` / `make run` last, after
seed_quality_demo): the demo orders that go past QC — passed, shipped, delivered, closed, held after QC,
and one sent back to production for rework — made like the orders demo (orders.demo_data.make_demo_orders)
but with every stage's step taken through that stage's services, so each carries the records its
transitions' conditions ask for (orders.stage_hooks):

* pass_qc: every inspection of the order recorded and signed by the demo QC inspector (quality.demo_data);
  the passed lots go into the finished-goods location as the order's production output;
* fail_qc: the first line's lot fails on the seal check, and QC decides rework (an NCR and a rework
  work order);
* ship: the warehouse confirms the finished-goods receipts QC's pass drafted; one shipment of all the
  order's own lots, shipped at once by the demo shipping clerk;
* confirm_delivery: the proof of delivery (a scanned delivery note) recorded for each shipment;
* close: the later apps' steps before closing (demo.steps: settlement invoices the shipments and records the
  payment), then closed by the order desk (shipping.deliveries.close_order).

The order timelines are spread over the past like the orders demo's; the stage rows keep the time they
were made. Needs the stock items, the finished-goods location and the inspection plans of the earlier
seeds. Runs in one transaction; running it again adds nothing while a demo order has a shipment.
"""

import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from demo import steps as demo_steps
from inventory.finished_goods import confirm_finished_goods_receipt
from inventory.models import FinishedGoodsReceipt
from inventory.units import from_base_quantity
from orders.demo_data import (
    CUSTOMERS,
    DEMO_PASSWORD,
    FAIL_QC_REASONS,
    demo_order_plans,
    drive_step,
    ensure_catalog,
    ensure_role_users,
    make_demo_orders,
    needs_stages,
)
from orders.models import Order
from quality.demo_data import inspect_lot
from quality.models import QUEUE_STATUSES, Disposition, Inspection
from quality.ncr_services import decide_disposition

from . import deliveries, services
from .models import Shipment, ShipmentStatus
from .selectors import pick_rows

# The seal check (critical: one leaking bottle rejects the lot), quality.demo_data.CHARACTERISTICS.
SEAL = 3
# A scanned signed delivery note: the smallest file the proof-of-delivery check takes as a PDF.
SIGNED_NOTE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed_shipping_demo(*, now=None, rng_seed=2026):
    """Make the demo orders past QC (see the module docstring). Returns a summary dict."""
    rng = random.Random(rng_seed)
    with transaction.atomic():
        users = ensure_role_users(password=DEMO_PASSWORD)
        _customers, products = ensure_catalog()
        if Shipment.objects.filter(order__customer__code__in=[c.code for c in CUSTOMERS]).exists():
            return {"orders": 0, "skipped": True}
        plans = [plan for plan in demo_order_plans(rng) if needs_stages(plan)]
        make_demo_orders(plans, users=users, products=products, rng=rng, now=now or timezone.now(),
                         drive=drive_through_stages)
    return {"orders": len(plans), "skipped": False}


def drive_through_stages(order, action, *, users, rng, lines):
    """One step of a demo order's path: the stages' steps through their services, the rest as the orders
    demo takes them."""
    if action == "pass_qc":
        inspect_order(order, inspector=users["qc"])
    elif action == "fail_qc":
        first, *_rest = inspect_order(order, inspector=users["qc"], failing_first_line=True)
        decide_disposition(actor=users["qc"], ncr=first.ncr, disposition=Disposition.REWORK,
                           note=rng.choice(FAIL_QC_REASONS))
    elif action == "ship":
        # The warehouse received the finished goods (confirmed the receipt QC's pass drafted) before they go.
        confirm_receipts(order, receiver=users["warehouse"])
        ship_order_goods(order, shipper=users["shipping"])
    elif action == "confirm_delivery":
        deliver_shipments(order, shipper=users["shipping"])
    elif action == "close":
        demo_steps.before_close(order, users=users)
        deliveries.close_order(actor=users["order_desk"], order=order)
    else:
        return drive_step(order, action, users=users, rng=rng, lines=lines)
    return Order.objects.get(pk=order.pk)


def confirm_receipts(order, *, receiver):
    for receipt in FinishedGoodsReceipt.objects.filter(order=order, confirmation__isnull=True):
        confirm_finished_goods_receipt(actor=receiver, receipt=receipt)


def inspect_order(order, *, inspector, password=DEMO_PASSWORD, failing_first_line=False):
    """Record and sign every open inspection of `order`, line by line (the first line's lot failing the
    seal check with `failing_first_line`). Returns the inspections as signed."""
    waiting = Inspection.objects.filter(order=order, status__in=QUEUE_STATUSES).order_by("order_line__line_no")
    signed = []
    for n, inspection in enumerate(waiting):
        failing = (SEAL,) if failing_first_line and n == 0 else ()
        signed.append(inspect_lot(inspector=inspector, password=password, inspection=inspection, failing=failing))
    return signed


def ship_order_goods(order, *, shipper, details=None):
    """One shipment of what is left to ship, from the order's own lots in the shipment form's order
    (shipping.selectors.pick_rows), shipped now; to the customer's address by SF Express unless `details`."""
    picks = []
    for row in pick_rows(order):
        left = row.left
        for option in row.options:
            quantity = min(left, from_base_quantity(row.item, option.available, row.line.product.unit))
            if quantity > 0:
                picks.append(services.PickInput(order_line=row.line, lot=option.balance.lot,
                                                location=option.balance.location, quantity=quantity))
                left -= quantity
    details = details or services.ShipmentDetails(**{**services.details_for(order).__dict__,
                                                     "carrier": "顺丰速运 SF Express",
                                                     "tracking_number": f"SF{order.pk:010d}"})
    return services.create_shipment(actor=shipper, order=order, details=details, picks=picks, ship_now=True)


def deliver_shipments(order, *, shipper, received_by="收货员"):
    """The proof of delivery of every shipment of `order` on its way, received now."""
    for shipment in order.shipments.filter(status=ShipmentStatus.SHIPPED).order_by("number"):
        deliveries.record_delivery(actor=shipper, shipment=shipment, received_by=received_by,
                                   received_at=timezone.now(),
                                   upload=SimpleUploadedFile(f"{shipment.number}.pdf", SIGNED_NOTE,
                                                             content_type="application/pdf"))
