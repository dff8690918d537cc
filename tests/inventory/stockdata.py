"""Stock data for tests: warehouses, locations, lots and postings, made through the real services
(acting as a warehouse user), so every starting point passed the same checks as in the app."""

import itertools
from decimal import Decimal

from django.db.models import Sum

from inventory import stock_services, warehouse_services
from inventory.models import StockBalance, StockMove
from inventory.stock_services import LotInput
from tests.fixtures.factories import user_with_role

_numbers = itertools.count(1)


def keeper():
    """A warehouse user (the role that posts stock)."""
    from django.contrib.auth.models import User

    return User.objects.filter(groups__name="warehouse", username__startswith="keeper").first() or user_with_role(
        "warehouse", username=f"keeper{next(_numbers)}")


def make_warehouse(code=None, **fields):
    fields.setdefault("name", f"Warehouse {code}")
    return warehouse_services.create_warehouse(actor=keeper(), code=code or f"WH{next(_numbers)}", **fields)


def make_location(code=None, *, warehouse=None, **fields):
    return warehouse_services.create_location(actor=keeper(), warehouse=warehouse or make_warehouse(),
                                              code=code or f"L-{next(_numbers):03d}", **fields)


def receive(item, location, quantity, *, lot=None, unit="", expiry=None, actor=None, **kwargs):
    """Receive `quantity` (str or Decimal); `lot` a number (created as needed) or a Lot."""
    lot_input = LotInput(number=lot, expiry_date=expiry) if isinstance(lot, str) else None
    return stock_services.receive_stock(actor=actor or keeper(), item=item, location=location,
                                        quantity=Decimal(str(quantity)), unit=unit,
                                        lot=None if isinstance(lot, str) else lot, lot_input=lot_input, **kwargs)


def balance(item, location, lot=None):
    row = StockBalance.objects.filter(item=item, location=location, lot=lot).first()
    return row.on_hand if row else Decimal("0")


def ledger_mismatches():
    """Balance rows whose on hand differs from the sum of their ledger rows (should be none)."""
    sums = {(r["item_id"], r["location_id"], r["lot_id"]): r["total"]
            for r in StockMove.objects.values("item_id", "location_id", "lot_id").annotate(total=Sum("quantity"))}
    wrong = []
    for b in StockBalance.objects.all():
        total = sums.pop((b.item_id, b.location_id, b.lot_id), Decimal("0"))
        if total != b.on_hand or b.on_hand < 0 or b.reserved < 0 or b.reserved > b.on_hand:
            wrong.append((b.item_id, b.location_id, b.lot_id, b.on_hand, total))
    wrong.extend((*key, None, total) for key, total in sums.items() if total)
    return wrong
