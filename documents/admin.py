from django.contrib import admin

from history.admin import ReadOnlyAdmin

from .models import Document


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Read-only: documents are requested, rendered and retried through documents.services."""

    list_display = ("id", "kind", "content_type", "object_id", "language", "status", "attempts", "requested_by",
                    "requested_at", "rendered_at")
    list_filter = ("status", "kind", "language")
    search_fields = ("filename", "error")
    list_select_related = ("content_type", "requested_by")
    date_hierarchy = "requested_at"
    readonly_fields = [f.name for f in Document._meta.fields]
