"""Forms of the purchase plan page (采购计划): its filters and the "run MRP now" horizon."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PlanLineKind, Supplier
from .mrp import DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS
from .purchasing_forms import ALL, _search

PLAN_STATES = [("open", _("To approve")), ("approved", _("Approved"))]
PLAN_SORTS = [("release", _("Order by (earliest first)")), ("need", _("Needed on")), ("item", _("Item"))]


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=_search(_("Item code or name, order number")))
    supplier = forms.ModelChoiceField(label=_("Supplier"), required=False, queryset=Supplier.objects.order_by("code"),
                                      empty_label=_("All"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=ALL + [c for c in PlanLineKind.choices if c[0] != PlanLineKind.MAKE])
    state = forms.ChoiceField(label=_("Approval"), required=False, choices=ALL + PLAN_STATES)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=PLAN_SORTS)


class RunMrpForm(forms.Form):
    horizon_days = forms.IntegerField(
        label=_("Horizon (days)"), min_value=1, max_value=MAX_HORIZON_DAYS, initial=DEFAULT_HORIZON_DAYS,
        help_text=_("How far ahead forecasts and replenishment are planned."),
        error_messages={"required": _("Enter the horizon in days."), "invalid": _("Enter a whole number of days.")})
