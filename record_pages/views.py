"""The shared steps of record list and edit pages. Each app's views keep their own permissions,
services and messages; only the mechanics live here."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from .keyset import keyset_page

PAGE_SIZES = (25, 50, 100)
ACTIVE_ACTIONS = ("activate", "deactivate")


def _per_page(request):
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        per_page = PAGE_SIZES[0]
    return per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]


def paginate(request, queryset):
    """One page of a list, with the page sizes the pager offers and the query string to keep."""
    per_page = _per_page(request)
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode(), "per_page": per_page, "page_sizes": PAGE_SIZES}


def keyset_paginate(request, queryset):
    """One page of a long list by keyset (record_pages.keyset: any depth costs the same), for
    includes/keyset_pager.html. The query string to keep leaves the cursor out."""
    per_page = _per_page(request)
    page = keyset_page(queryset, cursor=request.GET.get("cursor", ""), per_page=per_page)
    query = request.GET.copy()
    query.pop("cursor", None)
    query.pop("page", None)
    return {"page": page, "query": query.urlencode(), "per_page": per_page, "page_sizes": PAGE_SIZES}


def add_service_errors(form, exc: ValidationError):
    """Put a service's ValidationError next to the form's fields (others above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def toggle_active(request, *, set_active, activated_message, deactivated_message):
    """Handle the page's Activate/Deactivate button: call `set_active(active)`, and show its refusal
    or the matching message. The caller redirects back to the record afterwards."""
    active = request.POST.get("action") == "activate"
    try:
        set_active(active)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, activated_message if active else deactivated_message)


def save_form(request, form, save, success_message):
    """Run `save()` (a service call) for a valid form and return what it returned, or None when the
    form or the service refused (shown on the form; nothing is written then). `success_message` may
    be a function of the saved record."""
    if not form.is_valid():
        return None
    try:
        record = save()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, success_message(record) if callable(success_message) else success_message)
    return record


def show_refusal(request, exc: ValidationError):
    """A service's refusal as error messages above the page."""
    for message in exc.messages:
        messages.error(request, message)


def edit_record_post(request, *, can_change, form, save, saved_message, set_active, activated_message,
                     deactivated_message, formset=None):
    """A POST on a record's edit page: refused without the change permission; the Activate/Deactivate
    button toggles the record (`set_active`), anything else saves the form (and its formset, which must be
    valid first). True when the page goes back to the record; False when the form shows the refusal."""
    if not can_change:
        raise PermissionDenied(_("Your role may not do this."))
    if request.POST.get("action") in ACTIVE_ACTIONS:
        toggle_active(request, set_active=set_active, activated_message=activated_message,
                      deactivated_message=deactivated_message)
        return True
    if formset is not None and not formset.is_valid():
        return False
    return save_form(request, form, save, saved_message) is not None


def save_version(request, *, header, formset, save, active, unchanged_message, saved_message):
    """The version editor's Save (BOMs, routings): `save(valid_from=, note=)` stores a new version from the
    header and the lines, or returns the active one when nothing changed. The messages are functions of
    the version. True when saved (the caller redirects); False when a form shows what was refused."""
    if not (header.is_valid() and formset.is_valid()):
        return False
    try:
        version = save(valid_from=header.cleaned_data["valid_from"], note=header.cleaned_data["note"])
    except ValidationError as exc:
        header.add_error(None, exc)
        return False
    if active is not None and version.pk == active.pk:
        messages.info(request, unchanged_message(version))
    else:
        messages.success(request, saved_message(version))
    return True


def version_action(request, action, *, activate, deactivate):
    """The version list's Activate (a version) / Deactivate (the record has none active then) buttons:
    each callable takes the step and returns its success message; a refusal is shown instead."""
    try:
        message = activate() if action == "activate" else deactivate()
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, message)


def shown_version(request, find):
    """The version the page shows beside the active one (`?version=N`), found by `find(number)`."""
    number = request.GET.get("version", "")
    return find(int(number)) if number.isdigit() else None


def record_list(request, template, *, form_class, records, model, actions=("add", "change", "import"), **context):
    """A master-data list page: its filter form, one page of `records(user, filters)`, and what the reader
    may do with the records of `model` ("app_label.model_name"): `can_add`, `can_change`, ... by `actions`."""
    user = request.user
    app_label, model_name = model.split(".")
    return render(request, template, {
        "form": form_class(request.GET or None), **paginate(request, records(user, request.GET)),
        **{f"can_{action}": user.has_perm(f"{app_label}.{action}_{model_name}") for action in actions}, **context})
