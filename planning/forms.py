"""Forms of the work center, calendar and routing pages. The rules live in planning.services and
planning.routing_services (shared with the imports); these forms parse what was typed and put each
message next to its field."""

import zoneinfo
from decimal import Decimal
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inventory.forms import plain_decimal
from orders.forms import CodeChoiceField, CodesLoadedFormSet, DecimalTextField, WholeNumberField
from orders.masterdata_services import validate_code
from record_pages.checks import service_rule

from .models import CalendarException, ExceptionKind, Skill, Weekday, WorkCalendar, WorkCenter
from .routing_services import OperationInput
from .services import MAX_SHIFTS_PER_DAY, ShiftInput

STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))]
SEARCH_ATTRS = {"type": "search"}


class ChecksInServices:
    """For model forms of models with check constraints: the services check the same rules with
    clearer messages (next to the field), so the form checks fields and uniqueness but leaves the
    constraints out. Django's ModelForm._post_clean, with validate_constraints=False."""

    def _post_clean(self):
        exclude = self._get_validation_exclusions()
        try:
            self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as exc:
            self._update_errors(exc)
        try:
            self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self._update_errors(exc)
        if self._validate_unique:
            self.validate_unique()


# --- work centers ------------------------------------------------------------------------------

class WorkCenterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={**SEARCH_ATTRS, "placeholder": _("Code, name")}))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    calendar = forms.ModelChoiceField(label=_("Calendar"), queryset=WorkCalendar.objects.order_by("name"),
                                      required=False, empty_label=_("All"))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("code", _("Code")), ("-code", _("Code, descending")), ("name", _("Name")), ("-name", _("Name, descending")),
        ("units", _("Most parallel units")), ("cost", _("Highest cost rate")), ("-updated", _("Recently changed")),
    ])


class WorkCenterForm(ChecksInServices, forms.ModelForm):
    """Create or edit a work center. The code is fixed once created: routings and documents use it."""

    efficiency_percent = DecimalTextField(
        label=_("Efficiency %"), max_length=10,
        help_text=_("1 to 200. Run times are divided by it: at 80 % a run takes 1.25 times as long."),
        error_messages={"required": _("Enter the efficiency (100 if unsure).")})
    cost_rate_per_hour = DecimalTextField(label=_("Cost rate per hour"), max_length=30,
                                          error_messages={"required": _("Enter a cost rate (0 if none).")})
    down_until = forms.DateTimeField(
        label=_("Down until"), required=False, help_text=_("Out of order (e.g. a breakdown) until this time."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))

    class Meta:
        model = WorkCenter
        fields = ["code", "name", "parallel_units", "efficiency_percent", "calendar", "cost_rate_per_hour",
                  "currency", "down_until"]
        field_classes = {"parallel_units": WholeNumberField}
        error_messages = {
            "code": {"unique": _("A work center with this code already exists."), "required": _("Enter a code.")},
            "name": {"required": _("Enter a name.")},
            "calendar": {"required": _("Choose a calendar.")},
            "parallel_units": {"required": _("Enter the number of parallel units (1 or more)."),
                               "invalid": _("Enter a whole number.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calendar"].queryset = WorkCalendar.objects.order_by("name")
        self.fields["parallel_units"].widget.attrs["min"] = 1
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot be changed.")
        else:
            self.initial.setdefault("efficiency_percent", "100")
            self.initial.setdefault("cost_rate_per_hour", "0")

    def clean_code(self):
        return service_rule(validate_code, (self.cleaned_data.get("code") or "").strip())

    def service_fields(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.instance.pk:
            data.pop("code")
        return data


# --- calendars ---------------------------------------------------------------------------------

@cache
def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class CalendarForm(forms.ModelForm):
    # IANA names (Asia/Shanghai) are identifiers: translate="no" keeps browsers' page translation off them.
    time_zone = forms.ChoiceField(label=_("Time zone"), help_text=_("Shift times are local times in this time zone."),
                                  widget=forms.Select(attrs={"translate": "no"}))

    class Meta:
        model = WorkCalendar
        fields = ["name", "time_zone", "note"]
        error_messages = {"name": {"required": _("Enter a name."),
                                   "unique": _("A calendar with this name already exists.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        if not self.instance.pk:
            self.initial.setdefault("time_zone", WorkCalendar().time_zone)


def _slot(day, slot, end):
    return f"d{day}_s{slot}_{'end' if end else 'start'}"


class ShiftGridForm(forms.Form):
    """The weekly shifts as a grid: one row per weekday, MAX_SHIFTS_PER_DAY start/end pairs per row.
    An empty pair is no shift; an end before the start runs past midnight."""

    def __init__(self, *args, shifts=(), **kwargs):
        super().__init__(*args, **kwargs)
        per_day = {day: [] for day in Weekday.values}
        for shift in shifts:
            per_day[shift.weekday].append(shift)
        for day in Weekday.values:
            for slot in range(MAX_SHIFTS_PER_DAY):
                for end in (False, True):
                    name = _slot(day, slot, end)
                    self.fields[name] = forms.TimeField(
                        label=_("End") if end else _("Start"), required=False,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                        error_messages={"invalid": _("Enter a time as HH:MM.")})
                    if slot < len(per_day[day]):
                        shift = per_day[day][slot]
                        self.initial[name] = shift.end if end else shift.start

    def rows(self):
        """[(weekday label, [(start field, end field), ...])] for the template."""
        return [(label, [(self[_slot(day, slot, False)], self[_slot(day, slot, True)])
                         for slot in range(MAX_SHIFTS_PER_DAY)])
                for day, label in Weekday.choices]

    def clean(self):
        data = super().clean()
        for day in Weekday.values:
            for slot in range(MAX_SHIFTS_PER_DAY):
                start, end = _slot(day, slot, False), _slot(day, slot, True)
                if start in self.errors or end in self.errors:
                    continue
                if (data.get(start) is None) != (data.get(end) is None):
                    missing = end if data.get(end) is None else start
                    self.add_error(missing, _("Give both a start and an end time, or neither."))
        return data

    def shifts(self):
        data = self.cleaned_data
        return [ShiftInput(day, data[_slot(day, slot, False)], data[_slot(day, slot, True)])
                for day in Weekday.values for slot in range(MAX_SHIFTS_PER_DAY)
                if data.get(_slot(day, slot, False)) is not None and data.get(_slot(day, slot, True)) is not None]


class ExceptionForm(ChecksInServices, forms.ModelForm):
    class Meta:
        model = CalendarException
        fields = ["date", "kind", "start", "end", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        error_messages = {"date": {"required": _("Enter a date."), "invalid": _("Enter a valid date.")},
                          "start": {"invalid": _("Enter a time as HH:MM.")},
                          "end": {"invalid": _("Enter a time as HH:MM.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = ExceptionKind.HOLIDAY
        self.fields["start"].help_text = _("For overtime or a closure of some hours; empty for the whole day.")


# --- routings ----------------------------------------------------------------------------------

class RoutingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={**SEARCH_ATTRS, "placeholder": _("Item code or name")}))
    routing = forms.ChoiceField(label=_("Routing"), required=False, choices=[
        ("", _("All")), ("with", _("With an active routing")), ("without", _("Without an active routing"))])


def _work_center_field(label, *, required):
    return CodeChoiceField(
        label=label, queryset=WorkCenter.objects.all(), to_field_name="code", required=required,
        error_messages={"invalid_choice": _("No work center with this code. Pick one from the list."),
                        "required": _("Choose a work center.")},
        widget=forms.TextInput(attrs={"list": "work-center-options", "autocomplete": "off"}))


class OperationForm(forms.Form):
    sequence = WholeNumberField(label=_("Sequence"), required=False, min_value=1, max_value=9999,
                                  error_messages={"invalid": _("Enter a whole number."),
                                                  "min_value": _("The sequence number must be 1 or more.")})
    work_center = _work_center_field(_("Work center"), required=False)
    alternative_work_center = _work_center_field(_("Alternative work center"), required=False)
    setup_minutes = DecimalTextField(label=_("Setup (min)"), max_length=20, required=False)
    run_minutes_per_unit = DecimalTextField(label=_("Run per unit (min)"), max_length=20, required=False)
    min_wait_minutes = DecimalTextField(label=_("Minimum transfer/wait (min)"), max_length=20, required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    skill = CodeChoiceField(
        label=_("Skill"), queryset=Skill.objects.all(), to_field_name="code", required=False,
        error_messages={"invalid_choice": _("No skill with this code. Pick one from the list.")},
        widget=forms.TextInput(attrs={"list": "skill-options", "autocomplete": "off"}))
    people_required = WholeNumberField(label=_("People required"), required=False, min_value=0, max_value=99,
                                       error_messages={"invalid": _("Enter a whole number.")})

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        given = any(data.get(name) not in (None, "") for name in self.fields if name != "DELETE")
        if not given or data.get("DELETE"):
            return data
        if data.get("sequence") is None:
            self.add_error("sequence", _("Enter a sequence number."))
        if data.get("work_center") is None:
            self.add_error("work_center", _("Choose a work center."))
        if data.get("run_minutes_per_unit") is None:
            self.add_error("run_minutes_per_unit", _("Enter the run time per unit in minutes."))
        return data

    def to_operation(self):
        data = getattr(self, "cleaned_data", None)
        if not data or data.get("DELETE") or data.get("work_center") is None:
            return None
        return OperationInput(sequence=data["sequence"], work_center=data["work_center"],
                              alternative_work_center=data.get("alternative_work_center"),
                              setup_minutes=data.get("setup_minutes") or Decimal("0"),
                              run_minutes_per_unit=data["run_minutes_per_unit"],
                              min_wait_minutes=data.get("min_wait_minutes") or Decimal("0"),
                              description=data.get("description", ""), skill=data.get("skill"),
                              people_required=data.get("people_required") or 0)


class BaseOperationFormSet(CodesLoadedFormSet):
    code_fields = ("work_center", "alternative_work_center")

    def records_by_code(self, codes):
        return {c.code: c for c in WorkCenter.objects.filter(code__in=codes)}

    def operations(self):
        return [op for op in (form.to_operation() for form in self.forms) if op is not None]


OperationFormSet = forms.formset_factory(OperationForm, formset=BaseOperationFormSet, extra=3, can_delete=True,
                                         max_num=100, validate_max=True, absolute_max=103)


def operation_initial(routing):
    if routing is None:
        return []
    return [{"sequence": op.sequence, "work_center": op.work_center.code,
             "alternative_work_center": op.alternative_work_center.code if op.alternative_work_center else "",
             "setup_minutes": plain_decimal(op.setup_minutes),
             "run_minutes_per_unit": plain_decimal(op.run_minutes_per_unit),
             "min_wait_minutes": plain_decimal(op.min_wait_minutes), "description": op.description,
             "skill": op.skill.code if op.skill else "", "people_required": op.people_required or ""}
            for op in routing.operations.all()]


class RoutingHeaderForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Today when left empty."))
    note = forms.CharField(label=_("Note on this version"), max_length=300, required=False)


class RoutingBatchSizeForm(forms.Form):
    """The maximum batch size of the active routing (planning.routing_services.set_routing_batch_size checks it)."""

    max_batch_size = DecimalTextField(
        label=_("Maximum batch size"), max_length=30, required=False,
        help_text=_("Planning splits a larger quantity into work orders of at most this size. Empty: no splitting."))
