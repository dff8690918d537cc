"""Rules for what a person or a client may type, shared by the request guard (inputs.middleware), the API's
JSON parser and the form and serializer fields (installed as default validators by inputs.apps)."""

import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

# C0 controls except \t \n \r, DEL, and C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def find_control_character(text):
    """The first control character in `text` (None when there is none)."""
    match = CONTROL_CHARACTERS.search(text)
    return match.group() if match else None


def describe_character(char):
    return "NUL" if char == "\x00" else f"U+{ord(char):04X}"


CONTROL_CHARACTER_MESSAGE = gettext_lazy(
    "The text contains an invisible control character (%(character)s). Remove it and try again.")


def refuse_control_characters(value):
    """Validator for model, form and API text fields."""
    if isinstance(value, str):
        char = find_control_character(value)
        if char:
            raise ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_character",
                                  params={"character": describe_character(char)})




def date_input_bounds(days_ahead_setting="DATE_INPUT_MAX_DAYS_AHEAD"):
    """(earliest, latest) date a person may type: DATE_INPUT_EARLIEST and the setting's number of days from
    today. 9999-12-31 and year 1 are typos, and far dates break planning horizons and date arithmetic."""
    earliest = date.fromisoformat(settings.DATE_INPUT_EARLIEST)
    return earliest, timezone.localdate() + timedelta(days=getattr(settings, days_ahead_setting))


DATE_RANGE_MESSAGE = gettext_lazy("Enter a date between %(earliest)s and %(latest)s.")


def _check_date(value, days_ahead_setting):
    if value is None:
        return
    day = timezone.localtime(value).date() if isinstance(value, datetime) and timezone.is_aware(value) else (
        value.date() if isinstance(value, datetime) else value)
    earliest, latest = date_input_bounds(days_ahead_setting)
    if not earliest <= day <= latest:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range",
                              params={"earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
                                      "latest": formats.date_format(latest, "SHORT_DATE_FORMAT")})


def date_within_horizon(value):
    """Validator for every date and date-time field people type (forms and API)."""
    _check_date(value, "DATE_INPUT_MAX_DAYS_AHEAD")


def date_within_long_horizon(value):
    """For the few dates that are legitimately years ahead (a material's expiry date)."""
    _check_date(value, "DATE_INPUT_LONG_MAX_DAYS_AHEAD")


def long_horizon(field):
    """`field` (a form date field) with the long horizon instead of the default one."""
    field.validators = [v for v in field.validators if v is not date_within_horizon] + [date_within_long_horizon]
    return field
