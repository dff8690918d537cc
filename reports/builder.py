"""The custom report builder: columns and filters over order lines (with their orders), each chosen
from a whitelist, so a saved report can never reach a field or lookup we did not list."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from orders.models import OrderLine, OrderStatus, Priority

# key: (label, ORM path from OrderLine)
COLUMNS = {
    "order_number": (_("Order"), "order__number"),
    "status": (_("Status"), "order__status"),
    "priority": (_("Priority"), "order__priority"),
    "customer_code": (_("Customer code"), "order__customer__code"),
    "customer_name": (_("Customer"), "order__customer__name"),
    "customer_po": (_("Customer PO"), "order__customer_po"),
    "requested_date": (_("Requested date"), "order__requested_date"),
    "promised_date": (_("Promised date"), "order__promised_date"),
    "order_total": (_("Order total"), "order__total_amount"),
    "currency": (_("Currency"), "order__currency"),
    "at_risk": (_("At risk"), "order__at_risk"),
    "line_no": (_("Line"), "line_no"),
    "product_sku": (_("Product SKU"), "product__sku"),
    "product_name": (_("Product"), "product__name"),
    "quantity": (_("Quantity"), "quantity"),
    "unit_price": (_("Unit price"), "unit_price"),
    "shipped_quantity": (_("Shipped quantity"), "shipped_quantity"),
}
TEXT, CHOICE, DATE, NUMBER = "text", "choice", "date", "number"
OPERATORS = {
    "eq": (_("is"), "exact"), "ne": (_("is not"), None), "contains": (_("contains"), "icontains"),
    "lt": (_("before / less than"), "lt"), "lte": (_("on or before / at most"), "lte"),
    "gt": (_("after / more than"), "gt"), "gte": (_("on or after / at least"), "gte"),
}
TYPE_OPERATORS = {TEXT: ["eq", "ne", "contains"], CHOICE: ["eq", "ne"], DATE: ["eq", "lt", "lte", "gt", "gte"],
                  NUMBER: ["eq", "ne", "lt", "lte", "gt", "gte"]}
# key: (label, ORM path, type, choices)
FILTERS = {
    "status": (_("Status"), "order__status", CHOICE, OrderStatus.choices),
    "priority": (_("Priority"), "order__priority", CHOICE, Priority.choices),
    "customer_code": (_("Customer code"), "order__customer__code", TEXT, None),
    "product_sku": (_("Product SKU"), "product__sku", TEXT, None),
    "requested_date": (_("Requested date"), "order__requested_date", DATE, None),
    "promised_date": (_("Promised date"), "order__promised_date", DATE, None),
    "order_total": (_("Order total"), "order__total_amount", NUMBER, None),
    "quantity": (_("Quantity"), "quantity", NUMBER, None),
}
MONEY_COLUMNS = ("order_total", "unit_price")
MAX_FILTERS = 10
MAX_VALUE_LENGTH = 100


def _value(key, kind, choices, raw):
    raw = (raw or "").strip()
    label = FILTERS[key][0]
    if not raw or len(raw) > MAX_VALUE_LENGTH:
        raise ValidationError(_("Enter a value (at most 100 characters) for the filter on %(field)s."),
                              params={"field": label})
    if kind == CHOICE and raw not in dict(choices):
        raise ValidationError(_("%(value)s is not a choice for %(field)s."), params={"value": raw, "field": label})
    if kind == DATE:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(_("%(value)s is not a date (YYYY-MM-DD) for %(field)s."),
                                  params={"value": raw, "field": label}) from None
    if kind == NUMBER:
        try:
            number = Decimal(raw)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(_("%(value)s is not a number for %(field)s."), params={"value": raw, "field": label})
        return number
    return raw


def clean_definition(columns, filters):
    """Checked columns (keys) and filters ([{field, op, value}]); ValidationError names every problem."""
    errors = []
    columns = [c for c in columns or [] if c]
    if not columns:
        errors.append(ValidationError(_("Choose at least one column.")))
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        errors.append(ValidationError(_("Unknown column: %(columns)s."), params={"columns": ", ".join(unknown)}))
    if len(set(columns)) != len(columns):
        errors.append(ValidationError(_("Choose each column once.")))
    filters = [f for f in filters or [] if f.get("field") or f.get("value")]
    if len(filters) > MAX_FILTERS:
        errors.append(ValidationError(_("Use at most 10 filters.")))
    cleaned = []
    for f in filters:
        key, op = f.get("field"), f.get("op")
        if key not in FILTERS:
            errors.append(ValidationError(_("Unknown filter field: %(field)s."), params={"field": key}))
            continue
        label, _path, kind, choices = FILTERS[key]
        if op not in TYPE_OPERATORS[kind]:
            errors.append(ValidationError(_("The operator %(op)s cannot be used with %(field)s."),
                                          params={"op": op, "field": label}))
            continue
        try:
            _value(key, kind, choices, f.get("value"))
        except ValidationError as exc:
            errors.append(exc)
            continue
        cleaned.append({"field": key, "op": op, "value": str(f.get("value")).strip()})
    if errors:
        raise ValidationError(errors)
    return columns, cleaned


def run(columns, filters):
    """The rows (a queryset of tuples) of a checked definition."""
    columns, filters = clean_definition(columns, filters)
    qs = OrderLine.objects.all()
    for f in filters:
        _label, path, kind, choices = FILTERS[f["field"]]
        value = _value(f["field"], kind, choices, f["value"])
        lookup = OPERATORS[f["op"]][1]
        qs = qs.exclude(**{path: value}) if lookup is None else qs.filter(**{f"{path}__{lookup}": value})
    return qs.order_by("-order__created_at", "order__number", "line_no").values_list(
        *[COLUMNS[c][1] for c in shown_columns(columns)])


def shown_columns(columns):
    """The columns as shown and exported: an amount never goes without its currency, so the currency
    column follows the first amount when the definition left it out."""
    columns = [c for c in columns or [] if c]
    amounts = [columns.index(c) for c in MONEY_COLUMNS if c in columns]
    if not amounts or "currency" in columns:
        return columns
    at = min(amounts) + 1
    return columns[:at] + ["currency"] + columns[at:]


def header(columns):
    return [COLUMNS[c][0] for c in shown_columns(columns)]


def labels(columns):
    """(column index, choices) for coded columns, shown as their labels."""
    coded = {"status": OrderStatus.choices, "priority": Priority.choices}
    return tuple((i, coded[c]) for i, c in enumerate(shown_columns(columns)) if c in coded)


def money(columns):
    """The indexes of the amount columns (formatted with thousands separators on the page)."""
    return tuple(i for i, c in enumerate(shown_columns(columns)) if c in MONEY_COLUMNS)
