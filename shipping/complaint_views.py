"""Complaint pages: list (search, filter, sort, pages), recording a complaint for an order, and the
complaint page with its investigation, resolution, returns and timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from record_pages.views import add_service_errors, paginate

from . import complaints, exchanges, selectors
from .forms import ComplaintFilterForm, ComplaintForm, ExchangeForm, InvestigationForm, ReturnForm
from .models import ComplaintStatus
from .views import _error_messages

VIEW = selectors.VIEW_COMPLAINT


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def complaint_list(request):
    form = ComplaintFilterForm(request.GET or None)
    return render(request, "shipping/complaint_list.html", {
        "form": form, **paginate(request, selectors.complaint_list(request.user, request.GET)),
        "can_add": request.user.has_perm(complaints.ADD)})


@login_required
@permission_required(complaints.ADD, raise_exception=True)
def complaint_create(request, order_pk):
    order = selectors.order_for_shipping(request.user, order_pk)
    shipments, lots = selectors.shipment_choices(order), selectors.shipped_lots(order)
    form = ComplaintForm(request.POST or None, shipments=shipments, lots=lots,
                         initial={"shipment": request.GET.get("shipment")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shipment = next((s for s in shipments if s.pk == data["shipment"]), None)
        lot = selectors.lot_by_id(data["lot"]) if data["lot"] else None
        try:
            complaint = complaints.create_complaint(actor=request.user, order=order, description=data["description"],
                                                    shipment=shipment, lot=lot, entry_key=data["entry_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Complaint %(number)s is recorded.") % {"number": complaint.number})
            return redirect("shipping:complaint_detail", pk=complaint.pk)
    return render(request, "shipping/complaint_form.html", {"order": order, "form": form,
                                                            "has_shipments": bool(shipments)})


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def complaint_detail(request, pk):
    complaint = selectors.complaint_detail(request.user, pk)
    return render(request, "shipping/complaint_detail.html", _detail_context(request, complaint))


def _exchange_choices(complaint, returns):
    """The returns still to replace (each with `left_to_replace`) and the stock a replacement can come from."""
    open_returns = []
    for customer_return in returns:
        customer_return.left_to_replace = customer_return.quantity - exchanges.replaced_quantity(customer_return)
        if customer_return.left_to_replace > 0:
            open_returns.append(customer_return)
    options = {b.pk: b for r in open_returns for b in exchanges.replacement_options(r)}
    return open_returns, list(options.values())


def _detail_context(request, complaint, *, investigation_form=None, return_form=None, exchange_form=None):
    user = request.user
    can_investigate = user.has_perm(complaints.INVESTIGATE)
    can_return = user.has_perm(complaints.RECEIVE_RETURN) and complaint.status != ComplaintStatus.CLOSED
    lines = selectors.returnable_lines(complaint) if can_return else []
    returns = list(complaint.returns.select_related("item", "return_lot", "location", "shipment_line__shipment",
                                                    "shipment_line__order_line__product", "shipment_line__lot",
                                                    "received_by"))
    can_exchange = user.has_perm(exchanges.SHIP) and complaint.status != ComplaintStatus.CLOSED
    to_replace, options = _exchange_choices(complaint, returns) if can_exchange else ([], [])
    return {
        "complaint": complaint, "order": complaint.order, "returns": returns,
        "replacements": list(complaint.order.shipments.filter(replaces__complaint=complaint)
                             .select_related("replaces").order_by("number")),
        "can_exchange": can_exchange and bool(to_replace), "no_replacement_stock": can_exchange and to_replace
        and not options,
        "exchange_form": exchange_form or ExchangeForm(returns=to_replace, options=options),
        "events": complaint.events.all(),
        "can_start": can_investigate and complaint.status == ComplaintStatus.OPEN,
        "can_edit": can_investigate and complaint.is_open,
        "can_resolve": can_investigate and complaint.status == ComplaintStatus.INVESTIGATING,
        "can_close": can_investigate and complaint.status in (ComplaintStatus.INVESTIGATING, ComplaintStatus.RESOLVED),
        "can_return": can_return and any(line.returnable > 0 for line in lines),
        "investigation_form": investigation_form or InvestigationForm(initial={
            "investigation": complaint.investigation, "corrective_action": complaint.corrective_action}),
        "return_form": return_form or ReturnForm(lines=lines, locations=selectors.return_locations()),
    }


ACTIONS = {
    "start": lambda user, c, data: complaints.start_investigation(actor=user, complaint=c, note=data["note"]),
    "save": lambda user, c, data: complaints.update_investigation(
        actor=user, complaint=c, investigation=data["investigation"], corrective_action=data["corrective_action"]),
    "resolve": lambda user, c, data: complaints.resolve_complaint(
        actor=user, complaint=c, investigation=data["investigation"], corrective_action=data["corrective_action"],
        note=data["note"]),
    "close": lambda user, c, data: complaints.close_complaint(actor=user, complaint=c, note=data["note"]),
}


@login_required
@permission_required(complaints.INVESTIGATE, raise_exception=True)
@require_POST
def complaint_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404(_("Unknown action."))
    complaint = selectors.complaint_detail(request.user, pk)
    form = InvestigationForm(request.POST)
    if form.is_valid():
        try:
            ACTIONS[action](request.user, complaint, form.cleaned_data)
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("Complaint %(number)s is updated.") % {"number": complaint.number})
            return redirect("shipping:complaint_detail", pk=pk)
    complaint = selectors.complaint_detail(request.user, pk)
    return render(request, "shipping/complaint_detail.html",
                  _detail_context(request, complaint, investigation_form=form), status=400)


@login_required
@permission_required(complaints.RECEIVE_RETURN, raise_exception=True)
@require_POST
def complaint_return(request, pk):
    complaint = selectors.complaint_detail(request.user, pk)
    lines = selectors.returnable_lines(complaint)
    form = ReturnForm(request.POST, lines=lines, locations=selectors.return_locations())
    if form.is_valid():
        data = form.cleaned_data
        try:
            returned = complaints.receive_return(
                actor=request.user, complaint=complaint,
                shipment_line=selectors.shipment_line(data["shipment_line"]), quantity=data["quantity"],
                location=selectors.location(data["location"]), reason=data["reason"],
                entry_key=data["entry_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Return %(number)s is in stock in quarantine lot %(lot)s.")
                             % {"number": returned.number, "lot": returned.return_lot.number})
            return redirect("shipping:complaint_detail", pk=pk)
    return render(request, "shipping/complaint_detail.html", _detail_context(request, complaint, return_form=form),
                  status=400)


@login_required
@permission_required(exchanges.SHIP, raise_exception=True)
@require_POST
def complaint_exchange(request, pk):
    """Ship a replacement for returned goods (an exchange, shipping.exchanges)."""
    complaint = selectors.complaint_detail(request.user, pk)
    returns = list(complaint.returns.select_related("item"))
    to_replace, options = _exchange_choices(complaint, returns)
    form = ExchangeForm(request.POST, returns=to_replace, options=options)
    if form.is_valid():
        data = form.cleaned_data
        customer_return = next(r for r in to_replace if r.pk == data["customer_return"])
        balance = selectors.stock_balance(data["balance"])
        try:
            shipment = exchanges.ship_replacement(actor=request.user, customer_return=customer_return,
                                                  lot=balance.lot, location=balance.location,
                                                  quantity=data["quantity"], entry_key=data["entry_key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Replacement %(shipment)s is shipped for return %(number)s.")
                             % {"shipment": shipment.number, "number": customer_return.number})
            return redirect("shipping:complaint_detail", pk=pk)
    return render(request, "shipping/complaint_detail.html", _detail_context(request, complaint, exchange_form=form),
                  status=400)
