"""MRP demo data, loaded by seed_stock_demo after the suppliers exist (so `make run` shows a purchase plan):

* planning data on the demo items, through the item service as the demo planner: each bought item's
  preferred supplier (fragrance from SUP-FR, packaging from SUP-PK, other raw materials from SUP-RM), order
  multiples (packaging by 100, materials in kg by 25) and minimums, supplier lead times, made items' make
  lead time (1 day), and a reorder point and quantity on the packaging items so replenishment suggestions
  show;
* the two finished goods ordered most often in the demo history made to stock, so their demand is
  forecast;
* one MRP run by the demo planner.

Running it again changes nothing already set (an item with a preferred supplier is left alone) and adds a
run only when there is none.
"""

from decimal import Decimal

from django.db.models import Count, Q

from orders.models import Unit

from . import mrp_plans, purchasing, services
from .models import Item, ItemType, MrpRun, Sourcing, Supplier

D = Decimal
SUPPLIER_LEAD_DAYS = {"SUP-RM": 5, "SUP-PK": 3, "SUP-FR": 10}
FRAGRANCE_PREFIX = "RM-FRAG"
PACKAGING_REORDER_POINT, PACKAGING_REORDER_QUANTITY = D("1000"), D("2000")
MADE_TO_STOCK = 2


def seed_mrp_demo(planner):
    suppliers = {s.code: s for s in Supplier.objects.filter(code__in=SUPPLIER_LEAD_DAYS)}
    for code, days in SUPPLIER_LEAD_DAYS.items():
        if code in suppliers and suppliers[code].lead_time_days != days:
            suppliers[code] = purchasing.update_supplier(actor=planner, supplier=suppliers[code], lead_time_days=days)
    planned = 0
    for item in Item.objects.filter(is_active=True, preferred_supplier__isnull=True).order_by("code"):
        fields = _planning_fields(item, suppliers)
        if fields:
            services.update_item(actor=planner, item=item, **fields)
            planned += 1
    if not Item.objects.filter(make_to_stock=True).exists():
        popular = (Item.objects.filter(item_type=ItemType.FINISHED_GOOD, product__isnull=False, is_active=True)
                   .annotate(lines=Count("product__order_lines",
                                         filter=~Q(product__order_lines__order__status="draft")))
                   .order_by("-lines", "code")[:MADE_TO_STOCK])
        for item in popular:
            services.update_item(actor=planner, item=item, make_to_stock=True)
    runs = 0
    if not MrpRun.objects.exists():
        mrp_plans.run_mrp(actor=planner)
        runs = 1
    return {"items_planned": planned, "mrp_runs": runs}


def _planning_fields(item, suppliers):
    if item.sourcing == Sourcing.MAKE:
        return {"make_lead_time_days": 1} if not item.make_lead_time_days else {}
    if item.code.startswith(FRAGRANCE_PREFIX):
        supplier = suppliers.get("SUP-FR")
    elif item.item_type == ItemType.PACKAGING:
        supplier = suppliers.get("SUP-PK")
    else:
        supplier = suppliers.get("SUP-RM")
    if supplier is None:
        return {}
    fields = {"preferred_supplier": supplier}
    if item.item_type == ItemType.PACKAGING:
        fields.update(order_multiple=D("100"), minimum_order_quantity=D("500"),
                      reorder_point=item.reorder_point or PACKAGING_REORDER_POINT,
                      reorder_quantity=PACKAGING_REORDER_QUANTITY)
    elif item.unit == Unit.KG:
        fields.update(order_multiple=D("25"), minimum_order_quantity=D("50"))
    return fields
