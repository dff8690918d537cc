from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Supplier
from orders.models import Currency
from planning.models import OPEN_WORK_ORDER_STATUSES, WorkCenter, WorkOrderOperation

from .models import DecisionOption, DelayCause, Department, ReviewArea, Verdict


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


_DATE = forms.DateInput(attrs={"type": "date"})
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class DelayDecisionRequestForm(forms.Form):
    """A decision request to the general manager's office: the situation and the proposals (each optional;
    resequencing is always offered, a new date by default the day the plan finishes now)."""

    situation = forms.CharField(label=_("Situation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                error_messages={"required": _("Describe the situation: what happened and what it "
                                                              "does to the date.")})
    overtime_work_center = forms.ModelChoiceField(label=_("Overtime on work center"), required=False,
                                                  queryset=WorkCenter.objects.filter(is_active=True).order_by("code"))
    overtime_date = forms.DateField(label=_("Overtime day"), required=False, widget=_DATE)
    overtime_start = forms.TimeField(label=_("From"), required=False, widget=_TIME)
    overtime_end = forms.TimeField(label=_("Until"), required=False, widget=_TIME)
    outsource_operation = forms.ModelChoiceField(label=_("Operation to outsource"), required=False,
                                                 queryset=WorkOrderOperation.objects.none())
    outsource_supplier = forms.ModelChoiceField(label=_("Outside supplier"), required=False,
                                                queryset=Supplier.objects.filter(is_active=True).order_by("code"))
    outsource_cost = forms.DecimalField(label=_("Supplier's price"), required=False, min_value=Decimal("0.01"),
                                        max_digits=12, decimal_places=2, localize=True)
    outsource_currency = forms.ChoiceField(label=_("Currency"), required=False,
                                           choices=[("", "—"), *Currency.choices], initial=Currency.CNY)
    proposed_date = forms.DateField(label=_("Proposed new date"), required=False, widget=_DATE,
                                    help_text=_("Empty: the day the plan finishes the order now."))

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outsource_operation"].queryset = (
            WorkOrderOperation.objects.filter(work_order__order=order, status__in=OPEN_WORK_ORDER_STATUSES)
            .select_related("work_order", "work_center").order_by("work_order__number", "sequence"))
        self.fields["outsource_operation"].label_from_instance = lambda op: (
            f"{op.work_order.number} #{op.sequence} · {op.work_center.code} {op.description}".strip())
        self.fields["outsource_supplier"].label_from_instance = lambda supplier: f"{supplier.code} {supplier.name}"
        self.fields["overtime_work_center"].label_from_instance = lambda center: f"{center.code} {center.name}"


class DelayDecideForm(forms.Form):
    option = forms.ChoiceField(label=_("Decision"), choices=DecisionOption.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Choose one of the options.")})
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Give the reason for the decision.")})
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
