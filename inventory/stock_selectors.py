"""Reads of stock: on hand by item and by location/lot, an item's ledger with its running balance,
a lot's traceability, warehouses and locations, and the ledger audit. Each page costs a fixed number
of queries whatever the number of rows; users without the view permission get nothing."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404

from .ledger import ZERO
from .models import (
    Item,
    Location,
    Lot,
    LotEvent,
    MoveKind,
    Reservation,
    ReservationStatus,
    StockBalance,
    StockMove,
    Warehouse,
)
from .stock_filters import (
    BalanceFilter,
    CountSheetFilter,
    ItemStockFilter,
    LedgerBalanceFilter,
    LedgerFilter,
    LocationFilter,
    WarehouseFilter,
)
from .stock_totals import with_item_totals

# --- on hand -------------------------------------------------------------------------------------

def stock_by_item(user, filters=None):
    """Items with their on hand, reserved and usable stock (in the chosen warehouse and lot status),
    reorder point and shortfall (always against the usable stock of all warehouses: the reorder point
    is the item's); see inventory.stock_filters.ItemStockFilter for which items are listed."""
    if not user.has_perm("inventory.view_stockbalance"):
        return Item.objects.none()
    return ItemStockFilter(filters or {}, Item.objects.all()).qs


def stock_balances(user, filters=None, *, item=None):
    """Balance rows (item × location × lot) with their item, location, warehouse and lot: one query."""
    if not user.has_perm("inventory.view_stockbalance"):
        return StockBalance.objects.none()
    qs = StockBalance.objects.select_related("item", "location__warehouse", "lot")
    if item is not None:
        qs = qs.filter(item=item)
    return BalanceFilter(filters or {}, qs).qs


def item_stock_detail(user, pk):
    """An item with its stock totals (404 for users who may not see stock)."""
    if not user.has_perm("inventory.view_stockbalance"):
        return get_object_or_404(Item.objects.none(), pk=pk)
    qs = with_item_totals(Item.objects.all())
    return get_object_or_404(qs, pk=pk)


# --- an item's ledger --------------------------------------------------------------------------------

def item_moves(user, item, filters=None):
    """The item's ledger rows, newest first, with location, lot, actor and order: one query."""
    if not user.has_perm("inventory.view_stockmove"):
        return StockMove.objects.none()
    qs = StockMove.objects.filter(item=item).select_related("location", "lot", "actor", "order", "reversal_of")
    return LedgerFilter(filters or {}, qs).qs.order_by("-created_at", "-id")


def ledger_total(item, filters, queryset):
    """The sum of the filtered ledger rows: read from the balance rows when the filter is only a
    location and/or a lot (they equal their rows' sums), else summed over the rows."""
    balances = LedgerBalanceFilter(filters or {}, StockBalance.objects.filter(item=item))
    if balances.matches_ledger:
        return balances.qs.aggregate(total=Sum("on_hand"))["total"] or ZERO
    return queryset.order_by().aggregate(total=Sum("quantity"))["total"] or ZERO


def with_running_balance(rows, queryset, total):
    """Set `running_balance` on each row of one page (newest first) of `queryset` whose rows sum to
    `total`: the sum of the rows up to and including it, in ledger order (within the filter: a
    location's, a lot's). One aggregate over the rows newer than the page."""
    rows = list(rows)
    if not rows:
        return rows
    first = rows[0]
    newer = (queryset.order_by().filter(created_at__gte=first.created_at)
             .filter(Q(created_at__gt=first.created_at) | Q(created_at=first.created_at, id__gt=first.id))
             .aggregate(total=Sum("quantity"))["total"] or ZERO)
    running = total - newer
    for row in rows:
        row.running_balance = running
        running -= row.quantity
    return rows


def reversed_move_ids(moves):
    """Ids among `moves` that a later row reverses (one query)."""
    return set(StockMove.objects.filter(reversal_of__in=[m.pk for m in moves]).values_list("reversal_of_id",
                                                                                          flat=True))


def stock_move(user, pk):
    """One ledger row with its item (404 for users who may neither see nor reverse ledger rows)."""
    allowed = user.has_perm("inventory.view_stockmove") or user.has_perm("inventory.reverse_stockmove")
    qs = StockMove.objects.select_related("item") if allowed else StockMove.objects.none()
    return get_object_or_404(qs, pk=pk)


def reservation(pk):
    return get_object_or_404(Reservation, pk=pk)


def active_reservations(item):
    return list(item.reservations.filter(status="active").select_related("location", "lot", "order")
                .order_by("created_at"))


def count_sheet(user, filters, *, limit):
    """The balance rows a cycle count covers, in the picking walk, at most `limit` + 1 (to tell the sheet
    was cut short)."""
    if not user.has_perm("inventory.count_stock"):
        return []
    balances = StockBalance.objects.select_related("item", "location__warehouse", "lot").filter(on_hand__gt=0)
    balances = CountSheetFilter(filters or {}, balances).qs
    return list(balances.order_by("location__warehouse__code", "location__pick_sequence", "location__code",
                                  "item__code", "lot__number", "pk")[:limit + 1])


def stock_at(user, location):
    """What lies at a location (for its page), when the user may see stock."""
    if location is None or not user.has_perm("inventory.view_stockbalance"):
        return []
    return list(StockBalance.objects.filter(location=location, on_hand__gt=0).select_related("item", "lot")
                .order_by("item__code", "lot__number"))


# --- lots ----------------------------------------------------------------------------------------------

def lot_detail(user, pk):
    qs = Lot.objects.select_related("item", "created_by") if user.has_perm("inventory.view_lot") else Lot.objects.none()
    return get_object_or_404(qs, pk=pk)


# The lot page lists at most this many origins and destinations (the item ledger filtered by the lot
# has them all, paginated).
TRACE_ROWS = 100


@dataclass
class LotTrace:
    lot: Lot
    came_from: list  # receipts, production output, returns, found stock: oldest first
    went_to: list  # issues, scrap, stock found missing: newest first
    more_came_from: bool
    more_went_to: bool
    balances: list
    reservations: list
    events: list


def lot_trace(user, lot: Lot) -> LotTrace:
    """Where a lot came from (its receipts and their documents) and where it went (issues with their
    documents and orders), without transfers inside the warehouse and without reversed postings;
    with its current stock, reservations and status history. Five queries."""
    # NOT EXISTS rather than a LEFT JOIN on the reversals: PostgreSQL then walks the lot's rows in
    # time order and stops at the limit (the join made it misjudge 50,000 rows as one).
    reversed_later = StockMove.objects.filter(reversal_of=OuterRef("pk"))
    counted = (StockMove.objects.filter(~Exists(reversed_later), lot=lot, reversal_of__isnull=True)
               .exclude(kind=MoveKind.TRANSFER).select_related("location__warehouse", "actor", "order"))
    came_from = list(counted.filter(quantity__gt=0).order_by("created_at", "id")[:TRACE_ROWS + 1])
    went_to = list(counted.filter(quantity__lt=0).order_by("-created_at", "-id")[:TRACE_ROWS + 1])
    balances = list(StockBalance.objects.filter(lot=lot, on_hand__gt=0).select_related("location__warehouse")
                    .order_by("location__pick_sequence", "location__code"))
    reservations = list(Reservation.objects.filter(lot=lot, status=ReservationStatus.ACTIVE)
                        .select_related("location", "order").order_by("created_at"))
    events = list(LotEvent.objects.filter(lot=lot).select_related("actor").order_by("created_at", "id"))
    return LotTrace(lot=lot, came_from=came_from[:TRACE_ROWS], went_to=went_to[:TRACE_ROWS],
                    more_came_from=len(came_from) > TRACE_ROWS, more_went_to=len(went_to) > TRACE_ROWS,
                    balances=balances, reservations=reservations, events=events)


def lot_search(user, q, limit=20):
    if not user.has_perm("inventory.view_lot"):
        return Lot.objects.none()
    q = (q or "").strip()
    qs = Lot.objects.select_related("item")
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(supplier_lot__icontains=q) | Q(item__code__icontains=q))
    return qs.order_by("-created_at")[:limit]


# --- warehouses and locations -----------------------------------------------------------------------

def warehouse_list(user, filters=None):
    if not user.has_perm("inventory.view_warehouse"):
        return Warehouse.objects.none()
    qs = Warehouse.objects.annotate(location_count=Count("locations", distinct=True))
    return WarehouseFilter(filters or {}, qs).qs.order_by("code")


def warehouse_detail(user, pk):
    qs = Warehouse.objects.all() if user.has_perm("inventory.view_warehouse") else Warehouse.objects.none()
    return get_object_or_404(qs, pk=pk)


def location_list(user, filters=None):
    """Locations with their warehouse and how many balance rows hold stock there: one query."""
    if not user.has_perm("inventory.view_location"):
        return Location.objects.none()
    qs = Location.objects.select_related("warehouse").annotate(
        stocked=Count("balances", filter=Q(balances__on_hand__gt=0)))
    return LocationFilter(filters or {}, qs).qs


def location_detail(user, pk):
    qs = Location.objects.select_related("warehouse") if user.has_perm("inventory.view_location") \
        else Location.objects.none()
    return get_object_or_404(qs, pk=pk)


# --- ledger audit -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerDifference:
    item_id: int
    location_id: int
    lot_id: int | None
    on_hand: Decimal | None  # None: ledger rows without a balance row
    ledger_sum: Decimal
    reserved: Decimal | None
    open_reservations: Decimal
    problem: str


def ledger_differences():
    """Every balance row that disagrees with the ledger (on hand ≠ sum of its rows), is negative, or
    whose reserved differs from its active reservations; and ledger rows without a balance row.
    Three aggregate queries."""
    sums = {(r["item_id"], r["location_id"], r["lot_id"]): r["total"]
            for r in StockMove.objects.order_by().values("item_id", "location_id", "lot_id")
            .annotate(total=Sum("quantity"))}
    reserved = defaultdict(lambda: ZERO)
    for r in (Reservation.objects.filter(status=ReservationStatus.ACTIVE).order_by()
              .values("item_id", "location_id", "lot_id").annotate(open=Sum(F("quantity") - F("consumed")))):
        reserved[(r["item_id"], r["location_id"], r["lot_id"])] = r["open"]
    differences = []
    for b in StockBalance.objects.order_by("pk").values("item_id", "location_id", "lot_id", "on_hand", "reserved") \
            .iterator(chunk_size=5000):
        key = (b["item_id"], b["location_id"], b["lot_id"])
        ledger = sums.pop(key, ZERO)
        open_reserved = reserved.pop(key, ZERO)
        problems = []
        if b["on_hand"] != ledger:
            problems.append("on hand differs from the ledger")
        if b["on_hand"] < 0 or b["reserved"] < 0:
            problems.append("negative")
        if b["reserved"] != open_reserved:
            problems.append("reserved differs from the active reservations")
        if problems:
            differences.append(LedgerDifference(*key, b["on_hand"], ledger, b["reserved"], open_reserved,
                                                "; ".join(problems)))
    for key, ledger in sums.items():
        if ledger:
            differences.append(LedgerDifference(*key, None, ledger, None, reserved.pop(key, ZERO),
                                                "ledger rows without a balance row"))
    for key, open_reserved in reserved.items():
        differences.append(LedgerDifference(*key, None, ZERO, None, open_reserved,
                                            "reservations without a balance row"))
    return differences
