"""Admin for calendars, work centers and routings. Work centers are edited with the same rules as
the app (planning.services); a calendar's shifts and exceptions, and routings, are read-only here:
they change on the calendar page and in the routing editor, which check overlaps, working time and
operation times, and keep routing versions."""

from django import forms
from django.contrib import admin

from audit.admin import ChangeLogAdminMixin
from history.admin import ReadOnlyAdmin, ReadOnlyInline
from record_pages.admin import ServiceRulesAdminForm

from . import services
from .forms import ChecksInServices
from .models import CalendarException, CalendarShift, Routing, RoutingOperation, WorkCalendar, WorkCenter


class ShiftInline(ReadOnlyInline):
    model = CalendarShift
    fields = ("weekday", "start", "end")


class ExceptionInline(ReadOnlyInline):
    model = CalendarException
    fields = ("date", "kind", "start", "end", "note")


class WorkCalendarAdminForm(forms.ModelForm):
    class Meta:
        model = WorkCalendar
        fields = ("name", "time_zone", "note")

    def clean(self):
        data = super().clean()
        calendar = WorkCalendar(pk=self.instance.pk, **{k: v for k, v in data.items() if k in self.Meta.fields})
        for field, messages in services.calendar_errors(calendar, check_unique=False).items():
            self.add_error(field if field in self.fields else None, messages)
        return data


@admin.register(WorkCalendar)
class WorkCalendarAdmin(ChangeLogAdminMixin, admin.ModelAdmin):
    form = WorkCalendarAdminForm
    list_display = ("name", "time_zone", "updated_at")
    search_fields = ("name",)
    inlines = [ShiftInline, ExceptionInline]

    def has_delete_permission(self, request, obj=None):
        return False  # work centers refer to calendars


class WorkCenterAdminForm(ChecksInServices, ServiceRulesAdminForm):
    class Meta:
        model = WorkCenter
        fields = services.WORK_CENTER_FIELDS

    def record_errors(self, record):
        return services.work_center_errors(record, check_unique=False)  # the form checks uniqueness itself

    def in_use_errors(self, record):
        return services.work_center_in_use_errors(record)


@admin.register(WorkCenter)
class WorkCenterAdmin(ChangeLogAdminMixin, admin.ModelAdmin):
    form = WorkCenterAdminForm
    list_display = ("code", "name", "parallel_units", "efficiency_percent", "calendar", "cost_rate_per_hour",
                    "is_active", "down_until")
    list_filter = ("is_active", "calendar")
    search_fields = ("code", "name")
    list_select_related = ("calendar",)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: routings and history refer to work centers


class OperationInline(ReadOnlyInline):
    model = RoutingOperation
    fields = ("sequence", "work_center", "alternative_work_center", "setup_minutes", "run_minutes_per_unit",
              "min_wait_minutes", "description")


@admin.register(Routing)
class RoutingAdmin(ReadOnlyAdmin):
    list_display = ("item", "version", "is_active", "valid_from", "created_by", "created_at")
    list_filter = ("is_active",)
    search_fields = ("item__code", "item__name")
    list_select_related = ("item", "created_by")
    readonly_fields = ("item", "version", "is_active", "valid_from", "note", "created_by", "created_at")
    inlines = [OperationInline]
