from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from orders.forms import CodeChoiceField, CodesLoadedFormSet, DecimalTextField
from orders.models import Currency, Customer, PaymentTerms, Product

from .contract_services import ContractLineInput
from .models import ContractStatus, QuotationStatus
from .quote_services import QuoteLineInput

DATE = {"type": "date"}


def _customer_field():
    return CodeChoiceField(
        label=_("Customer"), queryset=Customer.objects.all(), to_field_name="code",
        error_messages={"invalid_choice": _("No customer with this code. Pick one from the search list."),
                        "required": _("Choose a customer.")},
        widget=forms.TextInput(attrs={"list": "customer-options", "autocomplete": "off",
                                      "placeholder": _("Search code or name")}))


def _product_field():
    return CodeChoiceField(
        label=_("Product"), queryset=Product.objects.all(), to_field_name="sku",
        error_messages={"invalid_choice": _("No product with this SKU. Pick one from the search list."),
                        "required": _("Choose a product.")},
        widget=forms.TextInput(attrs={"list": "product-options", "autocomplete": "off",
                                      "placeholder": _("Search SKU or name")}))


class QuotationForm(forms.Form):
    customer = _customer_field()
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs=DATE))
    customer_reference = forms.CharField(label=_("Customer's enquiry reference"), max_length=60, required=False)
    notes = forms.CharField(label=_("Notes for the customer"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class QuoteLineForm(forms.Form):
    product = _product_field()
    quantity = DecimalTextField(label=_("Quantity"), max_length=30, error_messages={"required": _("Enter a quantity.")})
    unit_price = DecimalTextField(label=_("Quoted price"), max_length=30, required=False,
                                  help_text=_("Blank: the price list's price."))

    def to_line(self):
        d = self.cleaned_data
        return QuoteLineInput(product=d["product"], quantity=d["quantity"], unit_price=d.get("unit_price"))


class ProductRowsFormSet(CodesLoadedFormSet):
    code_fields = ("product",)
    empty_message = ""

    def records_by_code(self, codes):
        return {p.sku: p for p in Product.objects.filter(sku__in=codes)}

    def filled(self):
        return [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    def clean(self):
        if any(self.errors):
            return
        if not self.filled():
            raise ValidationError(gettext(self.empty_message))


class QuoteLineRows(ProductRowsFormSet):
    empty_message = gettext_noop("Add at least one quotation line.")

    def lines(self):
        return [f.to_line() for f in self.filled()]


QuoteLineFormSet = forms.formset_factory(QuoteLineForm, formset=QuoteLineRows, extra=3, max_num=100,
                                         validate_max=True, absolute_max=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ConvertForm(forms.Form):
    requested_date = forms.DateField(label=_("Requested date"), widget=forms.DateInput(attrs=DATE))


class QuotationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Number, customer, reference")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + QuotationStatus.choices)


class ContractForm(forms.Form):
    customer = _customer_field()
    title = forms.CharField(label=_("Title"), max_length=200)
    customer_reference = forms.CharField(label=_("Customer's contract number"), max_length=60, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs=DATE))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs=DATE))
    payment_terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    notes = forms.CharField(label=_("Terms and notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ContractLineForm(forms.Form):
    product = _product_field()
    agreed_price = DecimalTextField(label=_("Agreed price"), max_length=30,
                                    error_messages={"required": _("Enter the agreed price.")})
    total_quantity = DecimalTextField(label=_("Total quantity"), max_length=30,
                                      error_messages={"required": _("Enter the total quantity.")})

    def to_line(self):
        d = self.cleaned_data
        return ContractLineInput(product=d["product"], agreed_price=d["agreed_price"],
                                 total_quantity=d["total_quantity"])


class ContractLineRows(ProductRowsFormSet):
    empty_message = gettext_noop("Add at least one product to the contract.")

    def lines(self):
        return [f.to_line() for f in self.filled()]


ContractLineFormSet = forms.formset_factory(ContractLineForm, formset=ContractLineRows, extra=6, max_num=100,
                                            validate_max=True, absolute_max=100)


class CallOffForm(forms.Form):
    requested_date = forms.DateField(label=_("Requested date"), widget=forms.DateInput(attrs=DATE))
    customer_po = forms.CharField(label=_("Customer PO"), max_length=60, required=False)
    acknowledge_excess = forms.BooleanField(label=_("Place it even though it goes beyond the contract"),
                                            required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contract_lines = list(lines)
        for line in self.contract_lines:
            self.fields[f"qty_{line.pk}"] = DecimalTextField(label=line.product.sku, max_length=30, required=False)

    def quantities(self):
        return {line.pk: self.cleaned_data.get(f"qty_{line.pk}") for line in self.contract_lines}

    def quantity_fields(self):
        return [(line, self[f"qty_{line.pk}"]) for line in self.contract_lines]


class ContractFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Number, title, customer")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + ContractStatus.choices)
