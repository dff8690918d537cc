"""The price list and discount rule pages (record_pages pattern): the list of price lists, new, edit with its
lines, close and activate/deactivate; the discount rule's settings page. Thin: parse, call
sales.price_list_services, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import history_of
from record_pages.views import edit_record_post, record_list, save_form, show_refusal

from . import price_list_selectors as selectors
from . import price_list_services as services
from .price_list_forms import DiscountRuleForm, PriceLineFormSet, PriceListFilterForm, PriceListForm, line_initial

VIEW = "sales.view_pricelist"
CHANGE = "sales.change_pricelist"


@login_required
@permission_required(VIEW, raise_exception=True)
def price_list_list(request):
    in_force, _rules = selectors.discount_rules(request.user)
    return record_list(request, "sales/price_list_list.html", form_class=PriceListFilterForm,
                       records=selectors.price_list_list, model="sales.pricelist", actions=("add", "change"),
                       rule_in_force=in_force, can_see_rule=request.user.has_perm(selectors.VIEW_RULE))


def _page(request, form, formset, price_list=None, can_change=True):
    return render(request, "sales/price_list_form.html", {
        "form": form, "formset": formset, "price_list": price_list, "can_change": can_change,
        "product_options": selectors.product_options() if can_change else [],
        "history": history_of(price_list) if price_list else None},
        status=400 if request.method == "POST" else 200)


@login_required
@permission_required(services.ADD, raise_exception=True)
def price_list_create(request):
    form = PriceListForm(request.POST if request.method == "POST" else None,
                         initial={"valid_from": timezone.localdate()})
    formset = PriceLineFormSet(request.POST if request.method == "POST" else None, prefix="items")
    if form.is_bound:
        price_list = formset.is_valid() and save_form(request, form, lambda: services.create_price_list(
            actor=request.user, items=formset.lines(), **form.service_fields()),
            lambda p: _("Price list %(name)s was created.") % {"name": p.name})
        if price_list:
            return redirect("sales:price_list_edit", pk=price_list.pk)
    return _page(request, form, formset)


@login_required
@permission_required(VIEW, raise_exception=True)
def price_list_edit(request, pk):
    price_list = selectors.price_list_detail(request.user, pk)
    can_change = request.user.has_perm(CHANGE)
    if request.method == "POST" and request.POST.get("action") == "close":
        if not can_change:
            raise PermissionDenied(_("Your role may not do this."))
        try:
            closed = services.close_price_list(actor=request.user, price_list=price_list)
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Price list %(name)s was closed: its prices are in force to the end of "
                                        "today.") % {"name": closed.name})
        return redirect("sales:price_list_edit", pk=pk)
    if request.method == "POST":
        form = PriceListForm(request.POST, price_list=price_list)
        formset = PriceLineFormSet(request.POST, prefix="items")
        if edit_record_post(
                request, can_change=can_change, form=form, formset=formset,
                save=lambda: services.update_price_list(actor=request.user, price_list=price_list,
                                                        items=formset.lines(), **form.service_fields()),
                saved_message=_("Price list %(name)s was saved.") % {"name": price_list.name},
                set_active=lambda active: services.set_price_list_active(actor=request.user, price_list=price_list,
                                                                         is_active=active),
                activated_message=_("Price list %(name)s is active again.") % {"name": price_list.name},
                deactivated_message=_("Price list %(name)s was deactivated: quotations and orders no longer take "
                                      "its prices.") % {"name": price_list.name}):
            return redirect("sales:price_list_edit", pk=pk)
        price_list = selectors.price_list_detail(request.user, pk)
    else:
        form = PriceListForm(price_list=price_list)
        formset = PriceLineFormSet(prefix="items", initial=line_initial(price_list))
    return _page(request, form, formset, price_list, can_change)


@login_required
@permission_required(selectors.VIEW_RULE, raise_exception=True)
def discount_rule(request):
    can_change = request.user.has_perm(services.ADD_RULE)
    form = DiscountRuleForm(request.POST if request.method == "POST" else None,
                            initial={"valid_from": timezone.localdate()})
    if form.is_bound:
        if not can_change:
            raise PermissionDenied(_("Your role may not do this."))
        rule = save_form(request, form, lambda: services.set_discount_rule(
            actor=request.user, threshold_percent=form.cleaned_data["threshold_percent"],
            valid_from=form.cleaned_data["valid_from"], note=form.cleaned_data.get("note", "")),
            _("The new discount rule was saved."))
        if rule:
            return redirect("sales:discount_rule")
    in_force, rules = selectors.discount_rules(request.user)
    return render(request, "sales/discount_rule.html", {
        "form": form, "can_change": can_change, "in_force": in_force, "rules": rules, "today": timezone.localdate()},
        status=400 if form.is_bound else 200)
