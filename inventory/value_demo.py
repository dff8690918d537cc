"""Inventory value demo data (run from inventory.demo_data.seed_stock_demo, after the opening stock):
item categories, a standard cost for every item (a price rise from next month on two of them), the two
warning rules, and a history that makes one item slow-moving and one overstocked, so `make run` shows the
value page, the warnings on the warehouse home page and dashboard, and their alerts.

- slow-moving: the IBC totes' opening stock is dated 120 days back and none was issued since;
- overstock: the opening stock of the sodium sulphate (or, when prep sheets reserved it all, of another
  item in OVERSTOCK_CANDIDATES) is dated 100 days back and 20 were issued every ten days since (2 a day),
  so the rest covers far more than 90 days.

Costs are set through inventory.costs by the demo planner; the ledger rows are backdated once, as the
orders demo does with its events (history.triggers.backdating). Runs once: nothing is done while any
warning rule exists.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from history.triggers import backdating

from . import costs, services, stock_services, stock_warnings
from .models import Item, ItemCategory, ItemType, MoveKind, StockBalance, StockMove, StockWarningRule, WarningKind

D = Decimal
CATEGORIES = {  # item type -> (code, name)
    ItemType.RAW_MATERIAL: ("RM", "原材料 Raw materials"),
    ItemType.PACKAGING: ("PK", "包材 Packaging"),
    ItemType.COMPONENT: ("PK", "包材 Packaging"),
    ItemType.SUB_ASSEMBLY: ("SF", "半成品 Semi-finished"),
    ItemType.FINISHED_GOOD: ("FG", "成品 Finished goods"),
}
COST_BY_TYPE = {ItemType.RAW_MATERIAL: D("6.80"), ItemType.PACKAGING: D("0.85"), ItemType.COMPONENT: D("0.85"),
                ItemType.SUB_ASSEMBLY: D("4.20"), ItemType.FINISHED_GOOD: D("18.50")}
COSTS = {  # per base unit (kg or piece), CNY
    "RM-DIW": D("0.0200"), "RM-LAS": D("9.60"), "RM-AES": D("11.20"), "RM-APG": D("14.50"), "RM-NAOCL": D("1.35"),
    "RM-ETOH": D("7.90"), "RM-QAC": D("18.00"), "RM-GLY": D("8.40"), "RM-NACL": D("0.45"), "RM-SODA": D("2.10"),
    "RM-NA2SO4": D("0.95"), "RM-FRAG": D("120.00"), "RM-HDPE": D("10.50"), "RM-NW": D("16.00"),
    "CAP-28": D("0.1200"), "SPR-500": D("1.65"), "PUMP-500": D("1.90"), "IBC-1000": D("680.00"),
    "DRUM-200L": D("95.00"), "DRUM-25L": D("12.00"), "JUG-5L": D("3.20"), "JUG-10L": D("5.40"),
}
PRICE_RISES = {"RM-FRAG": D("128.00"), "SPR-500": D("1.78")}  # from the first of next month
SLOW_ITEM = "IBC-1000"
# The first of these with 200 free (not reserved) in its opening lot becomes the overstocked item.
OVERSTOCK_CANDIDATES = ["RM-NA2SO4", "DRUM-200L", "CTN-24", "RM-HDPE"]
RULES = [
    ("滞销 60 天 Slow-moving, 60 days", WarningKind.SLOW_MOVING, 60, 90),
    ("积压 90 天需求 Overstock, 90 days of demand", WarningKind.OVERSTOCK, 90, 90),
]


def seed_value_demo(users, *, now=None):
    """Returns how many items got a cost (0 when it ran before)."""
    if StockWarningRule.objects.exists():
        return 0
    now = now or timezone.now()
    _categories(users["warehouse"])
    priced = _costs(users["planner"], timezone.localdate(now))
    _history(users["warehouse"], now)
    for name, kind, days, window in RULES:
        costs.save_warning_rule(actor=users["manager"], name=name, kind=kind, days=days, demand_window_days=window)
    stock_warnings.evaluate_stock_warnings(now=now)
    return priced


def _categories(keeper):
    made = {}
    for item in Item.objects.filter(category__isnull=True).order_by("code"):
        code, name = CATEGORIES[item.item_type]
        if code not in made:
            made[code] = ItemCategory.objects.get_or_create(code=code, defaults={"name": name})[0]
        services.update_item(actor=keeper, item=item, category=made[code])


def _costs(buyer, today):
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    priced = 0
    for item in Item.objects.filter(costs__isnull=True).order_by("code"):
        costs.set_item_cost(actor=buyer, item=item, unit_cost=COSTS.get(item.code, COST_BY_TYPE[item.item_type]),
                            currency="CNY", note="演示数据 demo")
        if item.code in PRICE_RISES:
            costs.set_item_cost(actor=buyer, item=item, unit_cost=PRICE_RISES[item.code], currency="CNY",
                                valid_from=next_month, note="供应商调价 supplier price rise")
        priced += 1
    return priced


def _backdate(moves, when):
    with backdating():
        StockMove._base_manager.filter(pk__in=[m.pk for m in moves]).update(created_at=when)


def _free_receipt():
    """The opening receipt of the first overstock candidate whose lot still has 200 free there."""
    for code in OVERSTOCK_CANDIDATES:
        receipt = (StockMove.objects.filter(item__code=code, kind=MoveKind.RECEIPT)
                   .select_related("item", "location", "lot").first())
        if receipt is None:
            continue
        free = StockBalance.objects.filter(item_id=receipt.item_id, location=receipt.location, lot=receipt.lot).first()
        if free is not None and free.available >= 200:
            return receipt
    return None


def _history(keeper, now):
    slow = Item.objects.filter(code=SLOW_ITEM).first()
    if slow is not None:
        _backdate(StockMove.objects.filter(item=slow), now - timedelta(days=120))
    receipt = _free_receipt()
    if receipt is None:
        return
    heap = receipt.item
    _backdate([receipt], now - timedelta(days=100))
    for days_back in range(90, 0, -10):
        posting = stock_services.issue_stock(actor=keeper, item=heap, location=receipt.location, lot=receipt.lot,
                                             quantity=D("20"), reason="演示数据 demo: 生产领料")
        _backdate(posting.moves, now - timedelta(days=days_back))
