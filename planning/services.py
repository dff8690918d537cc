"""Writes on planning master data: work calendars (shifts and exceptions) and work centers (routings:
planning.routing_services).

One function per user-visible action, each in one transaction, checking the actor's permission and
the input; bad input raises ValidationError with messages a planner can act on and writes nothing.
Changes are written to the change log (audit) with old and new values. Work centers are deactivated, never
deleted.

The rules (`calendar_errors`, `shift_messages`, `exception_errors`, `work_center_errors`) are shared
with the forms and the CSV/XLSX imports (planning.importing).
See planning.models for the conventions (minutes, overnight shifts, what "working time" means).
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, snapshot
from inventory.models import Item
from orders.masterdata_services import validate_code, validate_money
from record_pages.checks import FieldErrors, name_given

from .models import (
    MAX_EFFICIENCY,
    MIN_EFFICIENCY,
    CalendarException,
    CalendarShift,
    ExceptionKind,
    Weekday,
    WorkCalendar,
    WorkCenter,
    minutes_of_day,
    window_minutes,
)

WEEK = 7 * 24 * 60
MAX_SHIFTS_PER_DAY = 4
MAX_PARALLEL_UNITS = 999
WORK_CENTER_FIELDS = ("code", "name", "parallel_units", "efficiency_percent", "calendar", "cost_rate_per_hour",
                      "currency", "is_active", "down_until")


def _raise_if(errors):
    if errors:
        raise ValidationError(errors)


def decimal_places(value):
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
    errors = FieldErrors(fields)
    check = errors.check

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
        if decimal_places(value) > 2:
            raise ValidationError(_("Efficiency can have at most 2 decimals."))

    def calendar():
        if center.calendar_id is None:
            raise ValidationError(_("Choose a calendar."))
        if not calendar_has_working_time(center.calendar):
            raise ValidationError(_("Calendar %(name)s has no working time (no shifts): give it shifts before "
                                    "assigning it to a work center.") % {"name": center.calendar.name})

    check("code", lambda: validate_code(center.code))
    check("name", lambda: name_given(center))
    check("parallel_units", units)
    check("efficiency_percent", efficiency)
    check("cost_rate_per_hour", lambda: validate_money(center.cost_rate_per_hour))
    check("calendar", calendar)
    if check_unique and "code" not in errors:
        if WorkCenter.objects.filter(code=center.code).exclude(pk=center.pk).exists():
            errors["code"] = [_("A work center with code %(code)s already exists.") % {"code": center.code}]
    errors.check_model(center, skip={"calendar"}, validate_constraints=False)
    return dict(errors)


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
