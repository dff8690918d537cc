"""Inspection plans (master data): saving a changed plan writes a new active version of the
product's plan; earlier versions are kept and can be made active again. Each write is in the change
log (audit): a new version with what changed from the version it replaces."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import activate_version, record_new_version
from orders.models import Product
from orders.quantities import format_number as plain

from . import sampling
from .models import Characteristic, CharacteristicKind, DefectClass, InspectionLevel, InspectionPlan

MAX_CHARACTERISTICS = 60
MAX_MEASURE = Decimal("10") ** 10
MEASURE_DECIMALS = 4
PLAN_CHILDREN = ("characteristics",)  # logged with their plan


@dataclass(frozen=True)
class CharacteristicInput:
    position: int
    name: str
    kind: str = CharacteristicKind.MEASURED
    defect_class: str = DefectClass.MAJOR
    nominal: Decimal | None = None
    lower_tolerance: Decimal | None = None
    upper_tolerance: Decimal | None = None
    unit: str = ""
    instrument: str = ""
    method: str = ""
    # The physically possible values as typed; None = the default for the unit (see default_possible_range).
    possible_min: Decimal | None = None
    possible_max: Decimal | None = None

    def key(self):
        low, high = effective_possible_range(self)
        return (self.position, self.name.strip(), self.kind, self.defect_class, self.nominal, self.lower_tolerance,
                self.upper_tolerance, self.unit.strip(), self.instrument.strip(), self.method.strip(), low, high)


# Units of magnitudes that cannot be negative (lengths, masses, volumes, forces, pressures, times, hardness).
NON_NEGATIVE_UNITS = {"mm", "cm", "m", "µm", "μm", "um", "nm", "g", "kg", "mg", "t", "ml", "l", "n", "kn", "pa", "kpa",
                      "mpa", "bar", "s", "min", "h", "hz", "rpm", "hrc", "hv", "hb", "ra", "mm²", "mm2"}


def default_possible_range(*, unit, name, nominal, lower_tolerance):
    """(lowest, highest) physically possible value of a measured characteristic, None where unbounded:
    pH 0 to 14; a percentage (a share, or a deviation from a declared content) not below -100 %; a temperature
    not below absolute zero; a length, mass, volume, force, time or hardness not below 0 when its whole
    tolerance window is (a characteristic measured as a signed deviation keeps negative values)."""
    unit_text = (unit or "").strip().lower()
    words = (name or "").lower().replace("-", " ").split()
    if unit_text == "ph" or "ph" in words or "ph值" in (name or "").lower():
        return Decimal("0"), Decimal("14")
    if unit_text == "%":
        return Decimal("-100"), None
    if unit_text in ("°c", "℃", "degc"):
        return Decimal("-273.15"), None
    if unit_text == "k":
        return Decimal("0"), None
    if unit_text in NON_NEGATIVE_UNITS and nominal is not None and lower_tolerance is not None \
            and nominal + lower_tolerance >= 0:
        return Decimal("0"), None
    return None, None


def effective_possible_range(ch):
    """The range a characteristic is saved with: each bound as typed, else the default for its unit and name."""
    if ch.kind != CharacteristicKind.MEASURED:
        return None, None
    low, high = default_possible_range(unit=ch.unit, name=ch.name, nominal=ch.nominal,
                                       lower_tolerance=ch.lower_tolerance)
    return (ch.possible_min if ch.possible_min is not None else low,
            ch.possible_max if ch.possible_max is not None else high)


def _decimals(value):
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _number_problem(value, label):
    if abs(value) >= MAX_MEASURE or _decimals(value) > MEASURE_DECIMALS:
        return _("%(field)s: at most 10 digits before and 4 after the decimal point.") % {"field": label}
    return None


def characteristic_messages(ch: CharacteristicInput):
    prefix = _("Characteristic %(n)s") % {"n": ch.position}
    messages = []
    name = (ch.name or "").strip()
    if not name:
        messages.append(_("%(c)s: give it a name.") % {"c": prefix})
    for value, limit in ((name, 100), (ch.unit or "", 20), (ch.instrument or "", 100), (ch.method or "", 200)):
        if len(value) > limit:
            messages.append(_("%(c)s: a text is too long (at most %(n)s characters).") % {"c": prefix, "n": limit})
    if ch.kind not in CharacteristicKind.values:
        messages.append(_("%(c)s: choose measured or attribute.") % {"c": prefix})
    if ch.defect_class not in DefectClass.values:
        messages.append(_("%(c)s: choose a defect class.") % {"c": prefix})
    numbers = ((ch.nominal, _("Nominal")), (ch.lower_tolerance, _("Lower tolerance")),
               (ch.upper_tolerance, _("Upper tolerance")))
    if ch.kind == CharacteristicKind.MEASURED:
        for value, label in numbers:
            if value is None:
                messages.append(_("%(c)s: %(field)s is needed for a measured value.") % {"c": prefix, "field": label})
            else:
                problem = _number_problem(value, label)
                if problem:
                    messages.append(f"{prefix}: {problem}")
        if ch.lower_tolerance is not None and ch.upper_tolerance is not None \
                and ch.lower_tolerance >= ch.upper_tolerance:
            messages.append(_("%(c)s: the lower tolerance must be below the upper tolerance.") % {"c": prefix})
        messages.extend(_possible_range_messages(ch, prefix))
    elif any(value is not None for value, _label in numbers):
        messages.append(_("%(c)s: an attribute (pass/fail) has no nominal or tolerances.") % {"c": prefix})
    if ch.kind != CharacteristicKind.MEASURED and (ch.possible_min is not None or ch.possible_max is not None):
        messages.append(_("%(c)s: an attribute (pass/fail) has no possible range.") % {"c": prefix})
    return messages


def _possible_range_messages(ch, prefix):
    """The possible range must be a range, and every value the tolerance allows must be possible (else a
    reading inside the tolerance would be refused as impossible)."""
    for value, label in ((ch.possible_min, _("Lowest possible value")), (ch.possible_max, _("Highest possible value"))):
        problem = value is not None and _number_problem(value, label)
        if problem:
            return [f"{prefix}: {problem}"]
    low, high = effective_possible_range(ch)
    if low is not None and high is not None and low >= high:
        return [_("%(c)s: the lowest possible value (%(low)s) must be below the highest possible value (%(high)s).")
                % {"c": prefix, "low": plain(low), "high": plain(high)}]
    if None in (ch.nominal, ch.lower_tolerance, ch.upper_tolerance):
        return []
    lowest_allowed, highest_allowed = ch.nominal + ch.lower_tolerance, ch.nominal + ch.upper_tolerance
    messages = []
    if low is not None and lowest_allowed < low:
        messages.append(_("%(c)s: the tolerance allows %(value)s, below the lowest possible value %(low)s. Widen the "
                          "possible range or correct the tolerance.")
                        % {"c": prefix, "value": plain(lowest_allowed), "low": plain(low)})
    if high is not None and highest_allowed > high:
        messages.append(_("%(c)s: the tolerance allows %(value)s, above the highest possible value %(high)s. Widen the "
                          "possible range or correct the tolerance.")
                        % {"c": prefix, "value": plain(highest_allowed), "high": plain(high)})
    return messages


def plan_errors(*, inspection_level, aqls, characteristics):
    characteristics = list(characteristics)
    messages = []
    if inspection_level not in InspectionLevel.values:
        messages.append(_("Choose an inspection level."))
    for defect_class, aql in aqls.items():
        try:
            sampling.aql_value(aql)
        except sampling.SamplingError:
            messages.append(_("The AQL for %(cls)s defects is not one of the standard's values.")
                            % {"cls": DefectClass(defect_class).label})
    if not characteristics:
        messages.append(_("An inspection plan needs at least one characteristic."))
    if len(characteristics) > MAX_CHARACTERISTICS:
        messages.append(_("An inspection plan has at most %(n)s characteristics.") % {"n": MAX_CHARACTERISTICS})
    positions = [ch.position for ch in characteristics]
    for position in sorted({p for p in positions if positions.count(p) > 1}):
        messages.append(_("Position %(n)s is used more than once.") % {"n": position})
    names = [(ch.name or "").strip().lower() for ch in characteristics]
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        messages.append(_("The characteristic “%(name)s” is listed twice.") % {"name": name})
    for ch in characteristics:
        if ch.position is None or ch.position < 1:
            messages.append(_("Positions start at 1."))
        messages.extend(characteristic_messages(ch))
    return messages


def _same_plan(plan, *, inspection_level, aqls, characteristics, note):
    if plan is None:
        return False
    header = (plan.inspection_level, plan.aql_critical, plan.aql_major, plan.aql_minor, plan.note)
    wanted = (inspection_level, str(sampling.aql_value(aqls["critical"])), str(sampling.aql_value(aqls["major"])),
              str(sampling.aql_value(aqls["minor"])), (note or "").strip())
    current = [CharacteristicInput(
        position=c.position, name=c.name, kind=c.kind, defect_class=c.defect_class, nominal=c.nominal,
        lower_tolerance=c.lower_tolerance, upper_tolerance=c.upper_tolerance, unit=c.unit, instrument=c.instrument,
        method=c.method, possible_min=c.possible_min, possible_max=c.possible_max).key()
        for c in plan.characteristics.order_by("position")]
    return header == wanted and current == sorted(ch.key() for ch in characteristics)


def _possible_range(ch: CharacteristicInput):
    if ch.kind != CharacteristicKind.MEASURED:
        return {}
    low, high = effective_possible_range(ch)
    return {"possible_min": low, "possible_max": high}


def save_inspection_plan(*, actor, product: Product, inspection_level, aql_critical, aql_major, aql_minor,
                         characteristics, note="", valid_from=None) -> InspectionPlan:
    """Make this the inspection plan of `product`: a new active version (the previous one is kept).
    Nothing is written when nothing changed or when anything is wrong."""
    require(actor, "quality.change_inspectionplan")
    characteristics = list(characteristics)
    aqls = {"critical": aql_critical, "major": aql_major, "minor": aql_minor}
    messages = plan_errors(inspection_level=inspection_level, aqls=aqls, characteristics=characteristics)
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").first()  # one saver at a time
        current = (InspectionPlan.objects.filter(product=product, is_active=True)
                   .prefetch_related("characteristics").first())
        if _same_plan(current, inspection_level=inspection_level, aqls=aqls, characteristics=characteristics,
                      note=note):
            return current
        last = InspectionPlan.objects.filter(product=product).aggregate(last=Max("version"))["last"] or 0
        InspectionPlan.objects.filter(product=product, is_active=True).update(is_active=False)
        plan = InspectionPlan.objects.create(
            product=product, version=last + 1, is_active=True, valid_from=valid_from or timezone.localdate(),
            inspection_level=inspection_level, aql_critical=str(sampling.aql_value(aql_critical)),
            aql_major=str(sampling.aql_value(aql_major)), aql_minor=str(sampling.aql_value(aql_minor)),
            note=(note or "").strip(), created_by=actor)
        Characteristic.objects.bulk_create([
            Characteristic(plan=plan, position=ch.position, name=ch.name.strip(), kind=ch.kind,
                           defect_class=ch.defect_class, nominal=ch.nominal, lower_tolerance=ch.lower_tolerance,
                           upper_tolerance=ch.upper_tolerance, unit=(ch.unit or "").strip(),
                           instrument=(ch.instrument or "").strip(), method=(ch.method or "").strip(),
                           **_possible_range(ch))
            for ch in sorted(characteristics, key=lambda c: c.position)])
        record_new_version(plan, actor=actor, previous=current, children=PLAN_CHILDREN)
    return plan


def activate_inspection_plan(*, actor, plan: InspectionPlan) -> InspectionPlan:
    """Make an earlier version the product's active plan again."""
    require(actor, "quality.change_inspectionplan")
    with transaction.atomic():
        Product.objects.select_for_update().filter(pk=plan.product_id).values_list("pk").first()
        current = InspectionPlan.objects.get(pk=plan.pk)
        if not current.characteristics.exists():
            raise ValidationError(_("This version has no characteristics and cannot be made active."))
        activate_version(current, actor=actor,
                         versions=InspectionPlan.objects.filter(product_id=current.product_id))
    return current
