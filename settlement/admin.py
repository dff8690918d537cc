"""Admin for settlement: read-only. Invoices, payments and exceptions change only through
settlement.services, which keep the invoice's status, paid amount and events in step."""

from django.contrib import admin

from history.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Invoice, InvoiceEvent, Payment, SettlementException


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["received_on", "amount", "currency", "reference", "recorded_by", "recorded_at"]


class InvoiceEventInline(ReadOnlyInline):
    model = InvoiceEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "order", "shipment", "customer", "invoice_date", "due_date", "amount", "currency",
                    "paid_amount", "status"]
    list_filter = ["status", "currency"]
    search_fields = ["number", "order__number", "shipment__number", "customer__code"]
    list_select_related = ["order", "shipment", "customer"]
    inlines = [PaymentInline, InvoiceEventInline]


@admin.register(SettlementException)
class SettlementExceptionAdmin(ReadOnlyAdmin):
    list_display = ["order", "reason", "recorded_by", "recorded_at"]
    list_select_related = ["order", "recorded_by"]
