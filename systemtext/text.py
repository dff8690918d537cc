"""Texts stored as message id + values, and their rendering in the reader's language (see the package
docstring). The JSON form of a value:

- a string or a number: shown as it is (a number, a name, text a person typed);
- {"_": "text", "id": msgid, "ctx": context?, "values": {...}}: a message of its own (a status, a role,
  a label), translated when read;
- {"_": "date", "v": "2026-12-09"} / {"_": "datetime", "v": ISO 8601}: the reader's date/time format in
  the current time zone;
- {"_": "duration", "minutes": n}: "2 d 23 h" / "2 天 23 小时";
- {"_": "qty", "v": "12.5"}: a decimal, never as an exponent, grouped as the reader's language does;
- {"_": "join", "items": [...], "sep": " "}: parts one after the other (a system text, then a typed note);
- {"_": "list", "items": [...]}: parts as a list ("a, b" / "a、b").
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

TYPE = "_"
# The message of a joined text: nothing to translate in it, so it is not marked for the catalog.
JOINED = "%(parts)s"


class Text:
    """A message the system writes, translated only when someone reads it. `message` is the English
    source marked with gettext_noop (or a lazy label such as a TextChoices label); `values` fill its
    %(name)s placeholders and may be dates, times, timedeltas, Decimals, lazy labels or other Texts."""

    def __init__(self, message, context=None, **values):
        if isinstance(message, Promise):
            message, context = source_of(message)
        self.message, self.context = str(message), context
        self.values = {name: to_json(value) for name, value in values.items()}

    def as_json(self):
        data = {TYPE: "text", "id": self.message, "values": self.values}
        if self.context:
            data["ctx"] = self.context
        return data

    def stored(self):
        """(message id, values) for the two columns of a StoredTextField; the context, if any, rides along
        in the values under "_ctx"."""
        values = dict(self.values)
        if self.context:
            values["_ctx"] = self.context
        return self.message, values

    def __str__(self):
        return render(self.message, self.values, context=self.context)

    def __add__(self, other):
        return joined(self, other)

    def __bool__(self):
        return bool(self.message)

    def __eq__(self, other):
        return isinstance(other, Text) and self.as_json() == other.as_json()

    def __hash__(self):
        return hash(self.message)

    def __repr__(self):
        return f"Text({self.message!r}, {self.values!r})"


def stored_fields(name, value):
    """The two columns of a StoredTextField `name` for a queryset update(), which skips the field's save
    hook: {name: message id, name_values: values} for a Text, {name: text, name_values: None} for typed text."""
    if isinstance(value, Text):
        message, values = value.stored()
        return {name: message, f"{name}_values": values}
    return {name: value or "", f"{name}_values": None}


def joined(*parts, sep=" "):
    """A system text followed by what a person typed (empty parts left out), stored as one text."""
    kept = [part for part in parts if part not in (None, "") and (not isinstance(part, Text) or part)]
    if len(kept) == 1 and isinstance(kept[0], Text):
        return kept[0]
    if not any(isinstance(part, Text) for part in kept):
        return sep.join(str(part) for part in kept)
    items = []
    for part in kept:
        inner = part.values["parts"] if isinstance(part, Text) and part.message == JOINED else None
        if inner is not None and inner.get("sep") == sep:  # a joined text joined again: one flat list
            items += inner["items"]
        else:
            items.append(to_json(part))
    return Text(JOINED, parts={TYPE: "join", "items": items, "sep": sep})


def listed(items):
    """A list value shown with the reader's separator."""
    return {TYPE: "list", "items": [to_json(item) for item in items]}


def duration(minutes):
    return {TYPE: "duration", "minutes": int(minutes)}


def money(amount):
    """An amount of money (a Decimal): shown with its 2 decimals and the reader's grouping, never as a
    quantity (which drops trailing zeros). The currency is a value of its own."""
    return {TYPE: "money", "v": format(Decimal(amount).quantize(Decimal("0.01")), "f")}


def source_of(label):
    """The English source and the context of a lazy translation (gettext_lazy / pgettext_lazy)."""
    func, args = label.__reduce__()[1][:2]
    if getattr(func, "__name__", "") == "pgettext" and len(args) == 2:
        return args[1], args[0]
    return (args[0] if args else str(label)), None


def to_json(value):
    if isinstance(value, Text):
        return value.as_json()
    if isinstance(value, Promise):
        message, context = source_of(value)
        data = {TYPE: "text", "id": message, "values": {}}
        if context:
            data["ctx"] = context
        return data
    if isinstance(value, datetime.datetime):
        return {TYPE: "datetime", "v": value.isoformat()}
    if isinstance(value, datetime.date):
        return {TYPE: "date", "v": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return duration(value.total_seconds() // 60)
    if isinstance(value, Decimal):
        return {TYPE: "qty", "v": format(value.normalize(), "f")}
    if isinstance(value, (list, tuple)):
        return listed(value)
    if value is None or isinstance(value, (str, int, float, dict)):
        return value
    return str(value)


# --- reading ----------------------------------------------------------------------------------------

def render(message, values=None, context=None):
    """The stored message in the active language with its values formatted for the reader. A translation
    that lost a placeholder falls back to the English source rather than failing the page."""
    if not message:
        return ""
    values = dict(values or {})
    context = values.pop("_ctx", None) or context
    translated = pgettext(context, message) if context else gettext(message)
    if not values:
        return translated
    shown = {name: render_value(value) for name, value in values.items()}
    try:
        return translated % shown
    except (KeyError, TypeError, ValueError):
        try:
            return message % shown
        except (KeyError, TypeError, ValueError):
            return message


def render_stored(message, values):
    """A StoredTextField's pair: free text (no values) as typed, a system text rendered."""
    if values is None:
        return message or ""
    return render(message, values)


def render_value(value):
    if not isinstance(value, dict):
        return "—" if value is None else value
    kind = value.get(TYPE)
    if kind == "text":
        return render(value.get("id", ""), value.get("values"), context=value.get("ctx"))
    if kind == "date":
        day = parse_date(value.get("v") or "")
        return formats.date_format(day, "DATE_FORMAT") if day else "—"
    if kind == "datetime":
        moment = parse_datetime(value.get("v") or "")
        if moment is None:
            return "—"
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    if kind == "duration":
        return duration_text(value.get("minutes") or 0)
    if kind == "qty":
        return quantity_text(value.get("v"))
    if kind == "money":
        try:
            return formats.number_format(Decimal(value.get("v")), 2, use_l10n=True, force_grouping=True)
        except (InvalidOperation, TypeError):
            return "—"
    if kind == "join":
        return value.get("sep", " ").join(str(render_value(item)) for item in value.get("items", []))
    if kind == "list":
        return list_text(render_value(item) for item in value.get("items", []))
    return str(value)


def list_text(items):
    """Items as a list in a sentence, with the reader's separator ("a, b" / "a、b")."""
    # Translators: separator between the items of a list in a sentence ("a, b, c").
    return gettext(", ").join(str(item) for item in items)


def duration_text(minutes):
    """Calendar time as "2 d 3 h 15 min" / "2 天 3 小时 15 分钟", never as bare minutes."""
    minutes = int(minutes)
    sign, minutes = ("−", -minutes) if minutes < 0 else ("", minutes)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [gettext("%(n)s d") % {"n": days}] if days else []
    parts += [gettext("%(n)s h") % {"n": hours}] if hours else []
    parts += [gettext("%(n)s min") % {"n": mins}] if mins or not parts else []
    return sign + " ".join(parts)


def quantity_text(text):
    """A stored decimal for the reader: grouped, no exponent, no trailing zeros."""
    try:
        number = Decimal(str(text))
    except (InvalidOperation, ValueError, TypeError):
        return text if text is not None else "—"
    return formats.number_format(number.normalize(), use_l10n=True, force_grouping=True)
