"""The SPC page at scale (`python bench/run.py quality`).

Data (made once per bench database, found again by its product SKU BENCH-SPC): one product with a
measured characteristic and 1,000 signed inspections of 25 measured samples each (25,000 values),
plus 200 defects spread over four characteristics for the Pareto. Rows are written directly (bulk)
because the point is the read side; the inspection services are tested elsewhere.

Rows: the SPC page through the Django test Client as the QC user, 3 warm-up requests then N timed
ones, for the last 1,000 and the last 100 inspections: p50/p95 and the query count (the subgroups are
aggregated in SQL: one query however many inspections).
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .timing import measure_get, page_rows

SKU = "BENCH-SPC"
INSPECTIONS = 1_000
SAMPLES = 25
PAGE_P95_TARGET = 0.500
PAGE_MAX_QUERIES = 15


def ensure_data(qc, *, log=print):
    from orders.models import Product
    from quality.models import (
        Characteristic,
        Inspection,
        InspectionClassPlan,
        InspectionPlan,
        Measurement,
    )

    product = Product.objects.filter(sku=SKU).first()
    if product is not None and Inspection.objects.filter(product=product).count() >= INSPECTIONS:
        return product
    log(f"  writing {INSPECTIONS} inspections × {SAMPLES} values ...")
    product = product or Product.objects.create(sku=SKU, name="SPC bench shaft")
    plan = InspectionPlan.objects.create(product=product, version=1, is_active=True, created_by=qc)
    names = ["Diameter", "Length", "Flatness", "Surface"]
    characteristics = [Characteristic.objects.create(
        plan=plan, position=i + 1, name=name, kind="measured", defect_class="major", nominal=Decimal("10"),
        lower_tolerance=Decimal("-0.05"), upper_tolerance=Decimal("0.05"), unit="mm") for i, name in enumerate(names)]
    start = timezone.now() - timedelta(days=INSPECTIONS)
    inspections = Inspection.objects.bulk_create([
        Inspection(number=f"QI-BENCH-{i:05d}", product=product, plan=plan, lot_quantity=Decimal("500"),
                   status="passed", severity="normal", inspection_level="II", code_letter="H", verdict="accept",
                   signed_by=qc, signed_at=start + timedelta(days=i), created_by=qc)
        for i in range(INSPECTIONS)])
    InspectionClassPlan.objects.bulk_create([
        InspectionClassPlan(inspection=inspection, defect_class="major", aql="1.0", plan_letter="H",
                            table_sample_size=SAMPLES, sample_size=SAMPLES, acceptance=1, rejection=2, defects=0)
        for inspection in inspections])
    rng = random.Random(7)
    rows = []
    for inspection in inspections:
        for sample_no in range(1, SAMPLES + 1):
            value = Decimal(str(round(rng.gauss(10, 0.012), 4)))
            rows.append(Measurement(inspection=inspection, characteristic=characteristics[0], sample_no=sample_no,
                                    value=value, is_defect=abs(value - 10) > Decimal("0.05"), recorded_by=qc))
    for i in range(200):
        rows.append(Measurement(inspection=inspections[i], characteristic=characteristics[1 + i % 3],
                                sample_no=1, value=Decimal("10.2"), is_defect=True, recorded_by=qc))
    Measurement.objects.bulk_create(rows, batch_size=5000)
    return product



def run(*, requests=30, log=print):
    from orders.demo_data import ensure_role_users

    qc = ensure_role_users()["qc"]
    product = ensure_data(qc, log=log)
    client = Client()
    client.force_login(qc)
    base = reverse("quality:spc") + f"?product={product.pk}&characteristic=Diameter"
    rows = []
    for name, url in (("SPC page, X̄-R of 1,000 inspections + Pareto", base + "&subgroups=1000"),
                      ("SPC page, X̄-R of the last 100 inspections", base + "&subgroups=100")):
        log(f"  {name} ...")
        rows += page_rows(name, measure_get(client, url, requests), p95_target=PAGE_P95_TARGET,
                          max_queries=PAGE_MAX_QUERIES)
    return rows
