"""Temporary drawings and engineering documents (临时图纸/工程资料, seed 003) issued with a rush order's
production notice; part of rush's models (re-exported by rush/models.py).

- TemporaryDrawing: one drawing of a rush order (number, revision, title, attachments), issued by the
  technical department.
- DrawingCopy: one paper copy, held by a person of a department, who confirms receipt on their own page
  (`signed_at`, empty until they sign: the copies waiting for a signature are on the holder's home page
  and marked on the order's drawings page).
  Its status is a protected django-fsm machine: issued → returned (who received it back: the warehouse's
  finished-goods receiver or the technical head) or issued → voided (with the reason). `due_at` is set
  once the order is complete (finished goods received into stock, inventory.finished_goods): every copy
  is due back 24 hours later ("订单完成24小时内交回"), and an overdue copy alerts its holder and the head of
  their department, then escalates (rush.drawings.watch_drawing_returns).
- DrawingEvent: every step of a copy (who, when, from, to, why).
"""

import uuid
from pathlib import PurePosixPath

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.departments import INTERNAL_DEPARTMENTS, Department
from history.models import Event
from inputs.models import StoredUpload
from orders.models import Order

# The roles whose people are a department's head, told when a copy held in the department is overdue.
DEPARTMENT_HEAD_ROLES = {
    Department.PRODUCTION: ["production_head"],
}
DEFAULT_HEAD_ROLES = ["manager"]


def head_roles(department):
    return DEPARTMENT_HEAD_ROLES.get(department, DEFAULT_HEAD_ROLES)


class CopyStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("drawing copy", "Issued")
    RETURNED = "returned", pgettext_lazy("drawing copy", "Returned")
    VOIDED = "voided", pgettext_lazy("drawing copy", "Voided")


class TemporaryDrawing(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="temporary_drawings")
    number = models.CharField(_("drawing number"), max_length=40)
    revision = models.CharField(_("revision"), max_length=10)
    title = models.CharField(_("title"), max_length=200, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        ordering = ["order", "number", "revision"]
        verbose_name = _("temporary drawing")
        verbose_name_plural = _("temporary drawings")
        permissions = [("return_drawingcopy", _("Can take back temporary drawing copies")),
                       ("void_drawingcopy", _("Can void temporary drawing copies"))]
        constraints = [models.UniqueConstraint(fields=["order", "number", "revision"],
                                               name="temporary_drawing_once_per_order")]

    def __str__(self):
        return f"{self.number} {self.revision}"


def attachment_path(instance, filename):
    """Stored under a random name; the user's file name is kept only as a label."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"rush/drawings/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class DrawingAttachment(StoredUpload):
    drawing = models.ForeignKey(TemporaryDrawing, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    class Meta:
        ordering = ["drawing", "id"]
        verbose_name = _("drawing attachment")
        verbose_name_plural = _("drawing attachments")


RETURN_PERMISSION = "rush.return_drawingcopy"
VOID_PERMISSION = "rush.void_drawingcopy"


class DrawingCopy(fsm.ConcurrentTransitionMixin, models.Model):
    drawing = models.ForeignKey(TemporaryDrawing, on_delete=models.PROTECT, related_name="copies")
    copy_no = models.PositiveSmallIntegerField(_("copy"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drawing_copies",
                               verbose_name=_("holder"))
    department = models.CharField(_("department"), max_length=12, choices=INTERNAL_DEPARTMENTS)
    # None until the holder signs for the copy on their page (rush.drawings.sign_copy).
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    status = fsm.FSMField(_("status"), max_length=10, choices=CopyStatus.choices, default=CopyStatus.ISSUED,
                          db_index=True, protected=True)
    due_at = models.DateTimeField(_("due back"), null=True, blank=True, db_index=True)
    overdue_alerted_at = models.DateTimeField(_("overdue alert raised"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("received by"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("voided by"))
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    class Meta:
        ordering = ["drawing", "copy_no"]
        verbose_name = _("drawing copy")
        verbose_name_plural = _("drawing copies")
        constraints = [models.UniqueConstraint(fields=["drawing", "copy_no"], name="drawing_copy_once"),
                       models.CheckConstraint(condition=Q(copy_no__gt=0), name="drawing_copy_no_positive")]

    def __str__(self):
        return f"{self.drawing} #{self.copy_no}"

    @property
    def label(self):
        return f"{self.drawing.number} {self.drawing.revision} #{self.copy_no}"

    @property
    def awaits_signature(self):
        return self.status == CopyStatus.ISSUED and self.signed_at is None

    def is_overdue(self, now=None):
        return (self.status == CopyStatus.ISSUED and self.due_at is not None
                and self.due_at <= (now or timezone.now()))

    # --- the state machine; rush.drawings does the work and writes the event.
    @fsm.transition(status, source=CopyStatus.ISSUED, target=CopyStatus.RETURNED, permission=RETURN_PERMISSION)
    def take_back(self):
        pass

    @fsm.transition(status, source=CopyStatus.ISSUED, target=CopyStatus.VOIDED, permission=VOID_PERMISSION)
    def void(self):
        pass


class DrawingAction(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("drawing copy", "Issued")
    SIGNED = "signed", _("Signed for by the holder")
    DUE = "due", _("Due back")
    OVERDUE = "overdue", _("Overdue: holder and head alerted")
    RETURNED = "returned", _("Returned")
    VOIDED = "voided", _("Voided")


class DrawingEvent(Event):
    copy = models.ForeignKey(DrawingCopy, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=DrawingAction.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=CopyStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=CopyStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("drawing copy event")
        verbose_name_plural = _("drawing copy events")

    def __str__(self):
        return f"{self.copy_id} {self.action}"
