"""Factory-wide, time-phased material requirements planning (MRP): the computation, no writes.

Demand is every open order (approved or planned: OPEN_FOR_MATERIALS) line, due on the line's requested
date, else the order's promised date, else its requested date; plus, for make-to-stock items, the weekly
forecast (inventory.forecasting) less what open orders of the same item already ask for in that week
(the forecast is consumed by real orders, so nothing is counted twice).

Items are planned level by level (the low-level code: the deepest place an item takes in any BOM), so an
item used at several levels is netted once, after every parent has passed its demand down. For each item
its gross requirements are netted once, in priority order (rush orders first, then the earliest need date,
then forecasts), against:

1. what the demanding order already holds of it: issued to the order, reserved for it (open quantity);
2. free usable stock (on hand − reserved, in usable lots at active locations) above the safety stock;
3. scheduled receipts: open lines of sent purchase orders and live purchase requests (open or approved,
   not yet ordered: an approved plan line is one, so running MRP again does not plan it twice),
   earliest first. A receipt expected after the need still covers it (expediting it is cheaper than
   buying twice).

What is left is the net requirement, pegged to its order or forecast week. A made item (make, with an
active BOM) becomes planned production started `make_lead_time_days` before the need, and its BOM's
components are needed on that start day (scrap % included, inventory.bom_structure). A bought item becomes
a planned purchase ordered its lead time (the item's purchase lead time, else its preferred supplier's)
before the need, sized up to the item's minimum order quantity and order multiple; what a rounded-up
purchase brings beyond its need covers the next needs of the item first.

Last, every bought item with a reorder point is projected to the end of the plan (free stock + receipts
+ planned purchases − planned demand); below the reorder point it gets a replenishment suggestion
(seed 002 "自动生成补充订单") of its reorder quantity (or up to the reorder point), needed after its lead time.

Everything is read in a fixed number of queries (about ten) whatever the number of orders and BOM levels.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from django.db.models import F
from django.utils import timezone

from orders.models import OrderLine, Priority, Unit

from .bom_structure import gross_quantity
from .models import (
    PO_OPEN,
    PR_LIVE,
    BOMLine,
    Item,
    PlanLineKind,
    PurchaseOrderLine,
    PurchaseRequest,
    Supplier,
)
from .requirements import OPEN_FOR_MATERIALS, _free_stock, _issued, _reserved

ZERO = Decimal("0")
DEFAULT_HORIZON_DAYS = 56
MAX_HORIZON_DAYS = 365
# Rush orders first; forecasts after every order with the same need date.
RUSH, NORMAL, FORECAST = 0, 1, 2


@dataclass
class Demand:
    """A gross requirement of one item, pegged to its source: an order, or a forecast week."""

    item_id: int
    need_date: date
    quantity: Decimal
    rank: int
    order_id: int | None = None
    forecast_week: date | None = None

    @property
    def sort_key(self):
        return (0 if self.rank == RUSH else 1, self.need_date, self.rank, self.order_id or 0)

    def pegged(self, item_id, need_date, quantity):
        return Demand(item_id, need_date, quantity, self.rank, self.order_id, self.forecast_week)


@dataclass
class PlannedLine:
    kind: str
    item: Item
    need_date: date
    release_date: date
    net_quantity: Decimal
    quantity: Decimal
    supplier_id: int | None = None
    demands: list = field(default_factory=list)  # [(order id or None, forecast week or None, quantity)]
    reorder_point: Decimal | None = None
    projected_stock: Decimal | None = None


@dataclass
class MrpResult:
    plan_date: date
    horizon_days: int
    lines: list[PlannedLine]
    forecasts: dict  # {item id: [(week, quantity)]}
    orders_planned: int


def order_size(item, need):
    """`need` rounded up to the item's minimum order quantity and order multiple, then to its unit."""
    size = max(need, item.minimum_order_quantity)
    if item.order_multiple > 0:
        size = (size / item.order_multiple).to_integral_value(rounding=ROUND_CEILING) * item.order_multiple
    return size.quantize(Decimal(1).scaleb(-Unit.decimals(item.unit)), rounding=ROUND_CEILING)


def low_level_codes(items, lines_by_parent):
    """{item id: the deepest BOM level it is used at} (0: never a component of a made item)."""
    codes = {pk: 0 for pk in items}
    # Longest path by relaxation; BOMs have no loops (refused on save), the bound is a guard all the same.
    for _round in range(len(items) + 1):
        changed = False
        for parent_id, lines in lines_by_parent.items():
            parent = items.get(parent_id)
            if parent is None or not parent.is_made:
                continue
            for component_id, *_rest in lines:
                if component_id in codes and codes[component_id] < codes[parent_id] + 1:
                    codes[component_id] = codes[parent_id] + 1
                    changed = True
        if not changed:
            break
    return codes


class _Supply:
    """What can cover an item's needs, consumed once across all demands: the holdings of each order,
    free stock above safety stock, then scheduled receipts earliest first."""

    def __init__(self, free, held, receipts):
        self.free = free  # {item id: quantity}
        self.held = held  # {(order id, item id): quantity}
        self.receipts = receipts  # {item id: [[date, quantity]]}, earliest first

    def cover(self, demand):
        """The part of `demand` nothing covers."""
        left = demand.quantity
        if demand.order_id is not None:
            key = (demand.order_id, demand.item_id)
            used = min(left, self.held.get(key, ZERO))
            if used > 0:
                self.held[key] -= used
                left -= used
        used = min(left, self.free.get(demand.item_id, ZERO))
        if used > 0:
            self.free[demand.item_id] -= used
            left -= used
        for receipt in self.receipts.get(demand.item_id, ()):
            if left <= 0:
                break
            used = min(left, receipt[1])
            receipt[1] -= used
            left -= used
        return left

    def left_over(self, item_id):
        return self.free.get(item_id, ZERO) + sum((r[1] for r in self.receipts.get(item_id, ())), ZERO)


def _order_demands(plan_date):
    """[Demand] of every open order line whose product is an item, and the number of orders."""
    rows = (OrderLine.objects.filter(order__status__in=OPEN_FOR_MATERIALS, product__item__isnull=False)
            .values_list("order_id", "product__item__id", "quantity", "requested_date", "order__promised_date",
                         "order__requested_date", "order__priority"))
    demands, orders = [], set()
    for order_id, item_id, quantity, line_date, promised, requested, priority in rows:
        need = line_date or promised or requested
        demands.append(Demand(item_id, max(need, plan_date), quantity, RUSH if priority == Priority.RUSH else NORMAL,
                              order_id=order_id))
        orders.add(order_id)
    return demands, len(orders)


def week_of(day):
    return day - timedelta(days=day.weekday())


def _forecast_demands(forecasts, order_demands, plan_date):
    """The forecast of each week less the open orders' demand for the item in that week."""
    ordered = defaultdict(lambda: ZERO)
    for demand in order_demands:
        ordered[(demand.item_id, week_of(demand.need_date))] += demand.quantity
    demands = []
    for item_id, weeks in forecasts.items():
        for week, quantity in weeks:
            left = quantity - ordered[(item_id, week)]
            if left > 0:
                demands.append(Demand(item_id, max(week, plan_date), left, FORECAST, forecast_week=week))
    return demands


def _receipts(item_ids):
    receipts = defaultdict(list)
    for item_id, expected, ordered, received in (
            PurchaseOrderLine.objects.filter(item_id__in=item_ids, purchase_order__status__in=PO_OPEN,
                                             base_quantity__gt=F("received_quantity"))
            .values_list("item_id", "expected_date", "base_quantity", "received_quantity")):
        receipts[item_id].append([expected, ordered - received])
    for item_id, needed_by, quantity in PurchaseRequest.objects.filter(
            item_id__in=item_ids, status__in=PR_LIVE).values_list("item_id", "needed_by", "quantity"):
        receipts[item_id].append([needed_by, quantity])
    for rows in receipts.values():
        rows.sort(key=lambda row: row[0])
    return receipts


def _held(order_ids, item_ids):
    held = defaultdict(lambda: ZERO)
    for source in (_issued(order_ids, item_ids), _reserved(order_ids, item_ids)):
        for key, quantity in source.items():
            held[key] += max(quantity, ZERO)
    return held


def _lead_time(item, suppliers):
    if item.purchase_lead_time_days or item.preferred_supplier_id is None:
        return item.purchase_lead_time_days
    return suppliers.get(item.preferred_supplier_id, 0)


class _Planner:
    def __init__(self, items, lines_by_parent, supply, suppliers, plan_date):
        self.items, self.lines_by_parent, self.supply = items, lines_by_parent, supply
        self.suppliers, self.plan_date = suppliers, plan_date
        self.lines, self.surplus, self.kept, self.last_purchase = [], defaultdict(lambda: ZERO), {}, {}

    def plan_item(self, item, demands):
        """Net the item's demands once and plan what is left; returns the demands on its components."""
        nets = []
        for demand in sorted(demands, key=lambda d: d.sort_key):
            left = self.supply.cover(demand)
            if left > 0:
                nets.append(demand.pegged(demand.item_id, demand.need_date, left))
        if not nets:
            return []
        by_date = defaultdict(list)
        for net in nets:
            by_date[net.need_date].append(net)
        if item.is_made:
            return self._make(item, by_date)
        self._buy(item, by_date)
        return []

    def _make(self, item, by_date):
        children = []
        for need_date, nets in sorted(by_date.items()):
            total = sum((n.quantity for n in nets), ZERO)
            start = need_date - timedelta(days=item.make_lead_time_days)
            self.lines.append(PlannedLine(PlanLineKind.MAKE, item, need_date, start, total, total,
                                          demands=_pegs(nets)))
            for net in nets:
                for component_id, per, scrap in self.lines_by_parent.get(item.pk, ()):
                    component = self.items[component_id]
                    children.append(net.pegged(component_id, start,
                                               gross_quantity(net.quantity, per, scrap, component.unit)))
        return children

    def _buy(self, item, by_date):
        lead = _lead_time(item, self.suppliers)
        for need_date, nets in sorted(by_date.items()):
            # What an earlier rounded-up purchase brings beyond its needs covers these first, pegged to it.
            carried, rest = self._split(nets, self.surplus[item.pk])
            self.surplus[item.pk] -= sum((n.quantity for n in carried), ZERO)
            if carried:
                self.last_purchase[item.pk].demands.extend(_pegs(carried))
            need = sum((n.quantity for n in rest), ZERO)
            if need <= 0:
                continue
            size = order_size(item, need)
            self.surplus[item.pk] += size - need
            self.last_purchase[item.pk] = PlannedLine(
                PlanLineKind.BUY, item, need_date, need_date - timedelta(days=lead), need, size,
                supplier_id=item.preferred_supplier_id, demands=_pegs(rest))
            self.lines.append(self.last_purchase[item.pk])

    @staticmethod
    def _split(nets, available):
        """(the parts of `nets` that `available` covers, the parts it does not), in the nets' order."""
        covered, rest = [], []
        for net in nets:
            used = min(available, net.quantity)
            available -= used
            if used > 0:
                covered.append(net.pegged(net.item_id, net.need_date, used))
            if net.quantity - used > 0:
                rest.append(net.pegged(net.item_id, net.need_date, net.quantity - used))
        return covered, rest

    def reorder(self, item):
        """A replenishment suggestion when the item's projected stock ends below its reorder point."""
        # What rounded-up purchases bring beyond their needs and no later need used.
        projected = self.supply.left_over(item.pk) + self.surplus[item.pk] + self.kept.get(item.pk, ZERO)
        if projected >= item.reorder_point:
            return
        need = item.reorder_quantity if item.reorder_quantity > 0 else item.reorder_point - projected
        lead = _lead_time(item, self.suppliers)
        size = order_size(item, need)
        due = self.plan_date + timedelta(days=lead)
        self.lines.append(PlannedLine(PlanLineKind.REORDER, item, due, self.plan_date, min(need, size), size,
                                      supplier_id=item.preferred_supplier_id, reorder_point=item.reorder_point,
                                      projected_stock=projected))


def _pegs(nets):
    return [(n.order_id, n.forecast_week, n.quantity) for n in nets]


def compute_mrp(*, plan_date=None, horizon_days=DEFAULT_HORIZON_DAYS, forecasts=None) -> MrpResult:
    """The plan (see the module docstring). `forecasts`: {item id: [(week start, quantity)]} of the
    make-to-stock items, or None to plan orders only."""
    plan_date = plan_date or timezone.localdate()
    items = {item.pk: item for item in Item.objects.filter(is_active=True)}
    lines_by_parent = defaultdict(list)
    for parent_id, component_id, quantity, scrap in (
            BOMLine.objects.filter(bom__is_active=True, component__is_active=True)
            .order_by("bom__parent_id", "position")
            .values_list("bom__parent_id", "component_id", "quantity", "scrap_percent")):
        lines_by_parent[parent_id].append((component_id, quantity, scrap))
    demands, orders_planned = _order_demands(plan_date)
    demands = [d for d in demands if d.item_id in items]
    horizon_end = plan_date + timedelta(days=horizon_days)
    forecasts = {pk: [(w, q) for w, q in weeks if w < horizon_end] for pk, weeks in (forecasts or {}).items()
                 if pk in items}
    demands += _forecast_demands(forecasts, demands, plan_date)

    item_ids = list(items)
    order_ids = sorted({d.order_id for d in demands if d.order_id is not None})
    raw_free = _free_stock(item_ids)
    free = {pk: max(quantity - items[pk].safety_stock, ZERO) for pk, quantity in raw_free.items()}
    supply = _Supply(free, _held(order_ids, item_ids), _receipts(item_ids))
    suppliers = dict(Supplier.objects.values_list("pk", "lead_time_days"))
    planner = _Planner(items, lines_by_parent, supply, suppliers, plan_date)
    # The safety stock kept out of netting still counts when a reorder suggestion projects the stock.
    planner.kept = {pk: min(max(quantity, ZERO), items[pk].safety_stock) for pk, quantity in raw_free.items()}

    codes = low_level_codes(items, lines_by_parent)
    pending = defaultdict(list)
    for demand in demands:
        pending[demand.item_id].append(demand)
    for item_id in sorted(items, key=lambda pk: (codes[pk], items[pk].code)):
        for child in planner.plan_item(items[item_id], pending.pop(item_id, [])):
            pending[child.item_id].append(child)
    for item in sorted(items.values(), key=lambda i: i.code):
        if not item.is_made and item.reorder_point > 0:
            planner.reorder(item)
    return MrpResult(plan_date, horizon_days, planner.lines, forecasts, orders_planned)

