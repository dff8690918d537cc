"""One generic change log for master data (customers, products, BOMs, routings, work centers,
inspection plans, ...). Values are stored raw (as the database holds them: codes, ids, Decimal and
date text) and rendered when read (audit.history), so each reader sees labels, names and numbers in
their own language; nothing is stored translated.

Entries are append-only (history.models.AppendOnlyModel, and on PostgreSQL the history trigger)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from history.models import AppendOnlyModel


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class ChangeLogEntry(AppendOnlyModel):
    """One create/update/delete of one record. `changes` is {field name: [old, new]}: a model field's
    value as stored (a foreign key as its id), or for rows that belong to the record (BOM lines,
    routing operations, plan characteristics, contacts) the list of those rows, each {field: value}."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    # PROTECT, as every event's actor: SET_NULL would rewrite the entry, which the history trigger refuses.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("changed by"))
    at = models.DateTimeField(_("changed at"), default=timezone.now)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_record_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"
