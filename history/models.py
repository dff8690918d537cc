"""Append-only history: the one base for every event log and ledger table.

`AppendOnlyModel` rows are written once: saving an existing row, deleting it, and bulk update()/delete()
are refused in Python; on PostgreSQL a trigger refuses UPDATE and DELETE too (history.triggers), so raw
SQL cannot rewrite history either. A mistake is corrected by a new row (a reversing move, a new event).

`Event` adds what every document's event has in common: the action, who, when, from which status to
which, and a note stored as a systemtext message id plus values. A subclass adds the document's
foreign key and redeclares `action`, `from_status` and `to_status` with its own declared choices
(TextChoices, translated labels). Every event is written the one way:

    order.events.record(action=OrderAction.SUBMIT, actor=user, from_status=..., to_status=..., note=...)

An action outside the model's declared choices is refused (UndeclaredAction), so the set of actions of a
document is read in one place, its model.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from systemtext.fields import StoredTextField, TextValuesField


def _refusal(model):
    return ValidationError(_("%(model)s rows are append-only.") % {"model": model._meta.verbose_name})


class UndeclaredAction(ValueError):
    """A programming error: the event's action is not one of its model's declared actions."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refusal(self.model)

    def delete(self):
        raise _refusal(self.model)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.check_declared()
        return super().bulk_create(objs, *args, **kwargs)


class AppendOnlyManager(models.Manager.from_queryset(AppendOnlyQuerySet)):
    def record(self, *, action, actor, from_status="", to_status="", note="", **fields):
        """Write one event. Through a document's related manager (`order.events.record(...)`) the
        document is filled in; through `Model.objects` pass it as a keyword."""
        return self.create(action=action, actor=actor, from_status=from_status, to_status=to_status, note=note,
                           **fields)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _refusal(self)
        self.check_declared()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refusal(self)

    def check_declared(self):
        """Subclasses with declared values (Event's action) refuse others before writing."""


class Event(AppendOnlyModel):
    """One recorded step of a document: who, when, what (a declared action), from which status to
    which, and why. Subclasses redeclare `action` with `choices=` their TextChoices."""

    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    note = StoredTextField(_("note"), blank=True)
    note_values = TextValuesField()

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def check_declared(self):
        declared = {value for value, _label in self._meta.get_field("action").flatchoices}
        if self.action not in declared:
            raise UndeclaredAction(f"{self._meta.label}: action {self.action!r} is not declared "
                                   f"(declared: {sorted(declared)})")

    @property
    def label(self):
        """The action's name in the reader's language."""
        return self.get_action_display()
