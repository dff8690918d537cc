"""Forms of the prep sheet pages: the scan/issue field, returns, substitutes, the day's batch and the
list filters. They parse what was typed; the rules live in inventory.prep_sheets."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.forms import DecimalTextField

from .models import PrepSheetStatus
from .purchasing_forms import DATE, EntryKeyField, item_field, location_field


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Scan or type a lot number or item code"), max_length=60,
                           error_messages={"required": _("Scan or type a lot number or an item code.")},
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off",
                                                         "enterkeyhint": "done"}))
    quantity = DecimalTextField(label=_("Quantity (empty: what the line still needs)"), max_length=30,
                                required=False)
    entry_key = EntryKeyField()


class ReturnForm(forms.Form):
    quantity = DecimalTextField(label=_("Quantity returned"), max_length=30,
                                error_messages={"required": _("Enter the quantity returned.")})
    reason = forms.CharField(label=_("Reason"), max_length=300, error_messages={"required": _("Give a reason.")})
    entry_key = EntryKeyField(error_messages={"required": _("The form has expired: reload the page and return the "
                                                             "material again.")})


class ReturnLocationForm(forms.Form):
    location = location_field(_("Back to location"))


class SubstituteForm(forms.Form):
    substitute = item_field(_("Substitute item"))
    reason = forms.CharField(label=_("Reason"), max_length=300, error_messages={"required": _("Give a reason.")})


class CancelSheetForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, error_messages={"required": _("Give a reason.")})


class BatchForm(forms.Form):
    day = forms.DateField(label=_("Day"), **DATE, error_messages={"required": _("Choose the day.")})
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)


class PrepSheetFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Sheet, order or customer")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("open", _("Open (not accepted)"))] + PrepSheetStatus.choices)
    day = forms.DateField(label=_("Made on"), required=False, **DATE)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("-created", _("Newest first")), ("created", _("Oldest first")), ("order", _("Order")),
        ("number", _("Number"))])


def today_batch_form():
    return BatchForm(initial={"day": timezone.localdate()})
