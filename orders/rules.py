"""Business rules for order input, shared by the forms (per-field messages) and the services
(which re-check everything, since the API and imports do not go through the forms)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import OPEN_FOR_CREDIT, Customer, Order, OrderStatus, Product, Unit, line_amount

# Larger than any quantity (12,3) or price (12,2) can be; refusing early keeps Decimal arithmetic sane.
MAX_TYPED_NUMBER = Decimal("1e12")


def today():
    return timezone.localdate()


def parse_decimal(value, *, field_label):
    """Accept '1234.5' (and '1,234.5' as typed by people) but never '12,5' meaning 12.5: a comma
    followed by other than three digits is rejected with a clear message instead of guessed."""
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace(" ", "")
    if "," in text:
        groups = text.split(".")[0].split(",")
        if any(len(g) != 3 for g in groups[1:]) or not groups[0]:
            raise ValidationError(
                _("%(field)s: use a dot as the decimal separator (for example 12.5), not a comma.")
                % {"field": field_label})
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("%(field)s: “%(value)s” is not a number.") % {"field": field_label, "value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("%(field)s: “%(value)s” is not a number.") % {"field": field_label, "value": value})
    if abs(number) >= MAX_TYPED_NUMBER:
        raise ValidationError(_("%(field)s: “%(value)s” is too large.") % {"field": field_label, "value": value})
    return number


def validate_quantity(quantity, product):
    if quantity <= 0:
        raise ValidationError(_("Quantity must be greater than zero."))
    maximum = settings.ORDER_LINE_MAX_QUANTITY
    if quantity > maximum:
        raise ValidationError(_("Quantity %(qty)s is over the maximum of %(max)s per line; check for a typing error.")
                              % {"qty": quantity, "max": maximum})
    decimals = Unit.decimals(product.unit)
    if quantity != quantity.quantize(Decimal(1).scaleb(-decimals)):
        if decimals == 0:
            raise ValidationError(_("%(product)s is counted in whole %(unit)s: the quantity cannot have decimals.")
                                  % {"product": product.sku, "unit": product.get_unit_display()})
        raise ValidationError(_("Quantity in %(unit)s can have at most %(n)s decimals.")
                              % {"unit": product.get_unit_display(), "n": decimals})


def validate_unit_price(price):
    if price < 0:
        raise ValidationError(_("Unit price cannot be negative."))
    if price >= Decimal("10000000000"):
        raise ValidationError(_("Unit price is too large."))
    if price != price.quantize(Decimal("0.01")):
        raise ValidationError(_("Unit price can have at most 2 decimals."))


def validate_requested_date(value: date, *, allow_past=False):
    if value is None:
        raise ValidationError(_("Enter the requested date."))
    if not allow_past and value < today():
        raise ValidationError(_("The requested date %(date)s is in the past.") % {"date": date_format(value)})


def validate_customer(customer):
    if customer is None:
        raise ValidationError(_("Choose a customer."))
    if not customer.is_active:
        raise ValidationError(_("Customer %(code)s is inactive; orders cannot be entered for it.")
                              % {"code": customer.code})


def validate_product(product):
    if not product.is_active:
        raise ValidationError(_("Product %(sku)s is inactive.") % {"sku": product.sku})


def rush_suggestion(requested_date, products, *, on=None):
    """The documented rush rule: an order is proposed as rush when the lead time the customer asks
    for (requested date − today, in calendar days) is shorter than the longest standard lead time
    of its products. Returns (suggested, requested_days, standard_days)."""
    products = [p for p in products if p is not None]
    if requested_date is None or not products:
        return False, None, None
    requested_days = (requested_date - (on or today())).days
    standard_days = max(p.standard_lead_time_days for p in products)
    return requested_days < standard_days, requested_days, standard_days


def open_order_value(customer, *, exclude_order_id=None):
    qs = Order.objects.filter(customer=customer, status__in=OPEN_FOR_CREDIT)
    if exclude_order_id:
        qs = qs.exclude(pk=exclude_order_id)
    return qs.aggregate(total=Sum("total_amount"))["total"] or Decimal("0")


def credit_exceeded(customer, order_total, *, exclude_order_id=None):
    """(exceeded, open value). A credit limit of 0 means no limit."""
    open_value = open_order_value(customer, exclude_order_id=exclude_order_id)
    if not customer.credit_limit:
        return False, open_value
    return open_value + order_total > customer.credit_limit, open_value


def duplicate_po_orders(customer, customer_po, *, exclude_order_id=None):
    if not customer_po:
        return Order.objects.none()
    qs = Order.objects.filter(customer=customer, customer_po__iexact=customer_po.strip()).exclude(
        status=OrderStatus.CANCELLED)
    if exclude_order_id:
        qs = qs.exclude(pk=exclude_order_id)
    return qs


@dataclass(frozen=True)
class TypedLine:
    """An order line as typed so far on the entry page (raw text; may not parse yet)."""

    key: str
    sku: str
    quantity: str
    unit_price: str
    removed: bool = False


def entry_preview(*, lines, requested_date, is_rush, customer_code="", customer_po=""):
    """What the entry page shows while sales type: line amounts and the total (lines that do not
    parse yet are skipped), the rush proposal, and the credit and duplicate-PO warnings. Reads only."""
    by_sku = {p.sku: p for p in Product.objects.filter(sku__in={ln.sku for ln in lines if ln.sku})}
    total, products, line_amounts = Decimal("0"), [], []
    for line in lines:
        amount = None
        product = None if line.removed else by_sku.get(line.sku)
        if product:
            products.append(product)  # its lead time counts for the rush proposal before a quantity parses
        if not line.removed:
            try:
                quantity = parse_decimal(line.quantity, field_label="")
                price = (parse_decimal(line.unit_price, field_label="") if line.unit_price
                         else (product.list_price if product else Decimal("0")))
                amount = line_amount(quantity, price)
                total += amount
            except ValidationError:
                amount = None
        line_amounts.append({"prefix": line.key, "amount": amount})
    suggested, requested_days, standard_days = rush_suggestion(requested_date, products)
    customer = Customer.objects.filter(code=customer_code).first() if customer_code else None
    credit = None
    if customer is not None and customer.credit_limit:
        exceeded, open_value = credit_exceeded(customer, total)
        credit = {"exceeded": exceeded, "open_value": open_value, "limit": customer.credit_limit}
    return {"total": total, "line_amounts": line_amounts, "rush_suggested": suggested,
            "requested_days": requested_days, "standard_days": standard_days, "is_rush": is_rush,
            "credit": credit,
            "duplicate_po": bool(customer and duplicate_po_orders(customer, customer_po).exists())}
