"""Rows written before system texts were stored with their values (the note in the writer's language)
become message id + values where the text is one of the known system messages, in English or in
Chinese; what people typed stays as it is. A note made of a system message followed by a typed note
keeps the typed part after it. Values that are dates or times become dates and times again (shown in
the reader's format); statuses, kinds and other labels become their message ids."""

import re
from datetime import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone, translation

# (app, model, text field) written by the system; the values field is "<field>_values".
FIELDS = [
    ("orders", "OrderEvent", "note"), ("orders", "Order", "at_risk_reason"),
    ("planning", "WorkOrderEvent", "note"), ("planning", "Routing", "note"),
    ("rush", "RushEvent", "note"),
    ("inventory", "PurchaseOrderEvent", "note"), ("inventory", "MaterialPrepSheetEvent", "note"),
    ("inventory", "LotEvent", "reason"), ("inventory", "BillOfMaterials", "note"),
    ("inventory", "PurchaseRequest", "note"),
    ("production", "ExceptionEvent", "note"),
    ("quality", "InspectionEvent", "note"), ("quality", "NonconformanceEvent", "note"),
    ("quality", "SamplingStateEvent", "note"), ("quality", "Inspection", "stock_note"),
    ("shipping", "ShipmentEvent", "note"), ("shipping", "ComplaintEvent", "note"), ("shipping", "Shipment", "cancel_reason"),
]

# The messages the services store (systemtext.Text), as they were when this migration was written.
MESSAGES = [
    ' (quarantine)',
    ' (substitute for %(code)s)',
    '%(area)s: %(verdict)s.',
    '%(center)s is back in service; open work was rescheduled.',
    '%(center)s unit %(unit)s, %(start)s – %(end)s',
    '%(field)s %(old)s → %(new)s.',
    '%(item)s: needs %(required)s now, %(reserved)s reserved, %(issued)s issued',
    '%(lines)s lines, %(short)s still short.',
    '%(name)s issued %(when)s: a new revision is issued after the change.',
    '%(name)s issued %(when)s: the customer is told of the cancel.',
    '%(ncr)s: %(qty)s of %(sku)s scrapped, made again by %(wo)s.',
    '%(ncr)s: %(qty)s of %(sku)s scrapped, to be made again.',
    '%(ncr)s: %(qty)s of %(sku)s scrapped, to be re-planned.',
    '%(ncr)s: rework',
    '%(ncr)s: rework — %(note)s',
    '%(number)s %(type)s at %(center)s: %(description)s',
    '%(number)s resolved.',
    '%(number)s → revision %(n)s%(changes)s',
    '%(number)s: %(kind)s — %(reason)s',
    '%(number)s: %(quantity)s of %(sku)s back into quarantine lot %(lot)s at %(location)s. %(reason)s',
    '%(number)s: %(text)s',
    '%(number)s: the materials are in stock now.',
    '%(order)s (%(customer)s) finishes %(delay)s later%(late)s',
    '%(qty)s of %(item)s into %(location)s, lot %(lot)s.',
    '%(qty)s scrapped (%(ncr)s), %(rest)s accepted.',
    '%(qty)s scrapped.',
    '%(quantity)s %(unit)s',
    '%(receipt)s: %(quantity)s %(unit)s of %(code)s, lot %(lot)s, at %(location)s%(quarantine)s',
    '%(sku)s %(quantity)s (%(lot)s)',
    '%(wo)s (%(status)s) for %(old)s is cancelled',
    '%(wo)s (%(status)s): %(old)s → %(new)s, with its sub-assemblies',
    '%(wo)s (%(status)s): cancelled',
    '%(wo)s (%(status)s): under way, the cancel is refused until it is stopped',
    ', lot %(lot)s',
    ', now late',
    '; %(field)s: %(old)s → %(new)s',
    'A work order for %(sku)s × %(qty)s is released instead.',
    'A work order for %(sku)s × %(qty)s is released.',
    'All work orders of the order are done.',
    'Concession %(ncr)s approved by %(who)s.',
    'Customer tracking link #%(id)s',
    'Customer tracking link #%(id)s, valid until %(date)s. %(note)s',
    'Documents issued',
    'Every line accepted.',
    'Every shipment is delivered.',
    'First operation started: %(operation)s.',
    'Flagged as rush: %(reason)s',
    'Imported from %(file)s',
    'Inspected: %(numbers)s',
    'Investigation: %(i)s\nCorrective action: %(c)s',
    'It is not scheduled yet: %(problem)s',
    'Last operation completed: %(sequence)s.',
    'Line %(n)s (%(code)s): expected %(new)s instead of %(old)s. %(reason)s',
    'Line %(n)s: %(note)s',
    'Line %(n)s: %(qty)s less, taken from the work orders not started yet.',
    'Line %(n)s: %(quantity)s of %(code)s back to %(location)s. %(reason)s',
    'Line %(n)s: %(quantity)s of %(code)s%(substitute)s%(lot)s from %(location)s.',
    'Line %(n)s: %(substitute)s may be issued instead of %(code)s. %(reason)s',
    'Line %(n)s: no work orders yet; planning uses the new quantity.',
    'Line %(n)s: work is under way; one more work order is released for %(qty)s.',
    'Lines accepted: %(lines)s.',
    'Lot %(lot)s of %(qty)s failed inspection %(number)s.',
    'Made a rush order: %(reason)s',
    'Make-up work order %(wo)s released for %(qty)s.',
    'Material delay %(number)s: %(code)s expected on %(date)s. %(reason)s',
    'Materials',
    'Materials issued on %(sheet)s and accepted by production.',
    'No other order moves.',
    'No work orders yet.',
    'No work orders yet: planning plans the new line with the order.',
    'Nonconforming: %(ncr)s',
    'Not put into stock: product %(sku)s has no stock item.',
    'Not put into stock: there is no active finished-goods location %(code)s.',
    'Nothing accepted (%(numbers)s): the order needs re-planning.',
    'Operation %(op)s of %(wo)s locked at %(place)s.',
    'Operation %(op)s of %(wo)s moved: %(was)s → %(now)s; locked there.',
    'Operation %(op)s of %(wo)s unlocked (was at %(place)s); the plan may move it.',
    'Operation %(op)s of %(wo)s: work center %(was)s → %(now)s.',
    'Operation %(sequence)s started.',
    'Optimisation %(run)s accepted: planned %(old_start)s – %(old_end)s → %(start)s – %(end)s.',
    'Order %(number)s is fully shipped.',
    'Order %(order)s passed QC without this inspection.',
    'Order change: %(what)s',
    'Plan version %(v)s, %(severity)s inspection, level %(level)s, code letter %(letter)s.',
    'Prep sheet %(sheet)s (%(status)s) is cancelled; the warehouse makes a new one.',
    'Prep sheet %(sheet)s (%(status)s) stays: material was issued from it.',
    'Re-inspection after rework (%(ncr)s).',
    'Re-inspection: %(numbers)s',
    'Received by %(name)s on %(when)s.',
    'Received through the API (%(key)s).',
    'Released by inspection %(number)s',
    'Rework work order %(wo)s released.',
    'Rush removed',
    'Schedule what-if',
    'Shipped: %(lines)s',
    'Shortage of order %(number)s',
    'Split from %(old)s: %(rest)s of %(total)s.',
    'Split: %(total)s → %(kept)s here and %(rest)s in %(new)s.',
    'The due date of the work becomes %(date)s.',
    'The make-up lot is made and awaits inspection.',
    'The promised date %(date)s stays; planning keeps it.',
    'The reservations are released and made again for the new quantities; issued material stays issued (what is no longer needed is returned on the prep sheet).',
    'To be returned to %(supplier)s.',
    'Under inspection %(number)s',
    'Verdict against Ac/Re approved by %(who)s.',
    'Work orders',
    'lot received',
    'not scheduled',
    'operation %(sequence)s of %(work_order)s',
    'order %(number)s cancelled',
    'order %(number)s changed',
    'order cancelled',
    'order cancelled: %(reason)s',
    '⏱ Predicted to finish %(day)s, %(n)s days after its date %(due)s.',
]

# Values that name a label (a status, a kind…): stored as that label's message id when the text is one.
LABEL_VALUES = {"status", "kind", "area", "verdict", "type", "severity", "field", "what"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
LETTER = re.compile(r"[A-Za-z\u4e00-\u9fff]")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:?\d{2})?")


def _pattern(message):
    """A regex for the message with each placeholder a named group."""
    parts, seen, position = [], set(), 0
    for match in PLACEHOLDER.finditer(message):
        parts.append(re.escape(message[position:match.start()]))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        position = match.end()
    parts.append(re.escape(message[position:]))
    return "".join(parts)


def _patterns(messages=MESSAGES):
    found = []
    with translation.override("zh-hans"):
        chinese = {message: translation.gettext(message) for message in messages}
    for message in sorted(messages, key=lambda m: -len(PLACEHOLDER.sub("", m))):  # the most specific first
        # A message without words of its own ("%(area)s: %(verdict)s.") would match any text: it counts
        # only when every value is a known label.
        only_labels = not LETTER.search(PLACEHOLDER.sub("", message))
        if only_labels and not set(PLACEHOLDER.findall(message)) <= LABEL_VALUES:
            continue
        for text in {message, chinese[message]}:
            pattern = _pattern(text)
            found.append((message, only_labels, re.compile(pattern, re.S),
                          re.compile(pattern + r"\s+(?P<_rest>.+)", re.S)))
    return found


def _labels():
    """{label text in English or Chinese: its message id} from the compiled catalog."""
    catalog = translation.trans_real.translation("zh-hans")._catalog
    labels = {}
    for key, value in catalog.items():
        if isinstance(key, str) and "\x04" not in key and len(key) < 60 and isinstance(value, str):
            labels.setdefault(key, key)
            labels.setdefault(value, key)
    return labels


def _value(name, text, labels):
    if DATE.fullmatch(text):
        return {"_": "date", "v": text}
    if MINUTE.fullmatch(text):
        moment = datetime.fromisoformat(text.replace(" ", "T"))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return {"_": "datetime", "v": moment.isoformat()}
    if name in LABEL_VALUES and text in labels:
        return {"_": "text", "id": labels[text], "values": {}}
    return text


def stored(text, patterns, labels):
    """(message id, values) for a known system text, None for anything else."""
    for message, only_labels, whole, with_rest in patterns:
        match = whole.fullmatch(text)
        rest = None
        if match is None:
            match = with_rest.fullmatch(text)
            if match is None:
                continue
            rest = match.group("_rest")
        values = {name: _value(name, value, labels) for name, value in match.groupdict().items() if name != "_rest"}
        if only_labels and not all(isinstance(value, dict) for value in values.values()):
            continue
        if rest is None:
            return message, values
        return "%(parts)s", {"parts": {"_": "join", "sep": " ", "items": [
            {"_": "text", "id": message, "values": values}, rest]}}
    return None


def unconverted(model, field):
    """The rows of `model` whose `field` is text not yet split into message id + values."""
    return model.objects.filter(**{f"{field}_values__isnull": True}).exclude(**{field: ""})


def convert(model, field, rows, patterns, labels):
    """Store the known system texts among `rows` (a queryset of `model`) as message id + values. Written
    through the plain base manager: an append-only model's own manager refuses updates in Python (its
    PostgreSQL trigger is the caller's to pass, history.triggers.backdating)."""
    values_field = f"{field}_values"
    changed = []
    for row in rows.only("pk", field, values_field).iterator(chunk_size=2000):
        found = stored(getattr(row, field), patterns, labels)
        if found is not None:
            setattr(row, field, found[0][:model._meta.get_field(field).max_length or None])
            setattr(row, values_field, found[1])
            changed.append(row)
        if len(changed) >= 1000:
            model._base_manager.bulk_update(changed, [field, values_field])
            changed = []
    if changed:
        model._base_manager.bulk_update(changed, [field, values_field])


def restore(model, field):
    """Back to text in the site's language (the values columns go with the schema migrations)."""
    from systemtext.text import render

    values_field = f"{field}_values"
    changed = []
    with translation.override(settings.LANGUAGE_CODE):
        for row in model.objects.filter(**{f"{values_field}__isnull": False}).only("pk", field, values_field):
            setattr(row, field, render(getattr(row, field), getattr(row, values_field)))
            setattr(row, values_field, None)
            changed.append(row)
    model._base_manager.bulk_update(changed, [field, values_field], batch_size=1000)


def forwards(apps, schema_editor):
    patterns, labels = _patterns(), _labels()
    for app, model_name, field in FIELDS:
        model = apps.get_model(app, model_name)
        convert(model, field, unconverted(model, field), patterns, labels)


def backwards(apps, schema_editor):
    for app, model_name, field in FIELDS:
        restore(apps.get_model(app, model_name), field)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0009_system_text_values"),
        ("planning", "0004_system_text_values"),
        ("rush", "0002_system_text_values"),
        ("inventory", "0006_system_text_values"),
        ("production", "0002_system_text_values"),
        ("quality", "0003_system_text_values"),
        ("shipping", "0002_system_text_values"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
