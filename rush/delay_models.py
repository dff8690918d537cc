"""Who answers for a delay (seed 003 "追究相关部门负责人责任", issue 17.5) and the supplier's answer within one
working day on rush purchases (seed 003 "一个工作日内…明确答复", issue 17.6). Imported by rush.models."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.departments import Department
from inventory.models import PurchaseOrder, PurchaseRequest
from orders.models import Order


class DelayCause(models.TextChoices):
    MATERIAL = "material", _("Material")
    PROCESS = "process", _("Process (production)")
    QUALITY = "quality", _("Quality")
    LOGISTICS = "logistics", _("Logistics")
    PLANNING = "planning", _("Planning")
    CUSTOMER = "customer", _("Customer")


class DelayResponsibility(models.Model):
    """Why a late order was late and which department answers for it, with the evidence (a process
    exception report, a material delay or an NCR of the order). One per order; recorded by the order desk
    or a manager (rush.delays)."""

    order = models.OneToOneField(Order, verbose_name=_("order"), on_delete=models.PROTECT,
                                 related_name="delay_responsibility")
    due_date = models.DateField(_("due date"))
    finished_on = models.DateField(_("delivered on"), null=True, blank=True)
    days_late = models.PositiveIntegerField(_("days late"))
    cause = models.CharField(_("cause"), max_length=12, choices=DelayCause.choices, db_index=True)
    department = models.CharField(_("responsible department"), max_length=12, choices=Department.choices,
                                  db_index=True)
    evidence_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    evidence_id = models.PositiveBigIntegerField(null=True, blank=True)
    evidence = GenericForeignKey("evidence_type", "evidence_id")
    evidence_number = models.CharField(_("evidence"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("delay responsibility")
        verbose_name_plural = _("delay responsibilities")
        # The rush completion summaries (rush.summary) are read by the same people who answer for delays.
        permissions = [("view_rushsummary", _("Can see rush completion summaries"))]

    def __str__(self):
        return f"{self.order_id} {self.cause}"


class SupplierReply(models.Model):
    """The supplier's answer to a rush purchase order (asked when the order was sent) or to a rush purchase
    request (asked when it was made): due one working day later on the factory calendar
    (rush.supplier_replies), the confirmed date with who typed it and when."""

    # What was asked: a sent rush purchase order, or a rush purchase request (one of the two).
    purchase_order = models.OneToOneField(PurchaseOrder, verbose_name=_("purchase order"), on_delete=models.PROTECT,
                                          related_name="supplier_reply", null=True, blank=True)
    purchase_request = models.OneToOneField(PurchaseRequest, verbose_name=_("purchase request"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="supplier_reply")
    asked_at = models.DateTimeField(_("asked at"))
    reply_due_at = models.DateTimeField(_("answer due by"), db_index=True)
    confirmed_date = models.DateField(_("supplier's confirmed date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("entered by"))
    confirmed_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(_("overdue alert raised at"), null=True, blank=True)

    class Meta:
        ordering = ["reply_due_at", "id"]
        verbose_name = _("supplier reply")
        verbose_name_plural = _("supplier replies")
        permissions = [("record_supplierreply", _("Can record a supplier's confirmed date"))]
        constraints = [models.CheckConstraint(
            condition=Q(purchase_order__isnull=False, purchase_request__isnull=True)
            | Q(purchase_order__isnull=True, purchase_request__isnull=False),
            name="supplier_reply_for_a_purchase_order_or_request")]

    def __str__(self):
        return f"{self.purchase_order_id}"

    @property
    def document(self):
        """The purchase order or the purchase request the answer is for."""
        return self.purchase_order or self.purchase_request

    @property
    def answered(self):
        return self.confirmed_date is not None

    def is_overdue(self, now=None):
        return not self.answered and (now or timezone.now()) > self.reply_due_at
