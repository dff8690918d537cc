from django import forms
from django.contrib import admin

from .models import (
    Alert,
    AlertEscalation,
    AlertRecipient,
    AlertRule,
    ChannelDelivery,
    ChannelEndpoint,
    DeliveryAttempt,
    EscalationStep,
)


class RecipientInline(admin.TabularInline):
    model = AlertRecipient
    extra = 0
    readonly_fields = ("user", "level", "told_at", "emailed_at", "read_at", "acknowledged_at")


class DeliveryInline(admin.TabularInline):
    model = ChannelDelivery
    extra = 0
    readonly_fields = ("endpoint", "level", "status", "attempts", "sent_at", "last_error")


class EscalationInline(admin.TabularInline):
    model = AlertEscalation
    extra = 0
    readonly_fields = ("level", "escalated_at", "told")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "severity", "status", "level", "acknowledged_at", "attempts", "created_at")
    list_filter = ("status", "severity", "kind")
    search_fields = ("subject",)
    readonly_fields = ("status",)  # a protected state machine: moved by the delivery and escalation only
    inlines = [RecipientInline, DeliveryInline, EscalationInline]


class StepInline(admin.TabularInline):
    model = EscalationStep
    extra = 1
    filter_horizontal = ("users", "endpoints")


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "only_rush", "severities", "tell_owner", "roles", "email", "is_active")
    list_filter = ("is_active", "only_rush", "kind")
    filter_horizontal = ("users", "endpoints")
    inlines = [StepInline]


class EndpointForm(forms.ModelForm):
    """The secret is write-only: the form shows it masked and keeps it when left blank."""

    url = forms.URLField(label=ChannelEndpoint._meta.get_field("url").verbose_name, required=False, max_length=500,
                         assume_scheme="https")
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                             help_text=ChannelEndpoint._meta.get_field("secret").help_text)

    class Meta:
        model = ChannelEndpoint
        fields = ["name", "kind", "url", "secret", "phones", "is_active"]
        # The model's URL field would build a form field with Django 5's scheme default first.
        field_classes = {"url": forms.URLField}

    def clean_secret(self):
        return self.cleaned_data["secret"] or (self.instance.secret if self.instance.pk else "")


@admin.register(ChannelEndpoint)
class ChannelEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("name", "kind", "url", "masked_secret", "phones", "is_active")


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(admin.ModelAdmin):
    list_display = ("delivery", "number", "started_at", "ok", "status_code", "error")
    list_filter = ("ok",)
