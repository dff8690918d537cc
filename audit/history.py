"""Reading the change log for a record's page: each entry with its changed fields as the reader sees
them — field names in the reader's language, choices as their labels, foreign keys as the record they
point to, numbers and dates in the reader's format. A page costs a fixed number of queries: one for
the entries and one per kind of record their foreign keys point to."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from systemtext.fields import StoredTextMixin
from systemtext.text import list_text, render_stored

from .models import ChangeLogEntry

HISTORY_LIMIT = 50
EMPTY = "—"


@dataclass
class FieldChange:
    label: str
    old: list  # texts (one, or one per row for rows that belong to the record)
    new: list


@dataclass
class HistoryEntry:
    at: object
    actor: object
    action: str
    record: str
    changes: list


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _references(model, changes, wanted):
    """Collect {related model: {ids}} of the foreign keys in `changes` (also inside rows)."""
    for name, values in changes.items():
        field = _field(model, name)
        if field is None:
            continue
        if field.one_to_many:
            for rows in values:
                for row in rows or ():
                    _references(field.related_model, {k: [v] for k, v in row.items()}, wanted)
        elif field.many_to_one or field.one_to_one:
            wanted[field.related_model].update(v for v in values if v not in (None, ""))


def _number(raw):
    try:
        return formats.number_format(Decimal(str(raw)), use_l10n=True, force_grouping=True)
    except (InvalidOperation, ValueError):
        return str(raw)


def render_value(field, raw, names):
    """One stored value as the reader sees it."""
    if raw is None or raw == "":
        return EMPTY
    if isinstance(field, StoredTextMixin):
        return render_stored(*raw) or EMPTY
    if field.many_to_one or field.one_to_one:
        return names.get((field.related_model, raw), f"#{raw}")
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    if isinstance(field, models.BooleanField):
        return _("yes") if raw else _("no")
    if isinstance(field, (models.DecimalField, models.FloatField)):
        return _number(raw)
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(raw))
        if moment is None:
            return str(raw)
        return formats.date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment,
                                   "DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        day = parse_date(str(raw))
        return formats.date_format(day, "DATE_FORMAT") if day else str(raw)
    if isinstance(field, models.TimeField):
        moment = parse_time(str(raw))
        return formats.time_format(moment, "TIME_FORMAT") if moment else str(raw)
    if isinstance(field, models.IntegerField):
        return _number(raw)
    return str(raw)


def _label(field):
    return capfirst(field.related_model._meta.verbose_name_plural if field.one_to_many else field.verbose_name)


def _row_text(model, row, names):
    parts = []
    for name, raw in row.items():
        field = _field(model, name)
        if field is not None and raw not in (None, ""):
            parts.append(_("%(label)s: %(value)s") % {"label": capfirst(field.verbose_name),
                                                      "value": render_value(field, raw, names)})
    return list_text(parts)


def _field_change(model, name, old, new, names):
    field = _field(model, name)
    if field is None:  # a field removed since: show what was stored
        return FieldChange(label=name, old=[str(old)], new=[str(new)])
    if field.one_to_many:
        # Only the rows that differ: a removed or changed row on the old side, an added or changed one on the new.
        old, new = old or [], new or []
        gone = [_row_text(field.related_model, row, names) for row in old if row not in new]
        added = [_row_text(field.related_model, row, names) for row in new if row not in old]
        return FieldChange(label=_label(field), old=gone or [EMPTY], new=added or [EMPTY])
    return FieldChange(label=_label(field), old=[render_value(field, old, names)],
                       new=[render_value(field, new, names)])


def history(model, object_ids, *, limit=HISTORY_LIMIT):
    """The latest change-log entries of the `model` records `object_ids`, newest first, rendered."""
    entries = list(ChangeLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                                 object_id__in=[str(pk) for pk in object_ids])
                   .select_related("actor").order_by("-at", "-pk")[:limit])
    wanted = defaultdict(set)
    for entry in entries:
        _references(model, entry.changes, wanted)
    names = {}
    for related, ids in wanted.items():
        for pk, obj in related._default_manager.in_bulk(list(ids)).items():
            names[(related, pk)] = str(obj)
    return [HistoryEntry(at=entry.at, actor=entry.actor, action=entry.get_action_display(), record=entry.object_repr,
                         changes=[_field_change(model, name, old, new, names)
                                  for name, (old, new) in entry.changes.items()])
            for entry in entries]


def history_of(instance):
    return history(type(instance), [instance.pk])
