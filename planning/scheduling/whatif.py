"""What a change does to the other jobs, before anything is saved.

``compare(before, after)`` lists the jobs that finish later (most delayed first), those that become
late, those that finish earlier, and the jobs added or removed. ``what_if(problem, current)``
reschedules ``problem`` (the current jobs plus the new or changed ones) incrementally around the
current schedule and compares: "inserting this rush order moves these orders by this much".
Delays are calendar minutes between the two finishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .compiled import natural_key
from .engine import schedule as make_schedule
from .model import Problem, Schedule


@dataclass(frozen=True)
class JobChange:
    job_id: str | int
    finish_before: datetime
    finish_after: datetime
    delay_minutes: int  # positive: later
    late_before: int | None  # minutes late (negative: early); None without a due date
    late_after: int | None

    @property
    def becomes_late(self) -> bool:
        return self.late_after is not None and self.late_after > 0 and not (self.late_before or 0) > 0


@dataclass
class Impact:
    delayed: list[JobChange] = field(default_factory=list)
    earlier: list[JobChange] = field(default_factory=list)
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def newly_late(self) -> list[JobChange]:
        return [change for change in self.delayed if change.becomes_late]

    @property
    def moves_nothing(self) -> bool:
        return not self.delayed and not self.earlier


def compare(before: Schedule, after: Schedule) -> Impact:
    impact = Impact()
    for job_id, finish_after in after.job_finish.items():
        finish_before = before.job_finish.get(job_id)
        if finish_before is None:
            impact.added.append(job_id)
            continue
        delay = round((finish_after - finish_before).total_seconds() / 60)
        if delay == 0:
            continue
        change = JobChange(job_id, finish_before, finish_after, delay, before.lateness.get(job_id),
                           after.lateness.get(job_id))
        (impact.delayed if delay > 0 else impact.earlier).append(change)
    impact.removed = sorted((job_id for job_id in before.job_finish if job_id not in after.job_finish),
                            key=natural_key)
    impact.added.sort(key=natural_key)
    impact.delayed.sort(key=lambda change: (-change.delay_minutes, natural_key(change.job_id)))
    impact.earlier.sort(key=lambda change: (change.delay_minutes, natural_key(change.job_id)))
    return impact


def what_if(problem: Problem, current: Schedule, *, keep_released: bool = True, **options) -> tuple[Schedule, Impact]:
    """The schedule ``problem`` would get, rescheduled around ``current``, and its impact."""
    proposed = make_schedule(problem, previous=current, keep_released=keep_released, **options)
    return proposed, compare(current, proposed)
