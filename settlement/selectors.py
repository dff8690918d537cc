"""Read queries of the settlement pages: invoices a user may see, the invoice page, an order's settlement
panel, the finance figures of the home page, and the receivables list (a fixed number of queries each)."""

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from orders.selectors import orders_visible_to
from shipping.models import Shipment

from .forms import OVERDUE
from .models import UNPAID_STATUSES, Invoice, InvoiceStatus, SettlementException
from .services import INVOICEABLE

VIEW = "settlement.view_invoice"
SORTS = {"-date": ("-invoice_date", "-id"), "date": ("invoice_date", "id"), "due": ("due_date", "id"),
         "-amount": ("-amount", "-id"), "number": ("number",)}


def invoices_visible_to(user):
    if not user.has_perm(VIEW):
        return Invoice.objects.none()
    return Invoice.objects.filter(order__in=orders_visible_to(user))


def invoice_list(user, params):
    """The invoices matching the list's filters (already validated by InvoiceFilterForm)."""
    qs = invoices_visible_to(user).select_related("order", "customer", "shipment")
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(order__number__icontains=q) | Q(shipment__number__icontains=q)
                       | Q(customer__code__icontains=q) | Q(customer__name__icontains=q))
    status = params.get("status")
    if status == OVERDUE:
        qs = qs.filter(status__in=UNPAID_STATUSES, due_date__lt=timezone.localdate())
    elif status in InvoiceStatus.values:
        qs = qs.filter(status=status)
    if params.get("currency"):
        qs = qs.filter(currency=params["currency"])
    if params.get("date_from"):
        qs = qs.filter(invoice_date__gte=params["date_from"])
    if params.get("date_to"):
        qs = qs.filter(invoice_date__lte=params["date_to"])
    return qs.order_by(*SORTS.get(params.get("sort") or "-date", SORTS["-date"]))


def invoice_detail(user, pk):
    qs = invoices_visible_to(user).select_related("order__customer", "customer", "shipment", "created_by")
    return get_object_or_404(qs, pk=pk)


def shipments_to_invoice(user=None):
    """Shipments that left (shipped or delivered) with no live invoice, oldest first; replacements of returned
    goods (exchanges) are not invoiced."""
    live = Invoice.objects.filter(shipment=OuterRef("pk")).exclude(status=InvoiceStatus.CANCELLED)
    qs = Shipment.objects.filter(status__in=INVOICEABLE, replaces__isnull=True).filter(~Exists(live))
    if user is not None:
        qs = qs.filter(order__in=orders_visible_to(user))
    return qs.select_related("order__customer").order_by("actual_ship_date", "number")


def order_invoices(order):
    return list(order.invoices.select_related("shipment").order_by("number"))


def receivables_by_currency(today=None):
    """Open receivables and the overdue part, per currency (never summed across currencies)."""
    today = today or timezone.localdate()
    rows = (Invoice.objects.filter(status__in=UNPAID_STATUSES).values("currency")
            .annotate(open=Sum(F("amount") - F("paid_amount")), count=Count("id"),
                      overdue=Sum(F("amount") - F("paid_amount"), filter=Q(due_date__lt=today)),
                      overdue_count=Count("id", filter=Q(due_date__lt=today)))
            .order_by("currency"))
    return list(rows)


def finance_figures(today=None):
    """The finance card of the home page: receivables and overdue per currency, shipments to invoice."""
    today = today or timezone.localdate()
    receivables = receivables_by_currency(today)
    return {"show_finance": True, "receivables": receivables,
            "overdue_invoices": sum(row["overdue_count"] for row in receivables),
            "to_invoice": shipments_to_invoice().count()}


def shipment_to_invoice(user, pk):
    """The shipment an invoice is made for, when `user` may see its order (404 otherwise)."""
    return get_object_or_404(Shipment.objects.filter(order__in=orders_visible_to(user))
                             .select_related("order__customer"), pk=pk)


def settlement_exception(order):
    """The recorded exception that lets `order` close unsettled, or None."""
    return SettlementException.objects.filter(order=order).select_related("recorded_by").first()
