"""People as the second resource of an operation: crews with skills on their own calendars.

An operation may need, besides a unit of its work center, ``people`` operators with a ``skill`` (a
welder, a filler operator). The people a skill has at an instant are the head counts of the crews with
that skill whose calendar is working then (several crews add up); an operation holds its people during
the working minutes of its unit between its start and its end (not over the night its unit stands
still), and nowhere may the people held exceed the people on shift.

- ``Crews`` is compiled once per problem: ``need[i]`` is ``(pool, people)`` or None, and one ``Pool`` per
  skill knows the head count on shift at each minute (``capacity``) and where it changes.
- ``FreeTime`` holds the people free per skill (on shift and not booked) as a step function built ahead
  as far as asked; the dispatcher, the insertion and the optimiser's timing each keep their own.
  ``Usage`` holds only the people booked (the validity check and the crew load pages).
- ``fit`` is the engine's gap search with both resources: the unit's earliest gap, moved later while the
  skill is short anywhere in the operation's working minutes, until both fit.

When no operation needs people (``Crews.active`` is False) nothing here runs: the scheduler takes the
path it took before crews existed, at the same speed.
"""

from __future__ import annotations

from bisect import bisect_right

from django.utils.translation import gettext as _

from .calendar import timeline_for
from .model import SchedulingInputError

INF = float("inf")
# A search that moves an operation this often has met a skill that never has enough people on shift.
MAX_TRIES = 100_000


def _boundary(timeline, minute):
    """The next minute after `minute` at which `timeline` switches between working and not."""
    if timeline.always_open:
        return INF
    if timeline.is_working(minute):
        return timeline.ends[bisect_right(timeline.starts, minute) - 1]
    return timeline.next_working(minute)


def working_pieces(timeline, begin, end):
    """The working intervals of `timeline` within [begin, end)."""
    if timeline.always_open:
        return [(begin, end)] if end > begin else []
    pieces, minute = [], begin
    while minute < end:
        minute = timeline.next_working(minute)
        if minute >= end:
            break
        finish = min(timeline.ends[bisect_right(timeline.starts, minute) - 1], end)
        pieces.append((minute, finish))
        minute = finish
    return pieces


class Pool:
    """The people with one skill: (timeline, head count) per crew."""

    def __init__(self, index, skill, members):
        self.index, self.skill, self.members = index, skill, members
        self.peak = sum(count for _timeline, count in members)

    def capacity(self, minute):
        return sum(count for timeline, count in self.members if timeline.is_working(minute))

    def next_change(self, minute):
        return min((_boundary(timeline, minute) for timeline, _count in self.members), default=INF)

    def changes(self, begin, end):
        """[(from, to, people on shift)] covering [begin, end)."""
        segments, minute = [], begin
        while minute < end:
            following = min(self.next_change(minute), end)
            segments.append((minute, following, self.capacity(minute)))
            minute = following
        return segments


class Usage:
    """People booked per pool: a step function (breakpoints, levels) each."""

    def __init__(self, pools):
        self.points = [[] for _pool in pools]
        self.levels = [[] for _pool in pools]

    def at(self, pool, minute):
        k = bisect_right(self.points[pool.index], minute) - 1
        return self.levels[pool.index][k] if k >= 0 else 0

    def next_change(self, pool, minute):
        points = self.points[pool.index]
        k = bisect_right(points, minute)
        return points[k] if k < len(points) else INF

    def _split(self, pool, minute):
        points, levels = self.points[pool.index], self.levels[pool.index]
        k = bisect_right(points, minute)
        if k and points[k - 1] == minute:
            return k - 1
        points.insert(k, minute)
        levels.insert(k, levels[k - 1] if k else 0)
        return k

    def add(self, pool, begin, end, people):
        first = self._split(pool, begin)
        last = self._split(pool, end)
        levels = self.levels[pool.index]
        for k in range(first, last):
            levels[k] += people

    def blocked(self, pool, people, pieces):
        """None when `people` more fit over every piece; else the first minute after the shortage from which
        they are free again (the operation cannot start before it)."""
        for begin, end in pieces:
            minute = begin
            while minute < end:
                following = min(end, pool.next_change(minute), self.next_change(pool, minute))
                if self.at(pool, minute) + people > pool.capacity(minute):
                    return following
                minute = following
        return None



def pools_for(crews, tz, origin) -> list[Pool]:
    """One Pool per skill of `crews` (scheduling.model.Crew), on the minute timeline from `origin`."""
    members: dict[str, list] = {}
    timelines = {}
    for crew in crews:
        key = id(crew.calendar)
        if key not in timelines:
            timelines[key] = timeline_for(crew.calendar, tz, origin)
        for skill, count in crew.skills:
            if not isinstance(count, int) or count < 0:
                raise SchedulingInputError(_("Crew %(crew)s needs a head count of zero or more for %(skill)s.")
                                           % {"crew": crew.code, "skill": skill})
            if count:
                members.setdefault(skill, []).append((timelines[key], count))
    return [Pool(index, skill, crew_members) for index, (skill, crew_members) in enumerate(members.items())]


class FreeTime:
    """The scheduler's view of the people: per pool, the people on shift and not booked, as a step function
    (breakpoints, free people) built a week at a time as far as the questions reach, so that finding where
    an operation's people are free is a binary search and a walk over one list."""

    CHUNK = 7 * 24 * 60
    LIMIT = 3660 * 24 * 60  # ten years of searching: the skill never has the people

    def __init__(self, pools):
        self.points = [[] for _pool in pools]
        self.free = [[] for _pool in pools]

    def _ensure(self, pool, begin, end):
        points, free = self.points[pool.index], self.free[pool.index]
        if not points:
            low = begin - 24 * 60
            for seg_begin, _seg_end, capacity in pool.changes(low, end + self.CHUNK):
                points.append(seg_begin)
                free.append(capacity)
            points.append(end + self.CHUNK)
            free.append(0)  # the sentinel past the built end, replaced when it is built further
            return
        if begin < points[0]:
            low = begin - 24 * 60
            head = pool.changes(low, points[0])
            points[:0] = [seg_begin for seg_begin, _e, _c in head]
            free[:0] = [capacity for _b, _e, capacity in head]
        while end >= points[-1]:
            self._extend(pool)

    def _extend(self, pool):
        points, free = self.points[pool.index], self.free[pool.index]
        built = points.pop()
        free.pop()
        if built - points[0] > self.LIMIT:
            raise SchedulingInputError(_("Skill %(skill)s has no people free on shift in the next ten years.")
                                       % {"skill": pool.skill})
        for seg_begin, _seg_end, capacity in pool.changes(built, built + self.CHUNK):
            points.append(seg_begin)
            free.append(capacity)
        points.append(built + self.CHUNK)
        free.append(0)

    def _split(self, pool, minute):
        points, free = self.points[pool.index], self.free[pool.index]
        k = bisect_right(points, minute)
        if points[k - 1] == minute:
            return k - 1
        points.insert(k, minute)
        free.insert(k, free[k - 1])
        return k

    def add(self, pool, begin, end, people):
        self._ensure(pool, begin, end)
        first, last = self._split(pool, begin), self._split(pool, end)
        free = self.free[pool.index]
        for k in range(first, last):
            free[k] -= people

    def blocked(self, pool, people, pieces):
        """None when `people` more are free over every piece; else the first minute after the shortage from
        which they are (the operation cannot start before it)."""
        points, free = self.points[pool.index], self.free[pool.index]
        for begin, end in pieces:
            self._ensure(pool, begin, end)
            k = bisect_right(points, begin) - 1
            while points[k] < end:
                if free[k] < people:
                    return self._free_from(pool, people, k)
                k += 1
        return None

    def _free_from(self, pool, people, k):
        points, free = self.points[pool.index], self.free[pool.index]
        while True:
            k += 1
            if k == len(points) - 1:
                self._extend(pool)
            if free[k] >= people:
                return points[k]


class Crews:
    """The problem's crews compiled: one pool per skill, and what each operation needs."""

    def __init__(self, compiled, problem):
        self.pools: list[Pool] = []
        self.pool_of: dict[str, Pool] = {}
        self.need: list[tuple[Pool, int] | None] = [None] * compiled.size
        self.label = compiled.label
        self.pools = pools_for(problem.crews, compiled.tz, compiled.origin)
        self.pool_of = {pool.skill: pool for pool in self.pools}
        for j, job in enumerate(compiled.jobs):
            for position, op in enumerate(job.operations):
                people = op.people or 0
                if not people:
                    continue
                names = {"op": op.id, "job": job.id, "skill": op.skill, "people": people}
                if not isinstance(people, int) or people < 0 or not op.skill:
                    raise SchedulingInputError(
                        _("Operation %(op)s of job %(job)s needs a skill and a whole number of people.") % names)
                pool = self.pool_of.get(op.skill)
                if pool is None or pool.peak < people:
                    raise SchedulingInputError(
                        _("Operation %(op)s of job %(job)s needs %(people)s people with skill %(skill)s; no crews "
                          "have that many.") % names)
                self.need[compiled.job_ops[j][position]] = (pool, people)
        self.active = any(self.need)

    def usage(self) -> FreeTime:
        return FreeTime(self.pools)

    def fit(self, usage, units, i, unit, earliest, duration):
        """(begin, finish, waited): the earliest place on `unit` from `earliest` where the unit is free and
        the people are on shift and free; `waited` is True when the people (not the unit) set the start."""
        begin, finish = units.fit(unit, earliest, duration)
        need = self.need[i]
        if need is None:
            return begin, finish, False
        pool, people = need
        timeline = units.timelines[unit]
        waited = False
        for _try in range(MAX_TRIES):
            later = usage.blocked(pool, people, working_pieces(timeline, begin, finish))
            if later is None:
                return begin, finish, waited
            waited = True
            begin, finish = units.fit(unit, later, duration)
        raise SchedulingInputError(
            _("Skill %(skill)s never has %(people)s people free on shift for %(op)s.")
            % {"skill": pool.skill, "people": people, "op": self.label(i)})

    def occupy(self, usage, timeline, i, begin, finish):
        need = self.need[i]
        if need is None:
            return
        pool, people = need
        for piece_begin, piece_end in working_pieces(timeline, begin, finish):
            usage.add(pool, piece_begin, piece_end, people)


def shortages(crews: Crews, usage: Usage):
    """[(pool, minute, booked, on shift)]: where a usage exceeds the people on shift (the validity check)."""
    found = []
    for pool in crews.pools:
        points, levels = usage.points[pool.index], usage.levels[pool.index]
        for k, begin in enumerate(points[:-1]):
            if not levels[k]:
                continue
            for seg_begin, _seg_end, capacity in pool.changes(begin, points[k + 1]):
                if levels[k] > capacity:
                    found.append((pool, seg_begin, levels[k], capacity))
    return found
