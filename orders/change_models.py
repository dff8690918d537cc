"""Controlled changes of an approved order (orders.changes): the change request with its state machine
(a protected FSMField: requested → applied or rejected, the permission depending on the stage the order
reached), and the order as it was after each applied change. Part of orders' models (re-exported by
orders.models, which Django reads).
"""

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from systemtext.text import render_value

from .models import Order, OrderStatus

S = OrderStatus


class ChangeKind(models.TextChoices):
    QUANTITY = "quantity", _("Quantities")
    DATE = "date", _("Requested date")
    PRODUCT = "product", _("Product of a line")
    ADD_LINE = "add_line", _("A new line")
    CANCEL = "cancel", _("Cancel the order")


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPLIED = "applied", _("Approved and applied")
    REJECTED = "rejected", _("Rejected")


# Who approves a change depends on the stage the order reached: the order desk while it is being planned,
# a manager once material is issued (production, QC, shipping). An order in another state takes no change.
APPROVAL_PERMISSION = {
    S.APPROVED: "orders.approve_change", S.PLANNED: "orders.approve_change",
    S.MATERIALS_READY: "orders.approve_late_change", S.IN_PRODUCTION: "orders.approve_late_change",
    S.AWAITING_QC: "orders.approve_late_change", S.QC_PASSED: "orders.approve_late_change",
}


def _order_takes_changes(request):
    return request.order.status in APPROVAL_PERMISSION


def may_approve_change(request, user):
    permission = APPROVAL_PERMISSION.get(request.order.status)
    return permission is not None and user.has_perm(permission)


def may_reject_change(request, user):
    """Whoever may approve a change at the order's stage, and managers at any stage."""
    permission = APPROVAL_PERMISSION.get(request.order.status, "orders.approve_late_change")
    return user.has_perm(permission) or user.has_perm("orders.approve_late_change")


class ChangeRequest(fsm.ConcurrentTransitionMixin, models.Model):
    """A change asked for on an order already approved: shown with its impact on the later stages
    before someone with the right role approves it; approval applies it in one transaction."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="change_requests")
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    kind = models.CharField(_("change"), max_length=10, choices=ChangeKind.choices)
    # quantity: {"lines": {"<line_no>": "<new quantity>"}}; date: {"requested_date": "YYYY-MM-DD"};
    # product: {"line": "<line_no>", "product": "<sku>"}; add_line: {"product": "<sku>", "quantity": "<qty>"};
    # cancel: {}
    proposed = models.JSONField(_("proposed"), default=dict)
    reason = models.CharField(_("reason"), max_length=500)
    status = fsm.FSMField(_("status"), max_length=10, choices=ChangeStatus.choices,
                          default=ChangeStatus.REQUESTED, db_index=True, protected=True)
    # The revision of the order the change was asked against: approving it against a newer one is refused.
    base_revision = models.PositiveIntegerField(_("against revision"))
    impact = models.JSONField(_("impact"), default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        permissions = [("approve_change", _("Can approve changes of orders in planning")),
                       ("approve_late_change", _("Can approve changes of orders in production or later"))]

    def __str__(self):
        return self.number

    # --- the state machine; orders.changes applies the change, takes the transition and writes the event.
    @fsm.transition(status, source=ChangeStatus.REQUESTED, target=ChangeStatus.APPLIED, permission=may_approve_change,
                    conditions=[_order_takes_changes])
    def apply(self):
        pass

    @fsm.transition(status, source=ChangeStatus.REQUESTED, target=ChangeStatus.REJECTED, permission=may_reject_change)
    def reject(self):
        pass

    def impact_sections(self):
        """The stored impact (orders.changes.impact_of) in the active language: [{title, rows}]. Rows
        stored before impact lines had values are plain text and shown as they are."""
        return [{"title": render_value(section.get("title")),
                 "rows": [render_value(row) for row in section.get("rows", [])]}
                for section in self.impact.get("sections", [])]


class OrderRevision(models.Model):
    """The order as it was after each applied change (revision 1: as approved, taken at the first change),
    with what changed against the revision before."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    snapshot = models.JSONField(_("order"), default=dict)
    diff = models.JSONField(_("changes"), default=list, blank=True)
    change_request = models.ForeignKey(ChangeRequest, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="revisions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["order", "number"]
        verbose_name = _("order revision")
        verbose_name_plural = _("order revisions")
        constraints = [models.UniqueConstraint(fields=["order", "number"], name="order_revision_number_unique")]

    def __str__(self):
        return f"{self.order_id} r{self.number}"
