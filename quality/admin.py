"""Admin for quality: inspection plans can be created and edited here too (saving goes through
quality.plan_services, so the admin also writes a new version); inspections, NCRs and their events
are read-only (they change only through the checked actions of the app)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from history.admin import ReadOnlyAdmin, ReadOnlyInline

from . import plan_services
from .models import (
    Characteristic,
    Inspection,
    InspectionClassPlan,
    InspectionEvent,
    InspectionPlan,
    Nonconformance,
    NonconformanceEvent,
    SamplingState,
    SamplingStateEvent,
)


class CharacteristicInline(admin.TabularInline):
    model = Characteristic
    extra = 3
    fields = ["position", "name", "kind", "defect_class", "nominal", "lower_tolerance", "upper_tolerance", "unit",
              "possible_min", "possible_max", "instrument", "method"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ["product", "version", "is_active", "inspection_level", "aql_critical", "aql_major", "aql_minor",
                    "created_at"]
    list_filter = ["is_active", "inspection_level"]
    search_fields = ["product__sku", "product__name"]
    inlines = [CharacteristicInline]
    readonly_fields = ["version", "is_active", "created_by", "created_at"]
    fields = ["product", "version", "is_active", "valid_from", "inspection_level", "aql_critical", "aql_major",
              "aql_minor", "note", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A saved version is history: change a plan by saving a new version.
        if obj is not None:
            return [f.name for f in self.model._meta.fields if f.name != "id"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj._admin_form = form  # the plan is written with its characteristics in save_related

    def save_related(self, request, form, formsets, change):
        if change:
            return
        rows = []
        for formset in formsets:
            for data in formset.cleaned_data:
                if data and not data.get("DELETE") and data.get("name"):
                    rows.append(plan_services.CharacteristicInput(
                        position=data["position"], name=data["name"], kind=data["kind"],
                        defect_class=data["defect_class"], nominal=data.get("nominal"),
                        lower_tolerance=data.get("lower_tolerance"), upper_tolerance=data.get("upper_tolerance"),
                        unit=data.get("unit") or "", instrument=data.get("instrument") or "",
                        method=data.get("method") or "", possible_min=data.get("possible_min"),
                        possible_max=data.get("possible_max")))
        data = form.cleaned_data
        try:
            plan = plan_services.save_inspection_plan(
                actor=request.user, product=data["product"], inspection_level=data["inspection_level"],
                aql_critical=data["aql_critical"], aql_major=data["aql_major"], aql_minor=data["aql_minor"],
                characteristics=rows, note=data.get("note", ""), valid_from=data.get("valid_from"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return
        form.instance.pk = plan.pk

    def construct_change_message(self, request, form, formsets, add=False):
        return [{"added": {}}]  # the plan and its characteristics were written by the service

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:  # the service refused the plan; its messages are shown on the empty form
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)


class ClassPlanInline(ReadOnlyInline):
    model = InspectionClassPlan


class InspectionEventInline(ClassPlanInline):
    model = InspectionEvent


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "product", "order", "lot_quantity", "severity", "verdict", "signed_at"]
    list_filter = ["status", "source", "severity"]
    search_fields = ["number", "order__number", "product__sku", "lot_number"]
    inlines = [ClassPlanInline, InspectionEventInline]


class NcrEventInline(ClassPlanInline):
    model = NonconformanceEvent


@admin.register(Nonconformance)
class NonconformanceAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "disposition", "product", "order", "quantity", "created_at"]
    list_filter = ["status", "disposition"]
    search_fields = ["number", "inspection__number", "order__number", "product__sku"]
    inlines = [NcrEventInline]


@admin.register(SamplingState)
class SamplingStateAdmin(ReadOnlyAdmin):
    list_display = ["product", "severity", "switching_score", "recent", "tightened_rejections", "discontinued"]


@admin.register(SamplingStateEvent)
class SamplingStateEventAdmin(ReadOnlyAdmin):
    list_display = ["product", "from_severity", "to_severity", "reason", "inspection", "created_at"]
