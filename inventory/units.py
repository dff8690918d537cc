"""Converting a quantity typed in one unit into an item's stock (base) unit.

Where a factor comes from, first match wins:
1. a UnitConversion row of the item (a box of this item holds 12 pieces),
2. a UnitConversion row for every item (item empty),
3. the fixed physical conversions (t ↔ kg ↔ g, models.STANDARD_CONVERSIONS).
Each row is used both ways (1 box = 12 pcs also gives 1 pcs = 1/12 box). A converted quantity must
fit the base unit exactly (Decimal(12, 3) and the unit's decimals: whole pieces); otherwise the user
is asked to enter it in another unit rather than having it silently rounded.
"""

from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from orders.models import Unit
from orders.quantities import format_number
from systemtext.text import Text

from .models import STANDARD_CONVERSIONS, Item, UnitConversion

MAX_QUANTITY = Decimal("999999999.999")


def decimals_of(value: Decimal) -> int:
    return max(0, -value.as_tuple().exponent) if value.is_finite() else 0


def format_quantity(quantity: Decimal, unit: str) -> str:
    """12.500 kg, 3 pcs (12.500 千克, 3 件): the quantity with its unit's decimals in the reader's notation
    (never an exponent: orders.quantities.format_number) and the unit's symbol in the reader's language."""
    return f"{format_number(quantity, Unit.decimals(unit))} {Unit.symbol(unit)}"


# Nothing in it to translate (the unit's name is a value), so it is not marked for the catalog.
QUANTITY_WITH_UNIT = "%(quantity)s %(unit)s"


def quantity_text(quantity: Decimal, unit: str) -> Text:
    """format_quantity for a stored note: the number and the unit's name in the reader's language."""
    return Text(QUANTITY_WITH_UNIT,
                quantity=quantity.quantize(Decimal(1).scaleb(-Unit.decimals(unit))),
                unit=Unit(unit).label if unit in Unit.values else unit)


def conversion_factor(item: Item, from_unit: str, to_unit: str) -> Fraction | None:
    """How many `to_unit` make one `from_unit` for this item (exact: 1 pcs = 1/12 box), or None when
    they do not convert."""
    if from_unit == to_unit:
        return Fraction(1)
    rows = list(UnitConversion.objects.filter(Q(item=item) | Q(item__isnull=True)).filter(
        Q(from_unit=from_unit, to_unit=to_unit) | Q(from_unit=to_unit, to_unit=from_unit)).values_list(
        "item_id", "from_unit", "factor"))
    # The item's own factor beats a global one.
    rows.sort(key=lambda row: row[0] is None)
    for _item_id, row_from, factor in rows:
        return Fraction(factor) if row_from == from_unit else 1 / Fraction(factor)
    if (from_unit, to_unit) in STANDARD_CONVERSIONS:
        return Fraction(STANDARD_CONVERSIONS[(from_unit, to_unit)])
    if (to_unit, from_unit) in STANDARD_CONVERSIONS:
        return 1 / Fraction(STANDARD_CONVERSIONS[(to_unit, from_unit)])
    return None


def to_base_quantity(item: Item, quantity: Decimal, unit: str | None = None, *, action=None) -> Decimal:
    """`quantity` of `unit` (default: the item's unit) in the item's unit, exactly; ValidationError
    when the unit does not convert or the result does not fit the item's unit. `action` names what the
    person is doing ("Issue", "Shipment") in the refusal; the sign of `quantity` is the ledger's
    business, so refusals show the amount as typed."""
    unit = unit or item.unit
    if unit not in Unit.values:
        raise ValidationError(_("“%(unit)s” is not a unit.") % {"unit": unit})
    factor = conversion_factor(item, unit, item.unit)
    if factor is None:
        raise ValidationError(_("%(unit)s does not convert to %(base)s for %(code)s: enter the quantity in "
                                "%(base)s or add a unit conversion.")
                              % {"unit": unit, "base": item.unit, "code": item.code})
    if not quantity.is_finite():
        raise ValidationError(_("The quantity is not a number."))
    base = Fraction(quantity) * factor
    places = Unit.decimals(item.unit)
    scaled = base * 10 ** places
    if scaled.denominator != 1:
        values = {"action": action or _("Quantity"), "quantity": format_number(abs(quantity)), "unit": unit,
                  "base": item.unit, "code": item.code, "places": places}
        if unit == item.unit:
            raise ValidationError(_("%(action)s %(quantity)s %(unit)s: %(code)s is counted in %(unit)s with at most "
                                    "%(places)s decimals; enter a quantity with at most %(places)s decimals.")
                                  % values)
        exact = Decimal(abs(base.numerator)) / Decimal(base.denominator)
        raise ValidationError(_("%(action)s %(quantity)s %(unit)s: that is %(base_quantity)s %(base)s, and %(code)s is "
                                "counted in %(base)s with at most %(places)s decimals; enter the quantity in "
                                "%(base)s.") % {**values, "base_quantity": format_number(exact, 6)})
    exact = Decimal(scaled.numerator).scaleb(-places)
    if abs(exact) > MAX_QUANTITY:
        raise ValidationError(_("The quantity is too large."))
    return exact


def from_base_quantity(item: Item, quantity: Decimal, unit: str) -> Decimal | None:
    """A base-unit quantity shown in `unit` (for display: None when the units do not convert)."""
    factor = conversion_factor(item, item.unit, unit)
    return None if factor is None else Decimal(factor.numerator) * quantity / Decimal(factor.denominator)
