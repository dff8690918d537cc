"""Admin for shipping: everything is read-only here. Shipments, deliveries, tracking links,
complaints and returns change only through the checked actions of the app (shipping.services,
shipping.tracking, shipping.complaints), which write the stock ledger and the events too."""

from django.contrib import admin

from history.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Carrier,
    Complaint,
    ComplaintEvent,
    CustomerReturn,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    TrackingLink,
    TransportMode,
)


class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ["line_no", "order_line", "item", "lot", "location", "quantity", "packages"]


class ShipmentEventInline(ReadOnlyInline):
    model = ShipmentEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["number", "order", "status", "actual_ship_date", "carrier", "tracking_number", "received_at"]
    list_filter = ["status"]
    search_fields = ["number", "order__number", "tracking_number"]
    list_select_related = ["order"]
    inlines = [ShipmentLineInline, ShipmentEventInline]


@admin.register(TrackingLink)
class TrackingLinkAdmin(ReadOnlyAdmin):
    # The token hash is left out: it is of no use to anyone reading this page.
    list_display = ["order", "language", "note", "created_by", "created_at", "expires_at", "revoked_at"]
    exclude = ["token_hash"]
    search_fields = ["order__number", "note"]
    list_select_related = ["order", "created_by"]


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "order", "shipment", "lot", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "order__number", "description"]
    list_select_related = ["order", "shipment", "lot"]
    inlines = [ComplaintEventInline]


@admin.register(CustomerReturn)
class CustomerReturnAdmin(ReadOnlyAdmin):
    list_display = ["number", "complaint", "item", "quantity", "return_lot", "location", "received_at"]
    search_fields = ["number", "complaint__number", "return_lot__number"]
    list_select_related = ["complaint", "item", "return_lot", "location"]


class TransportModeInline(admin.TabularInline):
    model = TransportMode
    extra = 1


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    """Carriers and their transport modes with transit times (master data for the shipment form)."""

    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]
    inlines = [TransportModeInline]
