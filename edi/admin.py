"""Admin for EDI: trading partners, their product mappings and channel profiles are kept here (master
data, by managers); EDI messages and their events are read-only (they change only through edi.inbound)."""

from django.contrib import admin

from history.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import ChannelProfile, EdiEvent, EdiMessage, ExternalOrder, ProductMapping, TradingPartner


class ProductMappingInline(admin.TabularInline):
    model = ProductMapping
    extra = 1
    autocomplete_fields = ["product"]


@admin.register(TradingPartner)
class TradingPartnerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "customer", "sender_id", "sender_qualifier", "our_id", "is_active"]
    search_fields = ["code", "name", "sender_id"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
    inlines = [ProductMappingInline]


@admin.register(ChannelProfile)
class ChannelProfileAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "encoding", "date_format", "customer", "is_active"]
    search_fields = ["code", "name"]


class EdiEventInline(ReadOnlyInline):
    model = EdiEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]


@admin.register(EdiMessage)
class EdiMessageAdmin(ReadOnlyAdmin):
    list_display = ["message_type", "message_ref", "interchange_ref", "direction", "partner", "status", "order",
                    "created_at"]
    list_filter = ["direction", "status", "message_type"]
    search_fields = ["message_ref", "interchange_ref", "document_number", "order__number"]
    list_select_related = ["partner", "order"]
    inlines = [EdiEventInline]


@admin.register(ExternalOrder)
class ExternalOrderAdmin(ReadOnlyAdmin):
    list_display = ["profile", "external_ref", "order", "imported_at"]
    search_fields = ["external_ref", "order__number"]
    list_select_related = ["profile", "order"]
