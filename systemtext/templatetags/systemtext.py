"""Stored values shown for the reader: {{ value|stored }} renders a stored text or value (a plain string
as it is), {{ iso|moment }} an ISO 8601 date or time kept in a JSON record (rush facts, change impact)
in the reader's format and time zone, {{ minutes|duration }} a number of minutes as "2 d 23 h"."""

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

from systemtext.text import duration_text, render_value

register = template.Library()


@register.filter
def stored(value):
    return render_value(value)


@register.filter
def moment(value):
    if not value:
        return "—"
    text = str(value)
    parsed = parse_datetime(text) if "T" in text or " " in text else None
    if parsed is not None:
        if timezone.is_aware(parsed):
            parsed = timezone.localtime(parsed)
        return formats.date_format(parsed, "DATETIME_FORMAT")
    day = parse_date(text)
    return formats.date_format(day, "DATE_FORMAT") if day else text


@register.filter
def duration(minutes):
    try:
        return duration_text(int(minutes))
    except (TypeError, ValueError):
        return "—"


@register.filter
def hours(minutes):
    """Minutes as hours with one decimal, in the reader's number format ("1.5" / "1.5")."""
    try:
        return formats.number_format(round(int(minutes) / 60, 1), 1, use_l10n=True, force_grouping=True)
    except (TypeError, ValueError):
        return "—"
