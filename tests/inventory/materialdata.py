"""Data for the material preparation tests: a 3-level BOM with scrap, orders for it, suppliers and
purchase orders, all made through the real services.

The product "清洁机 Cleaning machine" (FG-CM, made) per unit:

    FG-CM ── SA-FRAME 2 pcs (0 % scrap, made) ── SB-PANEL 1 pcs (20 % scrap, made) ── RM-SCREW 4 pcs
       │                                     │                                   └─ RM-STEEL 0.25 kg
       │                                     └─ RM-GASKET 3 pcs
       └─ RM-STEEL 0.5 kg (10 % scrap)

For 10 machines, by hand: SA-FRAME 10 × 2 = 20; SB-PANEL 20 × 1 ÷ 0.8 = 25; RM-GASKET 20 × 3 = 60;
RM-SCREW 25 × 4 = 100; RM-STEEL 10 × 0.5 ÷ 0.9 = 5.5556 → 5.556 kg (rounded up to grams) plus
25 × 0.25 = 6.250 kg → 11.806 kg.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inventory import purchasing
from inventory.models import Item
from orders.models import OrderStatus
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_bom, make_item

D = Decimal


@dataclass
class Machine:
    product: object
    finished: Item
    frame: Item
    panel: Item
    screw: Item
    steel: Item
    gasket: Item


def make_machine(*, sku="CM-100", prefix=""):
    product = ProductFactory(sku=sku, name="清洁机", specification="CM-100 标准型")
    finished = make_item(f"{prefix}FG-CM", name="清洁机 Cleaning machine", item_type="finished_good", sourcing="make",
                         product=product)
    frame = made_item(f"{prefix}SA-FRAME", name="机架 Frame")
    panel = made_item(f"{prefix}SB-PANEL", name="面板 Panel")
    screw = make_item(f"{prefix}RM-SCREW", name="螺钉 Screw", specification="M4×12 不锈钢", purchase_lead_time_days=3)
    steel = make_item(f"{prefix}RM-STEEL", name="钢板 Steel sheet", specification="1.5 mm 冷轧", unit="kg",
                      purchase_lead_time_days=7)
    gasket = make_item(f"{prefix}RM-GASKET", name="密封圈 Gasket", specification="Ø40 丁腈橡胶",
                       purchase_lead_time_days=5)
    make_bom(panel, [(screw, 4, 0), (steel, "0.25", 0)])
    make_bom(frame, [(panel, 1, 20), (gasket, 3, 0)])
    make_bom(finished, [(frame, 2, 0), (steel, "0.5", 10)])
    return Machine(product, finished, frame, panel, screw, steel, gasket)


def machine_order(machine, *, quantity="10", status=OrderStatus.APPROVED, sales=None, **kwargs):
    return make_order(creator=sales or user_with_role("sales"), status=status, products=[machine.product],
                      quantities=[D(quantity)], **kwargs)


def buyer():
    from django.contrib.auth.models import User

    return User.objects.filter(groups__name="planner", username__startswith="buyer").first() or user_with_role(
        "planner", username=f"buyer{User.objects.count() + 1}")


def make_supplier(code="S001", **fields):
    fields.setdefault("name", f"供应商 {code}")
    return purchasing.create_supplier(actor=buyer(), code=code, **fields)


def in_days(days):
    return timezone.localdate() + timedelta(days=days)


def sent_po(supplier, lines, *, send=True):
    """lines: [(item, quantity, expected in days)] or with a 4th element: the purchase request."""
    inputs = []
    for entry in lines:
        item, quantity, days, *rest = entry
        inputs.append(purchasing.PurchaseLineInput(item=item, quantity=D(str(quantity)), unit_price=D("2.50"),
                                                   expected_date=in_days(days), unit=item.unit,
                                                   request=rest[0] if rest else None))
    po = purchasing.create_purchase_order(actor=buyer(), supplier=supplier, lines=inputs)
    return purchasing.send_purchase_order(actor=buyer(), purchase_order=po) if send else po


def assert_refused(call, snapshot, *fragments):
    """Run a service call that must be refused: its message names each fragment, and `snapshot()` (what
    the test watches in the database) is the same afterwards."""
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        call()
    text = " ".join(info.value.messages)
    for fragment in fragments:
        assert fragment in text, text
    assert snapshot() == before
    return text
