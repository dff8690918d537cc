"""Working-time arithmetic on a work center's calendar.

A calendar has shifts per weekday (local times in the factory's time zone; a shift whose end is not
after its start runs past midnight), holidays (whole days without regular shifts), one-off closures
(periods when nothing runs, e.g. a breakdown or a plant shutdown) and overtime windows on given
dates. Overtime is an explicit decision, so it counts even on a weekend or holiday; a closure wins
over everything.

Internally time is an integer count of minutes from an origin instant (UTC), and a calendar is
compiled into sorted, disjoint working intervals with running totals, so finding the end of N working
minutes is a binary search. The intervals are built lazily as far as the questions reach. A
calendar that can never supply the time asked for raises :class:`NoWorkingTimeError` instead of
searching forever.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .model import SchedulingInputError

MINUTE = timedelta(minutes=1)
# How far past the last question the intervals may be built before the calendar is declared empty.
SEARCH_LIMIT_DAYS = 3660


class NoWorkingTimeError(SchedulingInputError):
    """The calendar has no working time (at all, or not enough to finish the work)."""


def _as_time(value) -> time:
    if isinstance(value, time):
        return value
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise SchedulingInputError(_("“%(value)s” is not a time of day (HH:MM).") % {"value": value}) from None


@dataclass(frozen=True)
class Shift:
    """Working time from ``start`` to ``end`` local time; ``end <= start`` runs past midnight."""

    start: time
    end: time

    @classmethod
    def of(cls, start, end) -> Shift:
        return cls(_as_time(start), _as_time(end))

    def minutes(self) -> int:
        begin = self.start.hour * 60 + self.start.minute
        finish = self.end.hour * 60 + self.end.minute
        return finish - begin if finish > begin else finish + 24 * 60 - begin


@dataclass(frozen=True)
class Closure:
    """A period when nothing runs (aware datetimes, end exclusive)."""

    start: datetime
    end: datetime
    reason: str = ""


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Shifts per weekday (Monday = 0), holidays, closures and overtime windows."""

    name: str
    weekly: tuple[tuple[Shift, ...], ...] = ((),) * 7
    holidays: frozenset[date] = frozenset()
    closures: tuple[Closure, ...] = ()
    overtime: tuple[tuple[date, Shift], ...] = ()

    @classmethod
    def build(cls, name: str, *, shifts: Iterable = (), days: Iterable[int] = range(5),
              weekly: Mapping[int, Iterable] | None = None, holidays: Iterable[date] = (),
              closures: Iterable[Closure] = (), overtime: Mapping[date, Iterable] | None = None) -> WorkingCalendar:
        """``shifts`` (pairs of times or "HH:MM" strings) on each of ``days``, or ``weekly`` per weekday."""
        per_day: list[list[Shift]] = [[] for _day in range(7)]
        if weekly is None:
            weekly = {day: shifts for day in days}
        for day, day_shifts in weekly.items():
            if day not in range(7):
                raise SchedulingInputError(_("Weekday %(day)s is not 0 (Monday) to 6 (Sunday).") % {"day": day})
            per_day[day].extend(Shift.of(*pair) if not isinstance(pair, Shift) else pair for pair in day_shifts)
        extra = tuple(sorted(
            ((day, Shift.of(*pair) if not isinstance(pair, Shift) else pair)
             for day, windows in (overtime or {}).items() for pair in windows),
            key=lambda item: (item[0], item[1].start)))
        calendar = cls(name=name, weekly=tuple(tuple(day) for day in per_day), holidays=frozenset(holidays),
                       closures=tuple(closures), overtime=extra)
        calendar.check()
        return calendar

    def check(self) -> None:
        """Reject shifts of no length, naive closures, and a calendar without any working time."""
        for shift in [s for day in self.weekly for s in day] + [s for _day, s in self.overtime]:
            if shift.start == shift.end:
                raise SchedulingInputError(
                    _("Calendar “%(name)s” has a shift from %(start)s to %(start)s, which has no working time.")
                    % {"name": self.name, "start": shift.start.strftime("%H:%M")})
        for closure in self.closures:
            if closure.start.tzinfo is None or closure.end.tzinfo is None:
                raise SchedulingInputError(_("Closures need timezone-aware start and end times."))
            if closure.end <= closure.start:
                raise SchedulingInputError(_("A closure must end after it starts."))
        if not any(self.weekly) and not self.overtime:
            raise NoWorkingTimeError(
                _("Calendar “%(name)s” has no working time: give it at least one shift.") % {"name": self.name})

    def weekly_minutes(self) -> int:
        return sum(shift.minutes() for day in self.weekly for shift in day)


class AlwaysOpenTimeline:
    """Every minute is working time (a work center without a calendar)."""

    always_open = True

    def next_working(self, minute: int) -> int:
        return minute

    def add_working(self, minute: int, duration: int) -> int:
        return minute + duration

    def working_between(self, begin: int, end: int) -> int:
        return max(0, end - begin)

    def is_working(self, minute: int) -> bool:
        return True


class CalendarTimeline:
    """A calendar on the integer minute timeline that starts at ``origin`` (an aware datetime)."""

    always_open = False

    def __init__(self, calendar: WorkingCalendar, tz: ZoneInfo, origin: datetime):
        calendar.check()
        self.calendar = calendar
        self.tz = tz
        self.origin = origin.astimezone(UTC)
        self._closures = sorted((to_minute(c.start, self.origin), to_minute(c.end, self.origin, ceil=True))
                                for c in calendar.closures)
        # Without weekly shifts only the overtime windows work: the working time ends with them.
        self._finite = not any(calendar.weekly)
        self._last_overtime = max((day for day, _shift in calendar.overtime), default=None)
        local_origin = self.origin.astimezone(tz).date()
        self._first_day = local_origin - timedelta(days=7)
        self._end_day = local_origin + timedelta(days=28)
        self._build()

    # -- building the intervals -------------------------------------------------------------
    def _windows(self, first_day: date, end_day: date):
        weekly, holidays = self.calendar.weekly, self.calendar.holidays
        overtime: dict[date, list[Shift]] = {}
        for day, shift in self.calendar.overtime:
            overtime.setdefault(day, []).append(shift)
        day = first_day - timedelta(days=1)  # a night shift of the day before reaches into first_day
        while day < end_day:
            shifts = [] if day in holidays else list(weekly[day.weekday()])
            shifts += overtime.get(day, ())
            for shift in shifts:
                begin = datetime.combine(day, shift.start, tzinfo=self.tz)
                finish_day = day if shift.end > shift.start else day + timedelta(days=1)
                finish = datetime.combine(finish_day, shift.end, tzinfo=self.tz)
                yield to_minute(begin, self.origin), to_minute(finish, self.origin)
            day += timedelta(days=1)

    def _build(self) -> None:
        low = to_minute(datetime.combine(self._first_day, time(0), tzinfo=self.tz), self.origin)
        high = to_minute(datetime.combine(self._end_day, time(0), tzinfo=self.tz), self.origin)
        merged: list[list[int]] = []
        for begin, finish in sorted(self._windows(self._first_day, self._end_day)):
            begin, finish = max(begin, low), min(finish, high)
            if finish <= begin:
                continue
            if merged and begin <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], finish)
            else:
                merged.append([begin, finish])
        intervals = _subtract(merged, self._closures)
        self._low, self._high = low, high
        self.starts = [begin for begin, _finish in intervals]
        self.ends = [finish for _begin, finish in intervals]
        self.cum = [0]
        for begin, finish in intervals:
            self.cum.append(self.cum[-1] + finish - begin)
        # Below this minute (and at or above self._low) next_working needs no further building.
        self._last_end = min(self.ends[-1], high) if self.ends else low

    def _extend_forward(self, since: int) -> None:
        """Build further ahead; ``since`` is the minute the current question starts from."""
        if self._finite and self._end_day > self._last_overtime + timedelta(days=2):
            raise NoWorkingTimeError(
                _("Calendar “%(name)s” has no working time after %(date)s: add shifts or overtime.")
                % {"name": self.calendar.name, "date": date_format(self._last_overtime)})
        searched = self._end_day - (self.origin + since * MINUTE).astimezone(self.tz).date()
        if searched.days > SEARCH_LIMIT_DAYS:
            raise NoWorkingTimeError(
                _("Calendar “%(name)s” has no working time in the next ten years.") % {"name": self.calendar.name})
        self._end_day += timedelta(days=(self._end_day - self._first_day).days)
        self._build()

    def _extend_backward(self) -> None:
        span = (self._end_day - self._first_day).days
        self._first_day -= timedelta(days=span)
        self._build()

    def _cover(self, minute: int) -> None:
        while minute < self._low:
            self._extend_backward()
        while minute >= self._high or not self.ends or self.ends[-1] <= minute:
            self._extend_forward(minute)

    # -- questions ----------------------------------------------------------------------------
    def next_working(self, minute: int) -> int:
        """The first working minute at or after ``minute``."""
        if not self._low <= minute < self._last_end:
            self._cover(minute)
        index = bisect_right(self.ends, minute)
        start = self.starts[index]
        return start if start > minute else minute

    def add_working(self, minute: int, duration: int) -> int:
        """The instant at which ``duration`` working minutes, starting at ``minute``, are done."""
        start = self.next_working(minute)
        if duration <= 0:
            return start
        index = bisect_right(self.ends, start)
        target = self.cum[index] + (start - self.starts[index]) + duration
        while self.cum[-1] < target:
            self._extend_forward(start)
        index = bisect_left(self.cum, target) - 1
        return self.starts[index] + (target - self.cum[index])

    def working_between(self, begin: int, end: int) -> int:
        if end <= begin:
            return 0
        return self._worked_before(end) - self._worked_before(begin)

    def _worked_before(self, minute: int) -> int:
        self._cover(minute)
        index = bisect_right(self.starts, minute) - 1
        if index < 0:
            return 0
        return self.cum[index] + min(minute, self.ends[index]) - self.starts[index]

    def is_working(self, minute: int) -> bool:
        self._cover(minute)
        index = bisect_right(self.starts, minute) - 1
        return index >= 0 and minute < self.ends[index]


def _subtract(intervals: list[list[int]], closures: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if not closures:
        return [(begin, finish) for begin, finish in intervals]
    result = []
    for begin, finish in intervals:
        pieces = [(begin, finish)]
        for c_begin, c_end in closures:
            if c_begin >= finish or c_end <= begin:
                continue
            cut = [((b, min(f, c_begin)), (max(b, c_end), f)) for b, f in pieces]
            pieces = [part for halves in cut for part in halves if part[1] > part[0]]
        result.extend(pieces)
    return result


def to_minute(instant: datetime, origin: datetime, *, ceil: bool = False) -> int:
    """Minutes from ``origin`` to ``instant`` (both aware); rounded down, or up with ``ceil``."""
    if instant.tzinfo is None:
        raise SchedulingInputError(_("Times must be timezone-aware (got %(value)s).") % {"value": instant})
    seconds = (instant.astimezone(UTC) - origin).total_seconds()
    return math.ceil(seconds / 60) if ceil else math.floor(seconds / 60)


def from_minute(minute: int, origin: datetime, tz: ZoneInfo) -> datetime:
    return (origin + minute * MINUTE).astimezone(tz)


def timeline_for(calendar: WorkingCalendar | None, tz: ZoneInfo, origin: datetime):
    return AlwaysOpenTimeline() if calendar is None else CalendarTimeline(calendar, tz, origin)


class WorkingTime:
    """Working-time questions in datetimes, for one calendar in the factory's time zone.

    >>> hours = WorkingTime(WorkingCalendar.build("day", shifts=[("08:00", "12:00"), ("13:00", "17:00")]),
    ...                     "Asia/Shanghai")
    """

    def __init__(self, calendar: WorkingCalendar | None, timezone: str | ZoneInfo):
        self.tz = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
        self.calendar = calendar
        self.origin = None
        self.timeline = None

    def _minute(self, instant: datetime, *, ceil: bool = False) -> int:
        if instant.tzinfo is None:
            raise SchedulingInputError(_("Times must be timezone-aware (got %(value)s).") % {"value": instant})
        if self.timeline is None:  # the first question sets the origin, so the intervals stay near it
            local = instant.astimezone(self.tz)
            self.origin = datetime.combine(local.date(), time(0), tzinfo=self.tz).astimezone(UTC)
            self.timeline = timeline_for(self.calendar, self.tz, self.origin)
        return to_minute(instant, self.origin, ceil=ceil)

    def finish(self, start: datetime, minutes: int) -> datetime:
        """When ``minutes`` of work begun at ``start`` (or the next working instant) are done."""
        if minutes < 0:
            raise SchedulingInputError(_("A duration cannot be negative."))
        begin = self._minute(start, ceil=True)
        return from_minute(self.timeline.add_working(begin, int(minutes)), self.origin, self.tz)

    def next_working_instant(self, instant: datetime) -> datetime:
        begin = self._minute(instant, ceil=True)
        return from_minute(self.timeline.next_working(begin), self.origin, self.tz)

    def working_minutes_between(self, begin: datetime, end: datetime) -> int:
        first = self._minute(begin)
        return self.timeline.working_between(first, self._minute(end))
