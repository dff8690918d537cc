"""The rush review (急单评审): a request to make an order a rush order, the three reviews that judge it
(planning/production, the warehouse, QC) with the facts the system gathered, and the manager's decision.
Every step is an event (who, when, from, to, why). The request's status is a protected django-fsm machine
declared here: under review → approved (every area signed, none "not feasible") or rejected, by a manager."""

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from history.models import Event
from inventory.models import MaterialDelay, Supplier
from orders.models import Currency, Order
from planning.models import WorkCenter, WorkOrderOperation
from production.models import ExceptionReport
from systemtext.fields import StoredTextField, TextValuesField


class RushStatus(models.TextChoices):
    REQUESTED = "requested", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewArea(models.TextChoices):
    PLANNING = "planning", _("Planning and production")
    WAREHOUSE = "warehouse", _("Warehouse (materials)")
    QUALITY = "quality", _("Quality control")


class Verdict(models.TextChoices):
    FEASIBLE = "feasible", _("Feasible")
    CONDITIONAL = "conditional", _("Feasible with conditions")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")


APPROVE_PERMISSION = "rush.approve_rushrequest"


def _all_reviews_signed(request):
    return not request.missing_areas()


def _none_not_feasible(request):
    return not request.not_feasible_reviews().exists()


class RushRequest(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="rush_requests")
    requested_date = models.DateField(_("needed by"))
    reason = models.CharField(_("reason"), max_length=300)
    status = fsm.FSMField(_("status"), max_length=12, choices=RushStatus.choices, default=RushStatus.REQUESTED,
                          db_index=True, protected=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    # The facts gathered when it was asked for (schedule what-if, materials, QC load), and again at the
    # decision: the impact that was shown when the manager said yes.
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    decision_facts = models.JSONField(_("facts at the decision"), default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("decision reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("rush request")
        verbose_name_plural = _("rush requests")
        permissions = [("approve_rushrequest", _("Can approve or reject rush requests")),
                       ("review_rushrequest", _("Can sign a rush review"))]
        constraints = [models.UniqueConstraint(fields=["order"], condition=Q(status="requested"),
                                               name="rush_one_open_request_per_order")]

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status == RushStatus.REQUESTED

    def missing_areas(self):
        """The review areas not signed yet."""
        signed = set(self.reviews.values_list("area", flat=True))
        return [area for area in ReviewArea.values if area not in signed]

    def not_feasible_reviews(self):
        return self.reviews.filter(verdict=Verdict.NOT_FEASIBLE)

    # --- the state machine; rush.services does the work (the order made rush, the schedule), takes the
    # transition and writes the event.
    @fsm.transition(status, source=RushStatus.REQUESTED, target=RushStatus.APPROVED, permission=APPROVE_PERMISSION,
                    conditions=[_all_reviews_signed, _none_not_feasible])
    def approve(self):
        pass

    @fsm.transition(status, source=RushStatus.REQUESTED, target=RushStatus.REJECTED, permission=APPROVE_PERMISSION)
    def reject(self):
        pass


class RushReview(models.Model):
    """One area's signed judgement of a rush request."""

    request = models.ForeignKey(RushRequest, on_delete=models.CASCADE, related_name="reviews")
    area = models.CharField(_("area"), max_length=12, choices=ReviewArea.choices)
    verdict = models.CharField(_("verdict"), max_length=14, choices=Verdict.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reviewer"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        ordering = ["request", "area"]
        verbose_name = _("rush review")
        verbose_name_plural = _("rush reviews")
        constraints = [models.UniqueConstraint(fields=["request", "area"], name="rush_review_once_per_area")]

    def __str__(self):
        return f"{self.request_id} {self.area}"


class RushAction(models.TextChoices):
    REQUESTED = "requested", _("Rush requested")
    REVIEWED = "reviewed", _("Review signed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RushEvent(Event):
    request = models.ForeignKey(RushRequest, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=RushAction.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=RushStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=RushStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("rush request event")
        verbose_name_plural = _("rush request events")

    def __str__(self):
        return f"{self.request_id} {self.action}"


# --- Decisions on delays (seed 003: "如因制程异常耽误交期,生产办必须立即书面向总经办申请批示,并将总经办批示后的
# 报告及时分发通知经营课"): rush.decisions.


class DecisionOption(models.TextChoices):
    OVERTIME = "overtime", _("Overtime")
    OUTSOURCE = "outsource", _("Outside resources (outsourcing)")
    RESEQUENCE = "resequence", _("Resequence the plan")
    NEW_DATE = "new_date", _("Accept a new date")


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the general manager")
    DECIDED = "decided", _("Decided")


DECIDE_PERMISSION = "rush.decide_delaydecision"


def _option_offered(decision):
    return decision.option(decision.chosen_option) is not None


class DelayDecision(fsm.ConcurrentTransitionMixin, models.Model):
    """A decision request to the general manager's office (总经办) on a delay that threatens a rush order's
    date, raised from a process exception or a material delay: the options with their impact (the finish
    and the date each would give), then the decision with its reason, distributed and carried out."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="delay_decisions")
    exception_report = models.ForeignKey(ExceptionReport, verbose_name=_("process exception"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="delay_decisions")
    material_delay = models.ForeignKey(MaterialDelay, verbose_name=_("material delay"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="delay_decisions")
    # Typed by the requester, or (raised automatically, rush.decisions.raise_threatened_decisions) a message id
    # with its values, read in each reader's language.
    situation = StoredTextField(_("situation"))
    situation_values = TextValuesField()
    status = fsm.FSMField(_("status"), max_length=10, choices=DecisionStatus.choices,
                          default=DecisionStatus.PENDING, db_index=True, protected=True)
    # The plan's finish and the due date when it was asked for, and the options offered with their impact
    # (rush.decision_options): {"finish", "due", "options": [{"option", "finish", "date", "note", ...}]}.
    facts = models.JSONField(_("options and impact"), default=dict, blank=True)
    # What the options name: the overtime (work center, day, from, to), the operation to outsource and to whom.
    overtime_work_center = models.ForeignKey(WorkCenter, verbose_name=_("overtime work center"), null=True,
                                             blank=True, on_delete=models.PROTECT, related_name="+")
    overtime_date = models.DateField(_("overtime day"), null=True, blank=True)
    overtime_start = models.TimeField(_("overtime from"), null=True, blank=True)
    overtime_end = models.TimeField(_("overtime until"), null=True, blank=True)
    outsource_operation = models.ForeignKey(WorkOrderOperation, verbose_name=_("operation to outsource"),
                                            null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outsource_supplier = models.ForeignKey(Supplier, verbose_name=_("outside supplier"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    # The outside supplier's price for the outsourced operation (counted in the rush completion summary's
    # cost of expediting when outsourcing is decided).
    outsource_cost = models.DecimalField(_("outsourcing cost"), max_digits=12, decimal_places=2, null=True,
                                         blank=True)
    outsource_currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    proposed_date = models.DateField(_("proposed new date"), null=True, blank=True)
    # None: raised by the system when the exception or the delay threatened the promised date.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    chosen_option = models.CharField(_("decision"), max_length=12, choices=DecisionOption.choices, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("delay decision")
        verbose_name_plural = _("delay decisions")
        permissions = [("decide_delaydecision", _("Can decide on delays (general manager's office)"))]
        constraints = [models.UniqueConstraint(fields=["order"], condition=Q(status="pending"),
                                               name="rush_one_pending_delay_decision_per_order"),
                       # Raised automatically once per cause and order.
                       models.UniqueConstraint(fields=["order", "exception_report"],
                                               condition=Q(requested_by__isnull=True, exception_report__isnull=False),
                                               name="rush_auto_decision_once_per_exception"),
                       models.UniqueConstraint(fields=["order", "material_delay"],
                                               condition=Q(requested_by__isnull=True, material_delay__isnull=False),
                                               name="rush_auto_decision_once_per_material_delay")]

    def __str__(self):
        return self.number

    @property
    def raised_automatically(self):
        return self.requested_by_id is None

    def option(self, name):
        return next((option for option in self.facts.get("options", []) if option.get("option") == name), None)

    @fsm.transition(status, source=DecisionStatus.PENDING, target=DecisionStatus.DECIDED,
                    permission=DECIDE_PERMISSION, conditions=[_option_offered])
    def decide(self):
        pass


class DecisionAction(models.TextChoices):
    REQUESTED = "requested", _("Decision requested")
    RAISED = "raised", _("Decision requested automatically")
    DECIDED = "decided", _("Decided")
    CARRIED_OUT = "carried_out", _("Carried out")


class DelayDecisionEvent(Event):
    decision = models.ForeignKey(DelayDecision, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=DecisionAction.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=DecisionStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=DecisionStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("delay decision event")
        verbose_name_plural = _("delay decision events")

    def __str__(self):
        return f"{self.decision_id} {self.action}"
# Delay responsibility and supplier replies (issue 17.5, 17.6) live in rush.delay_models; imported here
# because Django finds an app's models in its models module.
from .delay_models import DelayCause, DelayResponsibility, Department, SupplierReply  # noqa: E402, F401
from .drawing_models import (  # noqa: E402, F401 - part of rush's models
    CopyStatus,
    DrawingAction,
    DrawingAttachment,
    DrawingCopy,
    DrawingEvent,
    TemporaryDrawing,
)
from .summary_models import RushSummary  # noqa: E402, F401 - the rush completion summary (rush.summary)
