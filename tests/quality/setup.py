"""Builders for quality tests: a product made in house with a routing and an inspection plan, an order
brought to awaiting_qc (which opens its inspections), and filling the inspection form — all through
the real services."""

from decimal import Decimal

from orders.models import OrderStatus
from quality import plan_services, services
from quality.models import Inspection
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_routing, make_work_center

PASSWORD = "pw-OrderFlow-2026"  # tests.fixtures.factories.UserFactory's password

DIAMETER = plan_services.CharacteristicInput(position=1, name="Diameter 直径", kind="measured", defect_class="major",
                                             nominal=Decimal("10.00"), lower_tolerance=Decimal("-0.05"),
                                             upper_tolerance=Decimal("0.05"), unit="mm", instrument="Caliper 卡尺")
VISUAL = plan_services.CharacteristicInput(position=2, name="Surface 外观", kind="attribute", defect_class="minor",
                                           method="No scratches 无划痕")
CRACK = plan_services.CharacteristicInput(position=3, name="Crack 裂纹", kind="attribute", defect_class="critical")


def made_product(*, sku=None, with_routing=True, **fields):
    product = ProductFactory(**({"sku": sku} if sku else {}), **fields)
    item = made_item(f"FG-{product.sku}", item_type="finished_good", product=product, unit=product.unit)
    if with_routing:
        make_routing(item, [(10, make_work_center(), 5, 1)])
    return product


def give_plan(product, *, actor=None, level="II", critical="0.25", major="1.0", minor="4.0",
              characteristics=(DIAMETER, VISUAL, CRACK)):
    """Lot 500 at level II is code letter H: all three classes sample 50 (Ac 0 / 1 / 5)."""
    return plan_services.save_inspection_plan(actor=actor or user_with_role("qc"), product=product,
                                              inspection_level=level, aql_critical=critical, aql_major=major,
                                              aql_minor=minor, characteristics=list(characteristics))


def order_awaiting_qc(sales, product, quantity="500", **options):
    order = make_order(creator=sales, status=OrderStatus.AWAITING_QC, products=[product],
                       quantities=[Decimal(quantity)], **options)
    return order, Inspection.objects.get(order=order)


def fill(actor, inspection, *, diameter="10.01", visual="pass", crack="pass", overrides=None, others=None):
    """Record every cell of a started inspection; `overrides` {(position, sample): raw} changes some,
    `others` {position: raw} fills further characteristics."""
    inspection = Inspection.objects.get(pk=inspection.pk)
    sizes = services.sample_sizes(inspection)
    defaults = {1: diameter, 2: visual, 3: crack, **(others or {})}
    entries = {}
    for characteristic in inspection.plan.characteristics.all():
        for sample_no in range(1, sizes[characteristic.defect_class] + 1):
            raw = (overrides or {}).get((characteristic.position, sample_no), defaults.get(characteristic.position,
                                                                                           "pass"))
            entries[(characteristic, sample_no)] = raw
    services.save_values(actor=actor, inspection=inspection, entries=entries)
    return Inspection.objects.get(pk=inspection.pk)
