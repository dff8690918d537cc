"""Calendars and work centers through the services: bad input gets a clear message and writes nothing."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planning import services
from planning.models import CalendarException, CalendarShift, WorkCalendar, WorkCenter
from planning.services import ShiftInput
from tests.inventory.masterdata import made_item, make_calendar, make_routing, make_work_center

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


def shift(day, start, end):
    return ShiftInput(day, time.fromisoformat(start), time.fromisoformat(end))


# --- calendars -----------------------------------------------------------------------------------

def test_calendar_gets_the_factory_time_zone_and_its_shifts(planner, settings):
    calendar = services.create_calendar(actor=planner, name="Two shifts", shifts=[
        shift(0, "06:00", "14:00"), shift(0, "14:00", "22:00"), shift(4, "22:00", "06:00")])
    assert calendar.time_zone == settings.TIME_ZONE
    shifts = list(calendar.shifts.all())
    assert [(s.weekday, s.minutes, s.is_overnight) for s in shifts] == [(0, 480, False), (0, 480, False),
                                                                         (4, 480, True)]


@pytest.mark.parametrize("shifts, message", [
    ([shift(0, "08:00", "08:00")], "Monday 08:00–08:00 has no working time: the end must differ from the start (an "
                                   "end before the start runs past midnight)."),
    ([shift(1, "08:00", "12:00"), shift(1, "11:00", "15:00")],
     "Shifts Tuesday 08:00–12:00 and Tuesday 11:00–15:00 overlap."),
    # A night shift runs into the next morning's shift.
    ([shift(0, "22:00", "06:00"), shift(1, "05:00", "13:00")],
     "Shifts Monday 22:00–06:00 and Tuesday 05:00–13:00 overlap."),
    # Sunday night wraps to Monday morning.
    ([shift(6, "23:00", "07:00"), shift(0, "06:30", "14:00")],
     "Shifts Monday 06:30–14:00 and Sunday 23:00–07:00 overlap."),
], ids=["no-length", "same-day", "overnight", "week-wrap"])
def test_bad_shifts_are_refused(planner, shifts, message):
    calendar = make_calendar("Cal", shifts=[(2, "08:00", "17:00")])
    with pytest.raises(ValidationError) as exc:
        services.set_calendar_shifts(actor=planner, calendar=calendar, shifts=shifts)
    assert exc.value.messages == [message]
    assert [(s.weekday, s.start) for s in calendar.shifts.all()] == [(2, time(8))]


def test_touching_shifts_are_fine(planner):
    calendar = make_calendar("Cal", shifts=[])
    services.set_calendar_shifts(actor=planner, calendar=calendar, shifts=[
        shift(0, "22:00", "06:00"), shift(1, "06:00", "14:00"), shift(6, "22:00", "06:00")])
    assert calendar.shifts.count() == 3


def test_a_calendar_without_working_time_cannot_be_assigned_to_a_work_center(planner):
    empty = make_calendar("Empty", shifts=[])
    with pytest.raises(ValidationError) as exc:
        services.create_work_center(actor=planner, code="CNC-1", name="CNC", calendar=empty)
    assert exc.value.message_dict["calendar"] == [
        "Calendar Empty has no working time (no shifts): give it shifts before assigning it to a work center."]
    assert not WorkCenter.objects.exists()

    center = make_work_center("CNC-2", calendar=make_calendar("Day"))
    with pytest.raises(ValidationError):
        services.update_work_center(actor=planner, center=center, calendar=empty)
    center.refresh_from_db()
    assert center.calendar.name == "Day"


def test_the_last_shift_of_a_calendar_in_use_cannot_be_removed(planner):
    calendar = make_calendar("Day")
    make_work_center("PRESS-1", calendar=calendar)
    with pytest.raises(ValidationError) as exc:
        services.set_calendar_shifts(actor=planner, calendar=calendar, shifts=[])
    assert exc.value.messages == ["Calendar Day would have no working time, but work centers PRESS-1 use it: keep at "
                                  "least one shift."]
    assert calendar.shifts.count() == 10


def test_calendar_name_and_time_zone_are_checked(planner):
    make_calendar("Day")
    with pytest.raises(ValidationError) as exc:
        services.create_calendar(actor=planner, name="Day", time_zone="Mars/Olympus")
    assert exc.value.message_dict == {"name": ["A calendar named Day already exists."],
                                      "time_zone": ["“Mars/Olympus” is not a time zone, e.g. Asia/Shanghai."]}
    assert WorkCalendar.objects.count() == 1


@pytest.mark.parametrize("kwargs, message", [
    ({"kind": "holiday", "start": time(8), "end": time(12)},
     "A holiday is a whole day: leave start and end empty (for some hours, use a closure)."),
    ({"kind": "overtime"}, "Overtime needs a start and an end time."),
    ({"kind": "closure", "start": time(8)}, "Give both a start and an end time, or neither for the whole day."),
    ({"kind": "overtime", "start": time(8), "end": time(8)},
     "The end must differ from the start (an end before the start runs past midnight)."),
], ids=["holiday-with-times", "overtime-without-times", "closure-half-times", "no-length"])
def test_bad_calendar_exceptions_are_refused(planner, kwargs, message):
    calendar = make_calendar("Day")
    with pytest.raises(ValidationError) as exc:
        services.add_calendar_exception(actor=planner, calendar=calendar, date=date(2026, 10, 1), **kwargs)
    assert exc.value.messages == [message]
    assert not CalendarException.objects.exists()


def test_exceptions_are_added_once_and_removed(planner):
    calendar = make_calendar("Day")
    holiday = services.add_calendar_exception(actor=planner, calendar=calendar, date=date(2026, 10, 1),
                                              kind="holiday", note="National Day")
    services.add_calendar_exception(actor=planner, calendar=calendar, date=date(2026, 10, 10), kind="overtime",
                                    start=time(8), end=time(12))
    with pytest.raises(ValidationError) as exc:
        services.add_calendar_exception(actor=planner, calendar=calendar, date=date(2026, 10, 1), kind="holiday")
    assert exc.value.messages == ["2026-10-01 already has this Holiday (no shifts that day); remove it first to "
                                  "change it."]
    services.remove_calendar_exception(actor=planner, exception=holiday)
    assert list(calendar.exceptions.values_list("kind", flat=True)) == ["overtime"]


def test_roles_other_than_planner_may_not_change_calendars(role_users):
    calendar = make_calendar("Day")
    for role in ("warehouse", "sales", "production", "manager"):
        with pytest.raises(PermissionDenied):
            services.set_calendar_shifts(actor=role_users[role], calendar=calendar, shifts=[])
    assert CalendarShift.objects.filter(calendar=calendar).count() == 10


# --- work centers --------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, field, message", [
    ({"parallel_units": 0}, "parallel_units", "A work center has at least 1 parallel unit (machine or crew)."),
    ({"efficiency_percent": Decimal("0")}, "efficiency_percent", "Efficiency must be from 1 to 200 %."),
    ({"efficiency_percent": Decimal("200.5")}, "efficiency_percent", "Efficiency must be from 1 to 200 %."),
    ({"cost_rate_per_hour": Decimal("-1")}, "cost_rate_per_hour", "The amount cannot be negative."),
    ({"code": "A B"}, "code", "A code cannot contain spaces."),
], ids=["units", "efficiency-zero", "efficiency-high", "cost", "code"])
def test_bad_work_centers_are_refused(planner, fields, field, message):
    calendar = make_calendar("Day")
    values = {"code": "WC-1", "name": "Lathe", "calendar": calendar, **fields}
    with pytest.raises(ValidationError) as exc:
        services.create_work_center(actor=planner, **values)
    assert exc.value.message_dict[field] == [message]
    assert not WorkCenter.objects.exists()


def test_a_work_center_used_by_an_active_routing_cannot_be_deactivated(planner):
    lathe = make_work_center("LATHE")
    make_routing(made_item("SHAFT"), [(10, lathe, 15, "2.5")])
    with pytest.raises(ValidationError) as exc:
        services.set_work_center_active(actor=planner, center=lathe, active=False)
    assert exc.value.messages == ["LATHE is used by the active routing of SHAFT: change those routings before "
                                  "deactivating it."]
    lathe.refresh_from_db()
    assert lathe.is_active


# --- as the scheduler sees them ------------------------------------------------------------------

def test_calendar_and_work_center_as_the_scheduler_sees_them(planner):
    from zoneinfo import ZoneInfo

    from planning import selectors
    from planning.scheduling.calendar import NoWorkingTimeError, WorkingTime

    calendar = make_calendar("Day", shifts=[(day, start, end) for day in range(5)
                                             for start, end in (("08:00", "12:00"), ("13:00", "17:00"))]
                             + [(4, "22:00", "02:00")])
    week = date(2030, 1, 7)  # a Monday
    for kwargs in [{"date": date(2030, 1, 8), "kind": "holiday"},
                   {"date": date(2030, 1, 9), "kind": "closure", "start": time(13), "end": time(15)},
                   {"date": date(2030, 1, 10), "kind": "closure"},
                   {"date": date(2030, 1, 12), "kind": "overtime", "start": time(8), "end": time(12)}]:
        services.add_calendar_exception(actor=planner, calendar=calendar, **kwargs)
    tz = ZoneInfo(calendar.time_zone)
    hours = WorkingTime(selectors.working_calendar(calendar), tz)
    begin = datetime(2030, 1, 7, tzinfo=tz)
    # Mon 480 + Tue holiday 0 + Wed 480 − 120 closed + Thu closed 0 + Fri 480 + Fri night 240 + Sat overtime 240.
    assert hours.working_minutes_between(begin, begin + timedelta(days=7)) == 480 + 360 + 480 + 240 + 240
    # Monday 16:00 + 2 h: one hour on Monday, Tuesday is a holiday, one hour on Wednesday morning.
    assert hours.finish(datetime.combine(week, time(16), tzinfo=tz), 120) == datetime(2030, 1, 9, 9, 0, tzinfo=tz)

    center = make_work_center("LATHE", calendar=calendar, parallel_units=2, efficiency_percent=Decimal("80"))
    scheduled = selectors.scheduling_work_center(center)
    assert (scheduled.code, scheduled.units, scheduled.efficiency) == ("LATHE", 2, Decimal("80"))
    with pytest.raises(NoWorkingTimeError):
        selectors.working_calendar(make_calendar("Empty", shifts=[]))
