"""Forms of the item and BOM pages. The rules live in inventory.services (shared with the imports);
these forms parse what was typed and put each message next to its field."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from orders.forms import CodeChoiceField, CodesLoadedFormSet, DecimalTextField, ModelDecimalField, WholeNumberField
from orders.masterdata_services import MAX_LEAD_TIME_DAYS, validate_code
from orders.models import Product
from record_pages.checks import service_rule

from .models import Item, ItemType, Sourcing
from .services import BomLineInput

STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Code, name, specification, product SKU")}))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    item_type = forms.ChoiceField(label=_("Item type"), choices=[("", _("All"))] + ItemType.choices, required=False)
    sourcing = forms.ChoiceField(label=_("Make or buy"), choices=[("", _("All"))] + Sourcing.choices, required=False)
    bom = forms.ChoiceField(label=_("BOM"), required=False, choices=[
        ("", _("All")), ("with", _("With an active BOM")), ("without", _("Without an active BOM"))])
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("code", _("Code")), ("-code", _("Code, descending")), ("name", _("Name")), ("-name", _("Name, descending")),
        ("type", _("Item type")), ("lead", _("Shortest lead time")), ("-lead", _("Longest lead time")),
        ("-updated", _("Recently changed")),
    ])


# MRP planning data (inventory.mrp), after the stock levels on the item form.
MRP_QUANTITIES = ("minimum_order_quantity", "order_multiple", "reorder_quantity")
MRP_FIELDS = ("preferred_supplier", "make_lead_time_days", *MRP_QUANTITIES, "make_to_stock")


class ItemForm(forms.ModelForm):
    """Create or edit an item. The code is fixed once created: BOMs, routings and documents use it."""

    purchase_lead_time_days = WholeNumberField(
        label=_("Purchase lead time (days)"), min_value=0, max_value=MAX_LEAD_TIME_DAYS, initial=0,
        help_text=_("Calendar days from ordering a bought item to having it in stock."),
        error_messages={"required": _("Enter the lead time in days (0 if none)."),
                        "invalid": _("Enter a whole number of days."),
                        "min_value": _("The lead time cannot be negative."),
                        "max_value": _("The lead time is at most %(limit_value)s days.")})
    product = CodeChoiceField(
        label=_("Product sold as (SKU)"), queryset=Product.objects.all(), to_field_name="sku", required=False,
        help_text=_("For a finished good: the product customers order."),
        error_messages={"invalid_choice": _("No product with this SKU.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}))

    class Meta:
        model = Item
        fields = ["code", "name", "specification", "item_type", "category", "unit", "sourcing",
                  "purchase_lead_time_days", "product", "purchase_unit", "safety_stock", "reorder_point",
                  "incoming_inspection", *MRP_FIELDS]
        field_classes = {"safety_stock": ModelDecimalField, "reorder_point": ModelDecimalField,
                         **{name: ModelDecimalField for name in MRP_QUANTITIES}}
        error_messages = {
            "code": {"unique": _("An item with this code already exists."), "required": _("Enter a code.")},
            "name": {"required": _("Enter a name.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("safety_stock", "reorder_point", *MRP_QUANTITIES, "make_lead_time_days"):
            self.fields[name].required = False
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot be changed.")
            if self.instance.product_id and not self.is_bound:
                self.initial["product"] = self.instance.product.sku

    def clean_code(self):
        return service_rule(validate_code, (self.cleaned_data.get("code") or "").strip())

    def clean_safety_stock(self):
        return self.cleaned_data.get("safety_stock") or Decimal("0")  # blank: no safety stock

    def clean_reorder_point(self):
        return self.cleaned_data.get("reorder_point") or Decimal("0")  # blank: no reorder alert

    def clean(self):
        cleaned = super().clean()
        for name in (*MRP_QUANTITIES, "make_lead_time_days"):  # blank: none (no minimum, any multiple, ...)
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = 0 if name == "make_lead_time_days" else Decimal("0")
        return cleaned

    def service_fields(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.instance.pk:
            data.pop("code")
        return data


class BomLineForm(forms.Form):
    component = CodeChoiceField(
        label=_("Component"), queryset=Item.objects.all(), to_field_name="code", required=False,
        error_messages={"invalid_choice": _("No item with this code. Pick one from the search list.")},
        widget=forms.TextInput(attrs={"list": "item-options", "autocomplete": "off",
                                      "placeholder": _("Search code or name")}))
    quantity = DecimalTextField(label=_("Quantity per unit"), max_length=30, required=False)
    scrap_percent = DecimalTextField(label=_("Scrap %"), max_length=30, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        given = (data.get("component") is not None or data.get("quantity") is not None
                 or data.get("scrap_percent") is not None or data.get("note"))
        if given and data.get("component") is None:
            self.add_error("component", _("Choose a component."))
        elif given and data.get("quantity") is None:
            self.add_error("quantity", _("Enter the quantity per unit."))
        return data

    def to_line(self):
        data = self.cleaned_data
        if not data or data.get("DELETE") or data.get("component") is None:
            return None
        return BomLineInput(component=data["component"], quantity=data["quantity"],
                            scrap_percent=data.get("scrap_percent") or Decimal("0"), note=data.get("note", ""))


class BaseBomLineFormSet(CodesLoadedFormSet):
    code_fields = ("component",)

    def records_by_code(self, codes):
        return {i.code: i for i in Item.objects.filter(code__in=codes)}

    def lines(self):
        return [line for line in (form.to_line() for form in self.forms) if line is not None]


BomLineFormSet = forms.formset_factory(BomLineForm, formset=BaseBomLineFormSet, extra=3, can_delete=True,
                                       max_num=200, validate_max=True, absolute_max=203)


def plain_decimal(value):
    """A stored Decimal as a person would type it: 2.000 → "2", 0.750 → "0.75"."""
    return format(value.normalize(), "f") if value is not None else ""


def bom_line_initial(bom):
    if bom is None:
        return []
    return [{"component": line.component.code, "quantity": plain_decimal(line.quantity),
             "scrap_percent": plain_decimal(line.scrap_percent), "note": line.note} for line in bom.lines.all()]


class BomHeaderForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Today when left empty."))
    note = forms.CharField(label=_("Note on this version"), max_length=300, required=False,
                           help_text=_("Why the BOM changed, e.g. an engineering change number."))


class ExplosionForm(forms.Form):
    quantity = DecimalTextField(label=_("Quantity"), max_length=30, required=False)

    def clean_quantity(self):
        value = self.cleaned_data.get("quantity")
        if value is None:
            return Decimal("1")
        if value <= 0:
            raise ValidationError(_("Enter a quantity greater than zero."))
        if value > Decimal("1000000000"):
            raise ValidationError(_("The quantity is too large."))
        return value
