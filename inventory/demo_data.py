"""Stock demo data for `manage.py seed_stock_demo` (run by `make seed` / `make run` after
seed_planning_demo), so that the warehouse, the shop floor and the shipping desk have something to
work with on a laptop:

* a warehouse 主仓库 with a raw-material area, a packaging area and the finished-goods location FG
  (where quality puts passed lots, QUALITY_FG_LOCATION);
* an opening stock of every bought item (raw materials and packaging) as a received lot, generous
  except for a few items kept short on purpose, so that shortages, purchase requests and material
  delays have something to show;
* (the finished goods of the demo orders that passed QC are put into FG by quality when their lots
  pass, in the shipping demo, which runs last);
* a material prep sheet for every planned order (with its reservations), for the warehouse to print
  and issue;
* standard costs, item categories, the stock warning rules and a slow-moving and an overstocked item
  (inventory.value_demo);
* three suppliers (raw materials, packaging, fragrance) and, made by the demo planner and sent, one
  purchase order for the items kept short, so the warehouse can receive a whole order on one page;
* the items' MRP planning data, make-to-stock forecasts and a first MRP run (inventory.mrp_demo).

Everything goes through the real services acting as the demo warehouse keeper (王芳) — suppliers and
purchase orders as the demo planner, who buys — in one transaction. Running it again adds nothing:
locations and suppliers that exist are kept, an item with stock moves gets no opening stock, an order
with an open prep sheet is left alone, and the purchase order is made only while
there is none.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orders.demo_data import ensure_role_users
from orders.models import Order, OrderStatus
from systemtext.text import Text

from . import prep_sheets, purchasing, stock_services, value_demo, warehouse_services
from .models import (
    Item,
    ItemType,
    Location,
    MaterialPrepSheet,
    PurchaseOrder,
    Sourcing,
    StockMove,
    Supplier,
    Warehouse,
)
from .mrp_demo import seed_mrp_demo
from .stock_importing import OPENING_BALANCE_REASON
from .stock_services import LotInput

D = Decimal

WAREHOUSE = ("WH-MAIN", "主仓库 Main warehouse", "广东省佛山市南海区狮山镇工业大道 8 号")
RAW_AREA, PACKAGING_AREA, FINISHED_GOODS = "RM-A01", "PK-B01", "FG"
LOCATIONS = [  # (code, zone, pick sequence)
    (RAW_AREA, "原料区 Raw materials", 10),
    (PACKAGING_AREA, "包材区 Packaging", 20),
    (FINISHED_GOODS, "成品区 Finished goods", 30),
]
OPENING_QUANTITY = {ItemType.RAW_MATERIAL: D("3000"), ItemType.PACKAGING: D("8000")}
# Kept short on purpose: the fragrance blend and the spray bottles (lead time 2 days).
SHORT = {"RM-FRAG": D("4"), "SPR-500": D("150")}
OPENING_REASON = Text(OPENING_BALANCE_REASON)
SUPPLIERS = [  # code, name, contact, phone, address, over-receipt tolerance %
    ("SUP-RM", "佛山华润化工原料有限公司 Huarun Chemicals", "陈经理", "0757-8666 1201",
     "广东省佛山市南海区丹灶镇化工园 12 号", D("2")),
    ("SUP-PK", "东莞美包包装制品有限公司 Meibao Packaging", "刘小姐", "0769-2288 3407",
     "广东省东莞市长安镇振安路 66 号", D("5")),
    ("SUP-FR", "上海香源香精香料有限公司 Xiangyuan Fragrances", "周先生", "021-5566 7788",
     "上海市奉贤区金海公路 1588 号", D("0")),
]
# The demo purchase orders: the items kept short, from the suppliers that sell them, plus a few more packaging
# items from the packaging supplier so that a delivery of several lines can be received on one page.
DEMO_PO_SUPPLIER = {"RM-FRAG": "SUP-FR", "SPR-500": "SUP-PK"}
DEMO_PO_MORE_PACKAGING = 3


def seed_stock_demo(*, now=None):
    """Create the stock demo data (see the module docstring); needs seed_demo and seed_planning_demo
    first. Returns a summary dict."""
    now = now or timezone.now()
    with transaction.atomic():
        users = ensure_role_users()
        keeper = users["warehouse"]
        locations = _locations(keeper)
        received = _opening_stock(keeper, locations, now)
        sheets, problems = _prep_sheets(keeper)
        suppliers = _suppliers(users["planner"])
        purchase_orders = _purchase_orders(users["planner"], now)
        mrp = seed_mrp_demo(users["planner"])
        value_demo.seed_value_demo(users, now=now)  # costs, warning rules, a slow-moving and an overstocked item
    return {**mrp, "locations": len(locations), "items_received": received, "prep_sheets": sheets,
            "problems": problems, "suppliers": suppliers, "purchase_orders": purchase_orders}


def _locations(keeper):
    code, name, address = WAREHOUSE
    warehouse = (Warehouse.objects.filter(code=code).first()
                 or warehouse_services.create_warehouse(actor=keeper, code=code, name=name, address=address))
    locations = {}
    for code, zone, sequence in LOCATIONS:
        locations[code] = Location.objects.filter(code=code).first() or warehouse_services.create_location(
            actor=keeper, warehouse=warehouse, code=code, zone=zone, pick_sequence=sequence)
    return locations


def _opening_stock(keeper, locations, now):
    bought = (Item.objects.filter(sourcing=Sourcing.BUY, is_active=True,
                                  item_type__in=[ItemType.RAW_MATERIAL, ItemType.PACKAGING])
              .exclude(pk__in=StockMove.objects.values("item_id")).order_by("code"))
    stamp = timezone.localdate(now).strftime("%y%m%d")
    count = 0
    for item in bought:
        quantity = SHORT.get(item.code, OPENING_QUANTITY[item.item_type])
        area = PACKAGING_AREA if item.item_type == ItemType.PACKAGING else RAW_AREA
        lot = LotInput(number=f"{item.code}-{stamp}", supplier_lot=f"S{stamp}-{item.pk}")
        stock_services.receive_stock(actor=keeper, item=item, location=locations[area], quantity=quantity,
                                     lot_input=lot, reason=OPENING_REASON)
        count += 1
    return count


def _prep_sheets(keeper):
    prepared = MaterialPrepSheet.objects.values("order_id")
    sheets, problems = 0, []
    for order in Order.objects.filter(status=OrderStatus.PLANNED).exclude(pk__in=prepared).order_by("number"):
        try:
            with transaction.atomic():
                prep_sheets.generate_prep_sheet(actor=keeper, order=order, note="演示数据 demo")
        except ValidationError as exc:
            problems.append(f"{order.number}: {' '.join(exc.messages)}")
        else:
            sheets += 1
    return sheets, problems


def _suppliers(buyer):
    made = 0
    for code, name, contact, phone, address, tolerance in SUPPLIERS:
        if not Supplier.objects.filter(code=code).exists():
            purchasing.create_supplier(actor=buyer, code=code, name=name, contact_name=contact, phone=phone,
                                       address=address, over_receipt_percent=tolerance)
            made += 1
    return made


def _purchase_orders(buyer, now):
    """One sent purchase order per supplier of the short items (none when any purchase order exists)."""
    if PurchaseOrder.objects.exists():
        return 0
    by_supplier = {}
    for item in Item.objects.filter(code__in=DEMO_PO_SUPPLIER, is_active=True).order_by("code"):
        by_supplier.setdefault(DEMO_PO_SUPPLIER[item.code], []).append(item)
    more = (Item.objects.filter(item_type=ItemType.PACKAGING, sourcing=Sourcing.BUY, is_active=True)
            .exclude(code__in=DEMO_PO_SUPPLIER).order_by("code")[:DEMO_PO_MORE_PACKAGING])
    by_supplier.setdefault("SUP-PK", []).extend(more)
    expected = timezone.localdate(now) + timedelta(days=2)
    for code, items in sorted(by_supplier.items()):
        lines = [purchasing.PurchaseLineInput(item=item, quantity=D("500"), unit_price=D("12.50"),
                                              expected_date=expected, unit=item.unit) for item in items]
        po = purchasing.create_purchase_order(actor=buyer, supplier=Supplier.objects.get(code=code), lines=lines,
                                              note="演示数据 demo")
        purchasing.send_purchase_order(actor=buyer, purchase_order=po)
    return len(by_supplier)
