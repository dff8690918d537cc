"""Work instructions 作业指导书 (seed 000 §4.2: operators work "严格按照作业指导书"): per routing operation
of an item, versioned, with text and attachments (PDF drawings and photos). Part of planning's models
(re-exported by planning.models).

An instruction belongs to the item and the operation's sequence number, not to one routing version's
operation row: a new routing version keeps its operations' sequence numbers, and the instructions stay
with them. Saving a new instruction version keeps the earlier ones (never changed or deleted); exactly one is
current. The operator's start (production.OperationLog.work_instruction) records the version shown.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inputs.models import StoredUpload
from inventory.models import Item


class WorkInstruction(models.Model):
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT,
                             related_name="work_instructions")
    sequence = models.PositiveIntegerField(_("operation"))
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    text = models.TextField(_("instructions"))
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["item", "sequence", "-version"]
        verbose_name = _("work instruction")
        verbose_name_plural = _("work instructions")
        constraints = [
            models.UniqueConstraint(fields=["item", "sequence", "version"], name="work_instruction_version_unique"),
            models.UniqueConstraint(fields=["item", "sequence"], condition=Q(is_current=True),
                                    name="work_instruction_one_current"),
            models.CheckConstraint(condition=Q(sequence__gt=0) & Q(version__gt=0),
                                   name="work_instruction_numbers_positive"),
        ]

    def __str__(self):
        return f"{self.item_id} #{self.sequence} v{self.version}"


def attachment_path(instance, filename):
    """Stored under a random name; the user's file name is kept only as a label."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"planning/instructions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class WorkInstructionAttachment(StoredUpload):
    """A PDF or image of one instruction version, stored under MEDIA_ROOT and served only by a
    permission-checked view. A new version that keeps an attachment gets its own row on the same file."""

    instruction = models.ForeignKey(WorkInstruction, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)

    class Meta:
        ordering = ["instruction", "id"]
        verbose_name = _("work instruction attachment")
        verbose_name_plural = _("work instruction attachments")

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
