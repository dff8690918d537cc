"""The change log in the admin (read-only), and the mixin that makes an admin page write it."""

from django.contrib import admin

from .changes import record_change, snapshot, stored_snapshot
from .models import ChangeAction, ChangeLogEntry


class ChangeLogAdminMixin:
    """Log every save and delete made in this admin with old and new values, in the admin's own
    transaction. `change_log_children` names the reverse relations edited as inlines; they are
    logged with the record once the inlines are saved (save_related runs after save_model)."""

    change_log_children = ()

    def save_model(self, request, obj, form, change):
        before = stored_snapshot(obj, children=self.change_log_children) if change else None
        super().save_model(request, obj, form, change)
        request._change_log_before = before

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_change(form.instance, actor=request.user, before=getattr(request, "_change_log_before", None),
                      children=self.change_log_children)

    def delete_model(self, request, obj):
        before, pk = snapshot(obj, children=self.change_log_children), obj.pk
        super().delete_model(request, obj)
        obj.pk = pk  # Django clears it on delete; the entry names the deleted record
        record_change(obj, actor=request.user, before=before, action=ChangeAction.DELETE)

    def delete_queryset(self, request, queryset):
        removed = [(obj, obj.pk, snapshot(obj, children=self.change_log_children)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for obj, pk, before in removed:
            obj.pk = pk
            record_change(obj, actor=request.user, before=before, action=ChangeAction.DELETE)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "content_type", "object_repr", "action", "actor")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "object_id")
    list_select_related = ("content_type", "actor")

    def has_add_permission(self, request):
        return False  # written only by the services and admins that change master data

    def has_change_permission(self, request, obj=None):
        return False

    has_delete_permission = has_change_permission
