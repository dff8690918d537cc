"""What every stored upload records beside its file: an abstract base (no table of its own) for the
exception report photos (production.ExceptionPhoto) and the work instruction attachments
(planning.WorkInstructionAttachment). Each subclass declares its `file` (where it is stored)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredUpload(models.Model):
    """An uploaded file kept under MEDIA_ROOT and served only by a permission-checked view, with the content
    type its content was checked to be (inputs.uploads), its size, and the user's file name as a label."""

    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name or self.file.name
