from django.contrib import admin

from record_pages.admin import ServiceRulesAdminForm

from . import price_list_services
from .models import DiscountRule, PriceList, PriceListItem


class PriceListAdminForm(ServiceRulesAdminForm):
    """The admin refuses what the price list page refuses (an overlapping active list, an end before the start)."""

    class Meta:
        model = PriceList
        exclude = ("created_by", "created_at")

    def record_errors(self, record):
        return price_list_services.header_errors(record)

    def in_use_errors(self, record):
        return {}


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    extra = 1
    autocomplete_fields = ["product"]


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ("name", "grade", "currency", "valid_from", "valid_until", "is_active")
    list_filter = ("grade", "currency", "is_active")
    inlines = [PriceListItemInline]
    form = PriceListAdminForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DiscountRule)
class DiscountRuleAdmin(admin.ModelAdmin):
    list_display = ("threshold_percent", "valid_from", "note", "created_by")
    exclude = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
