"""Item pages (list, create/edit with deactivate instead of delete), the BOM editor with its explosion
and version history, and the CSV/XLSX imports of items and BOM lines. Views stay thin: parse, call
a selector or a service, render or redirect."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.history import history, history_of
from imports.views import import_page, upload_size_limited
from record_pages.views import (
    ACTIVE_ACTIONS,
    edit_record_post,
    record_list,
    save_form,
    save_version,
    shown_version,
    version_action,
)

from . import importing, selectors, services, value_selectors
from .bom_structure import BomCycleError
from .forms import BomHeaderForm, BomLineFormSet, ExplosionForm, ItemFilterForm, ItemForm, bom_line_initial
from .models import BillOfMaterials
from .value_forms import ItemCostForm

# --- items -------------------------------------------------------------------------------------

@login_required
@permission_required("inventory.view_item", raise_exception=True)
def item_list(request):
    return record_list(request, "inventory/item_list.html", form_class=ItemFilterForm, records=selectors.item_list,
                       model="inventory.item",
                       can_import_boms=request.user.has_perm("inventory.import_billofmaterials"))


def _item_page(request, form, item=None, can_change=True):
    context = {"form": form, "item": item, "can_change": can_change}
    if item is not None:
        context.update(bom=selectors.active_bom(item), used_in=selectors.where_used(item),
                       can_view_bom=request.user.has_perm("inventory.view_billofmaterials"), history=history_of(item))
        if request.user.has_perm("inventory.view_itemcost"):
            context.update(costs=value_selectors.cost_history(item),
                           cost_form=ItemCostForm() if request.user.has_perm("inventory.add_itemcost") else None)
    return render(request, "inventory/item_form.html", context)


@login_required
@permission_required("inventory.add_item", raise_exception=True)
def item_create(request):
    form = ItemForm(request.POST) if request.method == "POST" else ItemForm()
    if form.is_bound:
        item = save_form(request, form, lambda: services.create_item(actor=request.user, **form.service_fields()),
                         lambda i: _("Item %(code)s was created.") % {"code": i.code})
        if item:
            return redirect("inventory:item_edit", pk=item.pk)
    return _item_page(request, form)


@login_required
@permission_required("inventory.view_item", raise_exception=True)
def item_edit(request, pk):
    """Everyone who may see items sees this page; only those who may change them get a form."""
    item = selectors.item_detail(request.user, pk)
    can_change = request.user.has_perm("inventory.change_item")
    if request.method == "POST":
        form = ItemForm(request.POST, instance=item)
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: services.update_item(actor=request.user, item=item, **form.service_fields()),
                saved_message=_("Item %(code)s was saved.") % {"code": item.code},
                set_active=lambda active: services.set_item_active(actor=request.user, item=item, active=active),
                activated_message=_("Item %(code)s is active again.") % {"code": item.code},
                deactivated_message=_("Item %(code)s was deactivated: it can no longer be put on a BOM; "
                                      "its history is kept.") % {"code": item.code}):
            return redirect("inventory:item_edit", pk=item.pk)
        item.refresh_from_db()  # the page around the form shows what is saved
    else:
        form = ItemForm(instance=item)
    return _item_page(request, form, item, can_change)


@login_required
@permission_required("inventory.view_item", raise_exception=True)
def item_options(request):
    """The component search list (a datalist filled by htmx as the user types)."""
    q = request.GET.get("q")
    if q is None:  # htmx sends the row's own input, named lines-N-component
        q = next((v for k, v in request.GET.items() if k.endswith("-component") or k == "item"), "")
    return render(request, "inventory/_item_options.html", {"items": selectors.item_search(q)})


# --- bills of materials ------------------------------------------------------------------------

def _explosion(request, item):
    """The explosion of the active BOM for the quantity asked for (1 by default), or its error."""
    form = ExplosionForm(request.GET or None)
    quantity = form.cleaned_data["quantity"] if form.is_valid() else None
    if form.is_bound and quantity is None:
        return form, None, ""
    try:
        return form, selectors.explosion(item, quantity or 1), ""
    except BomCycleError as exc:
        return form, None, exc.message


@login_required
@permission_required("inventory.view_billofmaterials", raise_exception=True)
def bom_edit(request, pk):
    """The BOM of an item: edit its lines (a new version), see the explosion and the versions."""
    user = request.user
    item = selectors.item_detail(user, pk)
    can_change = user.has_perm("inventory.change_billofmaterials")
    active = selectors.active_bom(item)
    header = BomHeaderForm()
    formset = BomLineFormSet(prefix="lines", initial=bom_line_initial(active))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role may not do this."))
        action = request.POST.get("action")
        if action in ACTIVE_ACTIONS:
            return _bom_version_action(request, item, action)
        header = BomHeaderForm(request.POST)
        formset = BomLineFormSet(request.POST, prefix="lines")
        if save_version(
                request, header=header, formset=formset, active=active,
                save=lambda **header_fields: services.save_bom(actor=user, item=item, lines=formset.lines(),
                                                               **header_fields),
                unchanged_message=lambda bom: _("Nothing changed: the BOM is still version %(version)s.")
                % {"version": bom.version},
                saved_message=lambda bom: _("Version %(version)s of the BOM of %(code)s is saved and active.")
                % {"version": bom.version, "code": item.code}):
            return redirect("inventory:bom_edit", pk=item.pk)
    shown = shown_version(request, lambda number: selectors.bom_version(user, item, number))
    explosion_form, explosion, explosion_error = _explosion(request, item)
    versions = selectors.bom_versions(item)
    return render(request, "inventory/bom_edit.html", {
        "item": item, "active": active, "header": header, "formset": formset, "can_change": can_change,
        "versions": versions, "shown": shown, "history": history(BillOfMaterials, [v.pk for v in versions]),
        "explosion_form": explosion_form,
        "explosion": explosion, "explosion_error": explosion_error,
    })


def _bom_version_action(request, item, action):
    def activate():
        bom = selectors.bom_to_activate(item, request.POST.get("version", ""))
        services.activate_bom(actor=request.user, bom=bom)
        return _("Version %(version)s is the active BOM again.") % {"version": bom.version}

    def deactivate():
        services.deactivate_bom(actor=request.user, item=item)
        return _("%(code)s has no active BOM now; its versions are kept.") % {"code": item.code}

    version_action(request, action, activate=activate, deactivate=deactivate)
    return redirect("inventory:bom_edit", pk=item.pk)


# --- imports -----------------------------------------------------------------------------------

@upload_size_limited
@login_required
@permission_required("inventory.import_item", raise_exception=True)
def item_import(request):
    list_url = reverse("inventory:item_list")
    return import_page(request, importing.ITEM_IMPORT, list_url=list_url, import_url=reverse("inventory:item_import"),
                       done_url=list_url + "?status=all&sort=-updated")


@upload_size_limited
@login_required
@permission_required("inventory.import_billofmaterials", raise_exception=True)
def bom_import(request):
    list_url = reverse("inventory:item_list")
    return import_page(request, importing.BOM_IMPORT, list_url=list_url, import_url=reverse("inventory:bom_import"),
                       done_url=list_url + "?bom=with")
