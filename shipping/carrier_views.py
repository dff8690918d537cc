"""The carrier and transport mode master-data pages (record_pages pattern): the carrier list, new, edit with
activate/deactivate and its modes; a mode's new and edit pages."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.history import history_of
from record_pages.views import edit_record_post, record_list, save_form

from . import carrier_selectors, carrier_services
from .carrier_forms import CarrierFilterForm, CarrierForm, TransportModeForm


@login_required
@permission_required("shipping.view_carrier", raise_exception=True)
def carrier_list(request):
    return record_list(request, "shipping/carrier_list.html", form_class=CarrierFilterForm,
                       records=carrier_selectors.carrier_list, model="shipping.carrier", actions=("add", "change"))


def _carrier_page(request, form, carrier=None, can_change=True):
    return render(request, "shipping/carrier_form.html", {
        "form": form, "carrier": carrier, "can_change": can_change,
        "can_add_mode": request.user.has_perm("shipping.add_transportmode"),
        "history": history_of(carrier) if carrier else None})


@login_required
@permission_required("shipping.add_carrier", raise_exception=True)
def carrier_create(request):
    form = CarrierForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        carrier = save_form(request, form, lambda: carrier_services.create_carrier(
            actor=request.user, code=form.cleaned_data.get("code", ""), name=form.cleaned_data.get("name", "")),
            lambda c: _("Carrier %(code)s was created.") % {"code": c.code})
        if carrier:
            return redirect("shipping:carrier_edit", pk=carrier.pk)
    return _carrier_page(request, form)


@login_required
@permission_required("shipping.view_carrier", raise_exception=True)
def carrier_edit(request, pk):
    carrier = carrier_selectors.carrier_detail(request.user, pk)
    can_change = request.user.has_perm("shipping.change_carrier")
    if request.method == "POST":
        form = CarrierForm(request.POST, carrier=carrier)
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: carrier_services.update_carrier(actor=request.user, carrier=carrier,
                                                             name=form.cleaned_data.get("name", "")),
                saved_message=_("Carrier %(code)s was saved.") % {"code": carrier.code},
                set_active=lambda active: carrier_services.update_carrier(actor=request.user, carrier=carrier,
                                                                          is_active=active),
                activated_message=_("Carrier %(code)s is active again.") % {"code": carrier.code},
                deactivated_message=_("Carrier %(code)s was deactivated: shipments are no longer offered its modes.")
                % {"code": carrier.code}):
            return redirect("shipping:carrier_edit", pk=carrier.pk)
        carrier = carrier_selectors.carrier_detail(request.user, pk)
    else:
        form = CarrierForm(carrier=carrier)
    return _carrier_page(request, form, carrier, can_change)


def _mode_page(request, form, carrier, mode=None, can_change=True):
    return render(request, "shipping/transport_mode_form.html", {
        "form": form, "carrier": carrier, "mode": mode, "can_change": can_change,
        "history": history_of(mode) if mode else None})


@login_required
@permission_required("shipping.add_transportmode", raise_exception=True)
def transport_mode_create(request, carrier_pk):
    carrier = carrier_selectors.carrier_detail(request.user, carrier_pk)
    form = TransportModeForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        mode = save_form(request, form, lambda: carrier_services.create_transport_mode(
            actor=request.user, carrier=carrier, kind=form.cleaned_data.get("kind", ""),
            transit_days=form.cleaned_data.get("transit_days")),
            lambda m: _("Transport mode %(mode)s was added.") % {"mode": str(m)})
        if mode:
            return redirect("shipping:carrier_edit", pk=carrier.pk)
    return _mode_page(request, form, carrier)


@login_required
@permission_required("shipping.view_transportmode", raise_exception=True)
def transport_mode_edit(request, pk):
    mode = carrier_selectors.transport_mode_detail(request.user, pk)
    can_change = request.user.has_perm("shipping.change_transportmode")
    if request.method == "POST":
        form = TransportModeForm(request.POST, mode=mode)
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: carrier_services.update_transport_mode(
                    actor=request.user, mode=mode, transit_days=form.cleaned_data.get("transit_days")),
                saved_message=_("Transport mode %(mode)s was saved.") % {"mode": str(mode)},
                set_active=lambda active: carrier_services.update_transport_mode(actor=request.user, mode=mode,
                                                                                 is_active=active),
                activated_message=_("Transport mode %(mode)s is active again.") % {"mode": str(mode)},
                deactivated_message=_("Transport mode %(mode)s was deactivated.") % {"mode": str(mode)}):
            return redirect("shipping:transport_mode_edit", pk=mode.pk)
        mode.refresh_from_db()
    else:
        form = TransportModeForm(mode=mode)
    return _mode_page(request, form, mode.carrier, mode, can_change)
