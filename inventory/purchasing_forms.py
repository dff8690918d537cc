"""Forms of the purchasing and material delay pages. They parse what was typed; the rules live in
inventory.purchasing and inventory.material_delays."""

import uuid

from django import forms
from django.urls import reverse_lazy
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from inputs.validators import long_horizon
from orders.forms import CodeChoiceField, DecimalTextField, ModelDecimalField
from orders.models import Order, Unit

from .models import (
    Item,
    Location,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    PurchaseRequest,
    PurchaseRequestStatus,
    Supplier,
)

ALL = [("", _("All"))]
DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def _search(placeholder):
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


def item_search_widget():
    """An item's code box with the search list that htmx fills as the user types (inventory:item_options)."""
    return forms.TextInput(attrs={"list": "item-options", "autocomplete": "off",
                                  "placeholder": _("Search code or name"),
                                  "hx-get": reverse_lazy("inventory:item_options"),
                                  "hx-trigger": "input changed delay:250ms, focus once",
                                  "hx-target": "#item-options", "hx-swap": "innerHTML"})


def item_field(label=None, required=True):
    return CodeChoiceField(
        label=label or _("Item"), queryset=Item.objects.filter(is_active=True), to_field_name="code", required=required,
        error_messages={"invalid_choice": _("No active item with this code. Pick one from the search list."),
                        "required": _("Choose an item.")},
        widget=item_search_widget())


def location_field(label=None):
    return CodeChoiceField(
        label=label or _("Location"), queryset=Location.objects.select_related("warehouse"), to_field_name="code",
        error_messages={"invalid_choice": _("No location with this code."), "required": _("Choose a location.")},
        widget=forms.TextInput(attrs={"list": "location-options", "autocomplete": "off"}))


class EntryKeyField(forms.UUIDField):
    """The one-time key of a form: the same submission sent twice is written once."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=True, **kwargs)


def new_entry_key():
    return uuid.uuid4()


class SupplierForm(forms.ModelForm):
    class Meta:
        model = Supplier
        fields = ["code", "name", "contact_name", "phone", "email", "address", "currency", "over_receipt_percent",
                  "lead_time_days"]
        field_classes = {"over_receipt_percent": ModelDecimalField}
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_time_days"].required = False

    def clean_lead_time_days(self):
        return self.cleaned_data.get("lead_time_days") or 0  # blank: items' own lead times only


class SupplierFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=_search(_("Code or name")))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))])


class PurchaseRequestForm(forms.Form):
    item = item_field()
    quantity = DecimalTextField(label=_("Quantity (stock unit)"), max_length=30,
                                error_messages={"required": _("Enter the quantity.")})
    needed_by = forms.DateField(label=_("Needed by"), **DATE, error_messages={"required": _("Enter a date.")})
    order = CodeChoiceField(label=_("For order"), queryset=Order.objects.all(), to_field_name="number", required=False,
                            error_messages={"invalid_choice": _("No order with this number.")},
                            widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "SO-…"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PurchaseRequestFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=_search(_("Request, item or order number")))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ALL + PurchaseRequestStatus.choices)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("-requested", _("Newest first")), ("needed", _("Needed by")), ("item", _("Item"))])


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PurchaseOrderForm(forms.Form):
    supplier = CodeChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.filter(is_active=True), to_field_name="code",
        error_messages={"invalid_choice": _("No active supplier with this code."),
                        "required": _("Choose a supplier.")},
        widget=forms.TextInput(attrs={"list": "supplier-options", "autocomplete": "off"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    entry_key = EntryKeyField(error_messages={"required": _("The form has expired: reload the page and enter the "
                                                             "purchase order again.")})


class PurchaseOrderLineForm(forms.Form):
    item = item_field()
    quantity = DecimalTextField(label=_("Quantity"), max_length=30, error_messages={"required": _("Enter a quantity.")})
    unit = forms.ChoiceField(label=_("Unit"), choices=[("", _("Purchase unit"))] + Unit.choices, required=False)
    unit_price = DecimalTextField(label=_("Unit price"), max_length=30,
                                  error_messages={"required": _("Enter the price (0 if free).")})
    expected_date = forms.DateField(label=_("Expected date"), **DATE,
                                    error_messages={"required": _("Enter the expected date.")})
    request = forms.ModelChoiceField(queryset=PurchaseRequest.objects.all(), required=False,
                                     widget=forms.HiddenInput)


PurchaseOrderLineFormSet = forms.formset_factory(PurchaseOrderLineForm, extra=3, min_num=1, validate_min=True,
                                                 max_num=200, validate_max=True)


class PurchaseOrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=_search(_("PO number, supplier or item")))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=ALL + [("open", _("Open (goods expected)"))]
                               + PurchaseOrderStatus.choices)
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.all(), required=False,
                                      empty_label=_("All"))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("-created", _("Newest first")), ("created", _("Oldest first")), ("expected", _("Earliest expected")),
        ("number", _("Number")), ("supplier", _("Supplier"))])


class ReceiptForm(forms.Form):
    quantity = DecimalTextField(label=_("Quantity received"), max_length=30,
                                error_messages={"required": _("Enter the quantity received.")})
    unit = forms.ChoiceField(label=_("Unit"), choices=[("", _("Line's unit"))] + Unit.choices, required=False)
    location = location_field(_("Put into location"))
    lot_number = forms.CharField(label=_("Lot number"), max_length=60, required=False,
                                 help_text=_("Empty: the receipt number becomes the lot number."))
    supplier_lot = forms.CharField(label=_("Supplier lot"), max_length=60, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False, **DATE)
    expiry_date = long_horizon(forms.DateField(label=_("Expiry date"), required=False, **DATE))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    entry_key = EntryKeyField()


class WholeReceiptForm(forms.Form):
    """The head of the receiving page of a whole purchase order: where the goods go, and the one-time key."""

    location = location_field(_("Put into location"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    entry_key = EntryKeyField()


class ReceiptLineForm(forms.Form):
    """One line of the receiving page (prefix: the line's id). An empty quantity: nothing received on it now."""

    quantity = DecimalTextField(label=_("Quantity received"), max_length=30, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=[("", _("Line's unit"))] + Unit.choices, required=False)
    lot_number = forms.CharField(label=_("Lot number"), max_length=60, required=False)
    supplier_lot = forms.CharField(label=_("Supplier lot"), max_length=60, required=False)
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, **DATE)

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, prefix=f"line-{line.pk}", **kwargs)
        self.line = line


class MaterialDelayForm(forms.Form):
    item = item_field()
    purchase_order_line = forms.ModelChoiceField(
        label=_("Purchase order line"), required=False, empty_label=_("None (no particular line)"),
        queryset=PurchaseOrderLine.objects.filter(
            purchase_order__status__in=[PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.SENT,
                                        PurchaseOrderStatus.PARTIALLY_RECEIVED])
        .select_related("purchase_order", "item").order_by("item__code", "expected_date"))
    new_expected_date = forms.DateField(label=_("New expected date"), **DATE,
                                        error_messages={"required": _("Enter the new expected date.")})
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Give the reason for the delay.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchase_order_line"].label_from_instance = lambda line: (
            f"{line.purchase_order.number} #{line.line_no} · {line.item.code} · {date_format(line.expected_date)}")


class MaterialDelayDecisionForm(forms.Form):
    """The PMC head's approve/reject of a material delay request; a rejection needs the reason (checked by
    the service, which knows which button was pressed)."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MaterialDelayFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=_search(_("Number, item, PO or order")))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("-created", _("Newest first")), ("new_date", _("New expected date")), ("item", _("Item"))])
