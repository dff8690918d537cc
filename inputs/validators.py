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




def date_input_bounds():
    """(earliest, latest) date a person may type: DATE_INPUT_EARLIEST and DATE_INPUT_MAX_DAYS_AHEAD days from
    today. 9999-12-31 and year 1 are typos, and far dates break planning horizons and date arithmetic."""
    earliest = date.fromisoformat(settings.DATE_INPUT_EARLIEST)
    return earliest, timezone.localdate() + timedelta(days=settings.DATE_INPUT_MAX_DAYS_AHEAD)


DATE_RANGE_MESSAGE = gettext_lazy("Enter a date between %(earliest)s and %(latest)s.")


def date_within_horizon(value):
    """Validator for every date and date-time field people type (forms and API)."""
    if value is None:
        return
    day = timezone.localtime(value).date() if isinstance(value, datetime) and timezone.is_aware(value) else (
        value.date() if isinstance(value, datetime) else value)
    earliest, latest = date_input_bounds()
    if not earliest <= day <= latest:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range",
                              params={"earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
                                      "latest": formats.date_format(latest, "SHORT_DATE_FORMAT")})
