"""Which price a customer pays by default: the price list for its grade and currency valid on the day.

A list for the customer's grade wins over a list for every grade; of two that apply, the one that started
last wins. Within the list, the quantity break is the largest "from quantity" not above the quantity.
Used by quotations (sales.quote_services) and, through orders.stage_hooks (Hook.LINE_PRICE), by order
entry's line price default."""

from django.db.models import Q
from django.utils import timezone

from .models import PriceListItem


def price_list_item(*, customer, product, currency, quantity=None, on=None):
    """The PriceListItem in force, or None."""
    day = on or timezone.localdate()
    grades = Q(price_list__grade="") | Q(price_list__grade=customer.grade) if customer.grade else Q(
        price_list__grade="")
    items = (PriceListItem.objects.select_related("price_list")
             .filter(grades, product=product, price_list__currency=currency, price_list__is_active=True,
                     price_list__valid_from__lte=day)
             .filter(Q(price_list__valid_until__isnull=True) | Q(price_list__valid_until__gte=day)))
    if quantity is not None:
        items = items.filter(min_quantity__lte=quantity)
    # The grade's own list first (a blank grade sorts first, hence descending), then the newest, then the break.
    return items.order_by("-price_list__grade", "-price_list__valid_from", "-price_list_id", "-min_quantity").first()


def list_price_for(*, customer, product, currency=None, quantity=None, on=None):
    """The price list's price (a Decimal), else the product's own list price when it is in the same
    currency, else None."""
    currency = currency or customer.currency
    item = price_list_item(customer=customer, product=product, currency=currency, quantity=quantity, on=on)
    if item is not None:
        return item.unit_price
    return product.list_price if product.currency == currency else None


def order_line_price(*, customer, product, currency=None, quantity=None, on=None):
    """The order-entry hook (orders.stage_hooks Hook.LINE_PRICE): the valid price list's price or None
    (order entry then keeps the product's list price)."""
    item = price_list_item(customer=customer, product=product, currency=currency or customer.currency,
                           quantity=quantity, on=on)
    return item.unit_price if item is not None else None
