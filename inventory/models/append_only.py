"""Append-only bases for ledgers and status histories: rows are added, never changed or removed."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from systemtext.fields import StoredTextField, TextValuesField


class AppendOnlyQuerySet(models.QuerySet):
    """Ledger tables: rows are added, never changed or removed (not even in bulk)."""

    def update(self, **kwargs):
        raise ValidationError(_("%(model)s rows are append-only.") % {"model": self.model._meta.verbose_name})

    def delete(self):
        raise ValidationError(_("%(model)s rows are append-only.") % {"model": self.model._meta.verbose_name})


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("%(model)s rows are append-only.") % {"model": self._meta.verbose_name})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("%(model)s rows are append-only.") % {"model": self._meta.verbose_name})


class StatusEvent(AppendOnlyModel):
    """A document's recorded step (who, when, what, from which status to which, why); the subclass adds
    the document and the status fields with its own choices."""

    action = models.CharField(_("action"), max_length=40)
    note = StoredTextField(_("note"), blank=True)
    note_values = TextValuesField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
