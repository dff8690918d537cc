"""Shipping pages: the queue, shipments (list, form, detail, ship, cancel, tracking number), proof of
delivery with its file, and the order page's shipping panel (shipments, customer tracking links,
confirm delivery, close). Views stay thin: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import require
from orders.models import OrderStatus
from orders.quantities import understood_text
from orders.services import OrderActionRefused
from record_pages.views import add_service_errors, paginate

from . import carriers, deliveries, selectors, services, tracking
from .forms import (
    CancelForm,
    DeliveryForm,
    ShipForm,
    ShipmentFilterForm,
    ShipmentForm,
    TrackingLinkForm,
    TrackingNumberForm,
    parse_picks,
    pick_field_names,
)
from .models import ShipmentStatus
from .pod_files import pod_upload_limited, too_large

VIEW = selectors.VIEW


def _error_messages(request, exc):
    for message in exc.messages:
        messages.error(request, message)


# --- queue and list --------------------------------------------------------------------------------

@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def queue(request):
    search = request.GET.get("q", "")
    pages = paginate(request, selectors.shipping_queue(request.user, search))
    orders = list(pages["page"])
    drafts = selectors.drafts_by_order(orders)
    rows = [{"order": order, "drafts": drafts.get(order.pk, [])} for order in orders]
    return render(request, "shipping/queue.html", {
        **pages, "rows": rows, "search": search, "awaiting": list(selectors.awaiting_delivery(request.user)),
        "can_ship": request.user.has_perm(services.SHIP)})


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def shipment_list(request):
    form = ShipmentFilterForm(request.GET or None)
    return render(request, "shipping/shipment_list.html", {
        "form": form, **paginate(request, selectors.shipment_list(request.user, request.GET))})


# --- the shipment form -----------------------------------------------------------------------------

@login_required
@permission_required(services.SHIP, raise_exception=True)
def shipment_create(request, order_pk):
    order = selectors.order_for_shipping(request.user, order_pk)
    refused = services.status_error(order)
    # Carriers' modes with their arrival; for a rush order the fastest that meets the date is proposed.
    options = carriers.transport_options(order, timezone.localdate())
    proposal = carriers.proposed_option(order, options)
    if request.method == "POST" and not refused:
        form = ShipmentForm(request.POST)
        lines = {line.pk: line for line in order.lines.all()}
        picks = []
        try:
            picks = parse_picks(request.POST, lines=lines,
                                balances_for=lambda ids: selectors.balances_for_picks(order, ids))
        except ValidationError as exc:
            form.is_valid()
            form.add_error(None, exc)
        if form.is_valid():
            ship_now = request.POST.get("action") == "ship"
            try:
                shipment = services.create_shipment(
                    actor=request.user, order=order, details=form.details(), picks=picks,
                    entry_key=form.cleaned_data["entry_key"], ship_now=ship_now,
                    actual_ship_date=form.cleaned_data["actual_ship_date"])
            except (ValidationError, OrderActionRefused) as exc:
                add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(exc.message))
            else:
                if shipment.status == ShipmentStatus.SHIPPED:
                    messages.success(request, _("Shipment %(number)s is shipped; its delivery note is being made.")
                                     % {"number": shipment.number})
                else:
                    messages.success(request, _("Shipment %(number)s is saved as a draft.")
                                     % {"number": shipment.number})
                return redirect("shipping:shipment_detail", pk=shipment.pk)
    else:
        details = services.details_for(order)
        form = ShipmentForm(initial={
            "ship_to_name": details.ship_to_name, "ship_to_address": details.ship_to_address,
            "contact_name": details.contact_name, "contact_phone": details.contact_phone,
            "carrier": str(proposal.mode) if proposal else ""})
    return render(request, "shipping/shipment_form.html", {
        "order": order, "form": form, "refused": refused, "transport_options": options, "proposal": proposal,
        "rows": [] if refused else _pick_table(order, request.POST if request.method == "POST" else {})})


def _pick_table(order, typed):
    """The pick rows with each option's input names and what was typed into them (kept on errors)."""
    rows = selectors.pick_rows(order)
    for row in rows:
        for option in row.options:
            option.qty_name, option.pkg_name = pick_field_names(row.line.pk, option.balance.pk)
            option.qty_value = understood_text(typed.get(option.qty_name, ""))
            option.pkg_value = typed.get(option.pkg_name, "")
    return rows


# --- the shipment page -----------------------------------------------------------------------------

@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def shipment_detail(request, pk):
    shipment = selectors.shipment_detail(request.user, pk)
    can_ship = request.user.has_perm(services.SHIP)
    return render(request, "shipping/shipment_detail.html", {
        "shipment": shipment, "order": shipment.order, "lines": list(shipment.lines.all()),
        "events": shipment.events.all(),
        "can_ship": can_ship and shipment.status == ShipmentStatus.DRAFT,
        "can_track": can_ship and shipment.is_open,
        "can_deliver": can_ship and shipment.status == ShipmentStatus.SHIPPED,
        "ship_form": ShipForm(), "cancel_form": CancelForm(),
        "tracking_form": TrackingNumberForm(initial={"carrier": shipment.carrier,
                                                     "tracking_number": shipment.tracking_number})})


def _act(request, record, act, done):
    """Run a service on `record` and show its refusal, or `done` (with the record's number)."""
    try:
        act(record)
    except ValidationError as exc:
        _error_messages(request, exc)
    except OrderActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"number": record.number})


def _shipment_action(request, pk, act, done):
    _act(request, selectors.shipment_detail(request.user, pk), act, done)
    return redirect("shipping:shipment_detail", pk=pk)


@login_required
@permission_required(services.SHIP, raise_exception=True)
@require_POST
def shipment_ship(request, pk):
    form = ShipForm(request.POST)
    if not form.is_valid():  # an unreadable date is refused, not taken as "today"
        messages.error(request, _("Enter the ship date as a date, or leave it empty for today."))
        return redirect("shipping:shipment_detail", pk=pk)
    ship_date = form.cleaned_data["actual_ship_date"]
    return _shipment_action(
        request, pk, lambda s: services.ship_shipment(actor=request.user, shipment=s, actual_ship_date=ship_date),
        _("Shipment %(number)s is shipped; its delivery note is being made."))


@login_required
@permission_required(services.SHIP, raise_exception=True)
@require_POST
def shipment_cancel(request, pk):
    reason = request.POST.get("reason", "")
    return _shipment_action(request, pk, lambda s: services.cancel_shipment(actor=request.user, shipment=s,
                                                                            reason=reason),
                            _("Shipment %(number)s is cancelled."))


@login_required
@permission_required(services.SHIP, raise_exception=True)
@require_POST
def shipment_tracking(request, pk):
    form = TrackingNumberForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"carrier": "", "tracking_number": ""}
    if not form.is_valid():
        messages.error(request, _("The carrier and the tracking number have at most 100 characters."))
        return redirect("shipping:shipment_detail", pk=pk)
    return _shipment_action(request, pk, lambda s: services.update_tracking(
        actor=request.user, shipment=s, carrier=data["carrier"], tracking_number=data["tracking_number"]),
        _("The tracking of shipment %(number)s is saved."))


# --- proof of delivery -----------------------------------------------------------------------------

@login_required
@pod_upload_limited
@permission_required(services.SHIP, raise_exception=True)
def delivery_form(request, pk):
    shipment = selectors.shipment_detail(request.user, pk)
    if request.method == "POST":
        form = DeliveryForm(request.POST, request.FILES)
        oversized = request.pod_size_limit.too_large
        if form.is_valid():
            try:
                if oversized:
                    raise ValidationError(too_large(oversized[0]))
                deliveries.record_delivery(actor=request.user, shipment=shipment,
                                         received_by=form.cleaned_data["received_by"],
                                         received_at=form.cleaned_data["received_at"],
                                         upload=form.cleaned_data["document"], note=form.cleaned_data["note"])
            except ValidationError as exc:
                form.add_error(None, exc)
            except OrderActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The delivery of shipment %(number)s is recorded.")
                                 % {"number": shipment.number})
                return redirect("shipping:shipment_detail", pk=pk)
    else:
        form = DeliveryForm()
    return render(request, "shipping/delivery_form.html", {"shipment": shipment, "order": shipment.order,
                                                           "form": form})


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def pod_download(request, pk):
    shipment = get_object_or_404(selectors.shipments_visible_to(request.user), pk=pk)
    if not shipment.pod_file:
        raise Http404(_("No proof of delivery was attached."))
    try:
        handle = shipment.pod_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    suffix = shipment.pod_file.name.rsplit(".", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=f"{shipment.number}-proof-of-delivery.{suffix}",
                            content_type=shipment.pod_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the order page's shipping panel ---------------------------------------------------------------

def _panel(request, order, *, new_link=None, link_form=None, panel_error=None):
    shipments, links = selectors.order_panel(request.user, order)
    user = request.user
    context = {
        "order": order, "shipments": shipments, "links": links, "new_link": new_link, "now": timezone.now(),
        "link_form": link_form or TrackingLinkForm(initial={"language": order.customer.language}),
        "panel_error": panel_error,
        "can_ship": user.has_perm(services.SHIP) and order.status == OrderStatus.QC_PASSED,
        "can_confirm": user.has_perm(services.SHIP) and order.status == OrderStatus.SHIPPED and shipments
        and all(s.status in (ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED) for s in shipments),
        "can_close": user.has_perm(deliveries.CLOSE) and order.status == OrderStatus.DELIVERED,
        "can_link": user.has_perm(tracking.CREATE) and order.status not in tracking.NOT_TRACKABLE,
        "can_revoke": user.has_perm(tracking.REVOKE),
        "can_see_shipments": user.has_perm(VIEW),
        "can_complain": user.has_perm("shipping.add_complaint") and any(
            s.status in selectors.ON_THE_WAY for s in shipments),
    }
    template = "shipping/_order_panel.html" if request.htmx else "shipping/order_panel_page.html"
    return render(request, template, context)


# The order page's shipping panel: shipments, or only the customer links.
PANEL_PERMISSIONS = (VIEW, selectors.VIEW_LINKS)


@login_required
@require_GET
def order_panel(request, order_pk):
    require(request.user, *PANEL_PERMISSIONS, any_of=True)
    return _panel(request, selectors.order_for_shipping(request.user, order_pk))


@login_required
@permission_required(tracking.CREATE, raise_exception=True)
@require_POST
def tracking_link_create(request, order_pk):
    order = selectors.order_for_shipping(request.user, order_pk)
    form = TrackingLinkForm(request.POST)
    if not form.is_valid():
        return _panel(request, order, link_form=form)
    try:
        link, token = tracking.create_tracking_link(actor=request.user, order=order, **form.cleaned_data)
    except ValidationError as exc:
        return _panel(request, order, link_form=form, panel_error=" ".join(exc.messages))
    url = request.build_absolute_uri(reverse("tracking:page", args=[token]))
    return _panel(request, order, new_link={"link": link, "url": url})


@login_required
@permission_required(tracking.REVOKE, raise_exception=True)
@require_POST
def tracking_link_revoke(request, pk):
    link = selectors.tracking_link(request.user, pk)
    error = None
    try:
        tracking.revoke_tracking_link(actor=request.user, link=link)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    return _panel(request, selectors.order_for_shipping(request.user, link.order_id), panel_error=error)


def _order_action(request, order_pk, act, done):
    _act(request, selectors.order_for_shipping(request.user, order_pk), act, done)
    return redirect("orders:detail", pk=order_pk)


@login_required
@permission_required(deliveries.CLOSE, raise_exception=True)
@require_POST
def order_close(request, order_pk):
    note = request.POST.get("note", "")
    expected = request.POST.get("expected_status") or None
    return _order_action(request, order_pk, lambda order: deliveries.close_order(
        actor=request.user, order=order, note=note, expected_status=expected), _("Order %(number)s is closed."))


@login_required
@permission_required(services.SHIP, raise_exception=True)
@require_POST
def order_confirm_delivery(request, order_pk):
    expected = request.POST.get("expected_status") or None
    return _order_action(request, order_pk, lambda order: deliveries.confirm_order_delivery(
        actor=request.user, order=order, expected_status=expected), _("Order %(number)s is delivered."))
