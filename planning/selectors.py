"""Reads of planning master data. Each list page costs a fixed number of queries whatever the number
of rows; object pages fetch their parts with prefetches."""

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from inventory.models import Item, Sourcing
from orders.models import Product

from .filters import RoutingFilter, WorkCenterFilter
from .models import (
    CalendarException,
    CalendarShift,
    Crew,
    CrewSkill,
    ExceptionKind,
    Routing,
    RoutingOperation,
    Skill,
    WorkCalendar,
    WorkCenter,
)
from .scheduling.calendar import Closure, WorkingCalendar
from .scheduling.model import Crew as SchedulingCrew
from .scheduling.model import WorkCenter as SchedulingWorkCenter


def work_center_list(user, filters=None):
    if not user.has_perm("planning.view_workcenter"):
        return WorkCenter.objects.none()
    return WorkCenterFilter(filters or {}, WorkCenter.objects.select_related("calendar")).qs


def work_center_detail(user, pk):
    qs = WorkCenter.objects.select_related("calendar") if user.has_perm("planning.view_workcenter") else (
        WorkCenter.objects.none())
    return get_object_or_404(qs, pk=pk)


def calendar_choices():
    return WorkCalendar.objects.order_by("name")


def _count(model, **filters):
    """A correlated count (no row multiplication when several counts are annotated)."""
    return Coalesce(Subquery(model.objects.filter(**filters).order_by().values("calendar")
                             .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), Value(0))


def calendar_list(user, filters: dict):
    if not user.has_perm("planning.view_workcalendar"):
        return WorkCalendar.objects.none()
    today = timezone.localdate()
    qs = WorkCalendar.objects.annotate(
        work_center_count=_count(WorkCenter, calendar=OuterRef("pk")),
        upcoming_exception_count=_count(CalendarException, calendar=OuterRef("pk"), date__gte=today),
    ).prefetch_related(Prefetch("shifts", queryset=CalendarShift.objects.order_by("weekday", "start")))
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name", "id")


def calendar_detail(user, pk):
    """A calendar with its shifts, its exceptions from a month ago on, and the work centers using it."""
    if not user.has_perm("planning.view_workcalendar"):
        return get_object_or_404(WorkCalendar.objects.none(), pk=pk)
    since = timezone.localdate() - timedelta(days=31)
    qs = WorkCalendar.objects.prefetch_related(
        Prefetch("shifts", queryset=CalendarShift.objects.order_by("weekday", "start")),
        Prefetch("exceptions", queryset=CalendarException.objects.filter(date__gte=since).order_by("date", "start")),
        Prefetch("work_centers", queryset=WorkCenter.objects.order_by("code")),
    )
    return get_object_or_404(qs, pk=pk)


def calendar_exception(calendar, pk):
    return get_object_or_404(CalendarException, calendar=calendar, pk=pk)


def _active_routing(field):
    return Subquery(Routing.objects.filter(item=OuterRef("pk"), is_active=True).values(field)[:1])


def routing_list(user, filters=None):
    """Items made in house with their active routing (version and number of operations)."""
    if not user.has_perm("planning.view_routing"):
        return Item.objects.none()
    operation_count = Subquery(RoutingOperation.objects.filter(routing__item=OuterRef("pk"), routing__is_active=True)
                               .order_by().values("routing").annotate(n=Count("pk")).values("n")[:1],
                               output_field=IntegerField())
    qs = Item.objects.filter(sourcing=Sourcing.MAKE, is_active=True).annotate(
        routing_version=_active_routing("version"), operation_count=operation_count)
    return RoutingFilter(filters or {}, qs).qs.order_by("code", "id")


def routing_item(user, pk):
    qs = Item.objects.all() if user.has_perm("planning.view_routing") else Item.objects.none()
    return get_object_or_404(qs, pk=pk)


def _operations():
    return Prefetch("operations", queryset=RoutingOperation.objects.select_related(
        "work_center", "alternative_work_center", "skill").order_by("sequence"))


def active_routing(item):
    return Routing.objects.filter(item=item, is_active=True).prefetch_related(_operations()).first()


def routing_versions(item):
    return list(Routing.objects.filter(item=item).select_related("created_by")
                .annotate(entry_count=Count("operations")).order_by("-version"))


def routing_version(item, pk):
    return get_object_or_404(Routing.objects.filter(item=item).prefetch_related(_operations()), pk=pk)


def work_center_options():
    """Active work centers for the operation pickers (one query)."""
    return list(WorkCenter.objects.filter(is_active=True).only("id", "code", "name").order_by("code"))


def skill_options():
    """Active skills for the operation pickers (one query)."""
    return list(Skill.objects.filter(is_active=True).only("id", "code", "name").order_by("code"))


# --- for the scheduler -------------------------------------------------------------------------

def working_calendar(calendar):
    """The calendar as the scheduler's WorkingCalendar (planning.scheduling.calendar): weekly shifts,
    holidays, closures (a whole day, or from start to end, in the calendar's time zone) and overtime.
    Two queries. Raises NoWorkingTimeError for a calendar without any working time."""
    tz = ZoneInfo(calendar.time_zone)
    weekly = defaultdict(list)
    for shift in calendar.shifts.order_by("weekday", "start"):
        weekly[shift.weekday].append((shift.start, shift.end))
    holidays, closures, overtime = [], [], defaultdict(list)
    for exception in CalendarException.objects.filter(calendar=calendar).order_by("date", "start"):
        if exception.kind == ExceptionKind.HOLIDAY:
            holidays.append(exception.date)
        elif exception.kind == ExceptionKind.OVERTIME:
            overtime[exception.date].append((exception.start, exception.end))
        else:
            start, end = (exception.start or time(0)), (exception.end or time(0))
            end_day = exception.date if exception.start is not None and end > start else exception.date + timedelta(1)
            closures.append(Closure(start=datetime.combine(exception.date, start, tzinfo=tz),
                                    end=datetime.combine(end_day, end, tzinfo=tz), reason=exception.note))
    return WorkingCalendar.build(calendar.name, weekly=dict(weekly), holidays=holidays, closures=closures,
                                 overtime=dict(overtime))


def scheduling_work_center(center):
    """The work center as the scheduler's WorkCenter (units, efficiency, calendar)."""
    return SchedulingWorkCenter(code=center.code, units=center.parallel_units, efficiency=center.efficiency_percent,
                                calendar=working_calendar(center.calendar), name=center.name)


def scheduling_crews():
    """The active crews as the scheduler's Crews (planning.scheduling.people): head count per active skill,
    on their calendars (each read once)."""
    crews, calendars = [], {}
    for crew in (Crew.objects.filter(is_active=True).select_related("calendar")
                 .prefetch_related(Prefetch("skills", queryset=CrewSkill.objects.filter(skill__is_active=True)
                                            .select_related("skill").order_by("skill__code"))).order_by("code")):
        skills = tuple((row.skill.code, row.head_count) for row in crew.skills.all())
        if not skills:
            continue
        if crew.calendar_id not in calendars:
            calendars[crew.calendar_id] = working_calendar(crew.calendar)
        crews.append(SchedulingCrew(code=crew.code, skills=skills, calendar=calendars[crew.calendar_id],
                                    name=crew.name))
    return tuple(crews)


def products_by_sku(skus):
    """The products with these SKUs, by SKU (for a promise typed on the order entry page)."""
    return {p.sku: p for p in Product.objects.filter(sku__in=skus)}
