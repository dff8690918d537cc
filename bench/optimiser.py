#!/usr/bin/env python
"""The optimiser (planning.scheduling.optimizer, strategy "lns") against plain CP-SAT on published job-shop
instances: both in this process, one after the other, with the same time limit and workers.

    .venv/bin/python bench/optimiser.py                       # everything (about 5 minutes)
    .venv/bin/python bench/optimiser.py --sets ft10,large     # a selection: ft10, taillard, large
    .venv/bin/python bench/optimiser.py --json results.json

"Plain CP-SAT" is the whole model solved for the whole time with the built-in schedule as its hint (the
optimiser before the large-neighbourhood search). Targets (issue 16, item 4):

- ft10 (100 operations): makespan <= 949 within 1 s, median of 3 runs, 2 workers;
- Taillard 15x15 (ta01-ta10): mean gap to the optimum <= 2 % within 10 s;
- 750-2,000 operations (ta51: 50x15, ta61: 50x20, ta71: 100x20): better than plain CP-SAT in 10 s.

Gaps are to the published optimum (bench.jobshop.KNOWN_OPTIMA). CPU is this process's CPU time (CP-SAT's
threads included); wall is elapsed time; "load" is the 1-minute load average when the instance began: on
a shared machine a wall-clock limit buys less search when the load is above the number of cores, so read
the quality with the load beside it. Needs no database.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ROOT / "bench" / "instances"
SETS = {
    "ft10": (("ft10",), 1.0, 3),
    "taillard": (tuple(f"ta{k:02d}" for k in range(1, 11)), 10.0, 1),
    "large": (("ta51", "ta61", "ta71"), 10.0, 1),
}
FT10_TARGET = 949
TAILLARD_GAP_TARGET = 2.0
WORKERS = 2


def _measured(function):
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu, load


def compare(name, *, time_limit, seed=0, log=print):
    """One instance, plain CP-SAT then ours: a dict of the figures."""
    from bench import jobshop
    from planning.scheduling import optimizer
    from planning.scheduling.validation import validate_schedule

    problem = jobshop.read(INSTANCES / f"{name}.txt").to_problem()
    optimum = jobshop.known_optimum(name)
    row = {"instance": name, "operations": sum(len(job.operations) for job in problem.jobs), "optimum": optimum,
           "time_limit": time_limit, "seed": seed}
    for strategy, label in (("plain", "plain"), ("lns", "ours")):
        log(f"  {name}: {label} ({time_limit:g} s, {WORKERS} workers) ...")
        result, wall, cpu, load = _measured(lambda strategy=strategy: optimizer.optimize(
            problem, objective="makespan", time_limit=time_limit, workers=WORKERS, seed=seed, strategy=strategy))
        errors = validate_schedule(problem, result.schedule)
        if errors:
            raise AssertionError(f"{name} {label}: invalid schedule: {errors[0]}")
        # With no CP-SAT solution the schedule is the built-in one it started from: shown, marked "*".
        makespan = result.schedule.makespan
        row[label] = {"makespan": makespan, "status": result.status, "solved": result.objective is not None,
                      "wall": round(wall, 2), "cpu": round(cpu, 2),
                      "load": round(load, 1),
                      "gap": None if not optimum else round(jobshop.gap_percent(makespan, optimum), 2)}
    return row


def run(*, sets=tuple(SETS), log=print):
    """(rows for bench.results, the per-run figures)."""
    _setup()
    figures = []
    for set_name in sets:
        names, time_limit, repeats = SETS[set_name]
        for name in names:
            figures += [compare(name, time_limit=time_limit, seed=seed, log=log) for seed in range(repeats)]
    return _rows(figures), figures


def _cell(side):
    gap = "" if side["gap"] is None else f" ({side['gap']:.1f} %)"
    return f"{side['makespan']}{'' if side['solved'] else '*'}{gap}"


def _rows(figures):
    from bench.results import Row

    rows = [Row(f"optimiser {f['instance']} ({f['operations']} ops, {f['time_limit']:g} s, seed {f['seed']})",
                "makespan (gap): ours / plain CP-SAT",
                f"{_cell(f['ours'])} / {_cell(f['plain'])}; cpu {f['ours']['cpu']:.1f} / {f['plain']['cpu']:.1f} s, "
                f"wall {f['ours']['wall']:.1f} / {f['plain']['wall']:.1f} s, load {f['ours']['load']:.1f}")
            for f in figures]
    ft10 = [f["ours"]["makespan"] for f in figures if f["instance"] == "ft10" and f["ours"]["makespan"]]
    if ft10:
        median = statistics.median(ft10)
        rows.append(Row(f"optimiser ft10, 1 s: median of {len(ft10)}", "makespan", f"{median:g} (runs {ft10})",
                        f"<= {FT10_TARGET}", median <= FT10_TARGET))
    taillard = [f for f in figures if f["instance"].startswith("ta") and f["operations"] == 225]
    if taillard:
        ours = statistics.mean(f["ours"]["gap"] for f in taillard)
        plain = statistics.mean(f["plain"]["gap"] for f in taillard)
        rows.append(Row(f"optimiser ta01-ta10 ({len(taillard)}), 10 s: mean gap", "%",
                        f"{ours:.2f} (plain CP-SAT {plain:.2f})", f"<= {TAILLARD_GAP_TARGET:g}",
                        ours <= TAILLARD_GAP_TARGET))
    for f in figures:
        if f["operations"] >= 750:
            ours, plain = f["ours"]["makespan"], f["plain"]["makespan"]
            better = ours < plain
            rows.append(Row(f"optimiser {f['instance']} ({f['operations']} ops), 10 s: better than plain CP-SAT",
                            "makespan", f"{ours} vs {plain}", "< plain", better))
    return rows


def table(figures):
    """The comparison as a table of columns (what `main` prints)."""
    from bench.results import format_columns

    headers = ("instance", "ops", "limit", "optimum", "plain CP-SAT", "ours", "cpu plain/ours s",
               "wall plain/ours s", "load")
    cells = [(f["instance"], f["operations"], f"{f['time_limit']:g} s", f["optimum"] or "-", _cell(f["plain"]),
              _cell(f["ours"]), f"{f['plain']['cpu']:.1f} / {f['ours']['cpu']:.1f}",
              f"{f['plain']['wall']:.1f} / {f['ours']['wall']:.1f}",
              f"{f['plain']['load']:.1f} / {f['ours']['load']:.1f}") for f in figures]
    return format_columns(headers, cells)


def _setup():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.scheduler import setup_without_database

    setup_without_database()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated: {', '.join(SETS)}")
    parser.add_argument("--json", metavar="PATH", help="also write the per-run figures as JSON")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    sets = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in sets if name not in SETS]
    if unknown:
        parser.error(f"unknown set {', '.join(unknown)}; choose from {', '.join(SETS)}")

    def log(message):
        print(message, file=sys.stderr, flush=True)

    rows, figures = run(sets=sets, log=log)
    from bench.results import format_table

    print(f"{os.cpu_count()} CPUs, {WORKERS} CP-SAT workers\n")
    print(table(figures))
    print()
    print('* CP-SAT found no solution in its time: the schedule is the built-in one it started from.\n')
    print(format_table(rows[len(figures):]))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    missed = [row for row in rows if row.ok is False]
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    _setup()
    sys.exit(main())
