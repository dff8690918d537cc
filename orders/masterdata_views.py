"""Customer and product pages: lists, create/edit (with deactivate instead of delete) and CSV/XLSX
import with a preview. Views stay thin: parse, call a selector or a service, render."""

import secrets
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import importing, masterdata_services
from . import masterdata_selectors as selectors
from .importing import ImportFileError, ImportRejected
from .masterdata_forms import (
    ContactFormSet,
    CustomerFilterForm,
    CustomerForm,
    ImportUploadForm,
    ProductFilterForm,
    ProductForm,
    contact_initial,
)

PAGE_SIZES = (25, 50, 100)
# How long a checked upload waits for its confirmation.
IMPORT_PREVIEW_MAX_AGE = 60 * 60


def _paginate(request, queryset):
    try:
        per_page = int(request.GET.get("per_page", 25))
    except ValueError:
        per_page = 25
    per_page = per_page if per_page in PAGE_SIZES else 25
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode(), "per_page": per_page, "page_sizes": PAGE_SIZES}


def _add_service_errors(form, exc: ValidationError):
    """Put a service's ValidationError next to the form's fields (others above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- customers ---------------------------------------------------------------------------------

@login_required
@permission_required("orders.view_customer", raise_exception=True)
def customer_list(request):
    form = CustomerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    user = request.user
    return render(request, "orders/masterdata/customer_list.html", {
        "form": form, **_paginate(request, selectors.customer_list(user, filters)),
        "can_add": user.has_perm("orders.add_customer"), "can_change": user.has_perm("orders.change_customer"),
        "can_import": user.has_perm("orders.import_customer"),
    })


def _customer_form_page(request, form, formset, customer=None, can_change=True):
    return render(request, "orders/masterdata/customer_form.html", {
        "form": form, "formset": formset, "customer": customer, "can_change": can_change,
    })


@login_required
@permission_required("orders.add_customer", raise_exception=True)
def customer_create(request):
    if request.method == "POST":
        form = CustomerForm(request.POST)
        formset = ContactFormSet(request.POST, prefix="contacts")
        if form.is_valid() and formset.is_valid():
            try:
                customer = masterdata_services.create_customer(
                    actor=request.user, contacts=formset.contacts(), **form.service_fields())
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Customer %(code)s was created.") % {"code": customer.code})
                return redirect("orders:customer_edit", pk=customer.pk)
    else:
        form = CustomerForm()
        formset = ContactFormSet(prefix="contacts")
    return _customer_form_page(request, form, formset)


@login_required
@permission_required("orders.view_customer", raise_exception=True)
def customer_edit(request, pk):
    """Everyone who may see customers sees this page; only those who may change them get a form."""
    customer = selectors.customer_detail(request.user, pk)
    can_change = request.user.has_perm("orders.change_customer")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role may not do this."))
        action = request.POST.get("action")
        if action in ("deactivate", "activate"):
            masterdata_services.set_customer_active(actor=request.user, customer=customer,
                                                    active=action == "activate")
            if action == "activate":
                messages.success(request, _("Customer %(code)s is active again.") % {"code": customer.code})
            else:
                messages.success(request, _("Customer %(code)s was deactivated: no new orders can be entered for "
                                            "it; its orders are kept.") % {"code": customer.code})
            return redirect("orders:customer_edit", pk=customer.pk)
        form = CustomerForm(request.POST, instance=customer)
        formset = ContactFormSet(request.POST, prefix="contacts")
        if form.is_valid() and formset.is_valid():
            try:
                masterdata_services.update_customer(actor=request.user, customer=customer,
                                                    contacts=formset.contacts(), **form.service_fields())
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Customer %(code)s was saved.") % {"code": customer.code})
                return redirect("orders:customer_edit", pk=customer.pk)
    else:
        form = CustomerForm(instance=customer)
        formset = ContactFormSet(prefix="contacts", initial=contact_initial(customer))
    return _customer_form_page(request, form, formset, customer, can_change)


# --- products ----------------------------------------------------------------------------------

@login_required
@permission_required("orders.view_product", raise_exception=True)
def product_list(request):
    form = ProductFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    user = request.user
    return render(request, "orders/masterdata/product_list.html", {
        "form": form, **_paginate(request, selectors.product_list(user, filters)),
        "can_add": user.has_perm("orders.add_product"), "can_change": user.has_perm("orders.change_product"),
        "can_import": user.has_perm("orders.import_product"),
    })


def _product_form_page(request, form, product=None, can_change=True):
    return render(request, "orders/masterdata/product_form.html",
                  {"form": form, "product": product, "can_change": can_change})


@login_required
@permission_required("orders.add_product", raise_exception=True)
def product_create(request):
    if request.method == "POST":
        form = ProductForm(request.POST)
        if form.is_valid():
            try:
                product = masterdata_services.create_product(actor=request.user, **form.service_fields())
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Product %(sku)s was created.") % {"sku": product.sku})
                return redirect("orders:product_edit", pk=product.pk)
    else:
        form = ProductForm()
    return _product_form_page(request, form)


@login_required
@permission_required("orders.view_product", raise_exception=True)
def product_edit(request, pk):
    product = selectors.product_detail(request.user, pk)
    can_change = request.user.has_perm("orders.change_product")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role may not do this."))
        action = request.POST.get("action")
        if action in ("deactivate", "activate"):
            masterdata_services.set_product_active(actor=request.user, product=product, active=action == "activate")
            if action == "activate":
                messages.success(request, _("Product %(sku)s is active again.") % {"sku": product.sku})
            else:
                messages.success(request, _("Product %(sku)s was deactivated: it cannot be put on new orders; "
                                            "existing orders keep it.") % {"sku": product.sku})
            return redirect("orders:product_edit", pk=product.pk)
        form = ProductForm(request.POST, instance=product)
        if form.is_valid():
            try:
                masterdata_services.update_product(actor=request.user, product=product, **form.service_fields())
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Product %(sku)s was saved.") % {"sku": product.sku})
                return redirect("orders:product_edit", pk=product.pk)
    else:
        form = ProductForm(instance=product)
    return _product_form_page(request, form, product, can_change)


# --- import ------------------------------------------------------------------------------------

class ImportSizeLimit(FileUploadHandler):
    """Stops storing an uploaded file as soon as it passes settings.IMPORT_MAX_BYTES (Django's own
    upload settings do not cap files), so an oversized upload fills neither memory nor disk."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_BYTES:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file


def upload_size_limited(view):
    """Install ImportSizeLimit before anything reads the request body. The CSRF middleware reads it,
    so the check is exempted there and done here, after the handler is in place (as the Django
    docs on modifying upload handlers describe)."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        limit = ImportSizeLimit(request)
        request.upload_handlers.insert(0, limit)
        request.import_size_limit = limit
        return protected(request, *args, **kwargs)

    return wrapper


def _session_key(kind):
    return f"masterdata_import:{kind}"


def _import_context(kind, **extra):
    spec = importing.IMPORTS[kind]
    columns = [{"column": c, "default": spec.default_display(c), "choices": c.choice_values()} for c in spec.columns]
    return {"spec": spec, "kind": kind, "columns": columns, "max_rows": importing.MAX_ROWS,
            "max_bytes": settings.IMPORT_MAX_BYTES,
            "list_url": reverse(f"orders:{kind}_list"), "import_url": reverse(f"orders:{kind}_import"), **extra}


def _upload_page(request, kind, form, *, error=""):
    return render(request, "orders/masterdata/import.html", _import_context(kind, form=form, error=error))


def _preview_page(request, kind, preview, *, error=""):
    """Show the checked rows; keep them in the session (only when all are good) for the confirm step."""
    token = ""
    if preview.is_valid:
        token = secrets.token_urlsafe(24)
        request.session[_session_key(kind)] = {"token": token, "user": request.user.pk, "saved": time.time(),
                                               "stash": preview.stash()}
    else:
        request.session.pop(_session_key(kind), None)
    return render(request, "orders/masterdata/import_preview.html",
                  _import_context(kind, preview=preview, token=token, error=error))


def _import(request, kind):
    if request.method != "POST":
        if request.GET.get("template") == "csv":
            response = HttpResponse(importing.template_csv(kind), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{kind}-import-template.csv"'
            return response
        return _upload_page(request, kind, ImportUploadForm())
    step = request.POST.get("step")
    if step == "cancel":
        request.session.pop(_session_key(kind), None)
        messages.info(request, _("Import cancelled; nothing was written."))
        return redirect(f"orders:{kind}_import")
    if step == "confirm":
        return _confirm_import(request, kind)
    return _upload_import(request, kind)


def _upload_import(request, kind):
    limit = getattr(request, "import_size_limit", None)
    too_large = (limit is not None and limit.too_large) or any(
        f.size > settings.IMPORT_MAX_BYTES for f in request.FILES.values())
    if too_large:
        return _upload_page(request, kind, ImportUploadForm(), error=_(
            "The file is larger than %(max)s. Split it into smaller files; nothing was imported.")
            % {"max": filesizeformat(settings.IMPORT_MAX_BYTES)})
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, kind, form)
    upload = form.cleaned_data["file"]
    try:
        preview = importing.preview_import(actor=request.user, kind=kind, data=upload.read(), filename=upload.name)
    except ImportFileError as exc:
        return _upload_page(request, kind, ImportUploadForm(), error=exc.message)
    return _preview_page(request, kind, preview)


def _confirm_import(request, kind):
    pending = request.session.get(_session_key(kind))
    token = request.POST.get("token", "")
    expired = not pending or time.time() - pending.get("saved", 0) > IMPORT_PREVIEW_MAX_AGE
    if (expired or not token or not constant_time_compare(pending.get("token", ""), token)
            or pending.get("user") != request.user.pk):
        messages.error(request, _("This preview has expired or was replaced by another upload. Nothing was imported; "
                                  "upload the file again."))
        return redirect(f"orders:{kind}_import")
    try:
        outcome = importing.apply_import(actor=request.user, stash=pending["stash"])
    except ImportRejected as exc:
        return _preview_page(request, kind, exc.preview, error=exc.message)
    request.session.pop(_session_key(kind), None)
    messages.success(request, _("Imported %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s "
                                "unchanged.") % {"file": pending["stash"].get("filename", ""),
                                                 "created": outcome.created, "updated": outcome.updated,
                                                 "unchanged": outcome.unchanged})
    return redirect(reverse(f"orders:{kind}_list") + "?status=all&sort=-updated")


@upload_size_limited
@login_required
@permission_required("orders.import_customer", raise_exception=True)
def customer_import(request):
    return _import(request, "customer")


@upload_size_limited
@login_required
@permission_required("orders.import_product", raise_exception=True)
def product_import(request):
    return _import(request, "product")
