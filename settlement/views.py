"""Settlement pages: the invoice list (receivables, overdue, to invoice) with the accounting export, an
invoice for a shipment, the invoice page with its payments, and the order page's settlement section."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orders.models import PaymentTerms
from orders.selectors import orders_visible_to
from record_pages.views import add_service_errors, paginate

from . import exports, selectors, services
from .forms import InvoiceFilterForm, InvoiceForm, PaymentForm, ReasonForm
from .models import MANAGE, UNPAID_STATUSES, InvoiceStatus

VIEW = selectors.VIEW


def _filters(request):
    form = InvoiceFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def invoice_list(request):
    form, params = _filters(request)
    user = request.user
    return render(request, "settlement/invoice_list.html", {
        "form": form, **paginate(request, selectors.invoice_list(user, params)),
        "receivables": selectors.receivables_by_currency(),
        "to_invoice": list(selectors.shipments_to_invoice(user)[:50]) if user.has_perm(MANAGE) else [],
        "today": timezone.localdate(), "can_export": user.has_perm(exports.EXPORT)})


@login_required
@permission_required(exports.EXPORT, raise_exception=True)
@require_GET
def invoice_export(request, fmt):
    _form, params = _filters(request)
    return exports.invoices_export(selectors.invoice_list(request.user, params), fmt)


@login_required
@permission_required(MANAGE, raise_exception=True)
def invoice_create(request, shipment_pk):
    shipment = selectors.shipment_to_invoice(request.user, shipment_pk)
    form = InvoiceForm(request.POST or None, initial={"invoice_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.create_invoice(actor=request.user, shipment=shipment,
                                              invoice_date=data["invoice_date"], tax_rate=data["tax_rate"],
                                              entry_key=data["entry_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invoice %(number)s is recorded.") % {"number": invoice.number})
            return redirect("settlement:invoice_detail", pk=invoice.pk)
    order = shipment.order
    return render(request, "settlement/invoice_form.html", {
        "form": form, "shipment": shipment, "order": order, "net": services.shipment_value(shipment),
        "terms": PaymentTerms(order.effective_payment_terms).label,
    }, status=400 if form.is_bound else 200)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def invoice_detail(request, pk):
    return render(request, "settlement/invoice_detail.html", _detail_context(request, pk))


def _detail_context(request, pk, *, payment_form=None, cancel_form=None):
    invoice = selectors.invoice_detail(request.user, pk)
    user = request.user
    return {"invoice": invoice, "order": invoice.order,
            "payments": list(invoice.payments.select_related("recorded_by")),
            "events": invoice.events.select_related("actor"), "today": timezone.localdate(),
            "can_pay": user.has_perm(services.RECORD_PAYMENT) and invoice.status in UNPAID_STATUSES,
            "can_cancel": user.has_perm(MANAGE) and invoice.status == InvoiceStatus.ISSUED,
            "payment_form": payment_form or PaymentForm(initial={"received_on": timezone.localdate(),
                                                                 "amount": f"{invoice.outstanding:f}"}),
            "cancel_form": cancel_form or ReasonForm()}


@login_required
@permission_required(services.RECORD_PAYMENT, raise_exception=True)
@require_POST
def invoice_payment(request, pk):
    invoice = selectors.invoice_detail(request.user, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_payment(actor=request.user, invoice=invoice, amount=data["amount"],
                                    received_on=data["received_on"], reference=data["reference"],
                                    entry_key=data["entry_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The payment is recorded."))
            return redirect("settlement:invoice_detail", pk=pk)
    return render(request, "settlement/invoice_detail.html", _detail_context(request, pk, payment_form=form),
                  status=400)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def invoice_cancel(request, pk):
    invoice = selectors.invoice_detail(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_invoice(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invoice %(number)s is cancelled.") % {"number": invoice.number})
            return redirect("settlement:invoice_detail", pk=pk)
    return render(request, "settlement/invoice_detail.html", _detail_context(request, pk, cancel_form=form),
                  status=400)


def _order(request, order_pk):
    return get_object_or_404(orders_visible_to(request.user).select_related("customer"), pk=order_pk)


def _panel(request, order, *, exception_form=None, status=200):
    user = request.user
    invoices = selectors.order_invoices(order)
    exception = selectors.settlement_exception(order)
    to_invoice = list(selectors.shipments_to_invoice().filter(order=order))
    return render(request, "settlement/_order_panel.html", {
        "order": order, "invoices": invoices, "exception": exception, "to_invoice": to_invoice,
        "today": timezone.localdate(), "can_invoice": user.has_perm(MANAGE),
        "can_except": user.has_perm(services.SETTLE_EXCEPTION) and exception is None
        and order.status not in ("closed", "cancelled") and (to_invoice or any(i.status in UNPAID_STATUSES
                                                                            for i in invoices)),
        "exception_form": exception_form or ReasonForm()}, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def order_panel(request, order_pk):
    return _panel(request, _order(request, order_pk))


@login_required
@permission_required(services.SETTLE_EXCEPTION, raise_exception=True)
@require_POST
def order_exception(request, order_pk):
    order = _order(request, order_pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.record_settlement_exception(actor=request.user, order=order, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _panel(request, order) if request.htmx else redirect("orders:detail", pk=order.pk)
    return _panel(request, order, exception_form=form, status=400)
