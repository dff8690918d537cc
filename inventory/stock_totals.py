"""Stock totals per item, aggregated from its balance rows (on hand, reserved, usable), optionally
within a scope (a warehouse, a lot status). Shared by the stock selectors and the stock filters."""

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from .ledger import ZERO, usable_stock

_QTY = DecimalField(max_digits=15, decimal_places=3)


def _sum(expression, condition=None):
    return Coalesce(Sum(expression, filter=condition), Value(ZERO), output_field=_QTY)


def _prefixed(q, prefix):
    """A Q on StockBalance fields re-rooted under `prefix` (for aggregating from Item)."""
    children = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_prefixed(child, prefix))
        else:
            name, value = child
            children.append((f"{prefix}{name}", value))
    return Q(*children, _connector=q.connector, _negated=q.negated)


def with_item_totals(items, scope=None):
    """`items` annotated with on_hand, reserved and usable (within `scope`, a Q over stock_balances__),
    usable_total (all warehouses) and shortfall against the reorder point."""
    usable = _prefixed(usable_stock(), "stock_balances__")
    return items.annotate(
        on_hand=_sum("stock_balances__on_hand", scope or None),
        reserved=_sum("stock_balances__reserved", scope or None),
        usable=_sum(F("stock_balances__on_hand") - F("stock_balances__reserved"), (scope or Q()) & usable),
        usable_total=_sum(F("stock_balances__on_hand") - F("stock_balances__reserved"), usable),
    ).annotate(shortfall=F("reorder_point") - F("usable_total"))


BELOW_REORDER_POINT = Q(reorder_point__gt=0, usable_total__lt=F("reorder_point"))
