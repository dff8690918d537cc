from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import ENTRY_CHANNELS, Channel, Currency, Customer, OrderStatus, PaymentTerms, Priority, Product
from .quantities import read_number, reinterpreted_message, understood_text
from .services import LineInput


class CodeChoiceField(forms.ModelChoiceField):
    """Choose by a human code typed or picked from a search list ("C001" or "C001 — 名称").
    A value that matches nothing (a typo, or a tampered POST) is an error, never a guess."""

    # Objects already loaded by code (set by OrderLineFormSet: one query for all lines).
    preloaded = None

    def to_python(self, value):
        if isinstance(value, str):
            value = value.split(" — ", 1)[0].strip()
        if self.preloaded is not None and value in self.preloaded:
            return self.preloaded[value]
        return super().to_python(value)


class CodesLoadedFormSet(forms.BaseFormSet):
    """A formset whose rows name records by code (CodeChoiceField): every record typed into the rows is
    loaded with one query. Subclasses name the `code_fields` and load them with `records_by_code(codes)`."""

    code_fields = ()

    def records_by_code(self, codes) -> dict:
        raise NotImplementedError

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.is_bound:
            if getattr(self, "_records", None) is None:
                codes = {str(v).split(" — ", 1)[0].strip() for k, v in self.data.items()
                         if k.startswith(f"{self.prefix}-") and k.rsplit("-", 1)[-1] in self.code_fields}
                self._records = self.records_by_code(codes)
            for name in self.code_fields:
                form.fields[name].preloaded = self._records
        return form


class EntryKeyErrorShown:
    """For a form with a hidden one-time entry key (the same submission sent twice is written once): no
    template shows a hidden field's own errors, so a key that does not read is said for the whole form."""

    def clean(self):
        if self.errors.pop("entry_key", None):
            self.add_error(None, gettext("This form could not be read back: reload the page and enter it again."))
        return super().clean()


class OrderForm(EntryKeyErrorShown, forms.Form):
    customer = CodeChoiceField(
        label=_("Customer"), queryset=Customer.objects.all(), to_field_name="code",
        error_messages={"invalid_choice": _("No customer with this code. Pick one from the search list."),
                        "required": _("Choose a customer.")},
        widget=forms.TextInput(attrs={"list": "customer-options", "autocomplete": "off",
                                      "placeholder": _("Search code or name")}))
    customer_po = forms.CharField(label=_("Customer PO"), max_length=60, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=ENTRY_CHANNELS, initial=Channel.BROWSER)
    requested_date = forms.DateField(label=_("Requested date"), widget=forms.DateInput(attrs={"type": "date"}),
                                     error_messages={"required": _("Enter the requested date."),
                                                     "invalid": _("Enter a valid date.")})
    currency = forms.ChoiceField(label=_("Currency"), choices=[("", _("Customer's currency"))] + Currency.choices,
                                 required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    rush_reason = forms.CharField(label=_("Rush reason"), max_length=300, required=False)
    internal_notes = forms.CharField(
        label=_("Internal notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
        help_text=_("Seen only by our staff. Never printed on customer documents or shown to the customer."))
    customer_notes = forms.CharField(
        label=_("Notes for the customer"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=5000,
        help_text=_("Printed on the order confirmation and the delivery note, and shown on the customer's "
                    "tracking page."))
    entry_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def clean_customer(self):
        customer = self.cleaned_data["customer"]
        rules.validate_customer(customer)
        return customer

    def clean_requested_date(self):
        value = self.cleaned_data["requested_date"]
        rules.validate_requested_date(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("priority") == Priority.RUSH and not (data.get("rush_reason") or "").strip():
            self.add_error("rush_reason", gettext("Give the reason for the rush."))
        return data


class TypedNumberMixin:
    """One way to read a number a person typed (orders.quantities.read_number): one understood only by
    reading it generously ('１２', '1,000', '1e3') is refused once with the number understood put in the
    field, so nothing is saved that the person has not seen."""

    def read_typed(self, value):
        number = read_number(value, field_label=self.label)
        if not number.is_plain:
            raise ValidationError(reinterpreted_message(number, self.label), code="reinterpreted")
        return number.value

    def bound_data(self, data, initial):
        """The field shows the number it understood after a refusal for reinterpretation."""
        return understood_text(super().bound_data(data, initial))


class DecimalTextField(TypedNumberMixin, forms.CharField):
    """A number typed by a person: clear messages for '12,5', 'abc', '1e400' (TypedNumberMixin)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        return self.read_typed(value)


class WholeNumberField(TypedNumberMixin, forms.IntegerField):
    """A whole number typed by a person, read like DecimalTextField (Django's IntegerField takes '１２'
    as 12 without saying so)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = self.read_typed(value)
        if number != number.to_integral_value():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)


class ModelDecimalField(TypedNumberMixin, forms.DecimalField):
    """A model's DecimalField in a ModelForm (Meta.field_classes), read like DecimalTextField."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return self.read_typed(value)


class OrderLineForm(forms.Form):
    product = CodeChoiceField(
        label=_("Product"), queryset=Product.objects.all(), to_field_name="sku",
        error_messages={"invalid_choice": _("No product with this SKU. Pick one from the search list."),
                        "required": _("Choose a product.")},
        widget=forms.TextInput(attrs={"list": "product-options", "autocomplete": "off",
                                      "placeholder": _("Search SKU or name")}))
    quantity = DecimalTextField(label=_("Quantity"), max_length=30,
                                error_messages={"required": _("Enter a quantity.")})
    unit_price = DecimalTextField(label=_("Unit price"), max_length=30, required=False)
    requested_date = forms.DateField(label=_("Line date"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        product = data.get("product")
        quantity = data.get("quantity")
        price = data.get("unit_price")
        if product is not None:
            try:
                rules.validate_product(product)
            except ValidationError as exc:
                self.add_error("product", exc)
            if price is None and "unit_price" not in self.errors:
                # The final default needs the order's customer: BaseLineFormSet.lines(customer=...).
                data["unit_price"] = price = product.list_price
                data["price_defaulted"] = True
        if product is not None and quantity is not None:
            try:
                rules.validate_quantity(quantity, product)
            except ValidationError as exc:
                self.add_error("quantity", exc)
        if price is not None:
            try:
                rules.validate_unit_price(price)
            except ValidationError as exc:
                self.add_error("unit_price", exc)
        line_date = data.get("requested_date")
        if line_date is not None:
            try:
                rules.validate_requested_date(line_date)
            except ValidationError as exc:
                self.add_error("requested_date", exc)
        return data

    def to_line(self, customer=None, currency=None):
        d = self.cleaned_data
        price = d["unit_price"]
        if d.get("price_defaulted") and customer is not None:
            price = rules.default_unit_price(d["product"], customer=customer, currency=currency,
                                             quantity=d["quantity"])
        return LineInput(product=d["product"], quantity=d["quantity"], unit_price=price,
                         requested_date=d.get("requested_date"))


class BaseLineFormSet(CodesLoadedFormSet):
    code_fields = ("product",)

    def records_by_code(self, codes):
        return {p.sku: p for p in Product.objects.filter(sku__in=codes)}

    def clean(self):
        if any(self.errors):
            return
        if not [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]:
            raise ValidationError(gettext("Add at least one order line."))

    def lines(self, customer=None, currency=None):
        """The typed lines; a line typed without a price gets the customer's price list price."""
        return [f.to_line(customer, currency) for f in self.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")]


OrderLineFormSet = forms.formset_factory(OrderLineForm, formset=BaseLineFormSet, extra=0, can_delete=True,
                                         max_num=200, validate_max=True, absolute_max=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Give a reason.")})


class OrderFilterForm(forms.Form):
    # Every order ends with id so that pages are stable; "rush" sorts after "normal", so -priority
    # puts rush first (index order_list_default_sort).
    SORTS = {
        "priority": ("-priority", "-created_at", "-id"),
        "-created": ("-created_at", "-id"), "created": ("created_at", "id"),
        "number": ("number",), "-number": ("-number",),
        "requested": ("requested_date", "id"), "-requested": ("-requested_date", "-id"),
        "customer": ("customer__code", "-created_at", "-id"), "total": ("total_amount", "id"),
        "-total": ("-total_amount", "-id"), "status": ("status", "-created_at", "-id"),
    }
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Number, customer, PO, product")}))
    status = forms.MultipleChoiceField(label=_("Status"), choices=OrderStatus.choices, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("All"))] + Priority.choices, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All"))] + Channel.choices, required=False)
    customer = forms.CharField(label=_("Customer code"), required=False, max_length=32)
    created_from = forms.DateField(label=_("Entered from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("Entered to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    requested_from = forms.DateField(label=_("Requested from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    requested_to = forms.DateField(label=_("Requested to"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    mine = forms.BooleanField(label=_("Entered by me"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("priority", _("Rush first")), ("-created", _("Newest")), ("created", _("Oldest")),
        ("number", _("Number")), ("-number", _("Number, descending")),
        ("requested", _("Requested date")), ("-requested", _("Requested date, latest first")),
        ("customer", _("Customer")), ("-total", _("Largest total")), ("total", _("Smallest total")),
        ("status", _("Status")),
    ])


class PaymentTermsForm(forms.Form):
    """An order's own payment terms (orders.payment_terms decides what is allowed)."""

    terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False,
                             help_text=_("Required when the order differs from the customer's terms."))
