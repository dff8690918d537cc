"""Quotation and contract pages: thin (parse, call a service in sales.quote_services or
sales.contract_services, render or redirect)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from record_pages.views import paginate

from . import contract_services, price_list_selectors, quote_services, selectors
from .forms import (
    CallOffForm,
    ContractFilterForm,
    ContractForm,
    ContractLineFormSet,
    ConvertForm,
    QuotationFilterForm,
    QuotationForm,
    QuoteLineFormSet,
    ReasonForm,
)
from .models import Contract, Quotation, QuotationStatus

VIEW_QUOTATION = "sales.view_quotation"
VIEW_CONTRACT = "sales.view_contract"


def _options():
    return {"customer_options": price_list_selectors.customer_options(),
            "product_options": price_list_selectors.product_options()}


def _quotation(request, pk):
    try:
        return selectors.quotation_for_page(request.user, pk)
    except Quotation.DoesNotExist:
        raise Http404 from None


def _contract(request, pk):
    try:
        return selectors.contract_for_page(request.user, pk)
    except Contract.DoesNotExist:
        raise Http404 from None


def _show_refusal(request, exc):
    for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
        messages.error(request, message)


@login_required
@permission_required(VIEW_QUOTATION, raise_exception=True)
def quotation_list(request):
    form = QuotationFilterForm(request.GET or None)
    search = status = ""
    if form.is_valid():
        search, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    pages = paginate(request, selectors.quotation_list(search=search, status=status))
    return render(request, "sales/quotation_list.html", {**pages, "form": form})


def _quotation_entry(request, *, quotation=None):
    """The create and edit page of a quotation (a draft)."""
    if request.method == "POST":
        form = QuotationForm(request.POST)
        formset = QuoteLineFormSet(request.POST, prefix="lines")
        if quotation is not None:
            form.fields["customer"].required = False
        if form.is_valid() and formset.is_valid():
            d = form.cleaned_data
            content = {"currency": d["currency"], "valid_until": d["valid_until"], "lines": formset.lines(),
                       "customer_reference": d["customer_reference"], "notes": d["notes"]}
            try:
                if quotation is None:
                    saved = quote_services.create_quotation(actor=request.user, customer=d["customer"], **content)
                    messages.success(request, _("Quotation %(number)s was saved as a draft.")
                                     % {"number": saved.reference})
                else:
                    saved = quote_services.update_quotation(actor=request.user, quotation=quotation, **content)
                    messages.success(request, _("Quotation %(number)s was saved.") % {"number": saved.reference})
                return redirect("sales:quotation_detail", pk=saved.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
    elif quotation is not None:
        form = QuotationForm(initial={"customer": quotation.customer.code, "currency": quotation.currency,
                                      "valid_until": quotation.valid_until, "notes": quotation.notes,
                                      "customer_reference": quotation.customer_reference})
        formset = QuoteLineFormSet(prefix="lines", initial=[
            {"product": line.product.sku, "quantity": line.quantity, "unit_price": line.unit_price}
            for line in quotation.lines.all()])
    else:
        form = QuotationForm(initial={"valid_until": timezone.localdate() + timedelta(days=30), "currency": "CNY"})
        formset = QuoteLineFormSet(prefix="lines")
    return render(request, "sales/quotation_form.html", {"form": form, "formset": formset, "quotation": quotation,
                                                         "threshold": quote_services.threshold_in_force(),
                                                         **_options()})


@login_required
@permission_required(quote_services.ADD, raise_exception=True)
def quotation_create(request):
    return _quotation_entry(request)


@login_required
@permission_required(quote_services.CHANGE, raise_exception=True)
def quotation_edit(request, pk):
    quotation = _quotation(request, pk)
    if not quotation.is_editable:
        messages.error(request, _("%(number)s is %(status)s: only a draft is changed. Revise it for a new version.")
                       % {"number": quotation.reference, "status": quotation.get_status_display()})
        return redirect("sales:quotation_detail", pk=quotation.pk)
    return _quotation_entry(request, quotation=quotation)


@login_required
@permission_required(VIEW_QUOTATION, raise_exception=True)
def quotation_detail(request, pk):
    quotation = _quotation(request, pk)
    user = request.user
    return render(request, "sales/quotation_detail.html", {
        "quotation": quotation, "lines": list(quotation.lines.all()), "versions": selectors.versions_of(quotation),
        "events": list(quotation.events.all()), "reason_form": ReasonForm(),
        "convert_form": ConvertForm(initial={"requested_date": timezone.localdate() + timedelta(
            days=max([line.lead_time_days for line in quotation.lines.all()] or [14]))}),
        "can_change": user.has_perm(quote_services.CHANGE), "can_send": user.has_perm(quote_services.SEND),
        "can_approve": user.has_perm(quote_services.APPROVE),
        "can_convert": (quotation.status == QuotationStatus.ACCEPTED and quotation.order_id is None
                        and user.has_perm(quote_services.SEND) and user.has_perm("orders.add_order")),
    })


# The buttons of the quotation page: (service, needs a reason, success message).
QUOTATION_ACTIONS = {
    "request_approval": (lambda u, q, r: quote_services.request_approval(actor=u, quotation=q),
                         gettext_noop("Discount approval of %(number)s requested from the sales manager.")),
    "approve": (lambda u, q, r: quote_services.approve_discount(actor=u, quotation=q, note=r),
                gettext_noop("The discount of %(number)s is approved: it can be sent.")),
    "return": (lambda u, q, r: quote_services.return_quotation(actor=u, quotation=q, reason=r),
               gettext_noop("%(number)s was returned to the draft for changes.")),
    "send": (lambda u, q, r: quote_services.send_quotation(actor=u, quotation=q),
             gettext_noop("%(number)s is marked as sent to the customer.")),
    "accept": (lambda u, q, r: quote_services.accept_quotation(actor=u, quotation=q, note=r),
               gettext_noop("%(number)s is accepted by the customer.")),
    "lose": (lambda u, q, r: quote_services.lose_quotation(actor=u, quotation=q, reason=r),
             gettext_noop("%(number)s is recorded as lost.")),
}


@require_POST
@login_required
@permission_required(VIEW_QUOTATION, raise_exception=True)
def quotation_act(request, pk, action):
    quotation = _quotation(request, pk)
    if action not in QUOTATION_ACTIONS:
        raise Http404
    call, success = QUOTATION_ACTIONS[action]
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        updated = call(request.user, quotation, reason)
    except (ValidationError, PermissionDenied) as exc:
        _show_refusal(request, exc)
    else:
        messages.success(request, _(success) % {"number": updated.reference})
    return redirect("sales:quotation_detail", pk=quotation.pk)


@require_POST
@login_required
@permission_required(quote_services.CHANGE, raise_exception=True)
def quotation_revise(request, pk):
    quotation = _quotation(request, pk)
    try:
        revision = quote_services.revise_quotation(actor=request.user, quotation=quotation)
    except (ValidationError, PermissionDenied) as exc:
        _show_refusal(request, exc)
        return redirect("sales:quotation_detail", pk=quotation.pk)
    messages.success(request, _("Version %(version)s of %(number)s is a draft; version %(old)s is kept as it was.")
                     % {"version": revision.version, "number": revision.number, "old": quotation.version})
    return redirect("sales:quotation_edit", pk=revision.pk)


@require_POST
@login_required
@permission_required(quote_services.SEND, raise_exception=True)
def quotation_convert(request, pk):
    quotation = _quotation(request, pk)
    form = ConvertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the requested date of the order."))
        return redirect("sales:quotation_detail", pk=quotation.pk)
    line_ids = [value for value in request.POST.getlist("lines") if value.isdigit()]
    try:
        order = quote_services.convert_to_order(actor=request.user, quotation=quotation,
                                                requested_date=form.cleaned_data["requested_date"],
                                                line_ids=line_ids)
    except (ValidationError, PermissionDenied) as exc:
        _show_refusal(request, exc)
        return redirect("sales:quotation_detail", pk=quotation.pk)
    messages.success(request, _("Draft order %(order)s was made from %(number)s with its prices.")
                     % {"order": order.number, "number": quotation.reference})
    return redirect("orders:detail", pk=order.pk)


@login_required
@permission_required(VIEW_CONTRACT, raise_exception=True)
def contract_list(request):
    form = ContractFilterForm(request.GET or None)
    search = status = ""
    if form.is_valid():
        search, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    pages = paginate(request, selectors.contract_list(search=search, status=status))
    return render(request, "sales/contract_list.html", {**pages, "form": form})


@login_required
@permission_required(contract_services.ADD, raise_exception=True)
def contract_create(request):
    if request.method == "POST":
        form = ContractForm(request.POST)
        formset = ContractLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            d = form.cleaned_data
            try:
                contract = contract_services.create_contract(
                    actor=request.user, customer=d["customer"], title=d["title"], currency=d["currency"],
                    start_date=d["start_date"], end_date=d["end_date"], payment_terms=d["payment_terms"],
                    lines=formset.lines(), customer_reference=d["customer_reference"], notes=d["notes"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Contract %(number)s was saved as a draft.") % {"number": contract.number})
                return redirect("sales:contract_detail", pk=contract.pk)
    else:
        today = timezone.localdate()
        form = ContractForm(initial={"start_date": today, "end_date": today.replace(year=today.year + 1)
                                     - timedelta(days=1), "currency": "CNY", "payment_terms": "net30"})
        formset = ContractLineFormSet(prefix="lines")
    return render(request, "sales/contract_form.html", {"form": form, "formset": formset, **_options()})


def _contract_page(request, contract, call_off_form=None, warning=None):
    user = request.user
    return render(request, "sales/contract_detail.html", {
        "contract": contract, "rows": selectors.consumption(contract), "call_offs": selectors.call_offs_of(contract),
        "events": list(contract.events.all()), "reason_form": ReasonForm(), "warning": warning,
        "call_off_form": call_off_form or CallOffForm(lines=contract.lines.all(), initial={
            "requested_date": timezone.localdate() + timedelta(days=14)}),
        "can_change": user.has_perm(contract_services.CHANGE),
        "can_call_off": (contract.status == "active" and user.has_perm(contract_services.CALL_OFF)
                         and user.has_perm("orders.add_order")),
    })


@login_required
@permission_required(VIEW_CONTRACT, raise_exception=True)
def contract_detail(request, pk):
    return _contract_page(request, _contract(request, pk))


@require_POST
@login_required
@permission_required(contract_services.CHANGE, raise_exception=True)
def contract_act(request, pk, action):
    contract = _contract(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "activate":
            contract_services.activate_contract(actor=request.user, contract=contract)
            messages.success(request, _("%(number)s is active: orders can be placed against it.")
                             % {"number": contract.number})
        elif action == "terminate":
            contract_services.terminate_contract(actor=request.user, contract=contract, reason=reason)
            messages.success(request, _("%(number)s is terminated.") % {"number": contract.number})
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        _show_refusal(request, exc)
    return redirect("sales:contract_detail", pk=contract.pk)


@login_required
@permission_required(contract_services.CALL_OFF, raise_exception=True)
@require_POST
def contract_call_off(request, pk):
    contract = _contract(request, pk)
    form = CallOffForm(request.POST, lines=contract.lines.all())
    if form.is_valid():
        d = form.cleaned_data
        try:
            order = contract_services.place_call_off(
                actor=request.user, contract=contract, requested_date=d["requested_date"],
                quantities=form.quantities(), customer_po=d["customer_po"],
                acknowledge_excess=d["acknowledge_excess"])
        except contract_services.CallOffExceeds as exc:
            return _contract_page(request, contract, call_off_form=form, warning=exc.messages)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Draft order %(order)s was placed against %(number)s at the agreed prices.")
                             % {"order": order.number, "number": contract.number})
            return redirect("orders:detail", pk=order.pk)
    return _contract_page(request, contract, call_off_form=form)

