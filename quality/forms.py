"""Forms of the quality pages. They parse what was typed; the services check the rest."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inventory.forms import plain_decimal
from orders.forms import DecimalTextField, WholeNumberField
from orders.models import Product

from .models import (
    AQL_CHOICES,
    Characteristic,
    CharacteristicKind,
    DefectClass,
    Disposition,
    InspectionLevel,
    InspectionSource,
    InspectionStatus,
    NonconformanceStatus,
    Verdict,
)
from .plan_services import CharacteristicInput
from .values import parse_measured


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Number, order, product, lot")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(InspectionStatus.choices))
    source = forms.ChoiceField(label=_("Kind"), required=False,
                               choices=[("", _("All"))] + list(InspectionSource.choices))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("", _("Rush first, newest first")), ("-created", _("Newest first")), ("created", _("Oldest first")),
        ("number", _("Number")), ("product", _("Product"))])


class NonconformanceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("NCR, inspection, order")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(NonconformanceStatus.choices))


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.sku} — {obj.name}"


class ReceiptInspectionForm(forms.Form):
    product = ProductChoiceField(label=_("Product"), queryset=Product.objects.filter(is_active=True).order_by("sku"))
    lot_quantity = DecimalTextField(label=_("Lot quantity"), max_length=20)
    lot_number = forms.CharField(label=_("Lot number"), max_length=60, required=False,
                                 help_text=_("A stock lot of the product's item with this number is quarantined "
                                             "while it is inspected."))
    supplier = forms.CharField(label=_("Supplier"), max_length=200, required=False)

    def clean_lot_quantity(self):
        quantity = self.cleaned_data.get("lot_quantity")
        if quantity is None or quantity <= 0:
            raise ValidationError(_("The lot quantity must be more than zero."))
        return quantity


DECIMAL_CHOICES = [(".", _("Point (12.5)")), (",", _("Comma (12,5)"))]


class _FastEntryForm(forms.Form):
    """A fast-entry form of one inspection (quality.fast_entry); its characteristics are the plan's."""

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        if "characteristic" in self.fields:
            self.fields["characteristic"].queryset = Characteristic.objects.filter(
                plan_id=inspection.plan_id, kind=self.kind).order_by("position")


class PasteValuesForm(_FastEntryForm):
    kind = CharacteristicKind.MEASURED
    characteristic = forms.ModelChoiceField(label=_("Characteristic"), queryset=Characteristic.objects.none(),
                                            empty_label=None)
    first_sample = forms.IntegerField(label=_("From sample"), min_value=1, initial=1)
    decimal = forms.ChoiceField(label=_("Decimal separator"), choices=DECIMAL_CHOICES, initial=".")
    values = forms.CharField(label=_("Values"), max_length=100_000, widget=forms.Textarea(
        attrs={"rows": 6, "placeholder": _("Paste a column from a spreadsheet or a gauge export")}),
        error_messages={"required": _("Paste at least one value.")})


class CsvValuesForm(_FastEntryForm):
    file = forms.FileField(label=_("CSV file"), error_messages={"required": _("Choose a CSV file.")})
    decimal = forms.ChoiceField(label=_("Decimal separator"), choices=DECIMAL_CHOICES, initial=".")


class NonconformingForm(_FastEntryForm):
    kind = CharacteristicKind.ATTRIBUTE
    characteristic = forms.ModelChoiceField(label=_("Characteristic"), queryset=Characteristic.objects.none(),
                                            empty_label=None)
    samples = forms.CharField(label=_("Nonconforming samples"), max_length=5000, required=False,
                              help_text=_("Sample numbers, e.g. 3, 17, 42; empty: every sample conforms."))


def forced_verdict_choices():
    """Built when the form is shown, not when this module is imported: formatting a lazy text fixes it in
    the language active at import (English), whatever the reader's."""
    return [("", _("As Ac/Re decide"))] + [(v, _("%(verdict)s against Ac/Re (needs a manager's approval)")
                                            % {"verdict": label}) for v, label in Verdict.choices]


class ConfirmForm(forms.Form):
    password = forms.CharField(label=_("Your password (signature)"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    forced_verdict = forms.ChoiceField(
        label=_("Verdict"), required=False, choices=forced_verdict_choices)
    reason = forms.CharField(label=_("Reason for a verdict against Ac/Re"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo or PDF"))


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Disposition.choices, widget=forms.RadioSelect)
    scrap_quantity = DecimalTextField(label=_("Quantity scrapped"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanHeaderForm(forms.Form):
    inspection_level = forms.ChoiceField(label=_("Inspection level"), choices=InspectionLevel.choices, initial="II")
    aql_critical = forms.ChoiceField(label=_("AQL critical"), choices=AQL_CHOICES, initial="0.10")
    aql_major = forms.ChoiceField(label=_("AQL major"), choices=AQL_CHOICES, initial="1.0")
    aql_minor = forms.ChoiceField(label=_("AQL minor"), choices=AQL_CHOICES, initial="2.5")
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Today when left empty."))
    note = forms.CharField(label=_("Note on this version"), max_length=300, required=False)


class MeasureField(forms.CharField):
    """A nominal or tolerance typed by a person ("0.05", "-0.05"), refused with a message otherwise."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        return parse_measured(super().clean(value))


class CharacteristicForm(forms.Form):
    position = WholeNumberField(label=_("Position"), required=False, min_value=1, max_value=999)
    name = forms.CharField(label=_("Characteristic"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=CharacteristicKind.choices, required=False)
    defect_class = forms.ChoiceField(label=_("Defect class"), choices=DefectClass.choices, required=False,
                                     initial=DefectClass.MAJOR)
    nominal = MeasureField(label=_("Nominal"), required=False)
    lower_tolerance = MeasureField(label=_("Lower tolerance"), required=False)
    upper_tolerance = MeasureField(label=_("Upper tolerance"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    possible_min = MeasureField(label=_("Lowest possible value"), required=False,
                                help_text=_("A reading below it is refused as a typing error. Empty: the default "
                                            "for the unit (0 for lengths and masses, 0 to 14 for pH)."))
    possible_max = MeasureField(label=_("Highest possible value"), required=False,
                                help_text=_("A reading above it is refused as a typing error. Empty: the default "
                                            "for the unit (none for most units, 14 for pH)."))
    instrument = forms.CharField(label=_("Instrument"), max_length=100, required=False)
    method = forms.CharField(label=_("Method / criterion"), max_length=200, required=False)

    def is_blank(self):
        data = self.cleaned_data
        return not data.get("name") and data.get("nominal") is None and not data.get("DELETE")

    def to_input(self):
        data = self.cleaned_data
        if not data or data.get("DELETE") or self.is_blank():
            return None
        return CharacteristicInput(
            position=data.get("position"), name=data.get("name") or "", kind=data.get("kind") or "measured",
            defect_class=data.get("defect_class") or DefectClass.MAJOR, nominal=data.get("nominal"),
            lower_tolerance=data.get("lower_tolerance"), upper_tolerance=data.get("upper_tolerance"),
            unit=data.get("unit") or "", instrument=data.get("instrument") or "", method=data.get("method") or "",
            possible_min=data.get("possible_min"), possible_max=data.get("possible_max"))


class BaseCharacteristicFormSet(forms.BaseFormSet):
    def characteristics(self):
        found = [form.to_input() for form in self.forms]
        rows = [row for row in found if row is not None]
        # Rows without a position follow the numbered ones in the order they were typed.
        last = max((row.position or 0 for row in rows), default=0)
        numbered = []
        for row in rows:
            if row.position is None:
                last += 1
                row = CharacteristicInput(**{**row.__dict__, "position": last})
            numbered.append(row)
        return numbered


CharacteristicFormSet = forms.formset_factory(CharacteristicForm, formset=BaseCharacteristicFormSet, extra=3,
                                              can_delete=True, max_num=60, validate_max=True, absolute_max=63)


def characteristic_initial(plan):
    if plan is None:
        return []
    return [{"position": c.position, "name": c.name, "kind": c.kind, "defect_class": c.defect_class,
             "nominal": plain_decimal(c.nominal), "lower_tolerance": plain_decimal(c.lower_tolerance),
             "upper_tolerance": plain_decimal(c.upper_tolerance), "unit": c.unit,
             "possible_min": plain_decimal(c.possible_min), "possible_max": plain_decimal(c.possible_max),
             "instrument": c.instrument, "method": c.method} for c in plan.characteristics.all()]


def plan_header_initial(plan):
    if plan is None:
        return {}
    return {"inspection_level": plan.inspection_level, "aql_critical": plan.aql_critical,
            "aql_major": plan.aql_major, "aql_minor": plan.aql_minor}


class SpcForm(forms.Form):
    product = ProductChoiceField(label=_("Product"), queryset=Product.objects.filter(is_active=True).order_by("sku"))
    characteristic = forms.CharField(label=_("Characteristic"), max_length=100, required=False)
    subgroups = WholeNumberField(label=_("Last inspections"), min_value=2, max_value=1000, initial=25,
                                   required=False)
    date_from = forms.DateField(label=_("Defects from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end is before the start."))
        return data
