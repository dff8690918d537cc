"""Forms of the trading partner, product mapping and channel profile pages (edi.partner_services checks and
writes)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.forms import CodeChoiceField, CodesLoadedFormSet, WholeNumberField
from orders.models import Customer, Product
from orders.order_importing import ORDER_IMPORT

from .channels import FIELDS
from .models import ChannelKind, Delimiter, Encoding
from .partner_services import PARTNER_FIELDS, PROFILE_FIELDS, MappingInput

STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]


class MasterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code, name")}))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


def _customer_field(required=True):
    return CodeChoiceField(
        label=_("Customer"), queryset=Customer.objects.all(), to_field_name="code", required=required,
        error_messages={"invalid_choice": _("No customer with this code. Pick one from the search list."),
                        "required": _("Choose a customer.")},
        widget=forms.TextInput(attrs={"list": "customer-options", "autocomplete": "off",
                                      "placeholder": _("Search code or name")}))


def _customer_initial(customer):
    return f"{customer.code} — {customer.name}" if customer is not None else ""


class PartnerForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    customer = _customer_field()
    sender_id = forms.CharField(label=_("Their interchange ID"), max_length=35, required=False,
                                help_text=_("The sender identification in their UNB segment, e.g. a GLN."))
    sender_qualifier = forms.CharField(label=_("Their ID qualifier"), max_length=4, required=False,
                                       help_text=_("e.g. 14 (GLN) or ZZZ (mutually agreed)."))
    our_id = forms.CharField(label=_("Our interchange ID"), max_length=35, required=False)
    our_qualifier = forms.CharField(label=_("Our ID qualifier"), max_length=4, required=False)
    order_owner = forms.ModelChoiceField(label=_("Orders entered as"), queryset=None, required=False,
                                         help_text=_("The salesperson whose name the partner's orders carry."))

    def __init__(self, *args, partner=None, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_owner"].queryset = owners
        self.fields["order_owner"].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        if partner is not None:
            self.fields.pop("code")
            for name in PARTNER_FIELDS:
                self.initial.setdefault(name, getattr(partner, name))
            self.initial["customer"] = _customer_initial(partner.customer)

    def service_fields(self):
        return {name: self.cleaned_data.get(name) for name in PARTNER_FIELDS}


class MappingRowForm(forms.Form):
    partner_code = forms.CharField(label=_("Their product code"), max_length=35, required=False)
    product = CodeChoiceField(
        label=_("Our product"), queryset=Product.objects.all(), to_field_name="sku", required=False,
        error_messages={"invalid_choice": _("No product with this SKU. Pick one from the search list.")},
        widget=forms.TextInput(attrs={"list": "product-options", "autocomplete": "off",
                                      "placeholder": _("Search SKU or name")}))

    def clean(self):
        data = super().clean()
        if data.get("partner_code", "").strip() and not data.get("product") and "product" not in self.errors:
            self.add_error("product", _("Choose our product."))
        if data.get("product") and not data.get("partner_code", "").strip():
            self.add_error("partner_code", _("Give the partner's product code."))
        return data


class MappingRows(CodesLoadedFormSet):
    code_fields = ("product",)

    def records_by_code(self, codes):
        return {p.sku: p for p in Product.objects.filter(sku__in=codes)}

    def mappings(self):
        return [MappingInput(partner_code=f.cleaned_data["partner_code"], product=f.cleaned_data["product"])
                for f in self.forms if f.cleaned_data.get("partner_code", "").strip()]


MappingFormSet = forms.formset_factory(MappingRowForm, formset=MappingRows, extra=5, max_num=1000,
                                       validate_max=True, absolute_max=1000)


def mapping_initial(partner):
    return [{"partner_code": m.partner_code, "product": f"{m.product.sku} — {m.product.name}"}
            for m in partner.mappings.all()]


class ChannelProfileForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Channel type"), choices=ChannelKind.choices)
    encoding = forms.ChoiceField(label=_("Encoding"), choices=Encoding.choices, initial=Encoding.UTF8_BOM)
    delimiter = forms.ChoiceField(label=_("Column separator"), choices=Delimiter.choices)
    date_format = forms.CharField(label=_("Date format"), max_length=40, required=False, initial="%Y-%m-%d",
                                  help_text=_("As Python writes it, e.g. %Y-%m-%d or %Y/%m/%d %H:%M:%S."))
    customer = _customer_field(required=False)
    lead_days = WholeNumberField(label=_("Requested in (days)"), required=False, initial=14,
                                 help_text=_("Without a requested-date column, orders are wanted this many days "
                                             "after the import."),
                                 error_messages={"invalid": _("Enter a whole number.")})

    def __init__(self, *args, profile=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].help_text = _("Orders without a customer column belong to this customer.")
        for name in FIELDS:
            self.fields[f"column_{name}"] = forms.CharField(
                label=ORDER_IMPORT.column(name).label, max_length=100, required=False,
                help_text=_("Their column name in the export file."))
        if profile is not None:
            self.fields.pop("code")
            for name in PROFILE_FIELDS:
                if name not in ("columns", "customer"):
                    self.initial.setdefault(name, getattr(profile, name))
            self.initial["customer"] = _customer_initial(profile.customer)
            for name, column in (profile.columns or {}).items():
                self.initial[f"column_{name}"] = column

    def column_fields(self):
        return [self[f"column_{name}"] for name in FIELDS]

    def main_fields(self):
        return [field for field in self if not field.name.startswith("column_")]

    def service_fields(self):
        data = self.cleaned_data
        fields = {name: data.get(name) for name in PROFILE_FIELDS if name != "columns"}
        fields["columns"] = {name: data.get(f"column_{name}", "") for name in FIELDS}
        return fields
