"""Crew load: people booked per skill against people on shift, over a time window, for the Gantt's crew
band and the daily plan's people list (what the plan needs per shift and skill, and shortages).

People on shift come from the active crews and their calendars (planning.scheduling.people); people
booked from the planned operations that need people, held in their unit's working time as the scheduler
books them. A valid plan never books more than are on shift; a shortage shows a plan made before a crew
changed (a crew deactivated, a calendar cut): replan, or add people or overtime. Reads: the crews (with
their calendars), the operations (one query) and the work centers' calendars they ran on.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.db.models import Q

from .crew_models import Skill
from .gantt import CHART_WIDTH, HEADER_HEIGHT, LABEL_WIDTH
from .models import WO, WorkOrderOperation
from .scheduling.calendar import from_minute, timeline_for, to_minute
from .scheduling.people import INF, Pool, Usage, pools_for, working_pieces
from .selectors import scheduling_crews, working_calendar


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime
    used: int
    on_shift: int

    @property
    def short(self):
        return max(0, self.used - self.on_shift)


@dataclass(frozen=True)
class ShiftNeed:
    """A stretch with people of the skill on shift (or people needed without any on shift): the most
    needed at once, the fewest on shift, and the largest shortage in it."""

    start: datetime
    end: datetime
    needed: int
    on_shift: int
    short: int


@dataclass
class SkillLoad:
    code: str
    name: str
    peak: int  # people of the skill when every crew with it is on shift
    segments: list = field(default_factory=list)
    operations: int = 0
    shift_starts: frozenset = frozenset()  # where a shift of a crew with the skill begins

    @property
    def short(self):
        return max((segment.short for segment in self.segments), default=0)

    @property
    def needed(self):
        return max((segment.used for segment in self.segments), default=0)

    def shifts(self):
        """Segments merged into shifts: stretches with people on shift or people needed, cut where a crew's
        shift begins (06:00–14:00 and 14:00–22:00 stay two shifts)."""
        shifts, current = [], None
        for segment in self.segments:
            if not (segment.on_shift or segment.used):
                current = None
                continue
            if current is not None and current["end"] == segment.start and segment.start not in self.shift_starts:
                current.update(end=segment.end, needed=max(current["needed"], segment.used),
                               on_shift=min(current["on_shift"], segment.on_shift),
                               short=max(current["short"], segment.short))
            else:
                current = {"start": segment.start, "end": segment.end, "needed": segment.used,
                           "on_shift": segment.on_shift, "short": segment.short}
                shifts.append(current)
        return [ShiftNeed(**shift) for shift in shifts]


def _shift_starts(crews, start, end, tz):
    """{skill: the instants in [start, end) where a shift (or overtime) of a crew with the skill begins}."""
    starts: dict[str, set] = {}
    for crew in crews:
        calendar = crew.calendar
        if calendar is None:
            continue
        overtime: dict = {}
        for day, shift in calendar.overtime:
            overtime.setdefault(day, []).append(shift)
        day = start.astimezone(tz).date()
        while (moment := datetime.combine(day, time(0), tzinfo=tz)) < end:
            shifts = ([] if day in calendar.holidays else list(calendar.weekly[day.weekday()])) + overtime.get(day, [])
            for shift in shifts:
                begin = datetime.combine(day, shift.start, tzinfo=tz)
                if start <= begin < end:
                    for skill, _count in crew.skills:
                        starts.setdefault(skill, set()).add(begin)
            day = moment.date() + timedelta(days=1)
    return starts


def _operations(start, end, approved_only):
    hidden = Q(status=WO.CANCELLED) | Q(work_order__status=WO.CANCELLED)
    if approved_only:  # the daily plan shows only approved work where plans need approval
        hidden |= Q(work_order__status=WO.PLANNED)
    return (WorkOrderOperation.objects.filter(people_required__gt=0, skill__isnull=False, planned_start__lt=end,
                                              planned_end__gt=start, planned_start__isnull=False)
            .exclude(hidden).select_related("skill", "planned_work_center__calendar", "work_center__calendar"))


def crew_load(start: datetime, end: datetime, tz, *, approved_only=False) -> list[SkillLoad]:
    """The load of every skill that crews have or planned operations need, from `start` to `end`
    (`approved_only`: only work orders released or later, as the daily plan shows where plans need approval)."""
    origin = start.astimezone(UTC)
    ops = list(_operations(start, end, approved_only))
    crews = scheduling_crews()
    if not crews and not ops:
        return []
    pools = pools_for(crews, tz, origin)
    pool_of = {pool.skill: pool for pool in pools}
    for op in ops:  # a skill no active crew has: nobody on shift
        if op.skill.code not in pool_of:
            pool_of[op.skill.code] = Pool(len(pools), op.skill.code, [])
            pools.append(pool_of[op.skill.code])
    usage = Usage(pools)
    timelines, counts = {}, {}
    for op in ops:
        center = op.planned_work_center or op.work_center
        if center.calendar_id not in timelines:
            timelines[center.calendar_id] = timeline_for(working_calendar(center.calendar), tz, origin)
        pool = pool_of[op.skill.code]
        counts[pool.skill] = counts.get(pool.skill, 0) + 1
        for begin, finish in working_pieces(timelines[center.calendar_id], to_minute(op.planned_start, origin),
                                            to_minute(op.planned_end, origin, ceil=True)):
            usage.add(pool, begin, finish, op.people_required)
    starts = _shift_starts(crews, start, end, tz)
    names = dict(Skill.objects.filter(code__in=list(pool_of)).values_list("code", "name"))
    last = to_minute(end, origin)
    loads = []
    for pool in sorted(pools, key=lambda p: p.skill):
        cuts = sorted({to_minute(moment, origin) for moment in starts.get(pool.skill, ())})
        load = SkillLoad(pool.skill, names.get(pool.skill, pool.skill), pool.peak, operations=counts.get(pool.skill, 0),
                         shift_starts=frozenset(from_minute(cut, origin, tz) for cut in cuts))
        minute = 0
        while minute < last:
            cut = next((c for c in cuts if c > minute), INF)
            following = min(last, cut, pool.next_change(minute), usage.next_change(pool, minute))
            used, on_shift = usage.at(pool, minute), pool.capacity(minute)
            if load.segments and (load.segments[-1].used, load.segments[-1].on_shift) == (used, on_shift) \
                    and minute not in cuts:
                previous = load.segments.pop()
                segment = Segment(previous.start, from_minute(following, origin, tz), used, on_shift)
            else:
                segment = Segment(from_minute(minute, origin, tz), from_minute(following, origin, tz), used, on_shift)
            load.segments.append(segment)
            minute = following if following != INF else last
        loads.append(load)
    return loads


BAND_ROW = 30  # the crew band's row height: people on shift fill it at the skill's peak


def band_drawing(loads, window):
    """The Gantt's crew band: a row per skill under the chart, on the chart's time axis; per stretch a
    light bar for the people on shift (its height: their share of the peak) and over it the people booked
    (red where more are booked than on shift). Numbers formatted here, texts escaped by the template."""
    rows = []
    for index, load in enumerate(loads):
        top = HEADER_HEIGHT + BAND_ROW * index
        bottom = top + BAND_ROW - 3
        scale = (BAND_ROW - 6) / max(load.peak, load.needed, 1)
        bars = []
        for segment in load.segments:
            if not (segment.on_shift or segment.used) or segment.end <= window.start or segment.start >= window.end:
                continue
            x, x_end = window.x(segment.start), window.x(segment.end)
            width = max(x_end - x, 1)
            bars.append({"x": f"{x:.1f}", "w": f"{width:.1f}",
                         "shift_y": f"{bottom - segment.on_shift * scale:.1f}",
                         "shift_h": f"{segment.on_shift * scale:.1f}",
                         "used_y": f"{bottom - segment.used * scale:.1f}", "used_h": f"{segment.used * scale:.1f}",
                         "short": bool(segment.short), "segment": segment})
        rows.append({"y": top, "label_y": top + BAND_ROW - 10, "load": load, "bars": bars})
    return {"width": LABEL_WIDTH + CHART_WIDTH, "height": HEADER_HEIGHT + BAND_ROW * max(len(loads), 1),
            "rows": rows, "row_height": BAND_ROW}
