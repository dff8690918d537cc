"""Writes on planning master data: work calendars (shifts and exceptions), work centers and routings.

One function per user-visible action, each in one transaction, checking the actor's permission and
the input; bad input raises ValidationError with messages a planner can act on and writes nothing.
Changes are written to the change log (audit) with old and new values. Work centers are deactivated, never
deleted; a changed routing is a new version (earlier versions are kept).

The rules (`calendar_errors`, `shift_messages`, `exception_errors`, `work_center_errors`,
`routing_errors`) are shared with the forms and the CSV/XLSX imports (planning.importing).
See planning.models for the conventions (minutes, overnight shifts, what "working time" means).
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, record_new_version, snapshot
from inventory.models import Item
from orders.masterdata_services import validate_code, validate_money
from orders.models import Unit
from systemtext.text import Text

from .models import (
    MAX_EFFICIENCY,
    MIN_EFFICIENCY,
    CalendarException,
    CalendarShift,
    ExceptionKind,
    Routing,
    RoutingOperation,
    Weekday,
    WorkCalendar,
    WorkCenter,
    minutes_of_day,
    window_minutes,
)

WEEK = 7 * 24 * 60
MAX_SHIFTS_PER_DAY = 4
MAX_PARALLEL_UNITS = 999
# Minutes are Decimal(10, 3): at most seven digits before the point (about 19 years).
MAX_MINUTES = Decimal("9999999.999")
MAX_OPERATIONS = 100
WORK_CENTER_FIELDS = ("code", "name", "parallel_units", "efficiency_percent", "calendar", "cost_rate_per_hour",
                      "currency", "is_active", "down_until")


def _raise_if(errors):
    if errors:
        raise ValidationError(errors)


def _decimals(value):
    return max(0, -value.as_tuple().exponent) if value.is_finite() else 0


def _hm(value: time):
    return value.strftime("%H:%M")


# --- calendars ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShiftInput:
    weekday: int
    start: time
    end: time

    def label(self):
        return f"{Weekday(self.weekday).label} {_hm(self.start)}–{_hm(self.end)}"


def calendar_errors(calendar, *, check_unique=True):
    calendar.name = (calendar.name or "").strip()
    errors = {}
    if not calendar.name:
        errors["name"] = [_("Enter a name.")]
    elif len(calendar.name) > WorkCalendar._meta.get_field("name").max_length:
        errors["name"] = [_("The name is too long.")]
    elif check_unique and WorkCalendar.objects.filter(name=calendar.name).exclude(pk=calendar.pk).exists():
        errors["name"] = [_("A calendar named %(name)s already exists.") % {"name": calendar.name}]
    try:
        zoneinfo.ZoneInfo(calendar.time_zone or "")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = [_("“%(zone)s” is not a time zone, e.g. Asia/Shanghai.") % {"zone": calendar.time_zone}]
    if len(calendar.note or "") > WorkCalendar._meta.get_field("note").max_length:
        errors["note"] = [_("The note is too long.")]
    return errors


def _week_segments(shift: ShiftInput):
    """The shift as minute ranges on the weekly ring [0, WEEK): a Sunday night shift wraps to Monday."""
    begin = shift.weekday * 24 * 60 + minutes_of_day(shift.start)
    end = begin + window_minutes(shift.start, shift.end)
    if end <= WEEK:
        return [(begin, end)]
    return [(begin, WEEK), (0, end - WEEK)]


def shift_messages(shifts):
    """The problems of a calendar's weekly shifts: each must have a length, none may overlap another
    (counting those that run past midnight), and a day has at most MAX_SHIFTS_PER_DAY."""
    shifts = list(shifts)
    messages = []
    per_day = defaultdict(int)
    for shift in shifts:
        if shift.weekday not in Weekday.values:
            messages.append(_("Weekday %(day)s is not 0 (Monday) to 6 (Sunday).") % {"day": shift.weekday})
            continue
        per_day[shift.weekday] += 1
        if shift.start == shift.end:
            messages.append(_("%(shift)s has no working time: the end must differ from the start (an end before the "
                              "start runs past midnight).") % {"shift": shift.label()})
    for day, count in sorted(per_day.items()):
        if count > MAX_SHIFTS_PER_DAY:
            messages.append(_("%(day)s has %(count)s shifts; at most %(max)s are allowed.")
                            % {"day": Weekday(day).label, "count": count, "max": MAX_SHIFTS_PER_DAY})
    if messages:
        return messages
    segments = sorted((begin, end, index) for index, shift in enumerate(shifts)
                      for begin, end in _week_segments(shift))
    reported = set()
    for (_b1, end1, first), (begin2, _e2, second) in zip(segments, segments[1:], strict=False):
        pair = tuple(sorted((first, second)))
        if begin2 < end1 and first != second and pair not in reported:
            reported.add(pair)
            messages.append(_("Shifts %(first)s and %(second)s overlap.")
                            % {"first": shifts[pair[0]].label(), "second": shifts[pair[1]].label()})
    return messages


def create_calendar(*, actor, name, time_zone=None, note="", shifts=()) -> WorkCalendar:
    require(actor, "planning.add_workcalendar")
    calendar = WorkCalendar(name=name, note=note)
    if time_zone:
        calendar.time_zone = time_zone
    errors = calendar_errors(calendar)
    shifts = list(shifts)
    messages = shift_messages(shifts)
    if messages:
        errors.setdefault("__all__", []).extend(messages)
    _raise_if(errors)
    try:
        with transaction.atomic():
            calendar.save()
            CalendarShift.objects.bulk_create([CalendarShift(calendar=calendar, weekday=s.weekday, start=s.start,
                                                             end=s.end) for s in shifts])
            record_change(calendar, actor=actor, children=("shifts",))
    except IntegrityError:
        raise ValidationError({"name": [_("A calendar named %(name)s already exists.") % {"name": calendar.name}]}
                              ) from None
    return calendar


def update_calendar(*, actor, calendar: WorkCalendar, name, time_zone, note="") -> WorkCalendar:
    require(actor, "planning.change_workcalendar")
    with transaction.atomic():
        current = WorkCalendar.objects.select_for_update().get(pk=calendar.pk)
        logged = snapshot(current)
        before = {"name": current.name, "time_zone": current.time_zone, "note": current.note}
        current.name, current.time_zone, current.note = name, time_zone, (note or "").strip()
        _raise_if(calendar_errors(current))
        changed = [field for field, value in before.items() if getattr(current, field) != value]
        if changed:
            current.save()
            record_change(current, actor=actor, before=logged)
    return current


def set_calendar_shifts(*, actor, calendar: WorkCalendar, shifts) -> WorkCalendar:
    """Make the calendar's weekly shifts exactly `shifts`. A calendar that work centers use must keep
    some working time."""
    require(actor, "planning.change_workcalendar")
    shifts = sorted(shifts, key=lambda s: (s.weekday, s.start))
    messages = shift_messages(shifts)
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        current = WorkCalendar.objects.select_for_update().get(pk=calendar.pk)
        if not shifts:
            users = list(current.work_centers.order_by("code").values_list("code", flat=True)[:10])
            if users:
                raise ValidationError(
                    _("Calendar %(name)s would have no working time, but work centers %(centers)s use it: keep at "
                      "least one shift.") % {"name": current.name, "centers": ", ".join(users)},
                    code="no_working_time")
        before = [(s.weekday, s.start, s.end) for s in current.shifts.order_by("weekday", "start")]
        if before == [(s.weekday, s.start, s.end) for s in shifts]:
            return current
        logged = snapshot(current, children=("shifts",))
        current.shifts.all().delete()
        CalendarShift.objects.bulk_create([CalendarShift(calendar=current, weekday=s.weekday, start=s.start,
                                                         end=s.end) for s in shifts])
        current.save(update_fields=["updated_at"])
        record_change(current, actor=actor, before=logged, children=("shifts",))
    return current


def exception_errors(exception: CalendarException):
    """{field: [messages]} of a calendar exception (empty when it may be saved)."""
    errors = defaultdict(list)
    if exception.date is None:
        errors["date"].append(_("Enter a date."))
    if exception.kind not in ExceptionKind.values:
        errors["kind"].append(_("Choose holiday, closure or overtime."))
    start, end = exception.start, exception.end
    if exception.kind == ExceptionKind.HOLIDAY and (start or end):
        errors["__all__"].append(_("A holiday is a whole day: leave start and end empty (for some hours, use a "
                                   "closure)."))
    elif exception.kind == ExceptionKind.OVERTIME and (start is None or end is None):
        errors["__all__"].append(_("Overtime needs a start and an end time."))
    elif (start is None) != (end is None):
        errors["__all__"].append(_("Give both a start and an end time, or neither for the whole day."))
    elif start is not None and start == end:
        errors["__all__"].append(_("The end must differ from the start (an end before the start runs past "
                                   "midnight)."))
    if len(exception.note or "") > CalendarException._meta.get_field("note").max_length:
        errors["note"].append(_("The note is too long."))
    if not errors and exception.calendar_id:
        same = CalendarException.objects.filter(calendar_id=exception.calendar_id, date=exception.date,
                                                kind=exception.kind).exclude(pk=exception.pk)
        if exception.kind == ExceptionKind.HOLIDAY or start is None:
            clash = same.exists()
        else:
            clash = same.filter(Q(start__isnull=True) | Q(start=start)).exists()
        if clash:
            errors["__all__"].append(_("%(date)s already has this %(kind)s; remove it first to change it.")
                                     % {"date": date_format(exception.date), "kind": exception.get_kind_display()})
    return dict(errors)


def add_calendar_exception(*, actor, calendar: WorkCalendar, date: date, kind, start=None, end=None,
                           note="") -> CalendarException:
    require(actor, "planning.change_workcalendar")
    with transaction.atomic():
        current = WorkCalendar.objects.select_for_update().get(pk=calendar.pk)
        exception = CalendarException(calendar=current, date=date, kind=kind, start=start, end=end,
                                      note=(note or "").strip())
        _raise_if(exception_errors(exception))
        logged = snapshot(current, children=("exceptions",))
        exception.save()
        current.save(update_fields=["updated_at"])
        record_change(current, actor=actor, before=logged, children=("exceptions",))
    return exception


def remove_calendar_exception(*, actor, exception: CalendarException):
    require(actor, "planning.change_workcalendar")
    with transaction.atomic():
        current = WorkCalendar.objects.select_for_update().get(pk=exception.calendar_id)
        logged = snapshot(current, children=("exceptions",))
        CalendarException.objects.filter(pk=exception.pk, calendar=current).delete()
        current.save(update_fields=["updated_at"])
        record_change(current, actor=actor, before=logged, children=("exceptions",))


# --- work centers ------------------------------------------------------------------------------

def calendar_has_working_time(calendar):
    """At least one weekly shift (see planning.models). Uses a `shift_count` annotation when present."""
    count = getattr(calendar, "shift_count", None)
    return count > 0 if count is not None else calendar.shifts.exists()


def work_center_errors(center: WorkCenter, *, check_unique=True, fields=None):
    """Every problem of a work center as {field: [messages]}. `fields` limits the check to those fields
    (the import checks what a row gives)."""
    center.code = (center.code or "").strip()
    center.name = (center.name or "").strip()
    errors = {}

    def check(field, rule):
        if fields is not None and field not in fields:
            return
        try:
            rule()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    def name_given():
        if not center.name:
            raise ValidationError(_("Enter a name."))

    def units():
        value = center.parallel_units
        if value is None or value < 1:
            raise ValidationError(_("A work center has at least 1 parallel unit (machine or crew)."))
        if value > MAX_PARALLEL_UNITS:
            raise ValidationError(_("At most %(max)s parallel units.") % {"max": MAX_PARALLEL_UNITS})

    def efficiency():
        value = center.efficiency_percent
        if value is None or not MIN_EFFICIENCY <= value <= MAX_EFFICIENCY:
            raise ValidationError(_("Efficiency must be from 1 to 200 %."))
        if _decimals(value) > 2:
            raise ValidationError(_("Efficiency can have at most 2 decimals."))

    def calendar():
        if center.calendar_id is None:
            raise ValidationError(_("Choose a calendar."))
        if not calendar_has_working_time(center.calendar):
            raise ValidationError(_("Calendar %(name)s has no working time (no shifts): give it shifts before "
                                    "assigning it to a work center.") % {"name": center.calendar.name})

    check("code", lambda: validate_code(center.code))
    check("name", name_given)
    check("parallel_units", units)
    check("efficiency_percent", efficiency)
    check("cost_rate_per_hour", lambda: validate_money(center.cost_rate_per_hour))
    check("calendar", calendar)
    if check_unique and "code" not in errors:
        if WorkCenter.objects.filter(code=center.code).exclude(pk=center.pk).exists():
            errors["code"] = [_("A work center with code %(code)s already exists.") % {"code": center.code}]
    exclude = set(errors) | {"calendar"}
    if fields is not None:
        exclude |= {f.name for f in WorkCenter._meta.fields if f.name not in fields}
    try:
        center.full_clean(exclude=sorted(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    return errors


def _lock_calendar(center):
    """Lock the calendar being assigned, so its last shift cannot be removed meanwhile."""
    if center.calendar_id is not None:
        center.calendar = WorkCalendar.objects.select_for_update().get(pk=center.calendar_id)


def create_work_center(*, actor, **fields) -> WorkCenter:
    require(actor, "planning.add_workcenter")
    unknown = set(fields) - set(WORK_CENTER_FIELDS)
    if unknown:
        raise TypeError(f"unknown work center fields: {sorted(unknown)}")
    center = WorkCenter(**fields)
    try:
        with transaction.atomic():
            _lock_calendar(center)
            _raise_if(work_center_errors(center))
            center.save()
            record_change(center, actor=actor)
    except IntegrityError:
        raise ValidationError({"code": [_("A work center with code %(code)s already exists.")
                                        % {"code": center.code}]}) from None
    return center


def update_work_center(*, actor, center: WorkCenter, **fields) -> WorkCenter:
    """Change a work center (the code stays: routings and documents refer to it)."""
    require(actor, "planning.change_workcenter")
    unknown = set(fields) - (set(WORK_CENTER_FIELDS) - {"code"})
    if unknown:
        raise TypeError(f"work center fields that cannot be updated: {sorted(unknown)}")
    with transaction.atomic():
        current = WorkCenter.objects.select_for_update().select_related("calendar").get(pk=center.pk)
        logged = snapshot(current)
        before = {name: getattr(current, name) for name in WORK_CENTER_FIELDS}
        for name, value in fields.items():
            setattr(current, name, value)
        _lock_calendar(current)
        errors = work_center_errors(current)
        if before["is_active"] and not current.is_active:
            errors.update(work_center_in_use_errors(current))
        _raise_if(errors)
        changed = [name for name in WORK_CENTER_FIELDS if getattr(current, name) != before[name]]
        if changed:
            current.save()
            record_change(current, actor=actor, before=logged)
    return current


def set_work_center_active(*, actor, center: WorkCenter, active: bool) -> WorkCenter:
    return update_work_center(actor=actor, center=center, is_active=active)


def work_center_in_use_errors(center):
    """{"is_active": [message]} when active routings still use the work center."""
    items = list(Item.objects.filter(Q(routings__operations__work_center=center)
                                     | Q(routings__operations__alternative_work_center=center),
                                     routings__is_active=True).order_by("code").values_list("code", flat=True)
                 .distinct()[:10])
    if not items:
        return {}
    return {"is_active": [_("%(code)s is used by the active routing of %(items)s: change those routings before "
                            "deactivating it.") % {"code": center.code, "items": ", ".join(items)}]}


# --- routings ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OperationInput:
    """One operation of a routing as the user wants it (times in minutes)."""

    sequence: int
    work_center: WorkCenter
    run_minutes_per_unit: Decimal
    setup_minutes: Decimal = Decimal("0")
    min_wait_minutes: Decimal = Decimal("0")
    alternative_work_center: WorkCenter | None = None
    description: str = ""


def _minutes_message(value, *, label, positive):
    if value is None:
        return _("%(field)s: enter a number of minutes.") % {"field": label}
    if positive and value <= 0:
        return _("%(field)s must be greater than zero.") % {"field": label}
    if value < 0:
        return _("%(field)s cannot be negative.") % {"field": label}
    if value > MAX_MINUTES or _decimals(value) > 3:
        return _("%(field)s: at most 7 digits before and 3 after the decimal point.") % {"field": label}
    return None


def operation_messages(op: OperationInput, *, prefix):
    """The problems of one operation on its own; `prefix` names it in the messages."""
    messages = []
    if op.sequence is None or op.sequence < 1:
        messages.append(_("%(op)s: the sequence number must be 1 or more.") % {"op": prefix})
    checks = [(op.setup_minutes, _("Setup time"), False), (op.run_minutes_per_unit, _("Run time per unit"), True),
              (op.min_wait_minutes, _("Minimum transfer/wait time"), False)]
    for value, label, positive in checks:
        message = _minutes_message(value, label=label, positive=positive)
        if message:
            messages.append(_("%(op)s: %(problem)s") % {"op": prefix, "problem": message})
    if op.work_center is None:
        messages.append(_("%(op)s: choose a work center.") % {"op": prefix})
    elif not op.work_center.is_active:
        messages.append(_("%(op)s: work center %(code)s is inactive.") % {"op": prefix, "code": op.work_center.code})
    alternative = op.alternative_work_center
    if alternative is not None and op.work_center is not None:
        if alternative.pk == op.work_center.pk:
            messages.append(_("%(op)s: the alternative work center must differ from the work center (%(code)s).")
                            % {"op": prefix, "code": alternative.code})
        elif not alternative.is_active:
            messages.append(_("%(op)s: alternative work center %(code)s is inactive.")
                            % {"op": prefix, "code": alternative.code})
    if len(op.description or "") > RoutingOperation._meta.get_field("description").max_length:
        messages.append(_("%(op)s: the description is too long.") % {"op": prefix})
    return messages


def routing_errors(item: Item, operations):
    """Every problem of `operations` as the routing of `item`: a list of messages (empty when it may
    be saved). Operations run in sequence order, each after the one before: no cycle is possible."""
    operations = list(operations)
    messages = []
    if not item.is_made:
        messages.append(_("%(code)s is bought, not made: only items made in house have a routing. Set “make or "
                          "buy” to make first.") % {"code": item.code})
    if not operations:
        messages.append(_("A routing needs at least one operation."))
    if len(operations) > MAX_OPERATIONS:
        messages.append(_("A routing can have at most %(n)s operations.") % {"n": MAX_OPERATIONS})
    numbers = defaultdict(int)
    for op in operations:
        numbers[op.sequence] += 1
        messages.extend(operation_messages(op, prefix=_("Operation %(n)s") % {"n": op.sequence}))
    for sequence, count in sorted(numbers.items(), key=lambda pair: pair[0] or 0):
        if count > 1:
            messages.append(_("Sequence number %(n)s is used %(count)s times: each operation needs its own.")
                            % {"n": sequence, "count": count})
    return messages


def operation_key(op):
    """What makes two operations the same (to tell whether a routing changed)."""
    return (op.sequence, op.work_center.pk, op.alternative_work_center.pk if op.alternative_work_center else None,
            op.setup_minutes, op.run_minutes_per_unit, op.min_wait_minutes, (op.description or "").strip())


def same_operations(routing, operations):
    if routing is None:
        return False
    current = [(o.sequence, o.work_center_id, o.alternative_work_center_id, o.setup_minutes, o.run_minutes_per_unit,
                o.min_wait_minutes, o.description) for o in routing.operations.order_by("sequence")]
    return current == sorted(operation_key(op) for op in operations)


def write_routing_version(*, actor, item, operations, valid_from=None, note=""):
    """A new active routing version of `item` (checked by the caller, in its transaction)."""
    last = Routing.objects.filter(item=item).aggregate(last=Max("version"))["last"] or 0
    # The maximum batch size is set apart from the operations (set_routing_batch_size): a new version keeps it.
    previous = Routing.objects.filter(item=item, is_active=True).first()
    Routing.objects.filter(item=item, is_active=True).update(is_active=False)
    routing = Routing.objects.create(item=item, version=last + 1, is_active=True,
                                     valid_from=valid_from or timezone.localdate(),
                                     note=note if isinstance(note, Text) else (note or "").strip(),
                                     max_batch_size=previous and previous.max_batch_size, created_by=actor)
    RoutingOperation.objects.bulk_create([
        RoutingOperation(routing=routing, sequence=op.sequence, work_center=op.work_center,
                         alternative_work_center=op.alternative_work_center, setup_minutes=op.setup_minutes,
                         run_minutes_per_unit=op.run_minutes_per_unit, min_wait_minutes=op.min_wait_minutes,
                         description=(op.description or "").strip())
        for op in sorted(operations, key=lambda o: o.sequence)])
    record_new_version(routing, actor=actor, previous=previous, children=("operations",))
    return routing


def save_routing(*, actor, item: Item, operations, valid_from=None, note="") -> Routing:
    """Make `operations` the routing of `item`: a new active version (the previous one is kept,
    inactive). When nothing changed, nothing is written and the active version is returned."""
    require(actor, "planning.change_routing")
    operations = list(operations)
    messages = routing_errors(item, operations)
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        Item.objects.select_for_update().filter(pk=item.pk).values_list("pk").first()  # one saver at a time
        current = Routing.objects.filter(item=item, is_active=True).first()
        if same_operations(current, operations) and (note or "").strip() == current.note:
            return current
        return write_routing_version(actor=actor, item=item, operations=operations, valid_from=valid_from,
                                     note=note)


MAX_BATCH_SIZE = Decimal("999999999.999")  # QTY: 12 digits, 3 decimals


def batch_size_errors(item: Item, max_batch_size):
    """What is wrong with `max_batch_size` (a Decimal, or None for no splitting) for `item`'s routing."""
    if max_batch_size is None:
        return []
    if not max_batch_size.is_finite() or max_batch_size <= 0:
        return [_("The maximum batch size must be more than zero; leave it empty to make any quantity in one "
                  "work order.")]
    if max_batch_size > MAX_BATCH_SIZE:
        return [_("The maximum batch size is too large.")]
    decimals = Unit.decimals(item.unit)
    if _decimals(max_batch_size) > decimals:
        if decimals == 0:
            return [_("%(code)s is counted in whole %(unit)s: the maximum batch size cannot have decimals.")
                    % {"code": item.code, "unit": item.get_unit_display()}]
        return [_("The maximum batch size in %(unit)s can have at most %(n)s decimals.")
                % {"unit": item.get_unit_display(), "n": decimals}]
    return []


def set_routing_batch_size(*, actor, item: Item, max_batch_size) -> Routing:
    """Set the maximum batch size of `item`'s active routing (None: no splitting). It applies when an
    order is next planned (planning.plans splits quantities into batches); planned work is not moved.
    The active version is changed in place: the operations, which versions record, stay the same."""
    require(actor, "planning.change_routing")
    _raise_if(batch_size_errors(item, max_batch_size))
    with transaction.atomic():
        routing = Routing.objects.select_for_update().filter(item=item, is_active=True).first()
        if routing is None:
            raise ValidationError(_("%(code)s has no active routing: save its operations first.") % {"code": item.code})
        if routing.max_batch_size != max_batch_size:
            logged = snapshot(routing)
            routing.max_batch_size = max_batch_size
            routing.save(update_fields=["max_batch_size"])
            record_change(routing, actor=actor, before=logged)
    return routing


def activate_routing(*, actor, routing: Routing) -> Routing:
    """Make an earlier version the active one again. A routing without operations cannot be active."""
    require(actor, "planning.change_routing")
    with transaction.atomic():
        Item.objects.select_for_update().filter(pk=routing.item_id).values_list("pk").first()
        current = Routing.objects.select_related("item").get(pk=routing.pk)
        operations = [OperationInput(sequence=o.sequence, work_center=o.work_center,
                                     alternative_work_center=o.alternative_work_center,
                                     setup_minutes=o.setup_minutes, run_minutes_per_unit=o.run_minutes_per_unit,
                                     min_wait_minutes=o.min_wait_minutes, description=o.description)
                      for o in current.operations.select_related("work_center", "alternative_work_center")]
        if not operations:
            raise ValidationError(_("Routing version %(version)s of %(code)s has no operations and cannot be made "
                                    "active.") % {"version": current.version, "code": current.item.code},
                                  code="no_operations")
        messages = routing_errors(current.item, operations)
        if messages:
            raise ValidationError(messages)
        if not current.is_active:
            logged = snapshot(current)
            Routing.objects.filter(item_id=current.item_id, is_active=True).update(is_active=False)
            current.is_active = True
            current.save(update_fields=["is_active"])
            record_change(current, actor=actor, before=logged)
    return current


def deactivate_routing(*, actor, item: Item):
    """The item no longer has an active routing (its versions are kept)."""
    require(actor, "planning.change_routing")
    with transaction.atomic():
        current = list(Routing.objects.select_for_update().filter(item=item, is_active=True))
        Routing.objects.filter(pk__in=[r.pk for r in current]).update(is_active=False)
        for routing in current:
            logged = snapshot(routing)
            routing.is_active = False
            record_change(routing, actor=actor, before=logged)
