"""Business rules for order input, shared by the forms (per-field messages) and the services
(which re-check everything, since the API and imports do not go through the forms)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import stage_hooks, tallies
from .models import OPEN_FOR_CREDIT, Customer, Order, OrderStatus, Product, Unit, line_amount
from .quantities import MAX_TYPED_NUMBER, format_number, read_number  # noqa: F401 (re-exported)


def today():
    return timezone.localdate()


def parse_decimal(value, *, field_label):
    """The number typed (orders.quantities.read_number: '1234.5', '1,234.5', '１２'; never '12,5'
    meaning 12.5). Forms refuse a reinterpreted number once so the person sees it (DecimalTextField);
    files and the API take the number as read."""
    if isinstance(value, Decimal):
        return value
    return read_number(value, field_label=field_label).value


def default_unit_price(product, *, customer=None, currency=None, quantity=None):
    """The unit price of a line typed without one: the price list's price for the customer's grade and
    currency when one is valid (orders.stage_hooks Hook.LINE_PRICE), else the product's list price."""
    if customer is not None and product is not None:
        price = stage_hooks.line_price_for(customer=customer, product=product,
                                           currency=currency or customer.currency, quantity=quantity)
        if price is not None:
            return price
    return product.list_price if product is not None else Decimal("0")


def validate_quantity(quantity, product):
    if quantity <= 0:
        raise ValidationError(_("Quantity must be greater than zero."))
    maximum = settings.ORDER_LINE_MAX_QUANTITY
    if quantity > maximum:
        raise ValidationError(_("Quantity %(qty)s is over the maximum of %(max)s per line; check for a typing error.")
                              % {"qty": format_number(quantity), "max": format_number(maximum)})
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


@dataclass(frozen=True)
class RushCheck:
    """The outcome of the rush rule: `suggested`, and the tightest line's numbers (`line`: its number,
    None when the order's own date is the tightest; days asked for and standard days)."""

    suggested: bool
    requested_days: int | None = None
    standard_days: int | None = None
    line: int | None = None


def rush_check(requested_date, lines, *, on=None):
    """The documented rush rule, per line: a line is short when the lead time asked for it (its own date,
    else the order's, − today, in calendar days) is shorter than its product's standard lead time; the
    order is proposed as rush when any line is short. `lines`: (product, line date or None) pairs."""
    today_ = on or today()
    short, latest = [], None
    for number, (product, line_date) in enumerate(lines, start=1):
        day = line_date or requested_date
        if product is None or day is None:
            continue
        requested_days, standard_days = (day - today_).days, product.standard_lead_time_days
        gap = standard_days - requested_days
        if requested_days < standard_days:
            short.append((gap, -number, RushCheck(True, requested_days, standard_days,
                                                  number if line_date and line_date != requested_date else None)))
        elif latest is None or gap > latest[0]:
            latest = (gap, requested_days, standard_days)
    if short:
        return max(short, key=lambda item: item[:2])[2]
    if latest is None:
        return RushCheck(False)
    return RushCheck(False, latest[1], latest[2])


def rush_suggestion(requested_date, products, *, on=None, line_dates=None):
    """(suggested, requested_days, standard_days) of rush_check() for `products` with their `line_dates`
    (each None: the order's date)."""
    dates = list(line_dates) if line_dates is not None else [None] * len(products)
    check = rush_check(requested_date, list(zip(products, dates, strict=True)), on=on)
    return check.suggested, check.requested_days, check.standard_days


def open_order_value(customer, *, exclude_order_id=None):
    """The value of the customer's orders open for credit: one read of the maintained exposure
    (orders.tallies), less the excluded order's own value when it is one of them."""
    value = tallies.open_value(customer.pk)
    if exclude_order_id:
        excluded = (Order.objects.filter(pk=exclude_order_id, customer=customer, status__in=OPEN_FOR_CREDIT)
                    .values_list("total_amount", flat=True).first())
        value -= excluded or Decimal("0")
    return value


@dataclass(frozen=True)
class CreditExposure:
    """What a customer owes or has on order, in three parts (issue 18 item 3): orders open and not yet
    shipped, goods shipped but not invoiced, invoices not paid."""

    open_orders: Decimal
    shipped_not_invoiced: Decimal
    invoiced_unpaid: Decimal

    @property
    def total(self):
        return self.open_orders + self.shipped_not_invoiced + self.invoiced_unpaid


def credit_exposure(customer, *, exclude_order_id=None, open_value=None):
    """The customer's exposure: the maintained open-order value (orders.tallies) less what of those orders
    has shipped, plus the later stages' parts (stage_hooks Hook.EXPOSURE: shipped not invoiced, unpaid)."""
    if open_value is None:
        open_value = open_order_value(customer, exclude_order_id=exclude_order_id)
    later = stage_hooks.exposure_after_shipment(customer.pk)
    return CreditExposure(open_orders=max(open_value - later.shipped_of_open_orders, Decimal("0")),
                          shipped_not_invoiced=later.shipped_not_invoiced, invoiced_unpaid=later.invoiced_unpaid)


def credit_exceeded(customer, order_total, *, exclude_order_id=None, open_value=None):
    """(exceeded, exposure total). A credit limit of 0 means no limit. `open_value`: the customer's open order
    value when the caller read it already (order intake reads it with its other facts in one query)."""
    if not customer.credit_limit:
        return False, open_value if open_value is not None else open_order_value(
            customer, exclude_order_id=exclude_order_id)
    exposure = credit_exposure(customer, exclude_order_id=exclude_order_id, open_value=open_value)
    return exposure.total + order_total > customer.credit_limit, exposure.total


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
    requested_date: date | None = None  # the line's own date, when it parses


def entry_preview(*, lines, requested_date, is_rush, customer_code="", customer_po="", order_id=None):
    """What the entry page shows while sales type: line amounts and the total (lines that do not
    parse yet are skipped), the rush proposal, and the credit and duplicate-PO warnings. Reads only.
    `order_id`: the order being edited, which is never compared with itself."""
    by_sku = {p.sku: p for p in Product.objects.filter(sku__in={ln.sku for ln in lines if ln.sku})}
    customer = Customer.objects.filter(code=customer_code).first() if customer_code else None
    total, dated_products, line_amounts = Decimal("0"), [], []
    for line in lines:
        amount = None
        product = None if line.removed else by_sku.get(line.sku)
        if not line.removed:
            # its lead time counts for the rush proposal before a quantity parses (line numbers as saved)
            dated_products.append((product, line.requested_date))
        if not line.removed:
            try:
                quantity = parse_decimal(line.quantity, field_label="")
                price = (parse_decimal(line.unit_price, field_label="") if line.unit_price
                         else default_unit_price(product, customer=customer, quantity=quantity))
                amount = line_amount(quantity, price)
                total += amount
            except ValidationError:
                amount = None
        line_amounts.append({"prefix": line.key, "amount": amount})
    # cycle: the rush criteria (rules kept as data) build on this module's lead-time rule
    from .rush_criteria import propose

    proposal = propose(requested_date=requested_date, lines=dated_products, customer=customer, total=total,
                       currency=customer.currency if customer else "")
    rush = proposal.check
    credit = None
    if customer is not None and customer.credit_limit:
        exposure = credit_exposure(customer, exclude_order_id=order_id)
        credit = {"exceeded": exposure.total + total > customer.credit_limit, "open_value": exposure.total,
                  "exposure": exposure, "limit": customer.credit_limit, "currency": customer.currency}
    duplicate_po = bool(customer and duplicate_po_orders(customer, customer_po, exclude_order_id=order_id).exists())
    return {"total": total, "line_amounts": line_amounts, "rush_suggested": proposal.suggested,
            "rush_rule_reason": str(proposal.reason) if proposal.rule else "",
            "requested_days": rush.requested_days, "standard_days": rush.standard_days, "rush_line": rush.line,
            "is_rush": is_rush,
            "credit": credit,
            "duplicate_po": duplicate_po}
