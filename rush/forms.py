from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReviewArea, Verdict


class RushRequestForm(forms.Form):
    requested_date = forms.DateField(label=_("Needed by"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput(
        attrs={"placeholder": _("e.g. the customer's line stops on Friday")}))


class ReviewForm(forms.Form):
    area = forms.ChoiceField(choices=ReviewArea.choices, widget=forms.HiddenInput)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.RadioSelect)
    conditions = forms.CharField(label=_("Conditions or why not"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Reason / note"), required=False, max_length=500,
                           widget=forms.TextInput())


class ReportFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
