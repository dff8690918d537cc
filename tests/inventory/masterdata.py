"""Master data for tests of inventory and planning: items, BOMs, calendars, work centers, routings.

Made through the real services (acting as an admin), so every object a test starts from passed the
same checks as one entered in the app."""

import itertools
from datetime import time
from decimal import Decimal

from inventory import services as inventory_services
from inventory.models import Item
from planning import routing_services
from planning import services as planning_services
from tests.fixtures.factories import user_with_role

_numbers = itertools.count(1)


def _admin():
    from django.contrib.auth.models import User

    return User.objects.filter(groups__name="admin").first() or user_with_role("admin")


def make_item(code=None, *, actor=None, **fields) -> Item:
    fields.setdefault("name", f"Item {code or next(_numbers)}")
    fields.setdefault("item_type", "raw_material")
    fields.setdefault("sourcing", "buy")
    return inventory_services.create_item(actor=actor or _admin(), code=code or f"I-{next(_numbers):05d}", **fields)


def made_item(code=None, **fields) -> Item:
    fields.setdefault("item_type", "sub_assembly")
    return make_item(code, sourcing="make", **fields)


def make_bom(parent, lines, *, actor=None):
    """lines: [(component, quantity, scrap %)]"""
    return inventory_services.save_bom(actor=actor or _admin(), item=parent, lines=[
        inventory_services.BomLineInput(component=c, quantity=Decimal(str(q)), scrap_percent=Decimal(str(s)))
        for c, q, s in lines])


def make_calendar(name=None, *, shifts=None, actor=None):
    """Monday to Friday 08:00–12:00 and 13:00–17:00 unless `shifts` ([(weekday, "HH:MM", "HH:MM")]) says otherwise."""
    if shifts is None:
        shifts = [(day, start, end) for day in range(5) for start, end in (("08:00", "12:00"), ("13:00", "17:00"))]
    inputs = [planning_services.ShiftInput(day, time.fromisoformat(start), time.fromisoformat(end))
              for day, start, end in shifts]
    return planning_services.create_calendar(actor=actor or _admin(), name=name or f"Calendar {next(_numbers)}",
                                             shifts=inputs)


def make_work_center(code=None, *, calendar=None, actor=None, **fields):
    fields.setdefault("name", f"Work center {code}")
    return planning_services.create_work_center(actor=actor or _admin(), code=code or f"WC-{next(_numbers):03d}",
                                                calendar=calendar or make_calendar(), **fields)


def make_routing(item, operations, *, actor=None):
    """operations: [(sequence, work center, setup, run per unit)]"""
    return routing_services.save_routing(actor=actor or _admin(), item=item, operations=[
        routing_services.OperationInput(sequence=seq, work_center=wc, setup_minutes=Decimal(str(setup)),
                                         run_minutes_per_unit=Decimal(str(run)))
        for seq, wc, setup, run in operations])
