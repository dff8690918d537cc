"""Forms of the customer and product pages. The rules themselves live in orders.masterdata_services
(shared with the import); these forms parse what was typed and put each message next to its field."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from record_pages.checks import service_rule

from . import masterdata_services
from .forms import DecimalTextField, WholeNumberField
from .masterdata_services import MAX_CONTACTS, MAX_LEAD_TIME_DAYS, ContactInput
from .models import CreditGrade, Currency, Customer, CustomerGrade, PaymentTerms, Product, Unit

STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]


def _search_field(placeholder):
    return forms.CharField(label=_("Search"), required=False, max_length=100,
                           widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}))


class CustomerFilterForm(forms.Form):
    q = _search_field(_("Code, name, contact, phone, e-mail"))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=[("", _("All"))] + Currency.choices, required=False)
    payment_terms = forms.ChoiceField(label=_("Payment terms"), choices=[("", _("All"))] + PaymentTerms.choices,
                                      required=False)
    grade = forms.ChoiceField(label=_("Customer grade"), choices=[("", _("All"))] + CustomerGrade.choices,
                              required=False)
    credit_grade = forms.ChoiceField(label=_("Credit grade"), choices=[("", _("All"))] + CreditGrade.choices,
                                     required=False)
    industry = forms.CharField(label=_("Industry"), required=False, max_length=100)
    region = forms.CharField(label=_("Region"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("code", _("Code")), ("-code", _("Code, descending")), ("name", _("Name")), ("-name", _("Name, descending")),
        ("-credit", _("Largest credit limit")), ("credit", _("Smallest credit limit")),
        ("-updated", _("Recently changed")),
    ])


class ProductFilterForm(forms.Form):
    q = _search_field(_("SKU, name, specification"))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=[("", _("All"))] + Unit.choices, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=[("", _("All"))] + Currency.choices, required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("sku", _("SKU")), ("-sku", _("SKU, descending")), ("name", _("Name")), ("-name", _("Name, descending")),
        ("lead", _("Shortest lead time")), ("-lead", _("Longest lead time")),
        ("price", _("Lowest price")), ("-price", _("Highest price")), ("-updated", _("Recently changed")),
    ])


class CustomerForm(forms.ModelForm):
    """Create or edit a customer. The code is fixed once created: imports and documents use it."""

    credit_limit = DecimalTextField(label=_("Credit limit"), max_length=30, help_text=_("0 means no limit."),
                                    error_messages={"required": _("Enter an amount (0 means no limit).")})

    class Meta:
        model = Customer
        fields = ["code", "name", "name_en", "contact_name", "contact_phone", "contact_email", "billing_address",
                  "shipping_address", "credit_limit", "payment_terms", "currency", "language", "grade",
                  "credit_grade", "industry", "region"]
        widgets = {"billing_address": forms.Textarea(attrs={"rows": 3}),
                   "shipping_address": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "code": {"unique": _("A customer with this code already exists."), "required": _("Enter a code.")},
            "name": {"required": _("Enter a name.")},
            "contact_email": {"invalid": _("Enter a valid e-mail address, e.g. buyer@example.com.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot be changed.")
        else:
            self.initial.setdefault("credit_limit", "0")

    def clean_code(self):
        return service_rule(masterdata_services.validate_code, (self.cleaned_data.get("code") or "").strip())

    def clean_credit_limit(self):
        return service_rule(masterdata_services.validate_money, self.cleaned_data.get("credit_limit"))

    def service_fields(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.instance.pk:
            data.pop("code")
        return data


class ContactForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100,
                           error_messages={"required": _("Enter a name.")})
    title = forms.CharField(label=_("Role"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False,
                             error_messages={"invalid": _("Enter a valid e-mail address, e.g. buyer@example.com.")})


class BaseContactFormSet(forms.BaseFormSet):
    def contacts(self):
        """The contacts the customer should have: the forms not removed and not left empty."""
        result = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            result.append(ContactInput(id=data.get("id"), name=data["name"], title=data.get("title", ""),
                                       phone=data.get("phone", ""), email=data.get("email", "")))
        return result


ContactFormSet = forms.formset_factory(ContactForm, formset=BaseContactFormSet, extra=1, can_delete=True,
                                       max_num=MAX_CONTACTS, validate_max=True, absolute_max=MAX_CONTACTS)


def contact_initial(customer):
    return [{"id": c.pk, "name": c.name, "title": c.title, "phone": c.phone, "email": c.email}
            for c in customer.contacts.all()]


class ProductForm(forms.ModelForm):
    """Create or edit a product. The SKU is fixed once created: order lines and documents use it."""

    standard_lead_time_days = WholeNumberField(
        label=_("Standard lead time (days)"), min_value=0, max_value=MAX_LEAD_TIME_DAYS,
        help_text=_("Calendar days from order to delivery; a shorter requested lead time suggests a rush order."),
        error_messages={"required": _("Enter the lead time in days."),
                        "invalid": _("Enter a whole number of days."),
                        "min_value": _("The lead time cannot be negative."),
                        "max_value": _("The lead time is at most %(limit_value)s days.")})
    list_price = DecimalTextField(label=_("List price"), max_length=30,
                                  error_messages={"required": _("Enter a price (0 if there is none).")})

    class Meta:
        model = Product
        fields = ["sku", "name", "specification", "unit", "standard_lead_time_days", "list_price", "currency"]
        error_messages = {
            "sku": {"unique": _("A product with this SKU already exists."), "required": _("Enter a code.")},
            "name": {"required": _("Enter a name.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["sku"].disabled = True
            self.fields["sku"].help_text = _("The SKU cannot be changed.")

    def clean_sku(self):
        return service_rule(masterdata_services.validate_code, (self.cleaned_data.get("sku") or "").strip())

    def clean_list_price(self):
        return service_rule(masterdata_services.validate_money, self.cleaned_data.get("list_price"))

    def service_fields(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.instance.pk:
            data.pop("sku")
        return data
