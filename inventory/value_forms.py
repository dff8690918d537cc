"""Forms of the inventory value pages: the value and turnover filters, a new standard cost (item page),
the warning list's filters and a warning rule. The rules live in inventory.costs."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.forms import DecimalTextField, WholeNumberField
from orders.models import Currency

from .models import ItemCategory, ItemType, StockWarningRule, Warehouse, WarningKind
from .models.valuation import MAX_RULE_DAYS
from .valuation import GROUP_BY_CATEGORY, GROUP_BY_LOCATION

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
MAX_TURNOVER_DAYS = 731
DEFAULT_TURNOVER_DAYS = 90


class ValueFilterForm(forms.Form):
    on = forms.DateField(label=_("Value at the end of"), required=False, **DATE,
                         help_text=_("Empty: today."))
    group_by = forms.ChoiceField(label=_("Group by"), required=False, choices=[
        (GROUP_BY_LOCATION, _("Location")), (GROUP_BY_CATEGORY, _("Category"))])
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), required=False, queryset=Warehouse.objects.all(),
                                       empty_label=_("All"))
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=ItemCategory.objects.all(),
                                      empty_label=_("All"))

    def clean_on(self):
        day = self.cleaned_data.get("on") or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError(_("Choose today or a day in the past: the stock of a later day is not known yet."))
        return day

    def query(self):
        """The valid choices (defaults when the form is not valid: its errors are shown beside)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"on": data.get("on") or timezone.localdate(), "group_by": data.get("group_by") or GROUP_BY_LOCATION,
                "warehouse": data.get("warehouse"), "category": data.get("category")}


class TurnoverFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, **DATE)
    date_to = forms.DateField(label=_("To"), required=False, **DATE)

    def clean(self):
        data = super().clean()
        end = data.get("date_to") or timezone.localdate()
        start = data.get("date_from") or end - timedelta(days=DEFAULT_TURNOVER_DAYS - 1)
        if start > end:
            raise ValidationError(_("The period must start before it ends."))
        if (end - start).days >= MAX_TURNOVER_DAYS:
            raise ValidationError(_("Choose a period of at most two years."))
        if end > timezone.localdate():
            raise ValidationError(_("Choose a period that has ended by today."))
        data["date_from"], data["date_to"] = start, end
        return data

    def period(self):
        if self.is_valid():
            return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        end = timezone.localdate()
        return end - timedelta(days=DEFAULT_TURNOVER_DAYS - 1), end


class ItemCostForm(forms.Form):
    unit_cost = DecimalTextField(label=_("Standard cost per unit"), error_messages={
        "required": _("Enter the cost.")})
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    valid_from = forms.DateField(label=_("Valid from"), required=False, **DATE,
                                 help_text=_("Empty: today. A cost cannot start in the past."))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class WarningFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Item code or name")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + WarningKind.choices)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("open", _("Open")), ("cleared", _("Cleared")), ("all", _("All"))])
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("-raised", _("Newest first")), ("item", _("Item code")), ("-cover", _("Most days of cover")),
        ("last_issue", _("Longest without an issue"))])


class StockWarningRuleForm(forms.ModelForm):
    days = WholeNumberField(label=_("Days"), min_value=1, max_value=MAX_RULE_DAYS, help_text=StockWarningRule._meta
                            .get_field("days").help_text)
    demand_window_days = WholeNumberField(label=_("Demand window (days)"), min_value=1, max_value=MAX_RULE_DAYS,
                                          initial=90, help_text=StockWarningRule._meta
                                          .get_field("demand_window_days").help_text)

    class Meta:
        model = StockWarningRule
        fields = ["name", "kind", "days", "demand_window_days", "item_type", "category", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_type"].choices = [("", _("All"))] + ItemType.choices
        self.fields["category"].empty_label = _("All")
        self.fields["kind"].error_messages["required"] = _("Choose a kind of warning.")
        days = _("Enter a whole number of days from 1 to %(n)s.") % {"n": MAX_RULE_DAYS}
        for name in ("days", "demand_window_days"):
            self.fields[name].error_messages.update(required=days, invalid=days, min_value=days, max_value=days)

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
