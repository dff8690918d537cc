"""The shared steps of record list and edit pages. Each app's views keep their own permissions,
services and messages; only the mechanics live here."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

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
        for message in exc.messages:
            messages.error(request, message)
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
