"""Forms of plan approval: the submission list's filters, the planner's note and the head's reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .approval_models import TEXT_LIMIT, PlanSubmissionStatus


class PlanSubmissionFilterForm(forms.Form):
    SORTS = {
        "-submitted": ["-submitted_at", "-id"],
        "submitted": ["submitted_at", "id"],
        "order": ["order__number", "id"],
    }
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, order, customer")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("open", _("Not decided")), *PlanSubmissionStatus.choices])
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("-submitted", _("Newest first")), ("submitted", _("Oldest first")), ("order", _("Order number"))])


class SubmitPlanForm(forms.Form):
    note = forms.CharField(label=_("Note for the department head"), required=False, max_length=TEXT_LIMIT,
                           widget=forms.TextInput())


class ReturnPlanForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), max_length=TEXT_LIMIT,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Give a reason: the planner needs to know what to change.")})
