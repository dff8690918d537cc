"""Planning quality on the factory (`python bench/run.py plan_quality`): how good the plans are for real,
due-dated orders, not only how fast they come.

The factory is planning_scale's (500 orders of one work order each, 10 % rush, due 5–35 days after the
start, 30 work centers on three calendars with a holiday, alternatives and minimum waits), scheduled from
its start with everything open placed anew. Rows, for each of dispatch, dispatch + the due-date improvement
(planning.scheduling.tardiness) and CP-SAT with 10 s and 2 workers (planning.scheduling.optimizer):
on-time share, total and rush tardiness (hours), late rush orders, and CPU/wall time. Goal: the built-in
(dispatch + improvement) under 1 s and within 5 % of CP-SAT's total tardiness, and no late rush order when
one of the schedules has none.
"""

import time

from .results import Row

CP_SAT_SECONDS = 10.0
# The generated factory's due dates (5–35 days) leave almost everything on time; compressed to this share of
# their distance from the start they make a loaded factory where the schedules differ.
TIGHT_DUE = 0.35
BUILT_IN_TARGET_S = 1.0
TARDINESS_GAP_TARGET = 0.05


def _figures(schedule):
    due = [job_id for job_id in schedule.lateness]
    on_time = sum(1 for job_id in due if schedule.lateness[job_id] <= 0)
    rush_late = sum(1 for late in schedule.late_jobs if late.rush)
    return {"on_time": on_time / len(due) if due else 1.0, "total": schedule.total_tardiness / 60,
            "rush": schedule.rush_tardiness / 60, "rush_late": rush_late}


def _timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(*, log=print):
    from dataclasses import replace

    from bench.planning_scale import build_factory
    from planning import plans

    factory = build_factory(log=log)
    if not factory.operations:
        return [Row("planning quality", "-", "n/a (no open work)")]
    _work, problem = plans.current_problem(factory.start)
    tight = replace(problem, jobs=tuple(
        replace(job, due=problem.start + (job.due - problem.start) * TIGHT_DUE) if job.due else job
        for job in problem.jobs))
    return (_compare(problem, f"{factory.label}, due 5–35 days", log)
            + _compare(tight, f"{factory.label}, due dates × {TIGHT_DUE}", log))


def _compare(problem, label, log):
    from planning.scheduling.engine import schedule
    from planning.scheduling.optimizer import optimize

    log(f"  dispatch ({label}) ...")
    dispatch, d_wall, d_cpu = _timed(lambda: schedule(problem))
    log("  dispatch + due-date improvement ...")
    improved, i_wall, i_cpu = _timed(lambda: schedule(problem, improve_due=True))
    log(f"  CP-SAT {CP_SAT_SECONDS:.0f} s ...")
    try:
        optimised, o_wall, o_cpu = _timed(lambda: optimize(problem, objective="tardiness",
                                                           time_limit=CP_SAT_SECONDS, workers=2))
        cp_sat = optimised.schedule if optimised.status in ("optimal", "feasible") else None
        cp_status = optimised.status
    except Exception as exc:  # noqa: BLE001 - the bench reports what the optimiser said and goes on
        cp_sat, cp_status, o_wall, o_cpu = None, f"{type(exc).__name__}: {exc}", 0.0, 0.0
    rows = []
    results = [("dispatch", dispatch, d_wall, d_cpu), ("dispatch + improvement", improved, i_wall, i_cpu)]
    if cp_sat is not None:
        results.append((f"CP-SAT {CP_SAT_SECONDS:.0f} s, 2 workers ({cp_status})", cp_sat, o_wall, o_cpu))
    else:
        rows.append(Row(f"CP-SAT {CP_SAT_SECONDS:.0f} s ({label})", "-", f"no schedule ({cp_status})"))
    for name, result, wall, cpu in results:
        f = _figures(result)
        rows.append(Row(f"{name} ({label})", "on time / total h / rush h / late rush",
                        f"{f['on_time']:.1%} / {f['total']:.1f} / {f['rush']:.1f} / {f['rush_late']}"
                        f" (wall {wall:.2f} s, cpu {cpu:.2f} s)"))
    rows.append(Row("  improvement moves (each recorded and explainable)", "moves", str(len(improved.moves))))
    rows.append(Row("  built-in (dispatch + improvement) CPU time", "s", f"{i_cpu:.2f} (wall {i_wall:.2f})",
                    f"< {BUILT_IN_TARGET_S:.0f}", i_cpu < BUILT_IN_TARGET_S))
    if cp_sat is not None:
        best = _figures(cp_sat)["total"]
        ours = _figures(improved)["total"]
        gap = (ours - best) / best if best else (0.0 if ours == 0 else float("inf"))
        rows.append(Row("  built-in total tardiness vs CP-SAT 10 s", "gap", f"{gap:+.1%}",
                        f"<= {TARDINESS_GAP_TARGET:.0%}", gap <= TARDINESS_GAP_TARGET))
    none_late = min(_figures(s)["rush_late"] for _n, s, _w, _c in results)
    rows.append(Row("  late rush orders, built-in (does any schedule here have none?)", "orders",
                    f"{_figures(improved)['rush_late']} ({'yes' if none_late == 0 else 'none found'})",
                    "0 when one exists", none_late > 0 or _figures(improved)["rush_late"] == 0))
    return rows
