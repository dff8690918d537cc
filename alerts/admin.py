from django.contrib import admin

from .models import Alert, AlertRecipient


class RecipientInline(admin.TabularInline):
    model = AlertRecipient
    extra = 0
    readonly_fields = ("user", "emailed_at", "read_at", "acknowledged_at")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "severity", "status", "attempts", "created_at")
    list_filter = ("status", "severity", "kind")
    search_fields = ("subject",)
    inlines = [RecipientInline]
