"""Working-time arithmetic: shifts, weekends, holidays, closures, overtime, night shifts, DST."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from planning.scheduling.calendar import Closure, NoWorkingTimeError, WorkingCalendar, WorkingTime
from planning.scheduling.model import SchedulingInputError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0, tz=SHANGHAI):
    """2026-03-<day>: the 2nd is a Monday."""
    return datetime(2026, 3, day, hour, minute, tzinfo=tz)


def day_shift(**extra):
    return WorkingCalendar.build("day", shifts=[("08:00", "12:00"), ("13:00", "17:00")], **extra)


def hours(calendar):
    return WorkingTime(calendar, "Asia/Shanghai")


def test_work_continues_after_the_lunch_break():
    assert hours(day_shift()).finish(at(2, 10), 180) == at(2, 14)


def test_work_ends_exactly_at_the_end_of_a_shift_not_at_the_next_start():
    assert hours(day_shift()).finish(at(2, 10), 120) == at(2, 12)


def test_a_weekend_pushes_work_to_monday():
    # Friday 6 March 16:00 + 2 h: one hour on Friday, one on Monday morning.
    assert hours(day_shift()).finish(at(6, 16), 120) == at(9, 9)


def test_a_holiday_on_monday_pushes_work_to_tuesday():
    calendar = day_shift(holidays=[date(2026, 3, 9)])
    assert hours(calendar).finish(at(6, 16), 120) == at(10, 9)


def test_overtime_on_saturday_adds_capacity():
    calendar = day_shift(overtime={date(2026, 3, 7): [("08:00", "12:00")]})
    assert hours(calendar).finish(at(6, 16), 120) == at(7, 9)


def test_overtime_counts_even_on_a_holiday():
    calendar = day_shift(holidays=[date(2026, 3, 9)], overtime={date(2026, 3, 9): [("18:00", "20:00")]})
    assert hours(calendar).finish(at(6, 16), 120) == at(9, 19)


def test_a_closure_blocks_working_time():
    calendar = day_shift(closures=[Closure(at(2, 8), at(2, 10), "breakdown")])
    time = hours(calendar)
    assert time.next_working_instant(at(2, 8)) == at(2, 10)
    assert time.finish(at(2, 8), 60) == at(2, 11)


def test_next_working_instant():
    time = hours(day_shift())
    assert time.next_working_instant(at(2, 12, 30)) == at(2, 13)
    assert time.next_working_instant(at(7, 10)) == at(9, 8)  # Saturday -> Monday
    assert time.next_working_instant(at(2, 9, 15)) == at(2, 9, 15)


def test_working_minutes_between():
    time = hours(day_shift())
    assert time.working_minutes_between(at(6, 16), at(9, 9)) == 120
    assert time.working_minutes_between(at(2, 8), at(3, 8)) == 480
    assert time.working_minutes_between(at(3, 8), at(2, 8)) == 0


def test_a_night_shift_runs_past_midnight():
    calendar = WorkingCalendar.build("night", shifts=[("22:00", "06:00")], days=range(7))
    assert hours(calendar).finish(at(2, 23), 240) == at(3, 3)


def test_daylight_saving_night_is_an_hour_shorter():
    # In Berlin the night of 28-29 March 2026 loses an hour: 22:00-06:00 holds 7 working hours.
    berlin = ZoneInfo("Europe/Berlin")
    calendar = WorkingCalendar.build("night", shifts=[("22:00", "06:00")], days=range(7))
    time = WorkingTime(calendar, berlin)
    assert time.working_minutes_between(datetime(2026, 3, 28, 22, tzinfo=berlin),
                                        datetime(2026, 3, 29, 6, tzinfo=berlin)) == 420
    assert time.finish(datetime(2026, 3, 28, 22, tzinfo=berlin), 480) == datetime(2026, 3, 29, 23, tzinfo=berlin)


def test_always_open_without_a_calendar():
    time = WorkingTime(None, "Asia/Shanghai")
    assert time.finish(at(7, 10), 90) == at(7, 11, 30)


def test_a_calendar_without_working_time_is_rejected_with_a_message():
    with pytest.raises(NoWorkingTimeError) as raised:
        WorkingCalendar.build("empty", shifts=[])
    assert isinstance(raised.value, ValueError)
    assert "empty" in str(raised.value) and "no working time" in str(raised.value)


def test_running_out_of_overtime_only_time_is_an_error_not_an_endless_search():
    calendar = WorkingCalendar.build("overtime only", weekly={}, overtime={date(2026, 3, 7): [("08:00", "10:00")]})
    time = hours(calendar)
    assert time.finish(at(2, 8), 60) == at(7, 9)
    with pytest.raises(NoWorkingTimeError, match="no working time after 2026-03-07"):
        time.finish(at(2, 8), 180)


def test_a_closure_of_many_years_is_an_error_not_an_endless_search():
    calendar = day_shift(closures=[Closure(at(2, 0), datetime(2046, 1, 1, tzinfo=SHANGHAI))])
    with pytest.raises(NoWorkingTimeError):
        hours(calendar).finish(at(2, 8), 60)


@pytest.mark.parametrize("shift", [("08:00", "08:00"), ("8 am", "17:00")])
def test_bad_shifts_are_rejected(shift):
    with pytest.raises(SchedulingInputError):
        WorkingCalendar.build("bad", shifts=[shift])


def test_naive_datetimes_are_rejected():
    with pytest.raises(SchedulingInputError, match="timezone-aware"):
        hours(day_shift()).finish(datetime(2026, 3, 2, 8), 60)


def test_a_negative_duration_is_rejected():
    with pytest.raises(SchedulingInputError, match="negative"):
        hours(day_shift()).finish(at(2, 8), -5)
