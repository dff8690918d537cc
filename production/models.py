"""Shop-floor execution: the log of what operators did on work order operations, and process exception
reports (工序异常报告) with their events and photos.

The progress itself (status, good/scrap quantities, started/finished times, paused) lives on
planning.WorkOrderOperation, where the Gantt and the scheduler read it; production.services is the only
writer of those fields. Everything recorded here is append-only: logs and events are never changed or
deleted, a report is closed by resolving it.
"""

import uuid
from pathlib import PurePosixPath

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import AppendOnlyModel, Event
from inputs.models import StoredUpload
from orders.models import QTY, Order
from planning.models import WorkCenter, WorkInstruction, WorkOrderOperation, WorkOrderStatus

# --- operation log -------------------------------------------------------------------------------

class OperationAction(models.TextChoices):
    START = "start", pgettext_lazy("shop floor action", "Start")
    PAUSE = "pause", pgettext_lazy("shop floor action", "Pause")
    RESUME = "resume", pgettext_lazy("shop floor action", "Resume")
    REPORT = "report", pgettext_lazy("shop floor action", "Report quantities")
    COMPLETE = "complete", pgettext_lazy("shop floor action", "Complete")


class ScrapReason(models.TextChoices):
    MATERIAL_DEFECT = "material_defect", _("Material defect")
    MACHINE_FAULT = "machine_fault", _("Machine fault")
    SETUP = "setup", _("Setup / first-piece adjustment")
    DIMENSION = "dimension", _("Dimension out of tolerance")
    SURFACE = "surface", _("Surface defect")
    OPERATOR_ERROR = "operator_error", _("Handling or operator error")
    OTHER = "other", _("Other (describe)")


class OperationLog(AppendOnlyModel):
    """One shop-floor action on an operation: who, when, what, the quantities reported with it (the
    increment, not the running total) and the operation's status before and after."""

    operation = models.ForeignKey(WorkOrderOperation, verbose_name=_("operation"), on_delete=models.PROTECT,
                                  related_name="production_logs")
    action = models.CharField(_("action"), max_length=20, choices=OperationAction.choices)
    good_quantity = models.DecimalField(_("good"), **QTY, default=0)
    scrap_quantity = models.DecimalField(_("scrap"), **QTY, default=0)
    scrap_reason = models.CharField(_("scrap reason"), max_length=30, choices=ScrapReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    from_status = models.CharField(_("from"), max_length=20, choices=WorkOrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=WorkOrderStatus.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # On a start: the work instruction version the tablet showed the operator (none when the operation has none).
    work_instruction = models.ForeignKey(WorkInstruction, verbose_name=_("work instruction seen"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("operation log entry")
        verbose_name_plural = _("operation log")
        constraints = [
            models.CheckConstraint(condition=models.Q(good_quantity__gte=0) & models.Q(scrap_quantity__gte=0),
                                   name="operation_log_quantities_not_negative"),
        ]

    def __str__(self):
        return f"{self.operation_id} {self.action}"


# --- process exception reports ---------------------------------------------------------------------

class ExceptionType(models.TextChoices):
    MACHINE_BREAKDOWN = "machine_breakdown", _("Machine breakdown")
    MATERIAL_SHORTAGE = "material_shortage", _("Material shortage")
    QUALITY_PROBLEM = "quality_problem", _("Quality problem")
    TOOLING = "tooling", _("Tooling problem")
    OTHER = "other", _("Other")


class ExceptionSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class ExceptionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("exception report status", "Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("exception report status", "Acknowledged")
    RESOLVED = "resolved", pgettext_lazy("exception report status", "Resolved")


OPEN_EXCEPTION_STATUSES = [ExceptionStatus.OPEN, ExceptionStatus.ACKNOWLEDGED]


HANDLE_PERMISSION = "production.handle_exceptionreport"


def _action_taken_recorded(report):
    """A report is resolved with the action taken written down (also a database constraint)."""
    return bool((report.action_taken or "").strip())


class ExceptionReport(fsm.ConcurrentTransitionMixin, models.Model):
    """A problem on the shop floor, reported by an operator or supervisor. The affected operations and
    orders are found by the system when it is reported and kept, so the report still says what it hit
    after the plan has moved on."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=20, choices=ExceptionType.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=ExceptionSeverity.choices,
                                default=ExceptionSeverity.MEDIUM)
    status = fsm.FSMField(_("status"), max_length=20, choices=ExceptionStatus.choices,
                          default=ExceptionStatus.OPEN, db_index=True, protected=True)
    work_center = models.ForeignKey(WorkCenter, verbose_name=_("work center"), on_delete=models.PROTECT,
                                    related_name="exception_reports")
    operation = models.ForeignKey(WorkOrderOperation, verbose_name=_("operation"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="exception_reports",
                                  help_text=_("The operation the problem was reported on, if one."))
    description = models.TextField(_("description"))
    down_until = models.DateTimeField(_("down until"), null=True, blank=True,
                                      help_text=_("A breakdown: the work center is out of order until then."))
    action_taken = models.TextField(_("action taken"), blank=True)
    affected_operations = models.ManyToManyField(WorkOrderOperation, verbose_name=_("affected operations"),
                                                 blank=True, related_name="+")
    affected_orders = models.ManyToManyField(Order, verbose_name=_("affected orders"), blank=True,
                                             related_name="exception_reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("process exception report")
        verbose_name_plural = _("process exception reports")
        permissions = [
            ("report_exceptionreport", _("Can report process exceptions")),
            ("handle_exceptionreport", _("Can acknowledge and resolve process exceptions")),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="resolved") | ~models.Q(action_taken=""),
                                   name="exception_resolved_has_action_taken"),
        ]
        indexes = [models.Index(fields=["status", "reported_at"], name="exception_status_reported")]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status in OPEN_EXCEPTION_STATUSES

    # --- the state machine: open → acknowledged → resolved (or open → resolved), by production, planners and
    # managers; production.exception_reports does the work, takes the transition and writes the event.
    @fsm.transition(status, source=ExceptionStatus.OPEN, target=ExceptionStatus.ACKNOWLEDGED,
                    permission=HANDLE_PERMISSION)
    def acknowledge(self):
        pass

    @fsm.transition(status, source=OPEN_EXCEPTION_STATUSES, target=ExceptionStatus.RESOLVED,
                    permission=HANDLE_PERMISSION, conditions=[_action_taken_recorded])
    def resolve(self):
        pass


class ExceptionAction(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    PHOTOS_ADDED = "photos_added", _("Photos added")
    WORK_CENTER_BACK = "work_center_back", _("Work center back in service")


class ExceptionEvent(Event):
    """Append-only history of a report: reported, acknowledged, resolved, photos added (who, when, note)."""

    report = models.ForeignKey(ExceptionReport, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=ExceptionAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ExceptionStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ExceptionStatus.choices, blank=True)
    # Every step of a report is someone's (the base allows the system as actor).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))

    class Meta(Event.Meta):
        verbose_name = _("exception report event")
        verbose_name_plural = _("exception report events")

    def __str__(self):
        return f"{self.report_id} {self.action}"


def photo_path(instance, filename):
    """Uploads are stored under a random name (the user's file name is kept only as a label)."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"production/exceptions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ExceptionPhoto(StoredUpload):
    """A photo attached to a report: stored under MEDIA_ROOT, served only by a permission-checked view."""

    report = models.ForeignKey(ExceptionReport, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_path, max_length=200)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("exception photo")
        verbose_name_plural = _("exception photos")
