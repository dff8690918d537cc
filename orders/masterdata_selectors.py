"""Reads of master data for the customer and product pages. Each list is one query for the rows
(plus the paginator's count), whatever the number of customers or products."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from .filters import CustomerFilter, ProductFilter
from .models import Customer, CustomerContact, Product, RushRule


def customer_list(user, filters=None):
    """`filters`: the list's query (request.GET) or a dict of the same names; see orders.filters."""
    if not user.has_perm("orders.view_customer"):
        return Customer.objects.none()
    return CustomerFilter(filters or {}, Customer.objects.annotate(contact_count=Count("contacts"))).qs


def customer_detail(user, pk):
    """A customer with its further contacts (404 for users who may not see customers)."""
    if not user.has_perm("orders.view_customer"):
        qs = Customer.objects.none()
    else:
        qs = Customer.objects.prefetch_related(Prefetch("contacts", queryset=CustomerContact.objects.order_by("pk")))
    return get_object_or_404(qs, pk=pk)


def product_list(user, filters=None):
    if not user.has_perm("orders.view_product"):
        return Product.objects.none()
    return ProductFilter(filters or {}, Product.objects.all()).qs


def product_detail(user, pk):
    qs = Product.objects.all() if user.has_perm("orders.view_product") else Product.objects.none()
    return get_object_or_404(qs, pk=pk)


def rush_rules():
    """The manager's rush rules (orders.rush_criteria), active ones first."""
    return RushRule.objects.select_related("product", "updated_by").order_by("-is_active", "criterion", "id")
