#!/usr/bin/env python
"""Scheduler benchmarks: the built-in scheduler against CP-SAT on published job-shop instances, and
a factory-scale load (500 orders, 2,000 operations, 30 work centers with calendars).

    .venv/bin/python bench/scheduler.py                      # everything, CP-SAT 10 s per instance
    .venv/bin/python bench/scheduler.py --time-limit 2 --instances ft06,la01 --no-factory

Targets (issue "Planning and production"): the built-in scheduler within 15 % of the published optimum
(bench.jobshop.KNOWN_OPTIMA) in under 100 ms per instance; the optimiser's gap to the optimum is shown
beside it, with wall and CPU time (bench/optimiser.py compares it with plain CP-SAT); on the factory
load a full reschedule under 2 s and the what-if of one inserted rush order under 500 ms. Every schedule
is checked with validate_schedule. Needs no database.
From bench/run.py: ``rows = scheduler.run(time_limit=10.0, log=log)``.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ROOT / "bench" / "instances"
JOB_SHOP = ("ft06", "ft10", "la01", "la02", "la03", "la04", "la05",
            "ta01", "ta02", "ta03", "ta04", "ta05", "ta06", "ta07", "ta08", "ta09", "ta10")
GAP_TARGET = 15.0
TIME_TARGET_MS = 100.0
FULL_TARGET_S = 2.0
WHAT_IF_TARGET_MS = 500.0


def setup_without_database():
    """The project importable and Django configured without a database (bench/optimiser.py too)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from django.conf import settings

    if not settings.configured:  # the scheduler needs no database; messages need gettext only
        settings.configure(USE_I18N=False, USE_TZ=True)


def _median_time(function, repeats):
    """(last result, median wall seconds, median CPU seconds of this process)."""
    walls, cpus, result = [], [], None
    for _repeat in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return result, statistics.median(walls), statistics.median(cpus)


def job_shop_rows(names=JOB_SHOP, *, time_limit=10.0, repeats=5, log=print):
    """Per instance: the built-in scheduler's and the optimiser's gap to the published optimum (never to
    each other: a gap to CP-SAT's own answer hides how far both are from the optimum), with wall and CPU."""
    from bench import jobshop
    from bench.results import Row
    from planning.scheduling import engine, optimizer
    from planning.scheduling.validation import validate_schedule

    rows = []
    for name in names:
        instance = jobshop.read(INSTANCES / f"{name}.txt")
        problem = instance.to_problem()
        optimum = jobshop.known_optimum(name)
        log(f"  {name}: built-in ...")
        built_in, seconds, cpu = _median_time(lambda problem=problem: engine.schedule(problem), repeats)
        log(f"  {name}: optimiser {time_limit:g} s ...")
        result, cp_seconds, cp_cpu = _median_time(
            lambda problem=problem: optimizer.optimize(problem, objective="makespan", time_limit=time_limit), 1)
        errors = validate_schedule(problem, built_in) + validate_schedule(problem, result.schedule)
        if errors:
            rows.append(Row(f"scheduler {name}", "valid", errors[0][:80], "valid", False))
            continue
        found = result.schedule.makespan if result.objective is not None else None
        if optimum:
            gap = jobshop.gap_percent(built_in.makespan, optimum)
            rows.append(Row(f"scheduler {name} built-in gap to optimum", "%",
                            f"{gap:.1f} ({built_in.makespan} vs {optimum})", f"<= {GAP_TARGET:.0f}", gap <= GAP_TARGET))
        else:
            rows.append(Row(f"scheduler {name} built-in makespan (no published optimum)", "makespan",
                            str(built_in.makespan)))
        rows.append(Row(f"scheduler {name} built-in time", "ms wall (cpu)", f"{seconds * 1000:.1f} ({cpu * 1000:.1f})",
                        f"< {TIME_TARGET_MS:.0f}", seconds * 1000 < TIME_TARGET_MS))
        figure = "no solution" if found is None else str(found)
        if found is not None and optimum:
            figure = f"{jobshop.gap_percent(found, optimum):.1f} % ({found} vs {optimum}, {result.status})"
        rows.append(Row(f"scheduler {name} optimiser {time_limit:g} s gap to optimum", "% wall/cpu s",
                        f"{figure}; {cp_seconds:.1f} / {cp_cpu:.1f}"))
    return rows


def factory_problem(*, orders=500, operations_per_order=4, centers=30, seed=7):
    """A made-up but plausible load: calendars with breaks, weekends and a holiday, parallel units,
    alternatives, minimum waits, releases over the first week, due dates over five weeks, 10 % rush."""
    from planning.scheduling.calendar import WorkingCalendar
    from planning.scheduling.model import Job, Operation, Problem, WorkCenter

    rng = random.Random(seed)
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # a Monday; the factory's zone is below
    holiday = [date(2026, 4, 6)]
    calendars = [
        WorkingCalendar.build("day", shifts=[("08:00", "12:00"), ("13:00", "17:00")], holidays=holiday),
        WorkingCalendar.build("two shifts", shifts=[("06:00", "14:00"), ("14:00", "22:00")], days=range(6),
                              holidays=holiday, overtime={date(2026, 3, 8): [("08:00", "16:00")]}),
        WorkingCalendar.build("round the clock", shifts=[("06:00", "14:00"), ("14:00", "22:00"), ("22:00", "06:00")],
                              days=range(7)),
    ]
    work_centers = [WorkCenter(f"WC{c:02d}", units=rng.choice([1, 1, 2, 3]), efficiency=rng.choice([80, 90, 100, 110]),
                               calendar=calendars[c % 3]) for c in range(centers)]
    jobs = []
    for j in range(orders):
        quantity = rng.randint(10, 200)
        operations = []
        for k in range(operations_per_order):
            center = rng.randrange(centers)
            alternative = (center + 1) % centers if rng.random() < 0.2 else None
            operations.append(Operation(
                id=(k + 1) * 10, center=f"WC{center:02d}", run_per_unit=rng.choice([0.5, 1, 1.5, 2, 3]),
                setup=rng.choice([0, 15, 30, 60]), min_wait=rng.choice([0, 0, 0, 30, 240]),
                alternative=None if alternative is None else f"WC{alternative:02d}"))
        jobs.append(Job(id=f"WO-{j + 1:04d}", operations=tuple(operations), quantity=quantity,
                        release=start + timedelta(hours=rng.randint(0, 120)),
                        due=start + timedelta(days=rng.randint(5, 35)), rush=rng.random() < 0.1))
    return Problem(centers=tuple(work_centers), jobs=tuple(jobs), start=start, timezone="Asia/Shanghai")


def factory_rows(*, repeats=3, log=print):
    from bench.results import Row
    from planning.scheduling import engine, whatif
    from planning.scheduling.model import Job, Operation, Problem
    from planning.scheduling.validation import validate_schedule

    problem = factory_problem()
    operations = sum(len(job.operations) for job in problem.jobs)
    log(f"  factory: {len(problem.jobs)} orders, {operations} operations, {len(problem.centers)} work centers ...")
    current, full_seconds, _cpu = _median_time(lambda: engine.schedule(problem), repeats)
    rush = Job(id="RUSH-1", rush=True, quantity=50, due=problem.start + timedelta(days=2),
               operations=tuple(Operation(id=k, center=problem.centers[k * 7].code, run_per_unit=2, setup=30)
                                for k in range(4)))
    with_rush = Problem(centers=problem.centers, jobs=problem.jobs + (rush,), start=problem.start,
                        timezone=problem.timezone)
    (proposed, impact), what_if_seconds, _cpu = _median_time(lambda: whatif.what_if(with_rush, current),
                                                              repeats)
    errors = validate_schedule(problem, current) + validate_schedule(with_rush, proposed, previous=current,
                                                                     keep_released=True)
    rows = [Row("factory schedule valid", "errors", str(len(errors)) if not errors else errors[0][:80], "0",
                not errors),
            Row(f"factory full reschedule ({operations} ops)", "s", f"{full_seconds:.2f}", f"< {FULL_TARGET_S:.0f}",
                full_seconds < FULL_TARGET_S),
            Row("factory what-if: insert one rush order", "ms", f"{what_if_seconds * 1000:.0f}",
                f"< {WHAT_IF_TARGET_MS:.0f}", what_if_seconds * 1000 < WHAT_IF_TARGET_MS),
            Row("factory what-if: orders moved later / newly late", "count",
                f"{len(impact.delayed)} / {len(impact.newly_late)}")]
    return rows + crew_rows(problem, repeats=repeats, log=log)


def with_people(problem, *, people=8):
    """The factory with people as a second resource (issue 16 item 7): every operation on a two-shift work
    center needs one operator of skill OP, and one crew of `people` operators works the two shifts."""
    from dataclasses import replace

    from planning.scheduling.model import Crew

    two_shifts = {center.code: center.calendar for center in problem.centers if center.calendar.name == "two shifts"}
    jobs = tuple(replace(job, operations=tuple(replace(op, skill="OP", people=1) if op.center in two_shifts else op
                                               for op in job.operations)) for job in problem.jobs)
    calendar = next(iter(two_shifts.values()))
    return replace(problem, jobs=jobs, crews=(Crew("CREW", skills=(("OP", people),), calendar=calendar),))


def crew_rows(problem, *, repeats=3, log=print):
    """The full reschedule with crews, beside the one without (the path without people must not slow down)."""
    from bench.results import Row
    from planning.scheduling import engine
    from planning.scheduling.validation import validate_schedule

    crewed = with_people(problem)
    needing = sum(1 for job in crewed.jobs for op in job.operations if op.people)
    log(f"  factory with crews: {needing} operations need an operator ...")
    result, seconds, cpu = _median_time(lambda: engine.schedule(crewed), repeats)
    errors = validate_schedule(crewed, result)
    return [Row(f"factory full reschedule with crews ({needing} ops need people)", "s wall (cpu)",
                f"{seconds:.2f} ({cpu:.2f})", f"< {FULL_TARGET_S:.0f}", seconds < FULL_TARGET_S and not errors),
            Row("factory with crews: schedule valid / total tardiness", "errors / min",
                f"{len(errors)} / {result.total_tardiness}")]


def run(*, time_limit=10.0, instances=JOB_SHOP, factory=True, log=print):
    """All scheduler rows (bench.results.Row), for bench/run.py or the table printed below."""
    setup_without_database()
    rows = job_shop_rows(instances, time_limit=time_limit, log=log)
    if factory:
        rows += factory_rows(log=log)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=10.0, help="CP-SAT seconds per instance (default 10)")
    parser.add_argument("--instances", default=",".join(JOB_SHOP), help="comma-separated instance names")
    parser.add_argument("--no-factory", action="store_true", help="skip the factory-scale load")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.instances.split(",") if name.strip()]
    unknown = [name for name in names if not (INSTANCES / f"{name}.txt").exists()]
    if unknown:
        parser.error(f"no instance file for {', '.join(unknown)} in {INSTANCES}")
    if not 0 < args.time_limit <= 3600:
        parser.error("--time-limit must be above 0 and at most 3600")

    def log(message):
        print(message, file=sys.stderr, flush=True)

    rows = run(time_limit=args.time_limit, instances=names, factory=not args.no_factory, log=log)
    from bench.results import format_table

    print(format_table(rows))
    missed = [row for row in rows if row.ok is False]
    if missed:
        print(f"\n{len(missed)} target(s) missed.")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    setup_without_database()
    sys.exit(main())
