"""Forms of the carrier and transport mode pages (shipping.carrier_services checks and writes)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.forms import WholeNumberField

from .models import TransportKind

STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]


class CarrierFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code, name")}))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


class CarrierForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)

    def __init__(self, *args, carrier=None, **kwargs):
        super().__init__(*args, **kwargs)
        if carrier is not None:
            self.fields.pop("code")
            self.initial.setdefault("name", carrier.name)


class TransportModeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Transport mode"), choices=[("", "---------")] + TransportKind.choices,
                             required=False)
    transit_days = WholeNumberField(label=_("Transit time (days)"), required=False,
                                    help_text=_("Door to door, in calendar days."),
                                    error_messages={"invalid": _("Enter a whole number.")})

    def __init__(self, *args, mode=None, **kwargs):
        super().__init__(*args, **kwargs)
        if mode is not None:
            self.fields.pop("kind")
            self.initial.setdefault("transit_days", mode.transit_days)
