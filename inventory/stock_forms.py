"""Forms of the stock pages: filters, the manual stock move form, reversal, lot status, cycle count,
warehouses and locations. They parse what was typed; the rules live in the stock services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inputs.validators import long_horizon
from orders import rules
from orders.forms import CodeChoiceField, DecimalTextField, WholeNumberField
from orders.models import Unit
from orders.quantities import parse_typed

from .models import Item, ItemType, Location, Lot, LotStatus, MoveKind, Warehouse
from .purchasing_forms import EntryKeyField, item_search_widget
from .stock_services import LotInput

ALL = [("", _("All"))]
STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]
# The kinds a person posts by hand; production output comes from the shop floor's own pages.
MANUAL_KINDS = [MoveKind.RECEIPT, MoveKind.ISSUE, MoveKind.TRANSFER, MoveKind.ADJUSTMENT, MoveKind.RETURN,
                MoveKind.SCRAP]


def _search(placeholder):
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder})


def _warehouse_field():
    return forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.filter(is_active=True),
                                  required=False, empty_label=_("All"))


class ItemStockFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=_search(_("Item code or name")))
    warehouse = _warehouse_field()
    item_type = forms.ChoiceField(label=_("Item type"), choices=ALL + ItemType.choices, required=False)
    lot_status = forms.ChoiceField(label=_("Lot status"), choices=ALL + LotStatus.choices, required=False)
    below_reorder_point = forms.BooleanField(label=_("Below reorder point"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("code", _("Code")), ("name", _("Name")), ("-on_hand", _("Most on hand")), ("on_hand", _("Least on hand")),
        ("usable", _("Least usable")), ("shortfall", _("Largest shortfall"))])


class BalanceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=_search(_("Item, lot, supplier lot or location")))
    warehouse = _warehouse_field()
    item_type = forms.ChoiceField(label=_("Item type"), choices=ALL + ItemType.choices, required=False)
    lot_status = forms.ChoiceField(label=_("Lot status"), choices=ALL + LotStatus.choices, required=False)
    expiry = forms.ChoiceField(label=_("Expiry"), required=False, choices=ALL + [
        ("soon", _("Expiring within 30 days")), ("expired", _("Expired"))])
    below_reorder_point = forms.BooleanField(label=_("Below reorder point"), required=False)
    include_empty = forms.BooleanField(label=_("Include empty rows"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("item", _("Item")), ("location", _("Location (picking walk)")), ("expiry", _("Earliest expiry")),
        ("-on_hand", _("Most on hand"))])


class LedgerFilterForm(forms.Form):
    # A typed code, not a select: a warehouse may have thousands of bins.
    location = CodeChoiceField(label=_("Location"), queryset=Location.objects.all(), to_field_name="code",
                               required=False, error_messages={"invalid_choice": _("No location with this code.")},
                               widget=forms.TextInput(attrs={"placeholder": _("Location code"), "size": 12}))
    lot = forms.CharField(label=_("Lot"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=ALL + MoveKind.choices, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class MasterDataFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=_search(_("Code or name")))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


class LocationFilterForm(MasterDataFilterForm):
    warehouse = _warehouse_field()
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("pick", _("Picking walk")), ("code", _("Code")), ("zone", _("Zone and bin"))])


def _location_field(label, required=True):
    return CodeChoiceField(
        label=label, queryset=Location.objects.select_related("warehouse"), to_field_name="code", required=required,
        error_messages={"invalid_choice": _("No location with this code."), "required": _("Choose a location.")},
        widget=forms.TextInput(attrs={"list": "location-options", "autocomplete": "off"}))


class StockMoveForm(forms.Form):
    """One manual posting. Which fields matter depends on the kind (the page shows only those)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in MANUAL_KINDS])
    item = CodeChoiceField(
        label=_("Item"), queryset=Item.objects.all(), to_field_name="code",
        error_messages={"invalid_choice": _("No item with this code. Pick one from the search list."),
                        "required": _("Choose an item.")},
        widget=item_search_widget())
    location = _location_field(_("Location"))
    to_location = _location_field(_("To location"), required=False)
    direction = forms.ChoiceField(label=_("Adjustment"), required=False, choices=[
        ("add", _("Add (found more than recorded)")), ("remove", _("Remove (less than recorded)"))])
    quantity = DecimalTextField(label=_("Quantity"), max_length=30,
                                error_messages={"required": _("Enter the quantity.")})
    unit = forms.ChoiceField(label=_("Unit"), choices=[("", _("Item's unit"))] + Unit.choices, required=False)
    lot = forms.CharField(label=_("Lot number"), max_length=60, required=False,
                          help_text=_("A new number on a receipt creates the lot."))
    supplier_lot = forms.CharField(label=_("Supplier lot"), max_length=60, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    expiry_date = long_horizon(forms.DateField(label=_("Expiry date"), required=False,
                                               widget=forms.DateInput(attrs={"type": "date"})))
    lot_status = forms.ChoiceField(label=_("New lot's status"), choices=LotStatus.choices, required=False,
                                   initial=LotStatus.AVAILABLE)
    document_number = forms.CharField(label=_("Document"), max_length=60, required=False,
                                      help_text=_("Delivery note, count sheet or other paper behind the move."))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    # One-time key: the same form sent twice posts once (stock_services.post_manual_move).
    entry_key = EntryKeyField(error_messages={"required": _("The form has expired: reload the page and enter the "
                                                             "move again.")})

    # Which fields each kind shows (the template hides the others).
    FIELDS_BY_KIND = {
        MoveKind.RECEIPT: {"lot", "supplier_lot", "production_date", "expiry_date", "lot_status"},
        MoveKind.TRANSFER: {"lot", "to_location"},
        MoveKind.ADJUSTMENT: {"lot", "direction"},
    }

    def clean(self):
        data = super().clean()
        kind, item = data.get("kind"), data.get("item")
        if kind is None or item is None:
            return data
        if data.get("quantity") is not None and data["quantity"] <= 0:
            self.add_error("quantity", _("The quantity must be greater than zero."))
        if kind == MoveKind.TRANSFER and not data.get("to_location") and "to_location" not in self.errors:
            self.add_error("to_location", _("Choose the location to move to."))
        if kind == MoveKind.ADJUSTMENT and not data.get("direction"):
            self.add_error("direction", _("Say whether stock is added or removed."))
        number = (data.get("lot") or "").strip()
        data["lot_object"] = data["lot_input"] = None
        if kind == MoveKind.RECEIPT and number:
            data["lot_input"] = LotInput(number=number, supplier_lot=data.get("supplier_lot", ""),
                                         production_date=data.get("production_date"),
                                         expiry_date=data.get("expiry_date"),
                                         status=data.get("lot_status") or LotStatus.AVAILABLE)
        elif number:
            data["lot_object"] = Lot.objects.filter(item=item, number=number).first()
            if data["lot_object"] is None:
                self.add_error("lot", _("%(code)s has no lot %(lot)s.") % {"code": item.code, "lot": number})
        return data

    def visible_fields_for(self, kind):
        extra = self.FIELDS_BY_KIND.get(kind, {"lot"})
        hidden = {"lot", "supplier_lot", "production_date", "expiry_date", "lot_status", "to_location",
                  "direction"} - extra
        return [field for field in self if field.name not in hidden and field.name not in ("kind", "entry_key")]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, error_messages={"required": _("Enter a reason.")})


class LotStatusForm(ReasonForm):
    status = forms.ChoiceField(label=_("New status"), choices=LotStatus.choices)


class CountFilterForm(forms.Form):
    warehouse = _warehouse_field()
    location = forms.CharField(label=_("Location code starts with"), required=False, max_length=40)
    q = forms.CharField(label=_("Item"), required=False, max_length=100, widget=_search(_("Item code or name")))


class WarehouseForm(forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = ["code", "name", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot be changed.")

    def service_fields(self):
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data.pop("code")
        return data

    def validate_unique(self):
        """The service checks the code (with a clear message)."""


class LocationForm(WarehouseForm):
    class Meta:
        model = Location
        fields = ["warehouse", "code", "zone", "bin", "pick_sequence"]
        field_classes = {"pick_sequence": WholeNumberField}
        widgets = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.filter(is_active=True)


def count_inputs(data, balances):
    """Parse a count sheet's inputs (count-<id>, expected-<id>) for `balances`: ({balance id:
    (counted, expected)}, {balance id: message}). Blank counts are rows not counted."""
    counts, errors = {}, {}
    for balance in balances:
        text = (data.get(f"count-{balance.pk}") or "").strip()
        if not text:
            continue
        try:
            counted = parse_typed(text, field_label=balance.item.code)
            expected = rules.parse_decimal(data.get(f"expected-{balance.pk}") or "", field_label=balance.item.code)
        except ValidationError as exc:
            errors[balance.pk] = " ".join(exc.messages)
            continue
        if counted < 0:
            errors[balance.pk] = str(_("The counted quantity cannot be negative."))
            continue
        counts[balance.pk] = (counted, expected)
    return counts, errors
