"""Material delay request pages: the list (search, sort, pagination) and the form. Thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from record_pages.views import paginate, save_form

from . import material_delays, purchasing_selectors
from .purchasing_forms import MaterialDelayFilterForm, MaterialDelayForm


@login_required
@permission_required("inventory.view_materialdelay", raise_exception=True)
def material_delay_list(request):
    form = MaterialDelayFilterForm(request.GET or None)
    return render(request, "inventory/purchasing/delay_list.html", {
        "form": form, **paginate(request, purchasing_selectors.material_delay_list(request.user, request.GET)),
        "can_add": request.user.has_perm("inventory.add_materialdelay"),
    })


@login_required
@permission_required("inventory.add_materialdelay", raise_exception=True)
def material_delay_create(request):
    initial = {"item": request.GET.get("item", "")}
    form = MaterialDelayForm(request.POST or None, initial=initial)
    if request.method == "POST":
        delay = save_form(request, form, lambda: material_delays.record_material_delay(
            actor=request.user, item=form.cleaned_data["item"], line=form.cleaned_data.get("purchase_order_line"),
            new_expected_date=form.cleaned_data["new_expected_date"], reason=form.cleaned_data["reason"]),
            lambda d: _("Material delay %(number)s recorded.") % {"number": d.number})
        if delay:
            count = delay.affected_orders.count()
            messages.warning(request, ngettext("%(n)s order marked at risk.", "%(n)s orders marked at risk.", count)
                             % {"n": count})
            return redirect("inventory:material_delay_list")
    return render(request, "inventory/purchasing/delay_form.html", {"form": form})
