"""What the scheduler is given and what it returns: plain dataclasses, no Django models.

The planning app turns its work centers, calendars and work orders into these objects; the job-shop
reader builds them from benchmark files. Times are timezone-aware datetimes; durations are minutes.

Conventions (the scheduler's contract with the planner):
- An operation's duration is ``setup + run_per_unit * quantity * 100 / efficiency`` working minutes on
  the work center it runs on, rounded up to whole minutes. Efficiency scales run time only (setup is a
  fixed job); 80 % efficiency makes the run 1.25 times longer.
- An operation may span breaks, nights, weekends and holidays: it stops at the end of a shift and
  continues at the start of the next one, holding its unit meanwhile (nothing else runs on that unit
  in between). Start and end are therefore calendar instants, and end - start can exceed the duration.
- ``min_wait`` after a predecessor is elapsed calendar time (cooling, drying, transport go on at
  night), not working time.
- A job's lateness is its finish minus its due instant in calendar minutes (negative: early).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .calendar import WorkingCalendar

Number = int | Decimal | float


class SchedulingInputError(ValueError):
    """Bad scheduling input, with a message a planner can act on."""


class OperationStatus(enum.StrEnum):
    PLANNED = "planned"
    RELEASED = "released"
    STARTED = "started"
    DONE = "done"


@dataclass(frozen=True, eq=False)
class WorkCenter:
    """A work center with ``units`` identical parallel machines or crews sharing one calendar.

    ``calendar=None`` means always open (24/7), as in job-shop benchmarks."""

    code: str
    units: int = 1
    efficiency: Number = 100
    calendar: WorkingCalendar | None = None
    name: str = ""


@dataclass(frozen=True, eq=False)
class Crew:
    """People as a resource: ``skills`` maps a skill code to the head count of this crew with it (on each
    of its shifts); the crew works on ``calendar`` (None: always). Several crews with a skill add up."""

    code: str
    skills: tuple[tuple[str, int], ...] = ()
    calendar: WorkingCalendar | None = None
    name: str = ""


@dataclass(frozen=True)
class Placement:
    """Where and when an operation runs: ``unit`` is 0-based within ``center``."""

    center: str
    unit: int
    start: datetime
    end: datetime


@dataclass(frozen=True, eq=False)
class Operation:
    """One routing step of a job.

    ``after`` lists predecessors: ids of operations of the same job, or ``(job_id, op_id)`` pairs for
    another job's operation (a sub-assembly). When no operation of a job names any predecessor, the
    operations run in list order. ``fixed`` is the operation's known placement; it is kept when the
    operation is started, done or ``locked`` (and, if the scheduler is asked to, when it is released).
    """

    id: str | int
    center: str
    run_per_unit: Number = 0
    setup: Number = 0
    min_wait: Number = 0
    alternative: str | None = None
    after: tuple = ()
    status: OperationStatus = OperationStatus.PLANNED
    locked: bool = False
    fixed: Placement | None = None
    skill: str | None = None  # the people it needs besides its machine: ``people`` of this skill (crews)
    people: int = 0  # 0: no people constraint


@dataclass(frozen=True, eq=False)
class Job:
    """One work order: ``quantity`` units through ``operations``.

    ``release`` is the earliest start (material availability); ``due`` the promised finish."""

    id: str | int
    operations: tuple[Operation, ...]
    quantity: Number = 1
    due: datetime | None = None
    release: datetime | None = None
    rush: bool = False


@dataclass(frozen=True, eq=False)
class Problem:
    """Everything to schedule. Nothing that is not fixed starts before ``start`` (usually now)."""

    centers: tuple[WorkCenter, ...]
    jobs: tuple[Job, ...]
    start: datetime
    timezone: str = "UTC"
    crews: tuple[Crew, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "centers", tuple(self.centers))
        object.__setattr__(self, "jobs", tuple(self.jobs))
        object.__setattr__(self, "crews", tuple(self.crews))


@dataclass(frozen=True)
class Assignment:
    job_id: str | int
    op_id: str | int
    center: str
    unit: int
    start: datetime
    end: datetime
    fixed: bool = False


@dataclass(frozen=True)
class LateJob:
    job_id: str | int
    rush: bool
    due: datetime
    finish: datetime
    late_minutes: int


@dataclass
class Schedule:
    """A complete schedule. ``assignments`` is keyed by ``(job_id, op_id)``.

    ``makespan`` is the minutes from ``problem.start`` to the last end; ``lateness`` maps each job
    with a due date to finish - due in calendar minutes; ``late_jobs`` lists the late ones, rush
    first, then the latest first. ``conflicts`` names fixed operations that contradict precedence
    (the planner froze them that way; the scheduler reports it rather than moving them)."""

    start: datetime
    assignments: dict[tuple, Assignment]
    job_finish: dict
    lateness: dict
    late_jobs: list[LateJob]
    makespan: int
    conflicts: list[str] = field(default_factory=list)
    method: str = ""
    seconds: float = 0.0
    moves: list = field(default_factory=list)  # the due-date improvement's swaps (tardiness.Move), in order

    def placement(self, job_id, op_id) -> Assignment:
        return self.assignments[(job_id, op_id)]

    @property
    def total_tardiness(self) -> int:
        return sum(late.late_minutes for late in self.late_jobs)

    @property
    def rush_tardiness(self) -> int:
        return sum(late.late_minutes for late in self.late_jobs if late.rush)
