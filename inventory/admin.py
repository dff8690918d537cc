"""Admin for items and BOMs. Items are edited with the same rules as the app (inventory.services);
BOMs are read-only here: a BOM changes through the app's BOM editor or import, which write a new
version and refuse loops."""

from django.contrib import admin

from audit.admin import ChangeLogAdminMixin
from history.admin import ReadOnlyAdmin, ReadOnlyInline
from record_pages.admin import ServiceRulesAdminForm

from . import services
from .models import (
    BillOfMaterials,
    BOMLine,
    Item,
    ItemCategory,
    ItemCost,
    Location,
    Lot,
    Reservation,
    StockBalance,
    StockMove,
    UnitConversion,
    Warehouse,
)


class ItemAdminForm(ServiceRulesAdminForm):
    class Meta:
        model = Item
        fields = services.ITEM_FIELDS

    def record_errors(self, record):
        return services.item_errors(record, check_unique=False)  # the form checks uniqueness itself

    def in_use_errors(self, record):
        return services.deactivation_errors(record)


@admin.register(Item)
class ItemAdmin(ChangeLogAdminMixin, admin.ModelAdmin):
    form = ItemAdminForm
    list_display = ("code", "name", "item_type", "unit", "sourcing", "purchase_lead_time_days", "product",
                    "is_active")
    list_filter = ("is_active", "item_type", "sourcing", "unit")
    search_fields = ("code", "name", "specification", "product__sku")
    list_select_related = ("product",)
    autocomplete_fields = ("product",)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: BOMs and history refer to items


class BOMLineInline(ReadOnlyInline):
    model = BOMLine
    fields = readonly_fields = ("position", "component", "quantity", "scrap_percent", "note")


@admin.register(BillOfMaterials)
class BillOfMaterialsAdmin(ReadOnlyAdmin):
    list_display = ("parent", "version", "is_active", "valid_from", "created_by", "created_at")
    list_filter = ("is_active",)
    search_fields = ("parent__code", "parent__name")
    list_select_related = ("parent", "created_by")
    readonly_fields = ("parent", "version", "is_active", "valid_from", "note", "created_by", "created_at")
    inlines = [BOMLineInline]


# --- stock ------------------------------------------------------------------------------------
# Warehouses, locations and unit conversions are master data editable here; the ledger, balances,
# reservations and lot history are read-only (stock changes only through inventory.stock_services,
# which keeps the ledger and balances equal).


@admin.register(Warehouse)
class WarehouseAdmin(ChangeLogAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: locations and the ledger refer to it


@admin.register(Location)
class LocationAdmin(WarehouseAdmin):
    list_display = ("code", "warehouse", "zone", "bin", "pick_sequence", "is_active")
    list_filter = ("is_active", "warehouse")
    search_fields = ("code", "zone", "bin")
    list_select_related = ("warehouse",)


@admin.register(UnitConversion)
class UnitConversionAdmin(ChangeLogAdminMixin, admin.ModelAdmin):
    list_display = ("item", "from_unit", "factor", "to_unit")
    list_filter = ("from_unit", "to_unit")
    search_fields = ("item__code",)
    autocomplete_fields = ("item",)


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ("number", "item", "supplier_lot", "expiry_date", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "supplier_lot", "item__code")
    list_select_related = ("item",)


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "item", "location", "lot", "quantity", "document_type", "document_number",
                    "actor")
    list_filter = ("kind", "document_type")
    search_fields = ("item__code", "lot__number", "location__code", "document_number")
    list_select_related = ("item", "location", "lot", "actor")
    date_hierarchy = "created_at"


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ("item", "location", "lot", "on_hand", "reserved", "updated_at")
    search_fields = ("item__code", "location__code", "lot__number")
    list_select_related = ("item", "location", "lot")


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ("demand_type", "demand_number", "item", "location", "lot", "quantity", "consumed", "status")
    list_filter = ("status", "demand_type")
    search_fields = ("demand_number", "item__code")
    list_select_related = ("item", "location", "lot")


# --- inventory value: categories are kept here; costs and rules are read-only (the app's pages write them
# through inventory.costs, with the change log) -----------------------------------------------------------

@admin.register(ItemCategory)
class ItemCategoryAdmin(ChangeLogAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")


@admin.register(ItemCost)
class ItemCostAdmin(admin.ModelAdmin):
    list_display = ("item", "valid_from", "unit_cost", "currency", "created_by")
    search_fields = ("item__code",)
    readonly_fields = [f.name for f in ItemCost._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
