"""Reading what an inspector typed into a cell of the inspection form.

A measured value must be a plain decimal number in the characteristic's unit: "12.5", "-0.03", "+4".
Full-width digits from a Chinese input method ("１２．５") are read as the same number. A value with a
unit ("12.5mm"), a decimal comma ("12,5"), or anything else that is not a number is refused with a
message that says why; nothing is guessed.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orders.quantities import format_number

from .plan_services import MAX_MEASURE, MEASURE_DECIMALS

NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
NUMBER_WITH_UNIT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)\s*([^\d\s.,+-][^\d]*)$")
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
PASS_WORDS = {"pass", "ok", "1", "y", "yes", "合格", "✓"}
FAIL_WORDS = {"fail", "ng", "0", "n", "no", "不合格", "✗"}


def _normalised(raw):
    return unicodedata.normalize("NFKC", str(raw or "")).strip()


def parse_measured(raw, unit="") -> Decimal | None:
    """The Decimal an inspector typed, None for an empty cell; ValidationError otherwise."""
    text = _normalised(raw)
    if not text:
        return None
    if NUMBER.match(text):
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": text}) from None
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MEASURE_DECIMALS:
            raise ValidationError(_("“%(value)s” has more than %(n)s decimals.") % {"value": text,
                                                                                  "n": MEASURE_DECIMALS})
        if abs(value) >= MAX_MEASURE:
            raise ValidationError(_("“%(value)s” is too large.") % {"value": text})
        return value
    if NUMBER_WITH_UNIT.match(text):
        if unit:
            raise ValidationError(_("“%(value)s” carries a unit: enter the number only (in %(unit)s).")
                                  % {"value": text, "unit": unit})
        raise ValidationError(_("“%(value)s” carries a unit: enter the number only.") % {"value": text})
    if DECIMAL_COMMA.match(text):
        raise ValidationError(_("“%(value)s”: use a decimal point, not a comma.") % {"value": text})
    raise ValidationError(_("“%(value)s” is not a number.") % {"value": text[:40]})


def parse_attribute(raw) -> bool | None:
    """True (pass), False (fail) or None (not judged yet) for an attribute cell."""
    text = _normalised(raw).lower()
    if not text:
        return None
    if text in PASS_WORDS:
        return True
    if text in FAIL_WORDS:
        return False
    raise ValidationError(_("Mark the attribute as pass or fail (“%(value)s” is neither).") % {"value": text[:40]})


def plain(value: Decimal) -> str:
    """A quantity or measure as a person writes it: 500.000 → "500", 0.250 → "0.25" (never 5E+2)."""
    return format_number(value)
