"""What makes an order rush (seed 003 "紧急订单的识别"; issue 17.8).

An order is proposed as rush when the documented lead-time rule holds (orders.rules.rush_check: a line
wanted sooner than its product's standard lead time), or when one of the manager's active rules kept as
data (orders.RushRule) matches:

- order value at or above a threshold, in the threshold's currency (an order in another currency never
  matches: money is not converted);
- the customer's grade (Customer.grade, A key customer);
- a product on the order;
- a requested date (the order's or a line's) within N calendar days of today.

The first match is the reason, in that order (lead time first, then the rules by criterion as listed and
then by age). The reason is a systemtext.Text (message id + values), stored on the order
(Order.rush_suggested_reason) and shown in each reader's language.

The manager keeps the rules (save_rule / set_rule_active); bad input is refused with a message and
nothing is written.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, JSONField, Value
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from systemtext.text import Text

from . import rules
from .models import Currency, CustomerGrade, Product, RushCriterion, RushRule

ORDER_OF_CRITERIA = [RushCriterion.ORDER_VALUE, RushCriterion.CUSTOMER_GRADE, RushCriterion.PRODUCT,
                     RushCriterion.SHORT_DATE]
MAX_AMOUNT = Decimal("10000000000")
MAX_DAYS = 365


@dataclass(frozen=True)
class Proposal:
    suggested: bool
    reason: Text | None = None
    rule: "ActiveRule | None" = None
    check: rules.RushCheck | None = None


def lead_time_reason(check):
    if check.line:
        return Text(gettext_noop("Line %(line)s is wanted in %(requested)s days, sooner than its standard lead time "
                                 "of %(standard)s days."),
                    line=check.line, requested=check.requested_days, standard=check.standard_days)
    return Text(gettext_noop("Requested lead time is %(requested)s days, shorter than the standard %(standard)s "
                             "days."), requested=check.requested_days, standard=check.standard_days)


@dataclass(frozen=True)
class ActiveRule:
    """An active rule as propose() reads it (from the model, or from the intake's one query)."""

    pk: int
    name: str
    criterion: str
    min_amount: Decimal | None = None
    currency: str = ""
    customer_grade: str = ""
    product_id: int | None = None
    product_sku: str = ""
    within_days: int | None = None

    @classmethod
    def of(cls, data):
        amount = data.get("min_amount")
        return cls(pk=data["pk"], name=data["name"], criterion=data["criterion"],
                   min_amount=Decimal(str(amount)) if amount is not None else None, currency=data.get("currency") or "",
                   customer_grade=data.get("customer_grade") or "", product_id=data.get("product_id"),
                   product_sku=data.get("product_sku") or "", within_days=data.get("within_days"))


RULE_FIELDS = {"pk": "id", "name": "name", "criterion": "criterion", "currency": "currency",
               "customer_grade": "customer_grade", "product_id": "product_id", "product_sku": "product__sku",
               "within_days": "within_days"}


def active_rules_subquery():
    """The active rules as one array of JSON objects, for a caller that reads them in a query it makes anyway
    (order intake's one read of its facts, orders.services._intake_facts). The embedded SQLite database has no
    arrays: there it is NULL and active_rules() reads the rules itself."""
    if connection.vendor != "postgresql":
        return Value(None, output_field=JSONField())
    return ArraySubquery(RushRule.objects.filter(is_active=True).order_by("id").values(
        rule=JSONObject(min_amount=Cast("min_amount", CharField()), **RULE_FIELDS)))


def _rule_reason(rule, *, customer, total, currency, products, shortest):
    kind = rule.criterion
    if kind == RushCriterion.ORDER_VALUE and currency == rule.currency and total >= rule.min_amount:
        return Text(gettext_noop("Order value %(amount)s %(currency)s is at or above %(threshold)s %(currency)s "
                                 "(rule “%(rule)s”)."),
                    amount=total.quantize(Decimal("0.01")), currency=currency, threshold=rule.min_amount,
                    rule=rule.name)
    if kind == RushCriterion.CUSTOMER_GRADE and customer is not None and customer.grade == rule.customer_grade:
        return Text(gettext_noop("Customer %(customer)s is grade %(grade)s (rule “%(rule)s”)."),
                    customer=customer.code, grade=CustomerGrade(customer.grade).label, rule=rule.name)
    if kind == RushCriterion.PRODUCT and rule.product_id in {p.pk for p in products}:
        return Text(gettext_noop("The order includes product %(product)s (rule “%(rule)s”)."),
                    product=rule.product_sku, rule=rule.name)
    if kind == RushCriterion.SHORT_DATE and shortest is not None and shortest <= rule.within_days:
        return Text(gettext_noop("Requested in %(requested)s days, within %(days)s days (rule “%(rule)s”)."),
                    requested=shortest, days=rule.within_days, rule=rule.name)
    return None


def active_rules(rows=None):
    """The active rules in the order they are tried; `rows`: the dicts of active_rules_subquery(), when read."""
    if rows is None:
        fields = {"min_amount": "min_amount", **RULE_FIELDS}
        rows = [{key: row[field] for key, field in fields.items()}
                for row in RushRule.objects.filter(is_active=True).values(*fields.values())]
    found = [ActiveRule.of(row) for row in rows]
    return sorted(found, key=lambda r: (ORDER_OF_CRITERIA.index(r.criterion), r.pk))


def propose(*, requested_date, lines, customer=None, total=Decimal("0"), currency="", on=None, active=None):
    """The rush proposal for an order being entered. `lines`: (product, line date or None) pairs; `active`:
    the active rules when the caller read them already (active_rules_subquery())."""
    check = rules.rush_check(requested_date, lines, on=on)
    if check.suggested:
        return Proposal(True, lead_time_reason(check), None, check)
    today_ = on or rules.today()
    days = [(day - today_).days for day in [requested_date, *(d for _p, d in lines)] if day is not None]
    products = [product for product, _d in lines if product is not None]
    for rule in active_rules(active):
        reason = _rule_reason(rule, customer=customer, total=total, currency=currency, products=products,
                              shortest=min(days) if days else None)
        if reason is not None:
            return Proposal(True, reason, rule, check)
    return Proposal(False, None, None, check)


# --- the manager keeps the rules -----------------------------------------------------------------------

def _amount(value):
    if value in (None, ""):
        raise ValidationError({"min_amount": _("Enter the order value from which an order is rush.")})
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError({"min_amount": _("“%(value)s” is not an amount.") % {"value": value}}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"min_amount": _("The order value must be greater than zero.")})
    if amount >= MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"min_amount": _("The order value can have at most 2 decimals and 10 digits.")})
    return amount


def _clean(*, name, criterion, min_amount=None, currency="", customer_grade="", product=None, within_days=None):
    """The rule's fields for `criterion` (the others cleared), or a ValidationError naming each problem."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the rule a name.")
    if criterion not in RushCriterion.values:
        errors["criterion"] = _("Choose what the rule looks at.")
    fields = {"min_amount": None, "currency": "", "customer_grade": "", "product": None, "within_days": None}
    try:
        if criterion == RushCriterion.ORDER_VALUE:
            fields["min_amount"] = _amount(min_amount)
            if currency not in Currency.values:
                raise ValidationError({"currency": _("Choose the currency of the order value.")})
            fields["currency"] = currency
        elif criterion == RushCriterion.CUSTOMER_GRADE:
            if customer_grade not in CustomerGrade.values:
                raise ValidationError({"customer_grade": _("Choose the customer grade.")})
            fields["customer_grade"] = customer_grade
        elif criterion == RushCriterion.PRODUCT:
            if not isinstance(product, Product):
                raise ValidationError({"product": _("Choose the product.")})
            if not product.is_active:
                raise ValidationError({"product": _("Product %(sku)s is inactive.") % {"sku": product.sku}})
            fields["product"] = product
        elif criterion == RushCriterion.SHORT_DATE:
            if not isinstance(within_days, int) or not 1 <= within_days <= MAX_DAYS:
                raise ValidationError({"within_days": _("Enter a number of days from 1 to %(max)s.")
                                       % {"max": MAX_DAYS}})
            fields["within_days"] = within_days
    except ValidationError as exc:
        errors.update({key: value for key, value in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return {"name": name, "criterion": criterion, **fields}


def save_rule(*, actor, rule=None, **data):
    """Create a rule (rule=None) or change one; refused with a message per field, nothing written."""
    require(actor, "orders.change_rushrule" if rule else "orders.add_rushrule")
    fields = _clean(**data)
    with transaction.atomic():
        if rule is None:
            return RushRule.objects.create(**fields, updated_by=actor)
        current = RushRule.objects.select_for_update().get(pk=rule.pk)
        for key, value in fields.items():
            setattr(current, key, value)
        current.updated_by, current.updated_at = actor, timezone.now()
        current.save()
        return current


def set_rule_active(*, actor, rule, active):
    require(actor, "orders.change_rushrule")
    RushRule.objects.filter(pk=rule.pk).update(is_active=bool(active), updated_by=actor, updated_at=timezone.now())
