"""Writing the change log. A service takes a `snapshot` of the record before it changes it and calls
`record_change` after saving, inside its own transaction, so the entry commits or rolls back with
the change (a refused edit writes nothing):

    before = audit.snapshot(current, children=["contacts"])
    ...change and save...
    audit.record_change(current, actor=actor, before=before, children=["contacts"])

Values are kept as the database holds them (see audit.models); `children` names reverse relations
whose rows belong to the record (BOM lines, routing operations, contacts) and are logged with it.
A versioned record (BOM, routing, inspection plan) passes the snapshot of the version it replaces as
`before` of the new version's creation, so the entry shows what the new version changed.
"""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from systemtext.fields import StoredTextMixin, TextValuesField
from systemtext.text import Text

from .models import ChangeAction, ChangeLogEntry

# Bookkeeping columns, not data a person edits: kept out of the log.
SKIPPED_FIELDS = {"created_at", "updated_at", "search_text"}


def encode(value):
    """A field's value as JSON-safe raw data (Decimal and date as their exact text)."""
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def logged_fields(model, *, parent_field=None):
    return [field for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in SKIPPED_FIELDS and field.name != parent_field
            and not isinstance(field, TextValuesField)]


def field_value(field, instance):
    if isinstance(field, StoredTextMixin):
        # A system text is kept as its message id and values, translated when read.
        value = getattr(instance, field.attname)
        if isinstance(value, Text):
            return list(value.stored())
        return [value or "", getattr(instance, field.values_attname, None)] if value else None
    value = getattr(instance, field.attname)  # attname: a foreign key as its id
    if isinstance(value, Decimal) and isinstance(field, models.DecimalField) and value.is_finite():
        # As the column holds it (5 and 5.00 are one value), so a value read back compares equal.
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = value.astimezone(datetime.UTC)
    return encode(value)


def _rows(instance, name):
    relation = instance._meta.get_field(name)
    if instance.pk is None:
        return []
    rows = getattr(instance, name).all()
    if not rows.ordered:
        rows = rows.order_by("pk")
    fields = logged_fields(relation.related_model, parent_field=relation.field.name)
    return [{field.name: field_value(field, row) for field in fields} for row in rows]


def snapshot(instance, *, children=()):
    """{field name: raw value} of `instance` as it is now (in memory), plus its `children` rows."""
    data = {field.name: field_value(field, instance) for field in logged_fields(type(instance))}
    for name in children:
        data[name] = _rows(instance, name)
    return data


def stored_snapshot(instance, *, children=()):
    """The snapshot of `instance` as the database holds it (an admin form has already changed it in memory)."""
    return snapshot(type(instance)._default_manager.get(pk=instance.pk), children=children)


def _blank(value):
    return value is None or value == "" or value == []


def diff(before, after):
    """{field: [old, new]} for each field whose value differs."""
    changes = {}
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if old != new and not (_blank(old) and _blank(new)):
            changes[name] = [old, new]
    return changes


def _entry(instance, *, actor, before, action, children):
    if action is None:
        action = ChangeAction.CREATE if before is None else ChangeAction.UPDATE
    after = {} if action == ChangeAction.DELETE else snapshot(instance, children=children)
    changes = diff(before or {}, after)
    if action == ChangeAction.UPDATE and not changes:
        return None
    return ChangeLogEntry(content_type=ContentType.objects.get_for_model(type(instance)), object_id=str(instance.pk),
                          object_repr=str(instance)[:200], action=action, actor=actor, changes=changes)


def record_change(instance, *, actor, before=None, action=None, children=()):
    """Log one change of `instance` (saved already, in the caller's transaction): a creation when
    `before` is None, else an update (nothing is logged when no value changed). For a deletion pass
    action=ChangeAction.DELETE with the snapshot taken before deleting."""
    entry = _entry(instance, actor=actor, before=before, action=action, children=children)
    if entry is not None:
        entry.save()
    return entry


def record_new_version(version, *, actor, previous, children=()):
    """Log the creation of a new version (BOM, routing, inspection plan) as its differences from
    `previous`, the version it replaces, as loaded before it was deactivated (None for the first)."""
    before = snapshot(previous, children=children) if previous is not None else None
    return record_change(version, actor=actor, before=before, action=ChangeAction.CREATE, children=children)


def record_changes(changed, *, actor):
    """Log many changes in one insert (imports): `changed` holds (instance, before snapshot or None)."""
    entries = [_entry(instance, actor=actor, before=before, action=None, children=()) for instance, before in changed]
    return ChangeLogEntry.objects.bulk_create([entry for entry in entries if entry is not None], batch_size=500)


def activate_version(version, *, actor, versions):
    """Make `version` (loaded under the caller's lock) the active one among `versions` (the queryset of
    its record's versions); the one active before is deactivated. The switch is logged."""
    if version.is_active:
        return
    logged = snapshot(version)
    versions.filter(is_active=True).update(is_active=False)
    version.is_active = True
    version.save(update_fields=["is_active"])
    record_change(version, actor=actor, before=logged)


def deactivate_versions(versions, *, actor):
    """Leave the record with no active version (`versions`: the queryset of its versions); each
    deactivation is logged, the versions are kept."""
    active = list(versions.select_for_update().filter(is_active=True))
    versions.model.objects.filter(pk__in=[v.pk for v in active]).update(is_active=False)
    for version in active:
        logged = snapshot(version)
        version.is_active = False
        record_change(version, actor=actor, before=logged)
