"""Forms of the price list and discount rule pages (sales.price_list_services checks and writes)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from orders.forms import DecimalTextField
from orders.models import Currency, CustomerGrade

from .forms import ProductRowsFormSet, _product_field
from .price_list_services import PriceLineInput

DATE = {"type": "date"}
STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]


class PriceListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or product SKU")}))
    grade = forms.ChoiceField(label=_("Customer grade"), required=False,
                              choices=[("", _("All")), ("every", _("Every customer grade"))] + CustomerGrade.choices)
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=[("", _("All"))] + Currency.choices)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


class PriceListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    grade = forms.ChoiceField(label=_("Customer grade"), required=False,
                              choices=[("", _("Every customer grade"))] + CustomerGrade.choices,
                              help_text=_("A list for the customer's own grade wins over one for every grade."))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.CNY)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs=DATE),
                                 error_messages={"invalid": _("Enter a valid date.")})
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs=DATE),
                                  help_text=_("Blank: open-ended."),
                                  error_messages={"invalid": _("Enter a valid date.")})

    def __init__(self, *args, price_list=None, **kwargs):
        super().__init__(*args, **kwargs)
        if price_list is not None:
            for name in self.fields:
                self.initial.setdefault(name, getattr(price_list, name))

    def service_fields(self):
        data = self.cleaned_data
        return {name: data.get(name) for name in ("name", "grade", "currency", "valid_from", "valid_until")}


class PriceLineForm(forms.Form):
    product = _product_field()
    min_quantity = DecimalTextField(label=_("From quantity"), max_length=30,
                                    error_messages={"required": _("Enter the quantity the price starts at.")})
    unit_price = DecimalTextField(label=_("Unit price"), max_length=30,
                                  error_messages={"required": _("Enter the unit price.")})

    def to_line(self):
        data = self.cleaned_data
        return PriceLineInput(product=data["product"], min_quantity=data["min_quantity"],
                              unit_price=data["unit_price"])


class PriceLineRows(ProductRowsFormSet):
    empty_message = gettext_noop("Add at least one price.")

    def lines(self):
        return [form.to_line() for form in self.filled()]


PriceLineFormSet = forms.formset_factory(PriceLineForm, formset=PriceLineRows, extra=3, max_num=500,
                                         validate_max=True, absolute_max=500)


def line_initial(price_list):
    return [{"product": f"{item.product.sku} — {item.product.name}",
             "min_quantity": format(item.min_quantity.normalize(), "f"), "unit_price": item.unit_price}
            for item in price_list.items.all()]


class DiscountRuleForm(forms.Form):
    threshold_percent = DecimalTextField(label=_("Approval above discount (%)"), max_length=10,
                                         error_messages={"required": _("Enter a discount from 0 to 100 %.")})
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs=DATE),
                                 error_messages={"required": _("Enter the date the rule starts."),
                                                 "invalid": _("Enter a valid date.")})
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
