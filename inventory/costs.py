"""Writes on standard costs and stock warning rules (master data: each change is in the change log).

A standard cost is never edited: a change is a new row valid from a day (today or later), so every
valuation already shown stays as it was. Rules are edited in place by managers; their history is the
change log's.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, snapshot
from orders.models import Currency

from .models import Item, ItemCost, StockWarningRule, WarningKind
from .models.valuation import MAX_RULE_DAYS, UNIT_COST

MAX_UNIT_COST = Decimal("9999999999.9999")
RULE_FIELDS = ("name", "kind", "days", "demand_window_days", "item_type", "category", "is_active")


def cost_errors(*, unit_cost, currency, valid_from, today=None):
    """{field: [messages]} of a new standard cost (empty when it may be saved)."""
    errors = {}
    try:
        cost = Decimal(unit_cost) if unit_cost is not None else None
    except (InvalidOperation, TypeError, ValueError):
        cost = None
    if cost is None or not cost.is_finite():
        errors["unit_cost"] = [_("Enter the cost as a number.")]
    elif cost < 0:
        errors["unit_cost"] = [_("The cost cannot be negative.")]
    elif cost > MAX_UNIT_COST or -cost.as_tuple().exponent > UNIT_COST["decimal_places"]:
        errors["unit_cost"] = [_("The cost can have at most 10 digits before and 4 after the decimal point.")]
    if currency not in Currency.values:
        errors["currency"] = [_("Choose a currency.")]
    today = today or timezone.localdate()
    if not isinstance(valid_from, date):
        errors["valid_from"] = [_("Enter the day the cost takes effect.")]
    elif valid_from < today:
        errors["valid_from"] = [_("A new cost takes effect today or later, so that values already shown do not "
                                  "change.")]
    return errors


def set_item_cost(*, actor, item: Item, unit_cost, currency, valid_from: date | None = None, note="") -> ItemCost:
    """Give `item` a standard cost per base unit from `valid_from` (default today) on."""
    require(actor, "inventory.add_itemcost")
    valid_from = valid_from or timezone.localdate()
    note = (note or "").strip()
    errors = cost_errors(unit_cost=unit_cost, currency=currency, valid_from=valid_from)
    if len(note) > ItemCost._meta.get_field("note").max_length:
        errors["note"] = [_("The note is too long.")]
    if errors:
        raise ValidationError(errors)
    taken = _("%(code)s already has a cost from %(day)s; a correction takes effect from the next day.") % {
        "code": item.code, "day": date_format(valid_from)}
    if ItemCost.objects.filter(item=item, valid_from=valid_from).exists():
        raise ValidationError({"valid_from": [taken]})
    try:
        with transaction.atomic():
            cost = ItemCost.objects.create(item=item, unit_cost=Decimal(unit_cost), currency=currency,
                                           valid_from=valid_from, note=note, created_by=actor)
            record_change(cost, actor=actor)
    except IntegrityError:  # the same day saved by someone else meanwhile
        raise ValidationError({"valid_from": [taken]}) from None
    return cost


# --- warning rules -----------------------------------------------------------------------------------

def rule_errors(rule: StockWarningRule):
    rule.name = (rule.name or "").strip()
    errors = {}
    if not rule.name:
        errors["name"] = [_("Enter a name.")]
    if rule.kind not in WarningKind.values:
        errors["kind"] = [_("Choose a kind of warning.")]
    for name in ("days", "demand_window_days"):
        value = getattr(rule, name)
        if not isinstance(value, int) or not 1 <= value <= MAX_RULE_DAYS:
            errors[name] = [_("Enter a whole number of days from 1 to %(n)s.") % {"n": MAX_RULE_DAYS}]
    try:
        rule.full_clean(exclude=sorted(errors))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def save_warning_rule(*, actor, rule: StockWarningRule | None = None, **fields) -> StockWarningRule:
    """Create a rule (rule None) or change one; the next daily evaluation applies it."""
    require(actor, "inventory.add_stockwarningrule" if rule is None else "inventory.change_stockwarningrule")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields: {sorted(unknown)}")
    with transaction.atomic():
        current = StockWarningRule() if rule is None else StockWarningRule.objects.select_for_update().get(pk=rule.pk)
        before = None if rule is None else snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        errors = rule_errors(current)
        if errors:
            raise ValidationError(errors)
        current.save()
        record_change(current, actor=actor, before=before)
    return current
