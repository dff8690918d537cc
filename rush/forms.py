from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DelayCause, Department, ReviewArea, Verdict


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


class DelayResponsibilityForm(forms.Form):
    cause = forms.ChoiceField(label=_("Cause"), choices=[("", "—"), *DelayCause.choices], required=False)
    department = forms.ChoiceField(label=_("Responsible department"), choices=[("", "—"), *Department.choices],
                                   required=False)
    evidence = forms.ChoiceField(label=_("Evidence"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, evidence_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [("", _("None")), *evidence_options]


class SupplierReplyForm(forms.Form):
    confirmed_date = forms.DateField(label=_("Supplier's confirmed date"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
