"""An improvement step for due-dated work, whose every move can be explained.

The dispatch schedule is improved by swapping two neighbouring operations on one unit: the operation of a
late job moves before the one ahead of it. A swap is kept only when the objective gets better, read
lexicographically: rush tardiness, then total tardiness, then makespan (CompiledProblem.objective). Late
jobs are taken rush first, the latest first; each kept swap is recorded as a ``Move`` ("WO-7 moved before
WO-3 on FILL-2: saves 180 min of tardiness"), so a planner can follow the plan from the dispatch rule and
these moves. Fixed operations never move; precedence, calendars and minimum waits are re-timed exactly
(the tabu search's incremental re-timing, improvement._TabuSearch). Deterministic; bounded by a number
of tries and a time budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .compiled import CompiledProblem
from .improvement import _TabuSearch

MAX_TRIES = 4_000
BUDGET_SECONDS = 0.8


@dataclass(frozen=True)
class Move:
    """Job ``job_id``'s operation ``op_id`` now runs before job ``before_job_id``'s operation ``before_op_id``
    on ``center``; the objective improved by ``saved_rush`` minutes of rush tardiness and ``saved`` minutes
    of total tardiness (``job_id``'s own tardiness went down by ``saved_own``)."""

    job_id: object
    op_id: object
    before_job_id: object
    before_op_id: object
    center: str
    saved: int
    saved_rush: int
    saved_own: int


def improve_tardiness(compiled: CompiledProblem, unit_of, start, end, *, max_tries: int = MAX_TRIES,
                      budget_seconds: float = BUDGET_SECONDS):
    """(start, end, moves): the improved times and the swaps kept, never worse than the schedule given."""
    n = compiled.size
    sequences: list[list[int]] = [[] for _unit in compiled.units]
    for i in sorted(range(n), key=lambda k: (start[k], end[k], k)):
        sequences[unit_of[i]].append(i)
    timed = compiled.timing(unit_of, sequences)
    if timed is None:
        return start, end, []
    search = _TabuSearch(compiled, unit_of, sequences, timed, 0)
    best = compiled.objective(search.end)
    moves: list[Move] = []
    deadline = time.process_time() + budget_seconds
    tries = 0
    improved = True
    while improved and tries < max_tries and time.process_time() < deadline:
        improved = False
        for j in _late_jobs(compiled, search.end):
            for v in reversed(compiled.job_ops[j]):
                u = search.prev[v]
                if u < 0 or compiled.fixed[u] is not None or compiled.fixed[v] is not None:
                    continue
                if compiled.rush[compiled.job_of[u]] and not compiled.rush[j]:
                    continue  # a normal job never overtakes a rush job
                if any(p == u for p, _wait in compiled.preds[v]):
                    continue
                tries += 1
                before_own = _tardiness(compiled, search.end, j)
                if not search._swap(u, v):
                    continue
                key = compiled.objective(search.end)
                if key < best:
                    moves.append(Move(*compiled.keys[v], *compiled.keys[u], compiled.units[unit_of[v]].center,
                                      saved=best[1] - key[1], saved_rush=best[0] - key[0],
                                      saved_own=before_own - _tardiness(compiled, search.end, j)))
                    best, improved = key, True
                    break
                search._swap(v, u)  # not better: back as it was
                if tries >= max_tries or time.process_time() >= deadline:
                    break
            if improved or tries >= max_tries or time.process_time() >= deadline:
                break
    return search.start, search.end, moves


def _tardiness(compiled, end, j):
    due = compiled.due[j]
    return 0 if due is None else max(0, max(end[i] for i in compiled.job_ops[j]) - due)


def _late_jobs(compiled, end):
    late = [(not compiled.rush[j], -_tardiness(compiled, end, j), j)
            for j in range(len(compiled.jobs)) if _tardiness(compiled, end, j) > 0]
    return [j for _rush, _late, j in sorted(late)]
