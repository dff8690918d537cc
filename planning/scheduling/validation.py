"""The one validity checker for schedules, used by the tests and the benchmarks.

``validate_schedule`` returns a list of what is wrong (empty when the schedule is valid):
every operation placed once on a unit it may use; fixed operations where they were fixed; the
others not before their release or the schedule start, starting in working time and ending exactly
when their working minutes are done (so no work falls in closed time), after each predecessor's end
plus the minimum wait; no two operations overlapping on a unit; never more people of a skill booked
than its crews have on shift; the reported finishes, lateness
and makespan matching the placements. Messages are for developers, in English.
"""

from __future__ import annotations

from .calendar import to_minute
from .compiled import CompiledProblem
from .model import Problem, Schedule
from .people import Usage, shortages, working_pieces


def validate_schedule(problem: Problem, schedule: Schedule, *, previous: Schedule | None = None,
                      keep_released: bool = False) -> list[str]:
    compiled = CompiledProblem(problem, previous=previous, keep_released=keep_released)
    problems: list[str] = []
    missing = [key for key in compiled.keys if key not in schedule.assignments]
    extra = [key for key in schedule.assignments if key not in compiled.index]
    problems += [f"{key} is not placed" for key in missing]
    problems += [f"{key} is placed but not in the problem" for key in extra]
    if missing:
        return problems
    unit_of, start, end = compiled.read_schedule(schedule)
    for i in range(compiled.size):
        label = compiled.label(i)
        allowed = {unit for unit, _duration in compiled.options[i]}
        if unit_of[i] not in allowed:
            problems.append(f"{label} runs on a unit it cannot use")
            continue
        if compiled.fixed[i] is not None:
            if (unit_of[i], start[i], end[i]) != compiled.fixed[i]:
                problems.append(f"{label} is fixed but was moved")
            continue
        timeline = compiled.units[unit_of[i]].timeline
        duration = compiled.duration_on(i, unit_of[i])
        if start[i] < compiled.release[i]:
            problems.append(f"{label} starts at minute {start[i]}, before its release at {compiled.release[i]}")
        if timeline.next_working(start[i]) != start[i]:
            problems.append(f"{label} starts at minute {start[i]}, which is not working time")
        if timeline.add_working(start[i], duration) != end[i]:
            problems.append(f"{label} ends at minute {end[i]}, not when its {duration} working minutes are done")
        for p, wait in compiled.preds[i]:
            if start[i] < end[p] + wait:
                problems.append(f"{label} starts at minute {start[i]}, before {compiled.label(p)} ends "
                                f"({end[p]}) plus the wait of {wait}")
    by_unit: dict[int, list[int]] = {}
    for i in range(compiled.size):
        by_unit.setdefault(unit_of[i], []).append(i)
    for unit, ops in by_unit.items():
        ops.sort(key=lambda i: (start[i], end[i]))
        for a, b in zip(ops, ops[1:], strict=False):
            if start[b] < end[a]:
                problems.append(f"{compiled.label(a)} and {compiled.label(b)} overlap on unit {unit}")
    if compiled.crews.active:
        usage = Usage(compiled.crews.pools)  # the people booked, counted apart from who is on shift
        for i in range(compiled.size):
            if compiled.crews.need[i] is not None:
                pool, people = compiled.crews.need[i]
                for begin, finish in working_pieces(compiled.units[unit_of[i]].timeline, start[i], end[i]):
                    usage.add(pool, begin, finish, people)
        for pool, minute, booked, on_shift in shortages(compiled.crews, usage):
            problems.append(f"{booked} people with skill {pool.skill} are booked at minute {minute}, "
                            f"but {on_shift} are on shift")
    if schedule.makespan != max(end):
        problems.append(f"the makespan is {schedule.makespan}, the placements say {max(end)}")
    for j, job in enumerate(compiled.jobs):
        finish = max(end[i] for i in compiled.job_ops[j])
        reported = schedule.job_finish.get(job.id)
        if reported is None or to_minute(reported, compiled.origin) != finish:
            problems.append(f"job {job.id} is reported to finish at {reported}, the placements say minute {finish}")
        if compiled.due[j] is not None and schedule.lateness.get(job.id) != finish - compiled.due[j]:
            problems.append(f"job {job.id}'s lateness is {schedule.lateness.get(job.id)}, "
                            f"the placements say {finish - compiled.due[j]}")
    return problems
