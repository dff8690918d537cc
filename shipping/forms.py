"""Forms of the shipping pages. They only parse what was typed; the services decide what is allowed."""

import re
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.forms import DecimalTextField, EntryKeyErrorShown, WholeNumberField
from orders.quantities import format_number, parse_typed

from .models import ComplaintStatus, ShipmentStatus
from .services import PickInput, ShipmentDetails
from .tracking import DEFAULT_VALID_DAYS, MAX_VALID_DAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EntryKeyedForm(EntryKeyErrorShown, forms.Form):
    entry_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class ShipmentForm(EntryKeyedForm):
    ship_to_name = forms.CharField(label=gettext_lazy("Consignee"), max_length=200)
    ship_to_address = forms.CharField(label=gettext_lazy("Shipping address"),
                                      widget=forms.Textarea(attrs={"rows": 3}))
    contact_name = forms.CharField(label=gettext_lazy("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("Phone"), max_length=50, required=False)
    carrier = forms.CharField(label=gettext_lazy("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=gettext_lazy("Tracking number"), max_length=100, required=False)
    planned_ship_date = forms.DateField(label=gettext_lazy("Planned ship date"), required=False, widget=DATE)
    actual_ship_date = forms.DateField(label=gettext_lazy("Ship date"), required=False, widget=DATE,
                                       help_text=gettext_lazy("When shipping now; empty: today."))
    gross_weight_kg = DecimalTextField(label=gettext_lazy("Gross weight (kg)"), max_length=20, required=False)
    net_weight_kg = DecimalTextField(label=gettext_lazy("Net weight (kg)"), max_length=20, required=False)
    note = forms.CharField(label=gettext_lazy("Internal note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def details(self) -> ShipmentDetails:
        data = self.cleaned_data
        return ShipmentDetails(
            ship_to_name=data["ship_to_name"], ship_to_address=data["ship_to_address"],
            contact_name=data["contact_name"], contact_phone=data["contact_phone"], carrier=data["carrier"],
            tracking_number=data["tracking_number"], planned_ship_date=data["planned_ship_date"],
            gross_weight_kg=data["gross_weight_kg"], net_weight_kg=data["net_weight_kg"], note=data["note"])


PICK_FIELD = re.compile(r"^pick-(\d+)-(\d+)$")


def pick_field_names(line_id, balance_id):
    return f"pick-{line_id}-{balance_id}", f"pkg-{line_id}-{balance_id}"


def parse_picks(data, *, lines, balances_for):
    """The quantities typed into the pick table (`pick-<order line>-<balance>` with its
    `pkg-<order line>-<balance>` packages) as PickInputs; rows left empty are skipped. Raises
    ValidationError with every unreadable entry. `balances_for(ids)` returns {id: balance}."""
    typed = []
    for name, value in data.items():
        match = PICK_FIELD.match(name)
        if match and str(value).strip():
            typed.append((int(match.group(1)), int(match.group(2)), value))
    balances = balances_for({balance_id for _line, balance_id, _value in typed})
    errors, picks = [], []
    for line_id, balance_id, value in sorted(typed):
        line, balance = lines.get(line_id), balances.get(balance_id)
        if line is None or balance is None:
            errors.append(_("The stock chosen is no longer there; reload the page."))
            continue
        label = _("Line %(n)s, lot %(lot)s") % {"n": line.line_no, "lot": balance.lot.number if balance.lot else "—"}
        try:
            quantity = parse_typed(value, field_label=label)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        packages_text = str(data.get(pick_field_names(line_id, balance_id)[1], "") or "0").strip()
        if not (packages_text.isascii() and packages_text.isdigit()) or int(packages_text) > 100000:
            errors.append(_("%(label)s: the packages are a whole number.") % {"label": label})
            continue
        picks.append(PickInput(order_line=line, lot=balance.lot, location=balance.location, quantity=quantity,
                               packages=int(packages_text)))
    if errors:
        raise ValidationError(errors)
    return picks


class ShipmentFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": gettext_lazy("Shipment, order, customer, tracking number")}))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All"))] + list(ShipmentStatus.choices))
    rush = forms.BooleanField(label=gettext_lazy("Rush only"), required=False)
    shipped_from = forms.DateField(label=gettext_lazy("Shipped from"), required=False, widget=DATE)
    shipped_to = forms.DateField(label=gettext_lazy("Shipped to"), required=False, widget=DATE)
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False, choices=[
        ("-created", gettext_lazy("Newest first")), ("created", gettext_lazy("Oldest first")),
        ("number", gettext_lazy("Number")), ("-number", gettext_lazy("Number, descending")),
        ("planned", gettext_lazy("Planned ship date")), ("-shipped", gettext_lazy("Latest shipped first"))])


class ShipForm(forms.Form):
    actual_ship_date = forms.DateField(label=gettext_lazy("Ship date"), required=False, widget=DATE)


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300,
                             error_messages={"required": gettext_lazy("Give a reason.")})


class TrackingNumberForm(forms.Form):
    carrier = forms.CharField(label=gettext_lazy("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=gettext_lazy("Tracking number"), max_length=100, required=False)


class DeliveryForm(forms.Form):
    received_by = forms.CharField(label=gettext_lazy("Received by (name of who signed)"), max_length=100)
    received_at = forms.DateTimeField(label=gettext_lazy("Received at"), widget=DATETIME,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    document = forms.FileField(label=gettext_lazy("Signed delivery note (photo or scan)"), required=False,
                               help_text=gettext_lazy("JPEG, PNG, WebP or PDF, at most 10 MB."),
                               widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,"
                                                                                "application/pdf"}))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class TrackingLinkForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    valid_days = WholeNumberField(label=gettext_lazy("Valid for (days)"), min_value=1, max_value=MAX_VALID_DAYS,
                                    initial=DEFAULT_VALID_DAYS)
    note = forms.CharField(label=gettext_lazy("Given to"), max_length=100, required=False)


class ComplaintForm(EntryKeyedForm):
    shipment = forms.TypedChoiceField(label=gettext_lazy("Shipment"), required=False, coerce=int, empty_value=None)
    lot = forms.TypedChoiceField(label=gettext_lazy("Lot"), required=False, coerce=int, empty_value=None)
    description = forms.CharField(label=gettext_lazy("What the customer reports"),
                                  widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, shipments=(), lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipment"].choices = [("", "—")] + [(s.pk, s.number) for s in shipments]
        seen, lot_choices = set(), [("", "—")]
        for line in lots:
            if line.lot_id not in seen:
                seen.add(line.lot_id)
                lot_choices.append((line.lot_id, f"{line.lot.number} · {line.order_line.product.sku}"))
        self.fields["lot"].choices = lot_choices


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": gettext_lazy("Complaint, order, shipment, lot, customer")}))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All"))] + list(ComplaintStatus.choices))
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False, choices=[
        ("-created", gettext_lazy("Newest first")), ("created", gettext_lazy("Oldest first")),
        ("number", gettext_lazy("Number")), ("status", gettext_lazy("Status"))])


class InvestigationForm(forms.Form):
    investigation = forms.CharField(label=gettext_lazy("Investigation (what was found)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 4}))
    corrective_action = forms.CharField(label=gettext_lazy("Corrective action"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class ReturnForm(EntryKeyedForm):
    shipment_line = forms.TypedChoiceField(label=gettext_lazy("Shipped goods"), coerce=int)
    quantity = DecimalTextField(label=gettext_lazy("Quantity returned"), max_length=20,
                                error_messages={"required": gettext_lazy("Enter the quantity returned.")})
    location = forms.TypedChoiceField(label=gettext_lazy("Put into"), coerce=int)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)

    def __init__(self, *args, lines=(), locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipment_line"].choices = [
            (line.pk, f"{line.shipment.number} · {line.order_line.product.sku} · {line.lot.number if line.lot else '—'}"
                      f" · {format_number(line.returnable)} {line.order_line.product.get_unit_display()}")
            for line in lines if line.returnable > 0]
        self.fields["location"].choices = [(loc.pk, f"{loc.code} ({loc.warehouse.code})") for loc in locations]


class ExchangeForm(EntryKeyedForm):
    """A replacement shipment for returned goods (shipping.exchanges): which return, and the stock it comes from."""

    customer_return = forms.TypedChoiceField(label=gettext_lazy("Return to replace"), coerce=int)
    balance = forms.TypedChoiceField(label=gettext_lazy("Replacement from"), coerce=int)
    quantity = DecimalTextField(label=gettext_lazy("Quantity"), max_length=20, required=False,
                                help_text=gettext_lazy("Empty: everything still to replace."))

    def __init__(self, *args, returns=(), options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer_return"].choices = [
            (r.pk, f"{r.number} · {r.item.code} · {format_number(r.left_to_replace)}") for r in returns]
        self.fields["balance"].choices = [
            (b.pk, f"{b.item.code} · {b.lot.number} @ {b.location.code} · {format_number(b.on_hand - b.reserved)}")
            for b in options]
