"""Nonconformance reports (NCR-2026-00001): what happens to a lot that failed its inspection, and the
NCR's state machine (a protected FSMField; transitions with their conditions and permissions).

Part of quality's models (re-exported by quality.models, which Django reads).
"""

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders.models import QTY, Order, Product
from planning.models import WorkOrderStatus

from .models import Inspection, InspectionSource


class NonconformanceStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("NCR status", "Open: disposition to decide")
    AWAITING_APPROVAL = "awaiting_approval", _("Concession awaiting approval")
    IN_REWORK = "in_rework", _("In rework")
    CLOSED = "closed", pgettext_lazy("NCR status", "Closed")


NCR = NonconformanceStatus


class Disposition(models.TextChoices):
    REWORK = "rework", _("Rework")
    SCRAP = "scrap", _("Scrap")
    CONCESSION = "concession", _("Concession (use as is)")
    RETURN_TO_SUPPLIER = "return", _("Return to supplier")


DECIDE = "quality.decide_disposition"
APPROVE = "quality.approve_inspection"


def _made_for_an_order(ncr):
    """Rework is done by a work order of the customer order the lot was made for."""
    return ncr.order_id is not None


def _received_goods(ncr):
    """Only a lot that was received (an incoming inspection) goes back to its supplier."""
    return ncr.inspection.source == InspectionSource.RECEIPT


def _approved_by_someone_else(ncr):
    """Four eyes: a concession is approved by a manager other than the one who proposed it. The approver is
    set on the row before the transition is taken, so an approval without an approver is refused too."""
    return ncr.approved_by_id is not None and ncr.approved_by_id != ncr.decided_by_id


def _declined_by_someone_else(ncr):
    """Four eyes the other way too: the one who proposed a concession cannot decline it (and so reopen the NCR
    for a disposition of their own choosing). The one declining is set on the row before the transition is
    taken, so a decline that names nobody is refused too."""
    return ncr.concession_declined_by_id is not None and ncr.concession_declined_by_id != ncr.decided_by_id


def _rework_done(ncr):
    """A reworked lot's NCR closes once its rework work order is done (its re-inspection opens then)."""
    return ncr.rework_work_order_id is None or ncr.rework_work_order.status == WorkOrderStatus.DONE


class Nonconformance(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("NCR number"), max_length=20, unique=True, editable=False)
    inspection = models.OneToOneField(Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT,
                                      related_name="ncr")
    order = models.ForeignKey(Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="nonconformances")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="nonconformances")
    quantity = models.DecimalField(_("nonconforming quantity"), **QTY)
    description = models.TextField(_("nonconformity"), blank=True)
    status = fsm.FSMField(_("status"), max_length=20, choices=NonconformanceStatus.choices, default=NCR.OPEN,
                          db_index=True, protected=True)
    disposition = models.CharField(_("disposition"), max_length=12, choices=Disposition.choices, blank=True)
    disposition_note = models.TextField(_("disposition note"), blank=True)
    scrap_quantity = models.DecimalField(_("scrapped quantity"), **QTY, null=True, blank=True)
    rework_work_order = models.ForeignKey("planning.WorkOrder", verbose_name=_("rework work order"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    # After scrapping, what the order line is still short of is made again by this work order.
    replacement_work_order = models.ForeignKey("planning.WorkOrder", verbose_name=_("make-up work order"),
                                               null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The manager who last declined a proposed concession (the NCR is open again for a new disposition).
    concession_declined_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+",
                                               verbose_name=_("concession declined by"))
    concession_declined_at = models.DateTimeField(_("concession declined at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nonconformance report")
        verbose_name_plural = _("nonconformance reports")
        permissions = [("decide_disposition", _("Can decide the disposition of nonconforming lots"))]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="ncr_quantity_positive"),
            models.CheckConstraint(condition=Q(scrap_quantity__isnull=True) | Q(scrap_quantity__gt=0),
                                   name="ncr_scrap_positive"),
        ]

    def __str__(self):
        return self.number

    # --- the state machine: QC decides the disposition of an open NCR (rework, scrap, a concession that a
    # manager approves or declines, return to supplier); a rework NCR closes when its rework is done.
    # quality.ncr_services does the work, takes the transition and writes the event.
    @fsm.transition(status, source=NCR.OPEN, target=NCR.IN_REWORK, permission=DECIDE, conditions=[_made_for_an_order])
    def rework(self):
        pass

    @fsm.transition(status, source=NCR.OPEN, target=NCR.CLOSED, permission=DECIDE)
    def scrap(self):
        self.closed_at = timezone.now()

    @fsm.transition(status, source=NCR.OPEN, target=NCR.AWAITING_APPROVAL, permission=DECIDE)
    def propose_concession(self):
        pass

    @fsm.transition(status, source=NCR.OPEN, target=NCR.CLOSED, permission=DECIDE, conditions=[_received_goods])
    def return_to_supplier(self):
        self.closed_at = timezone.now()

    @fsm.transition(status, source=NCR.AWAITING_APPROVAL, target=NCR.CLOSED, permission=APPROVE,
                    conditions=[_approved_by_someone_else])
    def approve_concession(self):
        self.closed_at = timezone.now()

    @fsm.transition(status, source=NCR.AWAITING_APPROVAL, target=NCR.OPEN, permission=APPROVE,
                    conditions=[_declined_by_someone_else])
    def decline_concession(self):
        self.disposition = ""
        self.concession_declined_at = timezone.now()

    # Taken by whoever finishes the rework in production (the order's finish_production), not by a role.
    @fsm.transition(status, source=NCR.IN_REWORK, target=NCR.CLOSED, conditions=[_rework_done])
    def close_reworked(self):
        self.closed_at = timezone.now()
