"""Reads for the quality pages and the inspection report, each a fixed number of queries."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, BooleanField, Case, Count, Exists, Max, Min, OuterRef, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from inventory.models import Item, Lot
from orders.models import Product

from . import spc
from .filters import INSPECTION_SORTS, InspectionFilter, NonconformanceFilter
from .models import (
    FINISHED_STATUSES,
    QUEUE_STATUSES,
    Characteristic,
    Inspection,
    InspectionAttachment,
    InspectionClassPlan,
    InspectionEvent,
    InspectionPlan,
    Measurement,
    Nonconformance,
    NonconformanceEvent,
    SamplingState,
    SamplingStateEvent,
)
from .values import plain

VIEW = "quality.view_inspection"
# Rush orders (急单) first; NULL-safe for inspections without an order (goods receipts).
RUSH_FIRST = Case(When(order__priority="rush", then=Value(True)), default=Value(False), output_field=BooleanField())
VIEW_NCR = "quality.view_nonconformance"


def inspections_visible_to(user):
    """Inspections a user may open: everyone with the view permission sees all of them."""
    if not user.has_perm(VIEW):
        return Inspection.objects.none()
    return Inspection.objects.all()


def nonconformances_visible_to(user):
    if not user.has_perm(VIEW_NCR):
        return Nonconformance.objects.none()
    return Nonconformance.objects.all()


def _inspection_rows(user):
    return (inspections_visible_to(user)
            .select_related("product", "order", "order__customer", "inspector", "signed_by")
            .annotate(rush=RUSH_FIRST))


def inspection_list(user, filters=None):
    """The inspections list: `filters` is the list's query (request.GET) or a dict of the same names."""
    return InspectionFilter(filters or {}, _inspection_rows(user)).qs


def inspection_queue(user, search=""):
    """Open inspections, rush first (急单), then oldest first."""
    rows = _inspection_rows(user).filter(status__in=QUEUE_STATUSES)
    return InspectionFilter({"q": search}, rows).qs.order_by(*INSPECTION_SORTS["queue"])


def inspection_for_page(user, pk):
    """One inspection with everything its page shows (plans, events, attachments, NCR)."""
    return (inspections_visible_to(user)
            .select_related("product", "order", "order__customer", "order_line", "plan", "inspector", "signed_by",
                            "approved_by", "created_by", "inventory_lot")
            .prefetch_related(
                Prefetch("class_plans", queryset=InspectionClassPlan.objects.order_by("id")),
                Prefetch("events", queryset=InspectionEvent.objects.select_related("actor").order_by("created_at",
                                                                                                     "id")),
                "attachments", "attachments__uploaded_by")
            .annotate(has_ncr=Exists(Nonconformance.objects.filter(inspection=OuterRef("pk"))))
            .filter(pk=pk).first())


@dataclass
class Cell:
    characteristic: Characteristic
    sample_no: int
    measurement: Measurement | None
    active: bool  # the sample is part of this class's sample

    @property
    def text(self):
        m = self.measurement
        if m is None:
            return ""
        if m.value is not None:
            return plain(m.value)
        return "pass" if m.passed else "fail"


@dataclass
class SampleRow:
    sample_no: int
    cells: list = field(default_factory=list)

    @property
    def has_defect(self):
        return any(cell.measurement is not None and cell.measurement.is_defect for cell in self.cells)


def sample_grid(inspection, characteristics=None, *, first=1, last=None):
    """Rows of samples (first..last) × the plan's characteristics with what was recorded: 2 queries."""
    if characteristics is None:
        characteristics = list(Characteristic.objects.filter(plan_id=inspection.plan_id).order_by("position"))
    sizes = {row.defect_class: row.sample_size for row in inspection.class_plans.all()}
    largest = max(sizes.values(), default=0)
    last = min(last or largest, largest)
    measurements = {(m.characteristic_id, m.sample_no): m for m in
                    Measurement.objects.filter(inspection=inspection, sample_no__gte=first, sample_no__lte=last)}
    rows = []
    for sample_no in range(first, last + 1):
        row = SampleRow(sample_no=sample_no)
        for c in characteristics:
            row.cells.append(Cell(characteristic=c, sample_no=sample_no,
                                  measurement=measurements.get((c.pk, sample_no)),
                                  active=sample_no <= sizes.get(c.defect_class, 0)))
        rows.append(row)
    return characteristics, rows


def progress(inspection):
    """(recorded cells, cells to record) of a started inspection: 2 queries."""
    sizes = {row.defect_class: row.sample_size for row in inspection.class_plans.all()}
    per_class = Characteristic.objects.filter(plan_id=inspection.plan_id).values("defect_class").annotate(n=Count("id"))
    needed = sum(row["n"] * sizes.get(row["defect_class"], 0) for row in per_class)
    recorded = Measurement.objects.filter(inspection=inspection).count()
    return recorded, needed


def nonconformance_list(user, filters=None):
    rows = (nonconformances_visible_to(user)
            .select_related("inspection", "product", "order", "decided_by", "rework_work_order")
            .annotate(rush=RUSH_FIRST))
    return NonconformanceFilter(filters or {}, rows).qs.order_by("-rush", "-created_at", "-id")


def nonconformance_for_page(user, pk):
    return (nonconformances_visible_to(user)
            .select_related("inspection", "inspection__order_line", "inspection__inventory_lot", "product", "order",
                            "decided_by", "approved_by", "rework_work_order", "replacement_work_order")
            .prefetch_related(Prefetch("events", queryset=NonconformanceEvent.objects.select_related("actor")
                                       .order_by("created_at", "id")),
                              Prefetch("inspection__class_plans", queryset=InspectionClassPlan.objects.order_by("id")))
            .filter(pk=pk).first())


def plan_products(*, search="", page_rows=None):
    """Products with their active plan version and scheme state, for the plans list."""
    active = InspectionPlan.objects.filter(product=OuterRef("pk"), is_active=True)
    rows = (Product.objects.filter(is_active=True)
            .annotate(has_plan=Exists(active))
            .select_related("sampling_state")
            .prefetch_related(Prefetch("inspection_plans", queryset=InspectionPlan.objects.filter(is_active=True)
                                       .annotate(n=Count("characteristics")), to_attr="active_plans")))
    search = (search or "").strip()
    if search:
        rows = rows.filter(Q(sku__icontains=search) | Q(name__icontains=search))
    return rows.order_by("sku")


def plan_product(pk):
    """The product whose inspection plan a page edits (404 when there is none)."""
    return get_object_or_404(Product, pk=pk)


def active_plan(product):
    return InspectionPlan.objects.filter(product=product, is_active=True).prefetch_related("characteristics").first()


def plan_version(product, pk):
    """One version of the product's plan with its characteristics, or None."""
    return InspectionPlan.objects.filter(product=product, pk=pk).prefetch_related("characteristics").first()


def plan_version_or_404(product, version: str):
    return get_object_or_404(InspectionPlan, product=product, pk=int(version) if version.isdigit() else 0)


def plan_characteristics(inspection):
    """The inspection's plan characteristics by id."""
    return {c.pk: c for c in Characteristic.objects.filter(plan_id=inspection.plan_id)}


def plan_characteristic(inspection, pk):
    """One characteristic of the inspection's plan (404 for any other)."""
    return get_object_or_404(Characteristic, pk=pk, plan_id=inspection.plan_id)


def attachment(user, pk):
    """An inspection's attachment; PermissionDenied when the inspection is not the user's to see."""
    found = get_object_or_404(InspectionAttachment.objects.select_related("inspection"), pk=pk)
    if not inspections_visible_to(user).filter(pk=found.inspection_id).exists():
        raise PermissionDenied(_("You may not see this inspection."))
    return found


def receipt_lot(product, lot_number):
    """The stock lot an incoming inspection quarantines: the product's item's lot with this number, if any."""
    item = Item.objects.filter(product=product).first()
    return Lot.objects.filter(item=item, number=lot_number.strip()).first() if item else None


def plan_versions(product):
    return (InspectionPlan.objects.filter(product=product).select_related("created_by")
            .annotate(entry_count=Count("characteristics")).order_by("-version"))


def sampling_state(product):
    return SamplingState.objects.filter(product=product).first()


def sampling_events(product, limit=20):
    return list(SamplingStateEvent.objects.filter(product=product).select_related("actor", "inspection")
                .order_by("-created_at", "-id")[:limit])


# --- SPC -----------------------------------------------------------------------------------------

def measured_characteristic_names(product):
    """Names of the product's measured characteristics over all plan versions (one query)."""
    return list(Characteristic.objects.filter(plan__product=product, kind="measured")
                .order_by("name").values_list("name", flat=True).distinct())


def spc_characteristic(product, name):
    """The characteristic as the active plan (else the latest version) defines it: its tolerances."""
    return (Characteristic.objects.filter(plan__product=product, name=name, kind="measured")
            .order_by("-plan__is_active", "-plan__version").first())


def spc_subgroups(product, name, last):
    """The last `last` signed inspections' subgroups of a characteristic, oldest first: size, mean and
    range of its first 25 samples. Two queries whatever the number of inspections: the inspections by
    the (product, status, signed_at) index, then their values aggregated in SQL per inspection."""
    inspections = list(Inspection.objects
                       .filter(product=product, status__in=FINISHED_STATUSES, signed_at__isnull=False)
                       .order_by("-signed_at", "-id").values_list("id", "number", "signed_at")[:last])
    stats = {row["inspection_id"]: row for row in
             Measurement.objects
             .filter(inspection_id__in=[pk for pk, _number, _signed in inspections],
                     characteristic__in=Characteristic.objects.filter(plan__product=product, name=name,
                                                                      kind="measured"),
                     value__isnull=False, sample_no__lte=spc.MAX_SUBGROUP)
             .values("inspection_id")
             .annotate(n=Count("id"), mean=Avg("value"), low=Min("value"), high=Max("value"))
             .order_by()}
    groups = []
    for pk, number, signed_at in reversed(inspections):
        row = stats.get(pk)
        if row is not None and row["n"] >= 2:
            groups.append(spc.Subgroup(label=number, size=row["n"], mean=float(row["mean"]),
                                       range=float(row["high"] - row["low"]), when=signed_at))
    return groups


def defect_counts(product, *, start=None, end=None):
    """(characteristic, defect class, defects) of the product's signed inspections in [start, end)."""
    rows = Measurement.objects.filter(inspection__product=product, inspection__status__in=FINISHED_STATUSES,
                                      is_defect=True)
    if start is not None:
        rows = rows.filter(inspection__signed_at__gte=start)
    if end is not None:
        rows = rows.filter(inspection__signed_at__lt=end)
    return [(row["characteristic__name"], row["characteristic__defect_class"], row["n"]) for row in
            rows.values("characteristic__name", "characteristic__defect_class").annotate(n=Count("id"))]
