"""The daily production plan (生产日计划): what each work center is planned to do on one factory day.

For a day (00:00 to 24:00 in the factory's TIME_ZONE) and one work center, or every work center, it
lists the operations whose planned time overlaps the day, in time order, with what the shop floor
needs to run and sign them off, and a header per work center: its working time that day (shifts and
overtime from its calendar, closures taken out), the minutes available (working time × parallel
units) and the planned load (the working minutes of the day its operations occupy), hence the
utilisation. Cancelled operations are left out; finished ones stay, so a past day reads as it ran. Where plans
need approval (planning.plan_approval), work not approved yet (still planned) is left out too.

The working time is worked out here from the calendar's weekly shifts and that day's exceptions with
the rules of planning.models (a holiday removes the day's shifts, overtime counts even then, a
closure wins; a shift ending before it starts runs into the next day, so the previous evening's
night shift reaches into the morning). Reads only: four queries whatever the number of operations or
work centers (work centers, shifts, exceptions, operations), one more when the day is empty (the next
day with planned work).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.models import Priority, Unit

from .models import WO, CalendarException, CalendarShift, ExceptionKind, WorkCenter, WorkOrderOperation

SHIFT, OVERTIME = "shift", "overtime"


@dataclass(frozen=True)
class WorkingWindow:
    """A stretch of the day's working time as the calendar gives it (before closures)."""

    start: datetime
    end: datetime
    kind: str  # SHIFT or OVERTIME


@dataclass(frozen=True)
class Closure:
    start: datetime
    end: datetime
    note: str


@dataclass
class PlanRow:
    """One operation on the sheet. `starts_before` / `ends_after`: it runs over from the previous day or
    into the next one (its times are then shown with their date)."""

    start: datetime
    end: datetime
    starts_before: bool
    ends_after: bool
    unit: int | None
    order_id: int
    order_number: str
    rush: bool
    customer_name: str
    work_order_number: str
    batch_number: str
    item_code: str
    item_name: str
    item_unit: str
    sequence: int
    description: str
    quantity: Decimal
    setup_minutes: Decimal
    run_minutes: Decimal
    status: str
    locked: bool
    load_minutes: int

    @property
    def unit_label(self):
        return "" if self.unit is None else str(self.unit + 1)


@dataclass
class CenterPlan:
    center: WorkCenter
    windows: list[WorkingWindow]
    closures: list[Closure]
    holiday: bool
    available_minutes: int
    down_until: datetime | None = None  # the center is out of order (a breakdown) until then
    rows: list[PlanRow] = field(default_factory=list)

    @property
    def load_minutes(self):
        return sum(row.load_minutes for row in self.rows)

    @property
    def utilisation_percent(self):
        """Planned load over available minutes, in percent (None when the center has no working time)."""
        if not self.available_minutes:
            return None
        return (Decimal(self.load_minutes) * 100 / self.available_minutes).quantize(Decimal("1"), ROUND_HALF_UP)

    @property
    def overloaded(self):
        return self.load_minutes > self.available_minutes

    @property
    def rush_count(self):
        return sum(1 for row in self.rows if row.rush)


@dataclass
class DailyPlan:
    day: date
    time_zone: str
    centers: list[CenterPlan]  # every center asked for, in code order
    next_planned_day: date | None = None  # when nothing is planned on `day`: the next day that has work

    @property
    def with_work(self):
        return [plan for plan in self.centers if plan.rows]

    @property
    def idle(self):
        return [plan for plan in self.centers if not plan.rows]

    @property
    def operation_count(self):
        return sum(len(plan.rows) for plan in self.centers)

    @property
    def load_minutes(self):
        return sum(plan.load_minutes for plan in self.centers)

    @property
    def available_minutes(self):
        return sum(plan.available_minutes for plan in self.centers)


def day_bounds(day, tz):
    return datetime.combine(day, time(0), tzinfo=tz), datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def planning_centers(center=None):
    """The work centers a plan covers: the one given, else every active one (code order)."""
    if center is not None:
        return [center]
    return list(WorkCenter.objects.filter(is_active=True).select_related("calendar").order_by("code"))


def daily_plan(day: date, center: WorkCenter | None = None) -> DailyPlan:
    """The plan of `day` for `center`, or for every active work center (plus inactive ones that still
    have operations that day)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    day_start, day_end = day_bounds(day, tz)
    centers = planning_centers(center)
    rows_by_center = _operation_rows(day_start, day_end, tz, center)
    if center is None:
        known = {c.pk for c in centers}
        extra = [pk for pk in rows_by_center if pk not in known]
        if extra:  # an inactive center that still has work that day
            centers += list(WorkCenter.objects.filter(pk__in=extra).select_related("calendar"))
            centers.sort(key=lambda c: c.code)
    calendars = {c.calendar_id for c in centers}
    shifts, exceptions = _calendar_parts(calendars, day)
    plans = []
    for work_center in centers:
        windows, closures, holiday = working_windows(day, work_center.calendar, shifts.get(work_center.calendar_id, []),
                                                     exceptions.get(work_center.calendar_id, []), tz)
        open_time = subtract(merge((w.start, w.end) for w in windows), [(c.start, c.end) for c in closures])
        plan = CenterPlan(center=work_center, windows=windows, closures=closures, holiday=holiday,
                          available_minutes=_minutes(open_time) * work_center.parallel_units,
                          down_until=_down_on(work_center, day_start))
        for row, start, end in rows_by_center.get(work_center.pk, []):
            row.load_minutes = _minutes(intersect(open_time, max(start, day_start), min(end, day_end)))
            plan.rows.append(row)
        plans.append(plan)
    result = DailyPlan(day=day, time_zone=str(tz), centers=plans)
    if not result.operation_count:
        result.next_planned_day = _next_planned_day(day_end, tz, center)
    return result


def _down_on(center, day_start):
    """When the center is out of order past the start of the day: until when (else None)."""
    return center.down_until if center.down_until is not None and center.down_until > day_start else None


# --- queries ---------------------------------------------------------------------------------------

def _live_operations():
    """Planned, released, started and finished operations; where plans need the production department head's
    approval (settings.PLAN_APPROVAL_REQUIRED), only approved work: released by the approval or later."""
    hidden = Q(status=WO.CANCELLED) | Q(work_order__status=WO.CANCELLED)
    if settings.PLAN_APPROVAL_REQUIRED:
        hidden |= Q(work_order__status=WO.PLANNED)
    return (WorkOrderOperation.objects.filter(planned_start__isnull=False, planned_end__isnull=False)
            .exclude(hidden).annotate(center_id=Coalesce("planned_work_center_id", "work_center_id")))


def _operation_rows(day_start, day_end, tz, center):
    """{work center id: [(PlanRow, start, end)]} for the operations overlapping the day, in time order.
    One query; plain values because a busy day holds hundreds of operations."""
    qs = _live_operations().filter(planned_start__lt=day_end, planned_end__gt=day_start)
    if center is not None:
        qs = qs.filter(center_id=center.pk)
    # Labels translated once (they are lazy), not once per row.
    status_labels = {value: str(label) for value, label in WO.choices}
    unit_labels = {value: str(label) for value, label in Unit.choices}
    rows = {}
    for value in qs.order_by("planned_start", "planned_unit", "pk").values(
            "center_id", "sequence", "description", "planned_unit", "planned_start", "planned_end", "locked",
            "status", "quantity", "setup_minutes", "run_minutes_per_unit", "work_order__number",
            "work_order__batch_number", "work_order__item__code", "work_order__item__name", "work_order__item__unit",
            "work_order__order_id", "work_order__order__number", "work_order__order__priority",
            "work_order__order__customer__name"):
        start, end = value["planned_start"].astimezone(tz), value["planned_end"].astimezone(tz)
        row = PlanRow(
            start=start, end=end, starts_before=start < day_start, ends_after=end > day_end,
            unit=value["planned_unit"], order_id=value["work_order__order_id"],
            order_number=value["work_order__order__number"],
            rush=value["work_order__order__priority"] == Priority.RUSH,
            customer_name=value["work_order__order__customer__name"],
            work_order_number=value["work_order__number"], batch_number=value["work_order__batch_number"],
            item_code=value["work_order__item__code"], item_name=value["work_order__item__name"],
            item_unit=unit_labels.get(value["work_order__item__unit"], value["work_order__item__unit"]),
            sequence=value["sequence"],
            description=value["description"], quantity=value["quantity"], setup_minutes=value["setup_minutes"],
            run_minutes=value["run_minutes_per_unit"] * value["quantity"],
            status=status_labels.get(value["status"], value["status"]), locked=value["locked"], load_minutes=0)
        rows.setdefault(value["center_id"], []).append((row, start, end))
    return rows


def _calendar_parts(calendar_ids, day):
    """Weekly shifts, and the exceptions from the day before to the day after (a night shift or a closure
    that began the evening before reaches into the day; a calendar in another time zone may reach further),
    per calendar: two queries."""
    shifts, exceptions = {}, {}
    for shift in CalendarShift.objects.filter(calendar_id__in=calendar_ids).order_by("weekday", "start"):
        shifts.setdefault(shift.calendar_id, []).append(shift)
    for exception in (CalendarException.objects.filter(calendar_id__in=calendar_ids,
                                                       date__range=(day - timedelta(days=1), day + timedelta(days=1)))
                      .order_by("date", "start")):
        exceptions.setdefault(exception.calendar_id, []).append(exception)
    return shifts, exceptions


def _next_planned_day(after, tz, center):
    qs = _live_operations().filter(planned_end__gt=after)
    if center is not None:
        qs = qs.filter(center_id=center.pk)
    first = qs.aggregate(first=Min("planned_start"))["first"]
    if first is None:
        return None
    return max(first, after).astimezone(tz).date()


# --- working time of one day ---------------------------------------------------------------------

def _at(day, moment, tz):
    return datetime.combine(day, moment, tzinfo=tz)


def _span(day, start, end, tz):
    """A window from `start` to `end` on `day`; an end not after the start is on the next day."""
    return _at(day, start, tz), _at(day if end > start else day + timedelta(days=1), end, tz)


def working_windows(day, calendar, shifts, exceptions, factory_tz):
    """The calendar's working windows that fall on `day` (factory time), the closures that touch it, and
    whether the day is a holiday. `shifts` are the calendar's weekly shifts, `exceptions` its exceptions
    from the day before to the day after."""
    tz = ZoneInfo(calendar.time_zone)
    day_start, day_end = day_bounds(day, factory_tz)
    windows, closures = [], []
    holidays = {e.date for e in exceptions if e.kind == ExceptionKind.HOLIDAY}
    for when in (day - timedelta(days=1), day, day + timedelta(days=1)):
        candidates = [] if when in holidays else [
            (s.start, s.end, SHIFT) for s in shifts if s.weekday == when.weekday()]
        candidates += [(e.start, e.end, OVERTIME) for e in exceptions
                       if e.kind == ExceptionKind.OVERTIME and e.date == when]
        for start, end, kind in candidates:
            begin, finish = _span(when, start, end, tz)
            begin, finish = max(begin, day_start), min(finish, day_end)
            if finish > begin:
                windows.append(WorkingWindow(begin, finish, kind))
    for exception in exceptions:
        if exception.kind != ExceptionKind.CLOSURE:
            continue
        if exception.start is None:
            begin, finish = _at(exception.date, time(0), tz), _at(exception.date + timedelta(days=1), time(0), tz)
        else:
            begin, finish = _span(exception.date, exception.start, exception.end, tz)
        if begin < day_end and finish > day_start:
            closures.append(Closure(max(begin, day_start), min(finish, day_end), exception.note))
    windows.sort(key=lambda w: (w.start, w.end))
    return windows, closures, day in holidays


def merge(spans):
    """Overlapping or touching (start, end) spans joined, in order."""
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract(spans, cuts):
    """`spans` (merged, in order) without the parts covered by `cuts`."""
    result = []
    for start, end in spans:
        pieces = [(start, end)]
        for cut_start, cut_end in cuts:
            pieces = [part for begin, finish in pieces
                      for part in ((begin, min(finish, cut_start)), (max(begin, cut_end), finish))
                      if part[1] > part[0]]
        result.extend(pieces)
    return result


def intersect(spans, start, end):
    return [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]


def _minutes(spans):
    return int(sum((end - start).total_seconds() for start, end in spans) // 60)


def today():
    return timezone.localdate(timezone=ZoneInfo(settings.TIME_ZONE))
