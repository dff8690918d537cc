"""The due-date promise on the order pages (htmx fragments; the order templates load them by URL, so
orders code never imports planning).

- entry_promise: while an order is typed (new or edit), the earliest delivery date as normal and as rush
  order and whether the requested date can be met. Input that is not complete yet gets a neutral message.
- order_promise: for a submitted order (order page, order desk) or an approved one (plan page), the
  earliest delivery date and which other orders accepting it moves; for a submitted order the approve
  form's promised date is filled with the promise (out-of-band swap), which the reviewer may change.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import require
from orders.forms import OrderForm, OrderLineFormSet
from orders.models import OrderStatus, Product
from orders.rules import parse_decimal
from orders.selectors import orders_visible_to

from .promise import promise_for_order, promise_options

MAX_LINES = 200


def _typed_lines(data):
    """The (product, quantity) pairs typed so far, or (None, why not yet) for input that is not complete."""
    formset = OrderLineFormSet(data, prefix="lines")
    try:
        count = min(formset.total_form_count(), MAX_LINES)
    except ValidationError:
        return None, _("Add a line with a product and a quantity to see the earliest delivery date.")
    typed = []
    for index in range(count):
        prefix = f"lines-{index}"
        if data.get(f"{prefix}-DELETE"):
            continue
        sku = data.get(f"{prefix}-product", "").split(" — ", 1)[0].strip()
        quantity = data.get(f"{prefix}-quantity", "").strip()
        if not sku and not quantity:
            continue
        if not sku or not quantity:
            return None, _("Complete every line (product and quantity) to see the earliest delivery date.")
        try:
            quantity = parse_decimal(quantity, field_label=_("Quantity"))
        except ValidationError:
            return None, _("Quantities must be numbers to work out the earliest delivery date.")
        if quantity <= 0 or quantity > settings.ORDER_LINE_MAX_QUANTITY:
            return None, _("Quantities must be above zero (and within the order limit) to work out the earliest "
                           "delivery date.")
        typed.append((sku, quantity))
    if not typed:
        return None, _("Add a line with a product and a quantity to see the earliest delivery date.")
    products = {p.sku: p for p in Product.objects.filter(sku__in={sku for sku, _quantity in typed})}
    unknown = [sku for sku, _quantity in typed if sku not in products]
    if unknown:
        return None, _("No product %(sku)s: pick the products from the search list.") % {"sku": unknown[0]}
    return [(products[sku], quantity) for sku, quantity in typed], ""


def _requested_date(data):
    """The earliest date asked for: the order's, or a line's own date when it is sooner (the promise is
    compared with it, so a line wanted earlier gets the "earliest possible" warning too)."""
    def clean(value):
        try:
            return OrderForm.base_fields["requested_date"].clean(value or None)
        except ValidationError:
            return None

    dates = [clean(data.get("requested_date"))]
    for key, value in data.items():
        if key.startswith("lines-") and key.endswith("-requested_date") \
                and not data.get(key.removesuffix("requested_date") + "DELETE"):
            dates.append(clean(value))
    dates = [day for day in dates if day is not None]
    return min(dates) if dates else None


@login_required
@require_POST
def entry_promise(request):
    require(request.user, "orders.view_order")
    require(request.user, "orders.add_order", "orders.review_order", any_of=True)
    lines, message = _typed_lines(request.POST)
    context = {"message": message, "is_rush": request.POST.get("priority") == "rush"}
    if lines is not None:
        requested = _requested_date(request.POST)
        context["requested_date"] = requested
        context["options"] = promise_options(lines, requested_date=requested)
    return render(request, "planning/_promise.html", context)


@login_required
@require_GET
def order_promise(request, pk):
    require(request.user, "orders.view_order")
    require(request.user, "orders.review_order", "orders.plan_order", any_of=True)
    order = get_object_or_404(orders_visible_to(request.user).select_related("customer"), pk=pk)
    compact = request.GET.get("compact") == "1"  # one cell of the review queue or the plan list
    if order.status not in (OrderStatus.SUBMITTED, OrderStatus.APPROVED):
        return render(request, "planning/_impact.html", {"order": order, "promise": None, "compact": compact})
    return render(request, "planning/_impact.html", {
        "order": order, "promise": promise_for_order(order), "compact": compact,
        "fill_approve_form": not compact and order.status == OrderStatus.SUBMITTED
        and request.user.has_perm("orders.review_order"),
    })
