"""Customer and product pages: lists, create/edit (with deactivate instead of delete) and CSV/XLSX
import with a preview. Views stay thin: parse, call a selector or a service, render."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.history import history_of
from imports.views import import_page, upload_size_limited
from record_pages.views import edit_record_post, record_list, save_form

from . import importing, masterdata_services
from . import masterdata_selectors as selectors
from .masterdata_forms import (
    ContactFormSet,
    CustomerFilterForm,
    CustomerForm,
    ProductFilterForm,
    ProductForm,
    contact_initial,
)

# --- customers ---------------------------------------------------------------------------------

@login_required
@permission_required("orders.view_customer", raise_exception=True)
def customer_list(request):
    return record_list(request, "orders/masterdata/customer_list.html", form_class=CustomerFilterForm,
                       records=selectors.customer_list, model="orders.customer")


def _customer_form_page(request, form, formset, customer=None, can_change=True):
    return render(request, "orders/masterdata/customer_form.html", {
        "form": form, "formset": formset, "customer": customer, "can_change": can_change,
        "history": history_of(customer) if customer else None,
    })


@login_required
@permission_required("orders.add_customer", raise_exception=True)
def customer_create(request):
    if request.method == "POST":
        form = CustomerForm(request.POST)
        formset = ContactFormSet(request.POST, prefix="contacts")
        customer = formset.is_valid() and save_form(
            request, form,
            lambda: masterdata_services.create_customer(actor=request.user, contacts=formset.contacts(),
                                                        **form.service_fields()),
            lambda c: _("Customer %(code)s was created.") % {"code": c.code})
        if customer:
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
        form = CustomerForm(request.POST, instance=customer)
        formset = ContactFormSet(request.POST, prefix="contacts")
        if edit_record_post(
                request, can_change=can_change, form=form, formset=formset,
                save=lambda: masterdata_services.update_customer(actor=request.user, customer=customer,
                                                                 contacts=formset.contacts(), **form.service_fields()),
                saved_message=_("Customer %(code)s was saved.") % {"code": customer.code},
                set_active=lambda active: masterdata_services.set_customer_active(
                    actor=request.user, customer=customer, active=active),
                activated_message=_("Customer %(code)s is active again.") % {"code": customer.code},
                deactivated_message=_("Customer %(code)s was deactivated: no new orders can be entered for "
                                      "it; its orders are kept.") % {"code": customer.code}):
            return redirect("orders:customer_edit", pk=customer.pk)
    else:
        form = CustomerForm(instance=customer)
        formset = ContactFormSet(prefix="contacts", initial=contact_initial(customer))
    return _customer_form_page(request, form, formset, customer, can_change)


# --- products ----------------------------------------------------------------------------------

@login_required
@permission_required("orders.view_product", raise_exception=True)
def product_list(request):
    return record_list(request, "orders/masterdata/product_list.html", form_class=ProductFilterForm,
                       records=selectors.product_list, model="orders.product")


def _product_form_page(request, form, product=None, can_change=True):
    return render(request, "orders/masterdata/product_form.html",
                  {"form": form, "product": product, "can_change": can_change,
                   "history": history_of(product) if product else None})


@login_required
@permission_required("orders.add_product", raise_exception=True)
def product_create(request):
    form = ProductForm(request.POST) if request.method == "POST" else ProductForm()
    if form.is_bound:
        product = save_form(
            request, form, lambda: masterdata_services.create_product(actor=request.user, **form.service_fields()),
            lambda p: _("Product %(sku)s was created.") % {"sku": p.sku})
        if product:
            return redirect("orders:product_edit", pk=product.pk)
    return _product_form_page(request, form)


@login_required
@permission_required("orders.view_product", raise_exception=True)
def product_edit(request, pk):
    product = selectors.product_detail(request.user, pk)
    can_change = request.user.has_perm("orders.change_product")
    if request.method == "POST":
        form = ProductForm(request.POST, instance=product)
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: masterdata_services.update_product(actor=request.user, product=product,
                                                                **form.service_fields()),
                saved_message=_("Product %(sku)s was saved.") % {"sku": product.sku},
                set_active=lambda active: masterdata_services.set_product_active(
                    actor=request.user, product=product, active=active),
                activated_message=_("Product %(sku)s is active again.") % {"sku": product.sku},
                deactivated_message=_("Product %(sku)s was deactivated: it cannot be put on new orders; "
                                      "existing orders keep it.") % {"sku": product.sku}):
            return redirect("orders:product_edit", pk=product.pk)
    else:
        form = ProductForm(instance=product)
    return _product_form_page(request, form, product, can_change)


# --- import ------------------------------------------------------------------------------------

def _import(request, kind):
    return import_page(request, importing.IMPORTS[kind], list_url=reverse(f"orders:{kind}_list"),
                       import_url=reverse(f"orders:{kind}_import"),
                       done_url=reverse(f"orders:{kind}_list") + "?status=all&sort=-updated")


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
