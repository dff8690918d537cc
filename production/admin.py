"""Read-only admin for the shop-floor records: they change only through production's services (the log
and the events are append-only, a report moves through its own pages)."""

from django.contrib import admin

from history.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import ExceptionEvent, ExceptionPhoto, ExceptionReport, OperationLog


@admin.register(OperationLog)
class OperationLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "operation", "action", "good_quantity", "scrap_quantity", "scrap_reason", "actor"]
    list_filter = ["action", "scrap_reason"]
    list_select_related = ["operation", "actor"]
    date_hierarchy = "created_at"


class ExceptionEventInline(ReadOnlyInline):
    model = ExceptionEvent
    readonly_fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]


class ExceptionPhotoInline(ReadOnlyInline):
    model = ExceptionPhoto
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(ExceptionReport)
class ExceptionReportAdmin(ReadOnlyAdmin):
    list_display = ["number", "type", "severity", "status", "work_center", "reported_by", "reported_at"]
    list_filter = ["status", "type", "severity", "work_center"]
    search_fields = ["number", "description"]
    list_select_related = ["work_center", "reported_by"]
    inlines = [ExceptionEventInline, ExceptionPhotoInline]
