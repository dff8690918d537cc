from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from orders.models import Customer, Priority, Product

from .dashboard import DashboardFilters

MAX_PERIOD_DAYS = 731


class PeriodFilterForm(forms.Form):
    """Period, customer (code), product (SKU) and priority: the dashboard's and the reports' filters."""

    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=32)
    product = forms.CharField(label=_("Product SKU"), required=False, max_length=40)
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("All"))] + list(Priority.choices))

    def clean_customer(self):
        code = self.cleaned_data["customer"].strip()
        if not code:
            return None
        customer = Customer.objects.filter(code__iexact=code).first()
        if customer is None:
            raise ValidationError(_("No customer has the code %(code)s."), params={"code": code})
        return customer

    def clean_product(self):
        sku = self.cleaned_data["product"].strip()
        if not sku:
            return None
        product = Product.objects.filter(sku__iexact=sku).first()
        if product is None:
            raise ValidationError(_("No product has the SKU %(sku)s."), params={"sku": sku})
        return product

    def clean(self):
        data = super().clean()
        default = DashboardFilters.default()
        start, end = data.get("date_from") or default.date_from, data.get("date_to") or default.date_to
        if start > end:
            raise ValidationError(_("The period must start before it ends."))
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationError(_("Choose a period of at most two years."))
        data["date_from"], data["date_to"] = start, end
        return data

    def filters(self):
        """The valid filters, or the default period when the form is not valid (errors shown beside)."""
        if not self.is_valid():
            return DashboardFilters.default()
        d = self.cleaned_data
        return DashboardFilters(date_from=d["date_from"], date_to=d["date_to"], customer=d["customer"],
                                product=d["product"], priority=d["priority"])
