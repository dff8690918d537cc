"""Read queries for shipping pages; each costs a fixed number of queries whatever the data size."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from inventory.ledger import usable_stock
from inventory.models import Item, Location, Lot, StockBalance
from inventory.reservations import allocation_order
from inventory.units import from_base_quantity
from orders.models import Order, OrderLine, OrderStatus
from orders.selectors import orders_visible_to

from .filters import ComplaintFilter, ShipmentFilter
from .models import (
    Complaint,
    ComplaintEvent,
    CustomerReturn,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
    TrackingLink,
)
from .services import own_lots_unshipped, qc_passed_unshipped, stock_items

VIEW = "shipping.view_shipment"
VIEW_COMPLAINT = "shipping.view_complaint"
VIEW_LINKS = "shipping.view_trackinglink"
ST = ShipmentStatus
ON_THE_WAY = [ST.SHIPPED, ST.DELIVERED]


def shipments_visible_to(user):
    if not user.has_perm(VIEW):
        return Shipment.objects.none()
    return Shipment.objects.filter(order__in=orders_visible_to(user))


def complaints_visible_to(user):
    if not user.has_perm(VIEW_COMPLAINT):
        return Complaint.objects.none()
    return Complaint.objects.filter(order__in=orders_visible_to(user))


# --- the shipping desk ------------------------------------------------------------------------------

def shipping_queue(user, q=""):
    """Orders that passed QC with something left to ship: rush first, then the earliest promise."""
    if not user.has_perm(VIEW):
        return Order.objects.none()
    open_line = Q(lines__shipped_quantity__lt=F("lines__quantity"))
    qs = (orders_visible_to(user).filter(status=OrderStatus.QC_PASSED).select_related("customer")
          .annotate(open_lines=Count("lines", filter=open_line), ordered=Sum("lines__quantity"),
                    shipped=Sum("lines__shipped_quantity"), due=Coalesce("promised_date", "requested_date"))
          .filter(open_lines__gt=0))
    q = (q or "").strip()
    if q:
        qs = qs.filter(search_text__contains=q.lower())
    return qs.order_by("-priority", "due", "number")


def drafts_by_order(orders):
    """{order id: [draft shipments]} for the orders on a page (one query)."""
    result = {}
    for shipment in Shipment.objects.filter(order__in=[o.pk for o in orders], status=ST.DRAFT).order_by("created_at"):
        result.setdefault(shipment.order_id, []).append(shipment)
    return result


def awaiting_delivery(user, limit=50):
    """Shipments on their way (shipped, no proof of delivery yet), the oldest first."""
    return (shipments_visible_to(user).filter(status=ST.SHIPPED).select_related("order__customer")
            .order_by("shipped_at", "pk")[:limit])


def shipment_list(user, filters=None):
    """`filters`: the list's query (request.GET) or a dict of the same names; see shipping.filters."""
    qs = shipments_visible_to(user).select_related("order__customer").annotate(line_count=Count("lines"))
    return ShipmentFilter(filters or {}, qs).qs


def shipment_detail(user, pk):
    lines = Prefetch("lines", queryset=ShipmentLine.objects.select_related(
        "order_line__product", "item", "lot", "location").order_by("line_no"))
    events = Prefetch("events", queryset=ShipmentEvent.objects.select_related("actor").order_by("created_at", "pk"))
    qs = (shipments_visible_to(user).select_related("order__customer", "created_by", "shipped_by", "pod_recorded_by")
          .prefetch_related(lines, events))
    return get_object_or_404(qs, pk=pk)


def order_for_shipping(user, pk):
    """The order with its lines and customer (404 when the user may not see it)."""
    qs = orders_visible_to(user).select_related("customer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("line_no")))
    return get_object_or_404(qs, pk=pk)


# --- the shipment form: what can be picked ---------------------------------------------------------

@dataclass
class PickOption:
    balance: StockBalance
    available: Decimal  # in the item's unit


@dataclass
class PickRow:
    line: OrderLine
    item: Item | None
    left: Decimal  # ordered − shipped, in the line's unit
    passed_left: Decimal | None  # passed QC for the order and not shipped, in the line's unit
    options: list[PickOption] = field(default_factory=list)


def pick_rows(order):
    """Per order line with something left to ship: its stock item, what is left, what passed QC, and
    the usable stock of the order's own lots (FEFO/FIFO, then the picking walk). Other orders' lots and
    free stock are not offered: they do not ship for this order (shipping.services checks it too)."""
    lines = [line for line in order.lines.all() if line.shipped_quantity < line.quantity]
    items = stock_items({line.product_id for line in lines})
    passed = qc_passed_unshipped(order)
    own_lots = {lot_id for (_item_id, lot_id), left in own_lots_unshipped(order).items() if left > 0}
    balances = list(StockBalance.objects.filter(usable_stock(), item__in=list(items.values()), lot__in=own_lots,
                                                on_hand__gt=F("reserved"))
                    .select_related("lot", "location"))
    balances.sort(key=allocation_order)
    rows = []
    for line in lines:
        item = items.get(line.product_id)
        passed_left = None
        if item is not None:
            passed_left = from_base_quantity(item, max(passed.get(item.pk) or Decimal("0"), Decimal("0")),
                                             line.product.unit)
        row = PickRow(line=line, item=item, left=line.quantity - line.shipped_quantity, passed_left=passed_left)
        if item is not None:
            row.options = [PickOption(b, b.on_hand - b.reserved) for b in balances if b.item_id == item.pk]
        rows.append(row)
    return rows


def balances_for_picks(order, ids):
    """{balance id: balance} among `ids` for the order's items (the form names its rows by balance)."""
    items = stock_items(order.lines.values_list("product_id", flat=True))
    return StockBalance.objects.select_related("lot", "location").filter(
        item__in=list(items.values())).in_bulk(list(ids))


# --- the order page panel --------------------------------------------------------------------------

def order_panel(user, order):
    shipments = list(shipments_visible_to(user).filter(order=order).order_by("created_at", "pk"))
    links = list(TrackingLink.objects.filter(order=order).select_related("created_by", "revoked_by")
                 .order_by("-created_at", "-pk")) if user.has_perm(VIEW_LINKS) else []
    return shipments, links


# --- the customer's tracking page --------------------------------------------------------------------

def tracking_shipments(order):
    """The order's shipments that left the factory, with their lines and products (two queries)."""
    lines = Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product").order_by("line_no"))
    return list(Shipment.objects.filter(order=order, status__in=ON_THE_WAY).prefetch_related(lines)
                .order_by("shipped_at", "pk"))


# --- complaints ------------------------------------------------------------------------------------

def complaint_list(user, filters=None):
    qs = complaints_visible_to(user).select_related("order__customer", "shipment", "lot")
    return ComplaintFilter(filters or {}, qs).qs


def complaint_detail(user, pk):
    events = Prefetch("events", queryset=ComplaintEvent.objects.select_related("actor").order_by("created_at", "pk"))
    returns = Prefetch("returns", queryset=CustomerReturn.objects.select_related(
        "shipment_line__shipment", "shipment_line__lot", "shipment_line__order_line__product", "return_lot",
        "location", "received_by").order_by("received_at", "pk"))
    qs = (complaints_visible_to(user).select_related("order__customer", "shipment", "lot", "created_by")
          .prefetch_related(events, returns))
    return get_object_or_404(qs, pk=pk)


def returnable_lines(complaint):
    """The shipped lines goods may come back from (of the complaint's shipment, else of every shipped
    shipment of the order), each with `returned` and `returnable`."""
    lines = ShipmentLine.objects.filter(shipment__order=complaint.order_id, shipment__status__in=ON_THE_WAY)
    if complaint.shipment_id:
        lines = lines.filter(shipment=complaint.shipment_id)
    lines = list(lines.select_related("shipment", "lot", "order_line__product")
                 .annotate(returned=Coalesce(Sum("returns__quantity"), Decimal("0")))
                 .order_by("shipment__number", "line_no"))
    for line in lines:
        line.returnable = line.quantity - line.returned
    return lines


def return_locations():
    return Location.objects.filter(is_active=True).select_related("warehouse").order_by("warehouse__code",
                                                                                         "pick_sequence", "code")


def shipment_choices(order):
    return list(Shipment.objects.filter(order=order, status__in=ON_THE_WAY).order_by("number"))


def shipped_lots(order):
    """(lot, shipment number) pairs shipped for the order, for the complaint form."""
    return list(ShipmentLine.objects.filter(shipment__order=order, shipment__status__in=ON_THE_WAY, lot__isnull=False)
                .select_related("lot", "shipment", "order_line__product").order_by("shipment__number", "line_no"))


def lot_by_id(pk):
    return Lot.objects.filter(pk=pk).first()


def shipment_line(pk):
    """A line the return form offered (its choices are the complaint's returnable lines)."""
    return ShipmentLine.objects.get(pk=pk)


def location(pk):
    """A location the return form offered (its choices are return_locations())."""
    return Location.objects.get(pk=pk)


def tracking_link(user, pk):
    """A tracking link of an order the user may see (404 for any other)."""
    return get_object_or_404(TrackingLink.objects.filter(order__in=orders_visible_to(user)), pk=pk)


def stock_balance(pk):
    """The stock balance (lot and location) a replacement is shipped from; the form offered only these."""
    return StockBalance.objects.select_related("lot", "location").get(pk=pk)
