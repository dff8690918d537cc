"""Numbers as people type and read them: quantities, amounts and measures.

Reading (`read_number`): what a person typed is read one way everywhere. Full-width digits (１２),
thousands separators (1,000), inner spaces and exponents (1e3) are understood, but a form never
saves such a number silently: the form field refuses it once, puts the number it understood into
the field ("1000"), and the person saves again (see orders.forms.DecimalTextField). "12,5" (a comma
as the decimal separator) is refused, never guessed.

Showing (`format_number`): plain digits in the reader's language (Decimal's str() gives 2.3E+3
for a normalized 2300 and 5E+2 for 500: never shown to anyone), no "-0".
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

# Larger than any quantity (12,3) or price (12,2) can be; refusing early keeps Decimal arithmetic sane.
MAX_TYPED_NUMBER = Decimal("1e12")
PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
# Spaces people put between digit groups (ASCII, no-break, thin, ideographic).
SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u3000]+")
MINUS_SIGNS = {"\u2212": "-", "\u2013": "-"}


@dataclass(frozen=True)
class TypedNumber:
    value: Decimal
    typed: str  # as typed (trimmed)
    shown: str  # the number understood, written plainly: what the person is shown to confirm

    @property
    def is_plain(self):
        """Typed as plain ASCII digits: nothing was reinterpreted."""
        return self.typed == self.shown or self.typed == f"+{self.shown}"


def read_number(value, *, field_label) -> TypedNumber:
    """The number in `value` as typed by a person, or ValidationError naming `field_label`."""
    original = str(value).strip().strip("\u3000")
    text = unicodedata.normalize("NFKC", original)  # １２．５ → 12.5, full-width comma and minus too
    for sign, ascii_sign in MINUS_SIGNS.items():
        text = text.replace(sign, ascii_sign)
    text = SPACES.sub("", text)
    if "," in text:
        groups = text.split(".")[0].lstrip("+-").split(",")
        if any(len(g) != 3 for g in groups[1:]) or not groups[0]:
            raise ValidationError(
                _("%(field)s: use a dot as the decimal separator (for example 12.5), not a comma.")
                % {"field": field_label})
        text = text.replace(",", "")
    try:
        number = Decimal(text) if text.isascii() else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError(_("%(field)s: “%(value)s” is not a number.") % {"field": field_label, "value": original})
    if abs(number) >= MAX_TYPED_NUMBER:
        raise ValidationError(_("%(field)s: “%(value)s” is too large.") % {"field": field_label, "value": original})
    shown = text if PLAIN.fullmatch(text) else plain_digits(number)
    return TypedNumber(value=Decimal(shown), typed=original, shown=shown)


def reinterpreted_message(number: TypedNumber, field_label):
    """The refusal of a number that was understood only by reinterpreting what was typed."""
    return _("%(field)s: “%(typed)s” was read as %(value)s. Check the number now in the field and save again.") % {
        "field": field_label, "typed": number.typed, "value": number.shown}


def plain_digits(value: Decimal) -> str:
    """`value` in plain ASCII digits without exponent or trailing zeros (for form fields and keys)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "+0") else text


def format_number(value, places=None) -> str:
    """`value` (Decimal, int or float) for a reader: plain digits in the active language's notation,
    never an exponent or "-0". `places` fixes the decimals (rounded half up); otherwise trailing
    zeros are dropped. None is shown as an empty string."""
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return "—"
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    else:
        number = Decimal(plain_digits(number))
    if number == 0:
        number = abs(number)
    return formats.number_format(number, decimal_pos=places)


def parse_typed(value, *, field_label) -> Decimal:
    """A number typed into a page (not a file or the API): refused once, with the number understood,
    when reading it meant reinterpreting what was typed. Pages that re-show typed values pass them
    through `understood_text` so the field then holds that number."""
    number = read_number(value, field_label=field_label)
    if not number.is_plain:
        raise ValidationError(reinterpreted_message(number, field_label), code="reinterpreted")
    return number.value


def understood_text(data):
    """What a number input shows again after a POST: the number understood when it was reinterpreted,
    otherwise what was typed."""
    if not isinstance(data, str) or not data.strip():
        return data
    try:
        number = read_number(data, field_label="")
    except ValidationError:
        return data
    return data if number.is_plain else number.shown
