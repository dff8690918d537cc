"""The trading partner (with its product-code mappings) and channel import profile pages (record_pages pattern):
lists, new, edit with activate/deactivate. Thin: parse, call edi.partner_services, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.history import history_of
from record_pages.views import edit_record_post, record_list, save_form, show_refusal

from . import partner_selectors as selectors
from . import partner_services as services
from .partner_forms import ChannelProfileForm, MappingFormSet, MasterFilterForm, PartnerForm, mapping_initial


@login_required
@permission_required(selectors.VIEW_PARTNER, raise_exception=True)
def partner_list(request):
    return record_list(request, "edi/partner_list.html", form_class=MasterFilterForm, records=selectors.partner_list,
                       model="edi.tradingpartner", actions=("add", "change"))


def _partner_page(request, form, partner=None, can_change=True, mapping_formset=None):
    can_map = partner is not None and request.user.has_perm(services.CHANGE_MAPPING)
    if can_map and mapping_formset is None:
        mapping_formset = MappingFormSet(prefix="mappings", initial=mapping_initial(partner))
    return render(request, "edi/partner_form.html", {
        "form": form, "partner": partner, "can_change": can_change, "can_map": can_map,
        "formset": mapping_formset, "customer_options": selectors.customer_options() if can_change else [],
        "product_options": selectors.product_options() if can_map else [],
        "history": history_of(partner) if partner else None},
        status=400 if request.method == "POST" else 200)


@login_required
@permission_required(services.ADD_PARTNER, raise_exception=True)
def partner_create(request):
    form = PartnerForm(request.POST if request.method == "POST" else None, owners=selectors.order_owners())
    if form.is_bound:
        partner = save_form(request, form, lambda: services.create_partner(
            actor=request.user, code=form.cleaned_data.get("code", ""), **form.service_fields()),
            lambda p: _("Trading partner %(code)s was created: add its product codes below.") % {"code": p.code})
        if partner:
            return redirect("edi:partner_edit", pk=partner.pk)
    return _partner_page(request, form)


@login_required
@permission_required(selectors.VIEW_PARTNER, raise_exception=True)
def partner_edit(request, pk):
    partner = selectors.partner_detail(request.user, pk)
    can_change = request.user.has_perm(services.CHANGE_PARTNER)
    owners = selectors.order_owners()
    if request.method == "POST" and request.POST.get("action") == "mappings":
        return _save_mappings(request, partner, can_change, owners)
    if request.method == "POST":
        form = PartnerForm(request.POST, partner=partner, owners=owners)
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: services.update_partner(actor=request.user, partner=partner, **form.service_fields()),
                saved_message=_("Trading partner %(code)s was saved.") % {"code": partner.code},
                set_active=lambda active: services.update_partner(actor=request.user, partner=partner,
                                                                  is_active=active),
                activated_message=_("Trading partner %(code)s is active again.") % {"code": partner.code},
                deactivated_message=_("Trading partner %(code)s was deactivated: its messages are no longer matched "
                                      "to it.") % {"code": partner.code}):
            return redirect("edi:partner_edit", pk=partner.pk)
        partner = selectors.partner_detail(request.user, pk)
    else:
        form = PartnerForm(partner=partner, owners=owners)
    return _partner_page(request, form, partner, can_change)


def _save_mappings(request, partner, can_change, owners):
    if not request.user.has_perm(services.CHANGE_MAPPING):
        raise PermissionDenied(_("Your role may not do this."))
    formset = MappingFormSet(request.POST, prefix="mappings")
    if formset.is_valid():
        try:
            services.save_mappings(actor=request.user, partner=partner, mappings=formset.mappings())
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The product codes of %(partner)s were saved.") % {"partner": partner.name})
            return redirect("edi:partner_edit", pk=partner.pk)
    return _partner_page(request, PartnerForm(partner=partner, owners=owners), partner, can_change, formset)


@login_required
@permission_required(selectors.VIEW_PROFILE, raise_exception=True)
def profile_list(request):
    return record_list(request, "edi/profile_list.html", form_class=MasterFilterForm, records=selectors.profile_list,
                       model="edi.channelprofile", actions=("add", "change"),
                       can_import=request.user.has_perm("edi.import_channel_orders"))


def _profile_page(request, form, profile=None, can_change=True):
    return render(request, "edi/profile_form.html", {
        "form": form, "profile": profile, "can_change": can_change,
        "customer_options": selectors.customer_options() if can_change else [],
        "history": history_of(profile) if profile else None},
        status=400 if request.method == "POST" else 200)


@login_required
@permission_required(services.ADD_PROFILE, raise_exception=True)
def profile_create(request):
    form = ChannelProfileForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        profile = save_form(request, form, lambda: services.create_channel_profile(
            actor=request.user, code=form.cleaned_data.get("code", ""), **form.service_fields()),
            lambda p: _("Channel profile %(code)s was created.") % {"code": p.code})
        if profile:
            return redirect("edi:profile_edit", pk=profile.pk)
    return _profile_page(request, form)


@login_required
@permission_required(selectors.VIEW_PROFILE, raise_exception=True)
def profile_edit(request, pk):
    profile = selectors.profile_detail(request.user, pk)
    can_change = request.user.has_perm(services.CHANGE_PROFILE)
    if request.method == "POST":
        form = ChannelProfileForm(request.POST, profile=profile)
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: services.update_channel_profile(actor=request.user, profile=profile,
                                                             **form.service_fields()),
                saved_message=_("Channel profile %(code)s was saved.") % {"code": profile.code},
                set_active=lambda active: services.update_channel_profile(actor=request.user, profile=profile,
                                                                          is_active=active),
                activated_message=_("Channel profile %(code)s is active again.") % {"code": profile.code},
                deactivated_message=_("Channel profile %(code)s was deactivated: files can no longer be imported "
                                      "through it.") % {"code": profile.code}):
            return redirect("edi:profile_edit", pk=profile.pk)
        profile = selectors.profile_detail(request.user, pk)
    else:
        form = ChannelProfileForm(profile=profile)
    return _profile_page(request, form, profile, can_change)
