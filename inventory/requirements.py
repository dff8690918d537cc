"""Material requirements of orders (MRP): BOM explosion and netting against stock and supply.

For each order line the item sold as the line's product (Item.product) is exploded through the active
BOMs (inventory.bom_structure: scrap % included, rounded up to the unit, made-in-house items exploded
further). What the stores provide is every bought item of the explosion (a bought item sold as it is
is its own requirement). Made-in-house items are not netted against stock: planning makes a work
order for every sub-assembly, so the bought items of the whole explosion are consumed.

Per component the requirement is then netted, in this order:

    required   gross quantity over all lines of the order (stock unit)
    issued     already issued to the order (issue moves naming the order, less returns)
    reserved   the order's active reservations (open quantity)
    available  free usable stock: on hand − reserved, in lots that are available and not expired
               (or without lot), at active locations
    shortage   max(0, required − issued − reserved − available)
    on order   open quantity of sent / partially received purchase order lines of the item that are
               for this order or for no order (lines bought for another order are not counted)
    covered_on the expected date of the purchase order line that covers the shortage, taking lines
               earliest expected first; None when the shortage is not covered (`uncovered` says how
               much is missing)

Free stock and unassigned purchase order lines are offered to every order: the figures say whether
the order *could* be supplied now, not that the stock is promised to it. Reserving (inventory.
reservations, the Reserve button) is what sets stock aside for one order.

The batch function reads everything for any number of orders in a fixed number of queries (seven),
whatever the number of orders, lines and BOM levels.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderLine, OrderStatus

from .bom_structure import BomCycleError, LineData, explode
from .ledger import usable_stock
from .models import (
    PO_OPEN,
    BOMLine,
    Item,
    MoveKind,
    PurchaseOrderLine,
    Reservation,
    ReservationStatus,
    StockBalance,
    StockMove,
)

ZERO = Decimal("0")
# Orders whose materials are still to be provided.
OPEN_FOR_MATERIALS = [OrderStatus.APPROVED, OrderStatus.PLANNED]


@dataclass
class ComponentRequirement:
    item: Item
    required: Decimal = ZERO
    issued: Decimal = ZERO
    reserved: Decimal = ZERO
    available: Decimal = ZERO
    on_order: Decimal = ZERO
    shortage: Decimal = ZERO
    uncovered: Decimal = ZERO
    covered_on: date | None = None

    @property
    def is_short(self):
        return self.shortage > 0

    @property
    def still_needed(self):
        """What is still to be issued to the order."""
        return max(self.required - self.issued, ZERO)

    @property
    def to_reserve(self):
        """What could be reserved now for the order (not yet issued nor reserved, and in stock)."""
        return min(max(self.required - self.issued - self.reserved, ZERO), max(self.available, ZERO))


@dataclass
class OrderRequirements:
    order: Order
    components: list[ComponentRequirement] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def shortages(self):
        return [c for c in self.components if c.is_short]

    @property
    def is_ready(self):
        """Everything the order needs is issued, reserved or free in stock now."""
        return not self.errors and not self.shortages

    @property
    def all_covered(self):
        return all(c.covered_on is not None for c in self.shortages)

    @property
    def covered_on(self):
        """The day the last shortage is covered by purchase orders; None when one is not covered."""
        if not self.all_covered:
            return None
        return max((c.covered_on for c in self.shortages), default=None)

    def component(self, item):
        return next((c for c in self.components if c.item.pk == getattr(item, "pk", item)), None)


class _Explosions:
    """Active BOMs loaded once (two queries) and explosions per (item, quantity) kept."""

    def __init__(self):
        self.lines_by_parent = defaultdict(list)
        rows = BOMLine.objects.filter(bom__is_active=True).order_by("bom__parent_id", "position").values_list(
            "bom__parent_id", "component_id", "quantity", "scrap_percent")
        for parent_id, component_id, quantity, scrap in rows:
            self.lines_by_parent[parent_id].append(LineData(component_id, quantity, scrap))
        self.items = {}
        self.cache = {}

    def load_items(self, roots):
        """The items the roots reach through the BOMs (one query)."""
        reached, todo = set(), [item.pk for item in roots]
        while todo:
            pk = todo.pop()
            for line in self.lines_by_parent.get(pk, ()):
                if line.component_id not in reached:
                    reached.add(line.component_id)
                    todo.append(line.component_id)
        self.items = {item.pk: item for item in Item.objects.filter(pk__in=reached)}
        for item in roots:
            self.items.setdefault(item.pk, item)

    def bought(self, item, quantity):
        """[(bought item, quantity)] that `quantity` of `item` consumes."""
        key = (item.pk, quantity)
        if key not in self.cache:
            if not item.is_made:
                self.cache[key] = [(item, quantity)]
            else:
                exploded = explode(item, quantity, lines_by_parent=self.lines_by_parent, items_by_id=self.items)
                self.cache[key] = [(total.item, total.quantity) for total in exploded.purchased]
        return self.cache[key]


def _gross(orders, explosions, lines_by_order):
    """{order id: {item id: required}} and {order id: [errors]}."""
    gross, errors = defaultdict(lambda: defaultdict(lambda: ZERO)), defaultdict(list)
    for order in orders:
        for line in lines_by_order.get(order.pk, ()):
            item = getattr(line.product, "item", None)
            if item is None:
                errors[order.pk].append(_("Line %(line)s: product %(sku)s has no item; link it to an item first.")
                                        % {"line": line.line_no, "sku": line.product.sku})
                continue
            try:
                parts = explosions.bought(item, line.quantity)
            except BomCycleError as exc:
                errors[order.pk].extend(exc.messages)
                continue
            for part, quantity in parts:
                gross[order.pk][part.pk] += quantity
    return gross, errors


def _free_stock(item_ids):
    rows = (StockBalance.objects.filter(usable_stock(), item_id__in=item_ids, location__is_active=True)
            .values("item_id").annotate(free=Sum(F("on_hand") - F("reserved"))))
    return {row["item_id"]: row["free"] or ZERO for row in rows}


def _reserved(order_ids, item_ids):
    rows = (Reservation.objects.filter(order_id__in=order_ids, item_id__in=item_ids, status=ReservationStatus.ACTIVE)
            .values("order_id", "item_id").annotate(open=Sum(F("quantity") - F("consumed"))))
    return {(row["order_id"], row["item_id"]): row["open"] or ZERO for row in rows}


def _issued(order_ids, item_ids):
    rows = (StockMove.objects.filter(order_id__in=order_ids, item_id__in=item_ids,
                                     kind__in=[MoveKind.ISSUE, MoveKind.RETURN])
            .values("order_id", "item_id").annotate(net=Sum("quantity")))
    # Issues are negative rows, returns positive: what the order holds is minus their sum.
    return {(row["order_id"], row["item_id"]): -(row["net"] or ZERO) for row in rows}


def _supply(item_ids):
    """{item id: [(expected date, open quantity, order id or None)]}, earliest first."""
    rows = (PurchaseOrderLine.objects.filter(item_id__in=item_ids, purchase_order__status__in=PO_OPEN,
                                             base_quantity__gt=F("received_quantity"))
            .order_by("expected_date", "pk")
            .values_list("item_id", "expected_date", "base_quantity", "received_quantity", "order_id"))
    supply = defaultdict(list)
    for item_id, expected, ordered, received, order_id in rows:
        supply[item_id].append((expected, ordered - received, order_id))
    return supply


def _cover(component, supply, order_id):
    """Fill on_order, covered_on and uncovered from the purchase order lines open for the order."""
    running = ZERO
    for expected, quantity, for_order in supply:
        if for_order is not None and for_order != order_id:
            continue
        component.on_order += quantity
        if component.shortage > 0 and component.covered_on is None:
            running += quantity
            if running >= component.shortage:
                component.covered_on = expected
    if component.shortage > 0 and component.covered_on is None:
        component.uncovered = component.shortage - running


def requirements_for_orders(orders) -> dict[int, OrderRequirements]:
    """{order id: OrderRequirements} for `orders` (Order rows), in seven queries."""
    orders = list(orders)
    if not orders:
        return {}
    order_ids = [order.pk for order in orders]
    lines_by_order = defaultdict(list)
    for line in OrderLine.objects.filter(order_id__in=order_ids).select_related("product__item").order_by(
            "order_id", "line_no"):
        lines_by_order[line.order_id].append(line)
    explosions = _Explosions()
    roots = {line.product.item.pk: line.product.item for lines in lines_by_order.values() for line in lines
             if getattr(line.product, "item", None) is not None}
    explosions.load_items(list(roots.values()))
    gross, errors = _gross(orders, explosions, lines_by_order)
    item_ids = sorted({item_id for per_order in gross.values() for item_id in per_order})
    free, reserved, issued, supply = _free_stock(item_ids), _reserved(order_ids, item_ids), \
        _issued(order_ids, item_ids), _supply(item_ids)

    result = {}
    for order in orders:
        components = []
        for item_id, required in gross[order.pk].items():
            component = ComponentRequirement(
                item=explosions.items[item_id], required=required, issued=issued.get((order.pk, item_id), ZERO),
                reserved=reserved.get((order.pk, item_id), ZERO), available=free.get(item_id, ZERO))
            component.shortage = max(required - component.issued - component.reserved - max(component.available, ZERO),
                                     ZERO)
            _cover(component, supply.get(item_id, ()), order.pk)
            components.append(component)
        components.sort(key=lambda c: c.item.code)
        result[order.pk] = OrderRequirements(order=order, components=components, errors=errors.get(order.pk, []))
    return result


def order_requirements(order) -> OrderRequirements:
    """The material requirements of one order (seven queries)."""
    return requirements_for_orders([order])[order.pk]


def open_orders_short_of(item, *, statuses=None):
    """The orders still waiting for materials (approved or planned) whose requirements are short of
    `item`: their OrderRequirements, rush first, then by requested date."""
    orders = list(Order.objects.filter(status__in=statuses or OPEN_FOR_MATERIALS)
                  .select_related("created_by", "customer").order_by("-priority", "requested_date", "pk"))
    requirements = requirements_for_orders(orders)
    found = [requirements[order.pk] for order in orders
             if (component := requirements[order.pk].component(item)) is not None and component.is_short]
    return found


def has_stock_data():
    """Whether the factory keeps its stock in OrderFlow (any balance row or purchase order line)."""
    return StockBalance.objects.exists() or PurchaseOrderLine.objects.exists()


def material_ready_date(order, *, today=None):
    """The day the order's bought materials can all be at hand, for planning's earliest start:
    today when stock, the order's reservations and issues cover them; otherwise the latest of the
    purchase order expected dates covering the shortages (a late line counts from today) and, for
    shortages no purchase order covers, today + the item's purchase lead time. None when OrderFlow
    has no stock data yet (planning then keeps its own assumption) or the requirements cannot be
    computed (planning reports those problems itself)."""
    if not has_stock_data():
        return None
    requirements = order_requirements(order)
    if requirements.errors:
        return None
    today = today or timezone.localdate()
    ready = today
    for component in requirements.shortages:
        if component.covered_on is not None:
            ready = max(ready, component.covered_on)
        else:
            ready = max(ready, today + timedelta(days=component.item.purchase_lead_time_days))
    return ready

