from django.contrib import admin

from audit.admin import ChangeLogAdminMixin
from history.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Customer, CustomerContact, Order, OrderEvent, OrderLine, Product


class ContactInline(admin.TabularInline):
    model = CustomerContact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(ChangeLogAdminMixin, admin.ModelAdmin):
    change_log_children = ("contacts",)
    list_display = ("code", "name", "currency", "credit_limit", "payment_terms", "is_active")
    list_filter = ("is_active", "currency", "payment_terms")
    search_fields = ("code", "name", "name_en")
    inlines = [ContactInline]


@admin.register(Product)
class ProductAdmin(ChangeLogAdminMixin, admin.ModelAdmin):
    list_display = ("sku", "name", "unit", "standard_lead_time_days", "list_price", "is_active")
    list_filter = ("is_active", "unit")
    search_fields = ("sku", "name", "specification")


class LineInline(ReadOnlyInline):
    model = OrderLine
    readonly_fields = ("line_no", "product", "quantity", "unit_price", "requested_date", "shipped_quantity")


class EventInline(ReadOnlyInline):
    model = OrderEvent
    readonly_fields = ("action", "from_status", "to_status", "actor", "created_at", "note")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Read-only: orders change only through the app's services, which write the event log."""

    list_display = ("number", "customer", "status", "priority", "requested_date", "total_amount")
    list_filter = ("status", "priority", "channel")
    search_fields = ("number", "customer__code", "customer__name", "customer_po")
    inlines = [LineInline, EventInline]


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    """Append-only: visible, never editable or deletable, even by a superuser."""

    list_display = ("order", "action", "from_status", "to_status", "actor", "created_at")
    list_filter = ("action",)
    search_fields = ("order__number",)
