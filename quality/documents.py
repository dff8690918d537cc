"""The inspection report (质量检验报告), registered with the document pipeline from QualityConfig.ready().

Issued for a signed inspection (passed or failed). Labels are bilingual (中文 / English) whatever the
language; the measured values are printed per sample with the tolerances and a pass/fail mark, the
characteristics split into column groups so that a wide plan still fits A4 portrait, and the table
head repeats on every page.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import registry

from . import selectors
from .models import FINISHED_STATUSES, Characteristic, Inspection, InspectionClassPlan

COLUMNS_PER_TABLE = 6


def report_unavailable_reason(inspection):
    if inspection.status not in FINISHED_STATUSES:
        return _("The inspection report is issued once the inspection is signed (this one is %(status)s).") % {
            "status": inspection.get_status_display().lower()}
    return None


def build_inspection_report(inspection, language):
    inspection = (Inspection.objects
                  .select_related("product", "order", "order__customer", "order_line", "plan", "signed_by",
                                  "approved_by", "inspector")
                  .prefetch_related(Prefetch("class_plans", queryset=InspectionClassPlan.objects.order_by("id")))
                  .get(pk=inspection.pk))
    characteristics = list(Characteristic.objects.filter(plan_id=inspection.plan_id).order_by("position"))
    _all, rows = selectors.sample_grid(inspection, characteristics)
    groups = []
    for start in range(0, len(characteristics), COLUMNS_PER_TABLE):
        columns = characteristics[start:start + COLUMNS_PER_TABLE]
        indexes = range(start, start + len(columns))
        groups.append({"characteristics": columns,
                       "rows": [{"sample_no": row.sample_no, "cells": [row.cells[i] for i in indexes]}
                                for row in rows]})
    ncr = getattr(inspection, "ncr", None) if inspection.status == "failed" else None
    return registry.DocumentContent(
        template_name="quality/pdf/inspection_report.html",
        context={
            "inspection": inspection,
            "order": inspection.order,
            "customer": inspection.order.customer if inspection.order else None,
            "class_plans": list(inspection.class_plans.all()),
            "characteristics": characteristics,
            "groups": groups,
            "ncr": ncr,
            "rush": inspection.is_rush,
            "issued_at": timezone.localtime(),
        },
        filename=f"{inspection.number}-inspection-report.pdf",
    )


registry.register(
    "inspection_report",
    label=gettext_lazy("Inspection report"),
    model=Inspection,
    builder=build_inspection_report,
    permission=selectors.VIEW,
    visible_to=selectors.inspections_visible_to,
    unavailable_reason=report_unavailable_reason,
)
