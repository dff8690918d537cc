"""Quality demo data for `manage.py seed_quality_demo` (run by `make seed` / `make run` after
seed_stock_demo): an inspection plan for every active demo product, so the QC inspector can start the
inspections waiting in the QC queue (they were opened when the demo orders reached awaiting QC; the
plan is taken when an inspection starts).

The plan is the cleaning-products factory's finished-goods check, at general inspection level II with
AQL 0.65 (critical) / 1.5 (major) / 4.0 (minor): the net content deviation and the pH measured, the
seal (leak test) and the label and batch code checked by eye.

Everything goes through quality.plan_services as the demo QC inspector (刘洋), in one transaction.
Running it again adds nothing: a product that has a plan keeps it.

`inspect_lot` records an inspection the way an inspector does (start, every cell, signature), for the
shipping demo (orders that passed or failed QC) and for tests that need an order past QC.
"""

from decimal import Decimal

from django.db import transaction

from orders.demo_data import ensure_role_users
from orders.models import Product

from . import services
from .models import Inspection, InspectionPlan
from .plan_services import CharacteristicInput, save_inspection_plan

D = Decimal

CHARACTERISTICS = [
    CharacteristicInput(position=1, name="净含量偏差 Net content deviation", kind="measured", defect_class="major",
                        nominal=D("0"), lower_tolerance=D("-1.5"), upper_tolerance=D("3.0"), unit="%",
                        instrument="电子秤 Scale", method="称重，减去皮重 Weigh, less the tare"),
    CharacteristicInput(position=2, name="pH 值 pH", kind="measured", defect_class="major", nominal=D("7.0"),
                        lower_tolerance=D("-1.5"), upper_tolerance=D("1.5"), unit="pH", instrument="pH 计 pH meter"),
    CharacteristicInput(position=3, name="密封性 Seal (leak test)", kind="attribute", defect_class="critical",
                        method="倒置 30 分钟无渗漏 Upside down 30 min, no leak"),
    CharacteristicInput(position=4, name="标签与喷码 Label and batch code", kind="attribute", defect_class="minor",
                        method="标签端正、喷码清晰 Label straight, code legible"),
]


def seed_quality_demo():
    """Create the quality demo data (see the module docstring); needs seed_demo first. Returns a summary."""
    with transaction.atomic():
        inspector = ensure_role_users()["qc"]
        planned = InspectionPlan.objects.values("product_id")
        products = Product.objects.filter(is_active=True).exclude(pk__in=planned).order_by("sku")
        count = 0
        for product in products:
            give_demo_plan(actor=inspector, product=product)
            count += 1
    return {"plans": count}


def give_demo_plan(*, actor, product):
    return save_inspection_plan(actor=actor, product=product, inspection_level="II", aql_critical="0.65",
                                aql_major="1.5", aql_minor="4.0", characteristics=CHARACTERISTICS,
                                note="演示数据 demo")


def inspect_lot(*, inspector, password, inspection, failing=()):
    """Start `inspection`, record every cell (measured on the nominal, attributes "pass"; the positions in
    `failing` fail on every sample) and sign it. The verdict follows Ac/Re as always; the order
    moves when its last line is settled (quality.services)."""
    services.start_inspection(actor=inspector, inspection=inspection)
    current = Inspection.objects.get(pk=inspection.pk)
    sizes = services.sample_sizes(current)
    entries = {}
    for characteristic in current.plan.characteristics.all():
        good = str(characteristic.nominal) if characteristic.is_measured else "pass"
        bad = str(characteristic.nominal + characteristic.upper_tolerance * 2) if characteristic.is_measured else "fail"
        for sample_no in range(1, sizes[characteristic.defect_class] + 1):
            entries[(characteristic, sample_no)] = bad if characteristic.position in failing else good
    services.save_values(actor=inspector, inspection=current, entries=entries)
    return services.confirm_inspection(actor=inspector, inspection=current, password=password)
