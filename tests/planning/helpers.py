"""Small builders for scheduling problems in tests (times in Asia/Shanghai, 2 March 2026 is a Monday)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from planning.scheduling.model import Job, Operation, Problem, WorkCenter

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def minutes(n):
    return MONDAY + timedelta(minutes=n)


def op(op_id, center, run, **options):
    """An operation of ``run`` minutes (quantity 1) on ``center``."""
    return Operation(id=op_id, center=center, run_per_unit=run, **options)


def job(job_id, *operations, **options):
    return Job(id=job_id, operations=tuple(operations), **options)


def problem(centers, jobs, start=MONDAY):
    centers = [WorkCenter(code=c) if isinstance(c, str) else c for c in centers]
    return Problem(centers=tuple(centers), jobs=tuple(jobs), start=start, timezone="Asia/Shanghai")


def times(schedule, job_id, op_id):
    placed = schedule.placement(job_id, op_id)
    return placed.start, placed.end
