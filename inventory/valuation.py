"""Inventory value and turnover, read from the stock ledger and the standard cost history.

- Stock on a day is the ledger's sum up to the end of that day (in the factory's time zone), so a value
  "at a chosen date" needs nothing but the append-only ledger; today's value is the same query.
- Its value uses the standard cost in force on that day (inventory.models.valuation): quantity × unit
  cost rounded to the cent per item and location, summed per currency (money is never added across
  currencies). Stock of an item with no cost in force is listed as not valued, never counted as zero.
- Turnover of an item over a period = quantity issued / time-weighted average stock. For one item the
  cost cancels out, so it is computed in quantities and a cost change in the period does not distort it;
  the issues' value (each issue at the cost in force on its day) is shown beside it. Issues are the ledger's
  issue rows net of their reversals (issues to production and to shipments); returns and scrap are not
  demand. Days of cover = stock at the period's end / (quantity issued / days in the period).

A page costs a fixed number of queries: the stock sums, the costs in force, the labels of the groups.
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import line_amount

from .models import Item, ItemCategory, ItemCost, Location, MoveKind, StockMove

ZERO = Decimal("0")
GROUP_BY_LOCATION, GROUP_BY_CATEGORY = "location", "category"


def day_end(day: date) -> datetime:
    """The first moment after `day` in the current time zone: stock "at" a day counts all of that day."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def costs_in_force(item_ids, on: date) -> dict[int, ItemCost]:
    """{item id: the cost row in force on `on`} (the latest valid_from not after it). One query."""
    rows = (ItemCost.objects.filter(item_id__in=list(item_ids), valid_from__lte=on)
            .order_by("item_id", "-valid_from"))
    found = {}
    for row in rows:  # newest first per item; DISTINCT ON is PostgreSQL's alone (SQLite is the embedded default)
        found.setdefault(row.item_id, row)
    return found


def stock_on(on: date, *, scope=None):
    """[(item id, location id, quantity)] of the stock at the end of `on`, from the ledger; `scope` narrows
    the ledger rows (a warehouse, a category). One query."""
    rows = (StockMove.objects.filter(scope or Q(), created_at__lt=day_end(on)).values("item_id", "location_id")
            .annotate(quantity=Sum("quantity")).exclude(quantity=0).order_by())
    return [(row["item_id"], row["location_id"], row["quantity"]) for row in rows]


@dataclass
class ValueGroup:
    key: object  # the Location or ItemCategory, None for items without a category
    label: str
    values: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))  # currency -> value
    items: set = field(default_factory=set)

    @property
    def money(self):
        return sorted(self.values.items())


@dataclass
class Valuation:
    on: date
    group_by: str
    groups: list
    totals: list  # [(currency, value)]
    unvalued: list  # Items with stock on the day and no cost in force
    lines: list  # (item, location, quantity, cost or None, value or None): the export's rows


def inventory_value(on: date | None = None, *, group_by=GROUP_BY_LOCATION, warehouse=None, category=None) -> Valuation:
    """The value of the stock at the end of `on` (default today) by location or by category, with the
    totals per currency and the items that have stock but no cost."""
    on = on or timezone.localdate()
    scope = Q()
    if warehouse is not None:
        scope &= Q(location__warehouse=warehouse)
    if category is not None:
        scope &= Q(item__category=category)
    stock = stock_on(on, scope=scope)
    items = Item.objects.in_bulk({item_id for item_id, _l, _q in stock})
    locations = Location.objects.select_related("warehouse").in_bulk({loc for _i, loc, _q in stock})
    categories = ItemCategory.objects.in_bulk({item.category_id for item in items.values() if item.category_id})
    costs = costs_in_force(items, on)
    groups, totals, lines, unvalued = {}, defaultdict(lambda: ZERO), [], {}
    for item_id, location_id, quantity in stock:
        item, location = items[item_id], locations[location_id]
        cost = costs.get(item_id)
        value = line_amount(quantity, cost.unit_cost) if cost else None
        lines.append((item, location, quantity, cost, value))
        if group_by == GROUP_BY_CATEGORY:
            key = categories.get(item.category_id)
            label = str(key) if key else _("No category")
        else:
            key = location
            label = f"{location.warehouse.code} · {location.code}"
        group = groups.setdefault(label, ValueGroup(key=key, label=label))
        group.items.add(item_id)
        if cost is None:
            unvalued[item_id] = item
            continue
        group.values[cost.currency] += value
        totals[cost.currency] += value
    lines.sort(key=lambda line: (line[0].code, line[1].code))
    return Valuation(on=on, group_by=group_by, groups=[groups[label] for label in sorted(groups)],
                     totals=sorted(totals.items()), unvalued=sorted(unvalued.values(), key=lambda i: i.code),
                     lines=lines)


# --- turnover ------------------------------------------------------------------------------------

@dataclass
class Turnover:
    item: Item
    opening: Decimal
    closing: Decimal
    issued: Decimal
    average: Decimal  # time-weighted average stock over the period
    issue_values: list  # [(currency, value)] of the issues at the cost in force on their days
    days: int

    @property
    def turns(self):
        """How many times the average stock was issued in the period (None without stock)."""
        return (self.issued / self.average).quantize(Decimal("0.01")) if self.average > 0 else None

    @property
    def daily_demand(self):
        return self.issued / self.days

    @property
    def days_of_cover(self):
        """Days the stock at the period's end lasts at the period's issue rate (None without issues)."""
        if self.issued <= 0:
            return None
        return (self.closing / self.daily_demand).quantize(Decimal("0.1"))


def _cost_lookup(item_ids, until: date):
    """{item id: ([valid_from…], [cost rows…])} ascending, to find the cost in force on any day with bisect."""
    history = defaultdict(lambda: ([], []))
    for row in ItemCost.objects.filter(item_id__in=list(item_ids), valid_from__lte=until).order_by(
            "item_id", "valid_from"):
        days, rows = history[row.item_id]
        days.append(row.valid_from)
        rows.append(row)
    return history


def cost_on(history, item_id, day):
    days, rows = history.get(item_id, ((), ()))
    index = bisect.bisect_right(days, day)
    return rows[index - 1] if index else None


def item_turnover(date_from: date, date_to: date, *, item_ids=None) -> list[Turnover]:
    """Turnover of every item with stock or moves in [date_from, date_to] (whole days), slowest first."""
    if date_to < date_from:
        raise ValueError("date_to before date_from")
    start, end = day_start(date_from), day_end(date_to)
    moves = StockMove.objects.all() if item_ids is None else StockMove.objects.filter(item_id__in=list(item_ids))
    opening = dict(moves.filter(created_at__lt=start).values("item_id").annotate(q=Sum("quantity"))
                   .values_list("item_id", "q").order_by())
    in_period = list(moves.filter(created_at__gte=start, created_at__lt=end).order_by("item_id", "created_at", "id")
                     .values_list("item_id", "created_at", "quantity", "kind"))
    issues = (moves.filter(created_at__gte=start, created_at__lt=end, kind=MoveKind.ISSUE)
              .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
              .values("item_id", "day").annotate(q=Sum("quantity")).order_by())
    ids = {i for i, q in opening.items() if q} | {row[0] for row in in_period}
    items = Item.objects.in_bulk(ids)
    history = _cost_lookup(ids, date_to)
    issue_values = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in issues:
        cost = cost_on(history, row["item_id"], row["day"])
        if cost is not None and row["q"]:
            issue_values[row["item_id"]][cost.currency] += line_amount(-row["q"], cost.unit_cost)
    span = (end - start).total_seconds()
    per_item = defaultdict(list)
    for item_id, at, quantity, kind in in_period:
        per_item[item_id].append((at, quantity, kind))
    result = []
    for item_id in ids:
        quantity = opening.get(item_id) or ZERO
        first = quantity
        area, issued, since = Decimal(0), ZERO, start
        for at, change, kind in per_item.get(item_id, ()):
            area += quantity * Decimal((at - since).total_seconds())
            quantity, since = quantity + change, at
            if kind == MoveKind.ISSUE:
                issued -= change
        area += quantity * Decimal((end - since).total_seconds())
        result.append(Turnover(item=items[item_id], opening=first, closing=quantity, issued=issued,
                               average=(area / Decimal(span)).quantize(Decimal("0.001")),
                               issue_values=sorted(issue_values[item_id].items()),
                               days=(date_to - date_from).days + 1))
    result.sort(key=lambda t: (t.turns is not None, t.turns or ZERO, t.item.code))
    return result


def last_issues(item_ids=None):
    """{item id: time of its latest issue that was not reversed}. One query."""
    rows = StockMove.objects.filter(kind=MoveKind.ISSUE, quantity__lt=0, reversed_by__isnull=True)
    if item_ids is not None:
        rows = rows.filter(item_id__in=list(item_ids))
    return dict(rows.values("item_id").annotate(at=Max("created_at")).values_list("item_id", "at").order_by())


def issued_since(moment, item_ids=None):
    """{item id: quantity issued since `moment`, net of reversals}. One query."""
    rows = StockMove.objects.filter(kind=MoveKind.ISSUE, created_at__gte=moment)
    if item_ids is not None:
        rows = rows.filter(item_id__in=list(item_ids))
    return {item_id: -q for item_id, q in rows.values("item_id").annotate(q=Sum("quantity"))
            .values_list("item_id", "q").order_by() if q}

