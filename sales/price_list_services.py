"""Price lists and the discount rule kept in the app (issue 18): the write use-cases of their pages.

A price list is for one customer grade (or every grade) and one currency over a period; two active lists of
the same grade and currency may not be valid on the same day (which price would a quotation take?), so an
overlapping period is refused naming the other list. Its lines are products with quantity breaks (one price
per product and "from quantity"); a price is never negative. Closing a list ends it today (its lines stay,
quotations priced from it keep their prices). The discount rule is a new row with its start date: the rule in
force is the newest whose start has come, and the earlier rules stay as its history.

Every change is recorded in the change history (audit), a list with its lines.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, snapshot
from orders.models import Currency, CustomerGrade

from .models import DiscountRule, PriceList, PriceListItem

ADD = "sales.add_pricelist"
CHANGE = "sales.change_pricelist"
ADD_RULE = "sales.add_discountrule"
ITEMS = ["items"]
MAX_THRESHOLD = Decimal("100")
MAX_LINES = 500


@dataclass(frozen=True)
class PriceLineInput:
    product: object
    min_quantity: Decimal
    unit_price: Decimal


def _overlapping(price_list):
    """The other active list of the same grade and currency valid on a day of this list's period."""
    others = PriceList.objects.filter(grade=price_list.grade, currency=price_list.currency, is_active=True)
    if price_list.pk is not None:
        others = others.exclude(pk=price_list.pk)
    others = others.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=price_list.valid_from))
    if price_list.valid_until is not None:
        others = others.filter(valid_from__lte=price_list.valid_until)
    return others.order_by("valid_from", "id").first()


def _period_text(price_list):
    start = formats.date_format(price_list.valid_from, "DATE_FORMAT")
    if price_list.valid_until is None:
        return _("from %(start)s, open-ended") % {"start": start}
    return _("%(start)s – %(end)s") % {"start": start,
                                       "end": formats.date_format(price_list.valid_until, "DATE_FORMAT")}


def _lock_groups(*groups):
    """Lock the lists of the given (grade, currency) groups, in id order, before checking for an overlap: two
    managers saving lists of one group at once are taken one after the other, and the second sees the first's
    list (PostgreSQL; the embedded SQLite default writes one at a time anyway)."""
    condition = Q()
    for grade, currency in groups:
        condition |= Q(grade=grade or "", currency=currency)
    list(PriceList.objects.select_for_update().filter(condition).order_by("pk").values_list("pk", flat=True))


def header_errors(price_list):
    """The list's own field errors and an overlap with another active list, as {field: [messages]} (the
    pages and the admin form show them next to the field)."""
    return _header_errors(price_list)


def _header_errors(price_list):
    errors = {}
    price_list.name = (price_list.name or "").strip()
    if not price_list.name:
        errors["name"] = [_("Enter a name.")]
    elif len(price_list.name) > 120:
        errors["name"] = [_("The name is too long (at most 120 characters).")]
    if price_list.grade not in ("", *CustomerGrade.values):
        errors["grade"] = [_("Choose a customer grade from the list.")]
    if price_list.currency not in Currency.values:
        errors["currency"] = [_("Choose a currency from the list.")]
    if price_list.valid_from is None:
        errors["valid_from"] = [_("Enter the date the prices start.")]
    elif price_list.valid_until is not None and price_list.valid_until < price_list.valid_from:
        errors["valid_until"] = [_("The end date is before the start date.")]
    if not errors and price_list.is_active:
        other = _overlapping(price_list)
        if other is not None:
            errors["valid_from"] = [_(
                "The price list %(name)s (%(period)s) is already in force for this customer grade and currency "
                "during this period: close it first or choose dates after it.") % {
                    "name": other.name, "period": _period_text(other)}]
    return errors


def _line_errors(items):
    messages, seen = [], {}
    if len(items) > MAX_LINES:
        return [_("A price list holds at most %(max)s lines.") % {"max": MAX_LINES}]
    for number, item in enumerate(items, start=1):
        if item.unit_price is None or item.unit_price < 0:
            messages.append(_("Line %(line)s: the unit price cannot be negative.") % {"line": number})
        elif item.unit_price.as_tuple().exponent < -2 or item.unit_price >= Decimal("1e10"):
            messages.append(_("Line %(line)s: give the price with at most two decimals.") % {"line": number})
        if item.min_quantity is None or item.min_quantity < 0:
            messages.append(_("Line %(line)s: the quantity break cannot be negative.") % {"line": number})
        elif item.min_quantity.as_tuple().exponent < -3 or item.min_quantity >= Decimal("1e9"):
            messages.append(_("Line %(line)s: give the quantity with at most three decimals.") % {"line": number})
        else:
            key = (item.product.pk, item.min_quantity)
            if key in seen:
                messages.append(_("Line %(line)s repeats line %(first)s: %(sku)s from %(quantity)s has one price.")
                                % {"line": number, "first": seen[key], "sku": item.product.sku,
                                   "quantity": formats.number_format(item.min_quantity, use_l10n=True)})
            seen.setdefault(key, number)
    return messages


def _check(price_list, items):
    errors = _header_errors(price_list)
    if items is not None:
        line_messages = _line_errors(items)
        if line_messages:
            errors["items"] = line_messages
    if errors:
        raise ValidationError(errors)


def _write_items(price_list, items):
    price_list.items.all().delete()
    PriceListItem.objects.bulk_create([
        PriceListItem(price_list=price_list, product=item.product, min_quantity=item.min_quantity,
                      unit_price=item.unit_price) for item in items])


def create_price_list(*, actor, name, grade, currency, valid_from, valid_until=None, items=()) -> PriceList:
    require(actor, ADD)
    items = list(items)
    price_list = PriceList(name=name, grade=grade or "", currency=currency, valid_from=valid_from,
                           valid_until=valid_until, created_by=actor)
    with transaction.atomic():
        _lock_groups((price_list.grade, price_list.currency))
        _check(price_list, items)
        price_list.save()
        _write_items(price_list, items)
        record_change(price_list, actor=actor, children=ITEMS)
    return price_list


def _locked(price_list):
    return PriceList.objects.select_for_update().get(pk=price_list.pk)


def update_price_list(*, actor, price_list, name, grade, currency, valid_from, valid_until=None,
                      items=None) -> PriceList:
    """Save the header and (when given) replace the lines; refused as a whole when anything is wrong."""
    require(actor, CHANGE)
    with transaction.atomic():
        _lock_groups((price_list.grade, price_list.currency), (grade, currency))
        current = _locked(price_list)
        before = snapshot(current, children=ITEMS)
        current.name, current.grade, current.currency = name, grade or "", currency
        current.valid_from, current.valid_until = valid_from, valid_until
        items = list(items) if items is not None else None
        _check(current, items)
        current.save()
        if items is not None:
            _write_items(current, items)
        record_change(current, actor=actor, before=before, children=ITEMS)
    return current


def set_price_list_active(*, actor, price_list, is_active) -> PriceList:
    """Deactivate a list (no longer used for any price) or activate it again (refused when another
    active list of its grade and currency overlaps it by then)."""
    require(actor, CHANGE)
    with transaction.atomic():
        _lock_groups((price_list.grade, price_list.currency))
        current = _locked(price_list)
        before = snapshot(current)
        current.is_active = is_active
        if is_active:
            _check(current, None)
        current.save()
        record_change(current, actor=actor, before=before)
    return current


def close_price_list(*, actor, price_list, on=None) -> PriceList:
    """End the list's period on `on` (today): it is in force to the end of that day, and a new list of the
    same grade and currency may start the day after."""
    require(actor, CHANGE)
    day = on or timezone.localdate()
    with transaction.atomic():
        current = _locked(price_list)
        if current.valid_from > day:
            raise ValidationError(_("This price list has not started yet: deactivate it instead of closing it."))
        if current.valid_until is not None and current.valid_until <= day:
            raise ValidationError(_("This price list ended on %(day)s already.")
                                  % {"day": formats.date_format(current.valid_until, "DATE_FORMAT")})
        before = snapshot(current)
        current.valid_until = day
        current.save()
        record_change(current, actor=actor, before=before)
    return current


def set_discount_rule(*, actor, threshold_percent, valid_from, note="") -> DiscountRule:
    """A new discount rule from `valid_from` (today or later: quotations already priced keep the rule they
    were priced with). The earlier rules stay as the history."""
    require(actor, ADD_RULE)
    errors = {}
    if threshold_percent is None or not Decimal("0") <= threshold_percent <= MAX_THRESHOLD:
        errors["threshold_percent"] = [_("Enter a discount from 0 to 100 %.")]
    elif threshold_percent.as_tuple().exponent < -2:
        errors["threshold_percent"] = [_("Give the discount with at most two decimals.")]
    today = timezone.localdate()
    if valid_from is None:
        errors["valid_from"] = [_("Enter the date the rule starts.")]
    elif valid_from < today:
        errors["valid_from"] = [_("The rule cannot start in the past: quotations already priced keep their rule.")]
    note = (note or "").strip()
    if len(note) > 300:
        errors["note"] = [_("The note is too long (at most 300 characters).")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rule = DiscountRule.objects.create(threshold_percent=threshold_percent, valid_from=valid_from, note=note,
                                           created_by=actor)
        record_change(rule, actor=actor)
    return rule
