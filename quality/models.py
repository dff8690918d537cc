"""Quality inspection: inspection plans (versioned per product), inspections with their samples,
the sampling scheme's state per product, and nonconformance reports (NCR) with their disposition.

- An inspection plan lists the characteristics checked on a product: measured ones (nominal with a
  lower and upper tolerance, unit, instrument) and attributes (pass/fail, e.g. visual), each of a
  defect class (critical, major, minor); the plan sets the inspection level and the AQL per class.
  Plans are versioned like BOMs and routings: saving a change writes a new active version, earlier
  versions are kept, an inspection keeps the version it was started with.
- An inspection (QI-2026-00001) is a lot of one product: opened when an order reaches awaiting_qc
  (one per order line) or by hand for a goods receipt. Starting it fixes the plan version, the
  severity (normal / tightened / reduced) and per defect class the sampling plan (n, Ac, Re) from
  quality.sampling. Values are recorded per sample; the inspector signs; the verdict follows Ac/Re
  per class (a class with defects ≥ Re rejects the lot). A verdict against Ac/Re waits for a manager.
- A failed inspection opens an NCR (NCR-2026-00001) whose disposition (rework, scrap, concession,
  return to supplier) decides what happens to the lot; every step is an event on its timeline.

Append-only event tables record who did what when (InspectionEvent, NonconformanceEvent,
SamplingStateEvent).
"""

from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import AppendOnlyModel, Event
from orders.models import QTY, Order, OrderLine, Product
from orders.quantities import format_number
from systemtext.fields import StoredCharField, StoredTextField, TextValuesField

from . import sampling

MEASURE = {"max_digits": 14, "decimal_places": 4}
AQL_CHOICES = [(str(value), str(value)) for value in sampling.AQL_VALUES]


class InspectionLevel(models.TextChoices):
    S1 = "S-1", "S-1"
    S2 = "S-2", "S-2"
    S3 = "S-3", "S-3"
    S4 = "S-4", "S-4"
    I = "I", "I"  # noqa: E741 - the standard's name of the level
    II = "II", "II"
    III = "III", "III"


class DefectClass(models.TextChoices):
    # 致命 is GB/T 2828.1's word for a critical defect; alerts' and exceptions' "Critical" mean 紧急.
    CRITICAL = "critical", pgettext_lazy("defect class", "Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


DEFECT_CLASSES = [DefectClass.CRITICAL, DefectClass.MAJOR, DefectClass.MINOR]


class CharacteristicKind(models.TextChoices):
    MEASURED = "measured", _("Measured value")
    ATTRIBUTE = "attribute", _("Attribute (pass/fail)")


class Severity(models.TextChoices):
    NORMAL = sampling.NORMAL, _("Normal")
    TIGHTENED = sampling.TIGHTENED, _("Tightened")
    REDUCED = sampling.REDUCED, _("Reduced")


# --- inspection plans ----------------------------------------------------------------------------

class InspectionPlan(models.Model):
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="inspection_plans")
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("active"), default=False)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    inspection_level = models.CharField(_("inspection level"), max_length=3, choices=InspectionLevel.choices,
                                        default=InspectionLevel.II)
    aql_critical = models.CharField(_("AQL critical"), max_length=6, choices=AQL_CHOICES, default="0.10")
    aql_major = models.CharField(_("AQL major"), max_length=6, choices=AQL_CHOICES, default="1.0")
    aql_minor = models.CharField(_("AQL minor"), max_length=6, choices=AQL_CHOICES, default="2.5")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["product", "-version"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [
            models.UniqueConstraint(fields=["product", "version"], name="inspection_plan_version_unique"),
            models.UniqueConstraint(fields=["product"], condition=Q(is_active=True),
                                    name="inspection_plan_one_active_per_product"),
        ]

    def __str__(self):
        return f"{self.product.sku} v{self.version}"

    def aql_for(self, defect_class):
        return getattr(self, f"aql_{defect_class}")


class Characteristic(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="characteristics")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("characteristic"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=CharacteristicKind.choices,
                            default=CharacteristicKind.MEASURED)
    defect_class = models.CharField(_("defect class"), max_length=10, choices=DefectClass.choices,
                                    default=DefectClass.MAJOR)
    nominal = models.DecimalField(_("nominal"), **MEASURE, null=True, blank=True)
    lower_tolerance = models.DecimalField(_("lower tolerance"), **MEASURE, null=True, blank=True,
                                          help_text=_("Deviation from the nominal, e.g. -0.05."))
    upper_tolerance = models.DecimalField(_("upper tolerance"), **MEASURE, null=True, blank=True,
                                          help_text=_("Deviation from the nominal, e.g. +0.05."))
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    instrument = models.CharField(_("instrument"), max_length=100, blank=True)
    method = models.CharField(_("method / criterion"), max_length=200, blank=True,
                              help_text=_("How an attribute is judged, e.g. “no scratches visible at 50 cm”."))
    # The physically possible values (pH 0 to 14, a length not below 0): a reading outside them is a typing
    # or instrument error and is refused, unlike a reading outside the tolerance, which is a defect.
    possible_min = models.DecimalField(_("lowest possible value"), **MEASURE, null=True, blank=True)
    possible_max = models.DecimalField(_("highest possible value"), **MEASURE, null=True, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("characteristic")
        verbose_name_plural = _("characteristics")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="characteristic_position_unique"),
            models.CheckConstraint(
                condition=~Q(kind="measured") | Q(nominal__isnull=False, lower_tolerance__isnull=False,
                                                  upper_tolerance__isnull=False),
                name="characteristic_measured_has_tolerances"),
            models.CheckConstraint(condition=Q(lower_tolerance__isnull=True) | Q(upper_tolerance__isnull=True)
                                   | Q(lower_tolerance__lt=models.F("upper_tolerance")),
                                   name="characteristic_tolerance_order"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_measured(self):
        return self.kind == CharacteristicKind.MEASURED

    @property
    def lower_limit(self):
        return self.nominal + self.lower_tolerance if self.is_measured else None

    @property
    def upper_limit(self):
        return self.nominal + self.upper_tolerance if self.is_measured else None

    def within_tolerance(self, value: Decimal) -> bool:
        return self.lower_limit <= value <= self.upper_limit

    def is_possible(self, value: Decimal) -> bool:
        return ((self.possible_min is None or value >= self.possible_min)
                and (self.possible_max is None or value <= self.possible_max))

    @property
    def spec_text(self):
        """“10 −0.05/+0.05 mm” for a measured value, the criterion for an attribute."""
        if not self.is_measured:
            return self.method

        def signed(value):
            text = format(value.normalize(), "f")
            return text.replace("-", "−") if value < 0 else f"+{text}"

        nominal = format(self.nominal.normalize(), "f")
        return f"{nominal} {signed(self.lower_tolerance)}/{signed(self.upper_tolerance)} {self.unit}".strip()

    @property
    def possible_text(self):
        """“0 … 14 pH”, “≥ 0 mm”, “≤ 100 %”; empty when unbounded or an attribute (signs read the same in
        every language)."""
        low, high = self.possible_min, self.possible_max
        if not self.is_measured or (low is None and high is None):
            return ""
        if low is not None and high is not None:
            text = f"{format_number(low)} … {format_number(high)}"
        elif low is not None:
            text = f"≥ {format_number(low)}"
        else:
            text = f"≤ {format_number(high)}"
        return f"{text} {self.unit}".strip().replace("-", "−")


# --- the sampling scheme per product -------------------------------------------------------------

class SamplingState(models.Model):
    """Where a product stands in the switching rules (quality.switching)."""

    product = models.OneToOneField(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                   related_name="sampling_state")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    switching_score = models.PositiveIntegerField(_("switching score"), default=0)
    recent = models.CharField(_("recent lots"), max_length=5, blank=True,
                              help_text=_("A = accepted, R = not accepted, since the last switch."))
    tightened_rejections = models.PositiveIntegerField(_("lots not accepted on tightened"), default=0)
    discontinued = models.BooleanField(_("inspection discontinued"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sampling state")
        verbose_name_plural = _("sampling states")
        permissions = [("resume_sampling", _("Can resume a discontinued sampling scheme"))]

    def __str__(self):
        return f"{self.product_id}: {self.severity}"


class SamplingStateEvent(AppendOnlyModel):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="sampling_events")
    inspection = models.ForeignKey("Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_severity = models.CharField(_("from"), max_length=12, blank=True)
    to_severity = models.CharField(_("to"), max_length=12)
    reason = models.CharField(_("reason"), max_length=40)
    note = StoredTextField(_("note"), blank=True)
    note_values = TextValuesField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sampling state change")
        verbose_name_plural = _("sampling state changes")

    def __str__(self):
        return f"{self.product_id}: {self.from_severity} → {self.to_severity}"


# --- inspections ---------------------------------------------------------------------------------


class InspectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("inspection status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("inspection status", "In progress")
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    PASSED = "passed", pgettext_lazy("inspection status", "Passed")
    FAILED = "failed", pgettext_lazy("inspection status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("inspection status", "Cancelled")


IS = InspectionStatus
QUEUE_STATUSES = [IS.OPEN, IS.IN_PROGRESS, IS.PENDING_APPROVAL]
FINISHED_STATUSES = [IS.PASSED, IS.FAILED]


class InspectionSource(models.TextChoices):
    PRODUCTION = "production", _("Final inspection (production)")
    RECEIPT = "receipt", _("Incoming inspection (goods receipt)")


class Verdict(models.TextChoices):
    # GB/T 2828.1's words for a lot: 接收 / 拒收 (an order or a change is 驳回, a proposal 接受).
    ACCEPT = "accept", pgettext_lazy("lot verdict", "Accept")
    REJECT = "reject", pgettext_lazy("lot verdict", "Reject")


class Inspection(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("inspection number"), max_length=20, unique=True, editable=False)
    source = models.CharField(_("kind"), max_length=12, choices=InspectionSource.choices,
                              default=InspectionSource.PRODUCTION)
    order = models.ForeignKey(Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="inspections")
    order_line = models.ForeignKey(OrderLine, verbose_name=_("order line"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="inspections")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="inspections")
    plan = models.ForeignKey(InspectionPlan, verbose_name=_("inspection plan"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="inspections")
    lot_quantity = models.DecimalField(_("lot quantity"), **QTY)
    lot_number = models.CharField(_("lot number"), max_length=60, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    inventory_lot = models.ForeignKey("inventory.Lot", verbose_name=_("stock lot"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="inspections")
    status = fsm.FSMField(_("status"), max_length=20, choices=InspectionStatus.choices, default=IS.OPEN,
                          protected=True, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    inspection_level = models.CharField(_("inspection level"), max_length=3, choices=InspectionLevel.choices,
                                        blank=True)
    code_letter = models.CharField(_("code letter"), max_length=1, blank=True)
    computed_verdict = models.CharField(_("verdict by Ac/Re"), max_length=8, choices=Verdict.choices, blank=True)
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices, blank=True)
    forced_verdict = models.CharField(_("verdict asked against Ac/Re"), max_length=8, choices=Verdict.choices,
                                      blank=True)
    forced_reason = models.TextField(_("reason for the verdict against Ac/Re"), blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("inspector"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("signed by"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, db_index=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    accepted_quantity = models.DecimalField(_("accepted quantity"), **QTY, null=True, blank=True)
    stock_note = StoredCharField(_("stock posting"), max_length=300, blank=True)
    stock_note_values = TextValuesField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        permissions = [
            ("record_inspection", _("Can carry out inspections (record values, sign)")),
            ("approve_inspection", _("Can approve verdicts against Ac/Re and concessions")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(lot_quantity__gt=0), name="inspection_lot_quantity_positive"),
        ]
        indexes = [models.Index(fields=["product", "status", "signed_at"], name="inspection_product_signed")]

    def __str__(self):
        return self.number

    @property
    def is_rush(self):
        return self.order is not None and self.order.is_rush

    @property
    def lot_size(self):
        """The lot size N for sampling: whole items (a part item counts as one)."""
        return int(self.lot_quantity.to_integral_value(rounding="ROUND_CEILING"))

    # Transitions declare source and target; quality.services does the work and writes the event.
    @fsm.transition(status, source=IS.OPEN, target=IS.IN_PROGRESS)
    def start(self):
        pass

    @fsm.transition(status, source=IS.IN_PROGRESS, target=IS.PENDING_APPROVAL)
    def ask_approval(self):
        pass

    @fsm.transition(status, source=IS.PENDING_APPROVAL, target=IS.IN_PROGRESS)
    def decline_approval(self):
        pass

    @fsm.transition(status, source=[IS.IN_PROGRESS, IS.PENDING_APPROVAL], target=IS.PASSED)
    def pass_lot(self):
        pass

    @fsm.transition(status, source=[IS.IN_PROGRESS, IS.PENDING_APPROVAL], target=IS.FAILED)
    def fail_lot(self):
        pass

    @fsm.transition(status, source=[IS.OPEN, IS.IN_PROGRESS, IS.PENDING_APPROVAL], target=IS.CANCELLED)
    def cancel(self):
        pass


class InspectionClassPlan(models.Model):
    """The sampling plan of one defect class for one inspection, and the defects found."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="class_plans")
    defect_class = models.CharField(_("defect class"), max_length=10, choices=DefectClass.choices)
    aql = models.CharField(_("AQL"), max_length=6, choices=AQL_CHOICES)
    plan_letter = models.CharField(_("plan letter"), max_length=1)
    table_sample_size = models.PositiveIntegerField(_("sample size in the table"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    acceptance = models.PositiveIntegerField(_("Ac"))
    rejection = models.PositiveIntegerField(_("Re"))
    tighter_acceptance = models.PositiveIntegerField(_("Ac one AQL step tighter"), null=True, blank=True)
    defects = models.PositiveIntegerField(_("defects found"), null=True, blank=True)

    class Meta:
        ordering = ["inspection", "defect_class"]
        verbose_name = _("sampling plan of a defect class")
        verbose_name_plural = _("sampling plans of defect classes")
        constraints = [models.UniqueConstraint(fields=["inspection", "defect_class"],
                                               name="inspection_class_plan_unique")]

    def __str__(self):
        return f"{self.inspection_id} {self.defect_class}: n={self.sample_size} Ac={self.acceptance}"

    @property
    def counts_nonconformities(self):
        return sampling.counts_nonconformities(self.aql)

    @property
    def rejected(self):
        return self.defects is not None and self.defects >= self.rejection


class Measurement(models.Model):
    """One characteristic of one sample: the measured value, or pass/fail for an attribute."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="measurements")
    characteristic = models.ForeignKey(Characteristic, on_delete=models.PROTECT, related_name="measurements")
    sample_no = models.PositiveIntegerField(_("sample"))
    value = models.DecimalField(_("value"), **MEASURE, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    is_defect = models.BooleanField(_("defect"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["inspection", "sample_no", "characteristic"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "characteristic", "sample_no"],
                                    name="measurement_unique_cell"),
            models.CheckConstraint(condition=Q(sample_no__gte=1), name="measurement_sample_positive"),
        ]
        indexes = [models.Index(fields=["characteristic", "inspection", "sample_no"], name="measurement_spc")]

    def __str__(self):
        return f"{self.inspection_id}/{self.characteristic_id}/{self.sample_no}"

    @property
    def is_filled(self):
        return self.value is not None or self.passed is not None


class InspectionAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    STARTED = "started", _("Inspection started")
    VERDICT_FORCED = "verdict_forced", _("Signed with a verdict against Ac/Re")
    VERDICT_DECLINED = "verdict_declined", _("Verdict against Ac/Re declined")
    PASSED = "passed", _("Signed: passed")
    FAILED = "failed", _("Signed: failed")
    CANCELLED = "cancelled", _("Cancelled")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    STOCK_POSTED = "stock_posted", _("Put into stock")
    STOCK_NOT_POSTED = "stock_not_posted", _("Not put into stock")
    SCRAPPED = "scrapped", _("Partly scrapped")


class InspectionEvent(Event):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=InspectionAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=InspectionStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=InspectionStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("inspection event")
        verbose_name_plural = _("inspection events")

    def __str__(self):
        return f"{self.inspection_id} {self.action}"


def attachment_path(attachment, filename):
    now = timezone.localtime()
    return f"quality/attachments/{now:%Y/%m}/{attachment.inspection_id}-{filename}"


class InspectionAttachment(models.Model):
    """A photo or document of an inspection, stored under MEDIA_ROOT and served only through
    quality.views.attachment_download (permission checked)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["inspection", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


# --- nonconformance ------------------------------------------------------------------------------

# The NCR and its state machine (quality.ncr_models), imported here because Django finds an app's models
# in its models module; after Inspection and RecordEvent, which it builds on.
from .ncr_models import NCR, Disposition, Nonconformance, NonconformanceStatus  # noqa: E402, F401


class NonconformanceAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    REWORK = "rework", _("Rework decided")
    SCRAP = "scrap", _("Scrap decided")
    CONCESSION_PROPOSED = "concession_proposed", _("Concession proposed")
    CONCESSION_DECLINED = "concession_declined", _("Concession declined")
    CONCESSION_APPROVED = "concession_approved", _("Concession approved")
    RETURNED = "returned", _("Return to supplier decided")
    REWORK_DONE = "rework_done", _("Rework done, re-inspection opened")
    MAKE_UP = "make_up", _("Make-up work order released")


class NonconformanceEvent(Event):
    ncr = models.ForeignKey(Nonconformance, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=NonconformanceAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=NonconformanceStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=NonconformanceStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("NCR event")
        verbose_name_plural = _("NCR events")

    def __str__(self):
        return f"{self.ncr_id} {self.action}"
