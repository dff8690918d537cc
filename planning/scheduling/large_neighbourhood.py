"""Large-neighbourhood search (LNS) on the optimiser's CP-SAT model.

CP-SAT alone, with two workers, hardly improves a large schedule in seconds: the whole model is too big
to search. LNS keeps most of the best solution and lets CP-SAT re-solve a small part of it:

1. choose a neighbourhood of operations to free: those starting in a window of time, those on a few
   units, or all operations of a few jobs (in turn, so each kind of move gets its chance);
2. every other operation keeps its unit and its order on that unit (each consecutive pair of kept
   operations on a unit becomes a precedence constraint; freed operations may go anywhere between them);
3. bound every operation's start by the kept precedences (heads and, for the makespan, tails): when a
   window is empty nothing better fits and CP-SAT is not called; otherwise solve that copy of the model
   for a short time, the best solution as the hint, asking for a cost below the best one;
4. grow the neighbourhood after a part was searched through, shrink it after a part hit its time.

Whole-model CP-SAT runs first (optimizer.py): it proves small problems optimal and gives a lower bound;
on a large one it rarely improves its hint, and the search here takes over from the better of the two.

When a neighbourhood holds every operation and is solved to optimality, or the cost reaches the whole
model's lower bound, the best solution is proven optimal. The choices come from ``random.Random(seed)``,
so the same seed takes the same path (CP-SAT with several workers may still answer differently at a time
limit).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from .cpsat_model import CpSatModel, Solution, make_solver, read_solution

KINDS = ("window", "units", "jobs")
FIRST_SIZE = 60  # operations freed by the first neighbourhood
MIN_SIZE = 12
GROW, SHRINK = 1.2, 0.8
# Each neighbourhood gets a slice of the time left, within these bounds (seconds).
MIN_SLICE, MAX_SLICE = 0.05, 1.0


class NeighbourhoodSearch:
    def __init__(self, built: CpSatModel, *, workers: int, seed: int, deadline: float, bound: float | None,
                 report: Callable[[int], None] | None = None, jobs: list[list[int]] | None = None):
        self.built = built
        self.workers = workers
        self.seed = seed
        self.rng = random.Random(seed)
        self.deadline = deadline
        self.bound = bound
        self.report = report
        self.jobs = jobs or []
        self.movable = [i for i in range(built.size) if built.fixed[i] is None]
        self.size = min(FIRST_SIZE, len(self.movable))
        self.solutions = 0
        self.neighbourhoods = 0
        self.proven_optimal = False
        self.cpu_share = 1.0  # CPU seconds per wall second and worker, as measured

    def improve(self, best: Solution) -> Solution:
        """The best solution found before the deadline; never worse than ``best``."""
        if not self.movable:
            return best
        kind = 0
        while not self.proven_optimal:
            left = self.deadline - time.perf_counter()
            if left < MIN_SLICE / 2:
                break
            freed = self._neighbourhood(KINDS[kind % len(KINDS)], best)
            kind += 1
            # A loaded machine gives this process a fraction of its cores: the slice grows so that a
            # neighbourhood still gets about the CPU it needs (else most end at their limit with nothing).
            seconds = min(left, max(MIN_SLICE, min(MAX_SLICE, left / 10)) / self.cpu_share)
            wall, cpu = time.perf_counter(), time.process_time()
            best = self._solve(best, freed, seconds)
            wall = time.perf_counter() - wall
            if wall > 0.01:
                share = (time.process_time() - cpu) / (wall * self.workers)
                self.cpu_share = min(1.0, max(0.1, 0.5 * self.cpu_share + 0.5 * share))
            if self.bound is not None and best.cost <= self.bound:
                self.proven_optimal = True
        return best

    # -- one neighbourhood ----------------------------------------------------------------------
    def _solve(self, best: Solution, freed: set[int], seconds: float) -> Solution:
        built = self.built
        kept_before = self._kept_order(best, freed)
        windows = self._windows(best, freed, kept_before)
        self.neighbourhoods += 1
        whole = len(freed) == len(self.movable)
        if windows is None:  # the bounds alone show that nothing better fits: searched, no better
            self._searched(whole)
            return best
        model = built.model.clone()
        constraints = model.proto.constraints
        for i, (low, high) in windows.items():
            _linear(constraints, [built.starts[i].index], [1], low, high)
        for b, a in kept_before.items():
            _linear(constraints, [built.starts[b].index, built.ends[a].index], [1, -1], 0, cp_model.INT_MAX)
        for i in self.movable:
            if i not in freed:
                for unit, literal in built.present[i].items():
                    if literal is not True:
                        model.add(literal == int(unit == best.unit_of[i]))
        model.add(built.cost <= best.cost - 1)  # only a better solution is of use
        model.clear_hints()
        _hint(model, built, best)
        solver = make_solver(seconds, self.workers, self.rng.randrange(1 << 30))
        # No LP relaxation: on these models building it took seconds and never paid (measured on ta61).
        solver.parameters.linearization_level = 0
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
            self._searched(whole)
        else:
            self.size = max(MIN_SIZE, int(self.size * SHRINK))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return best
        found = read_solution(built, solver)
        self.solutions += 1
        if found.cost < best.cost and self.report is not None:
            self.report(found.cost)
        return found

    def _searched(self, whole: bool) -> None:
        """The neighbourhood was searched through: try a larger one; the whole problem means proven."""
        self.size = min(len(self.movable), max(self.size + 1, int(self.size * GROW)))
        if whole:
            self.proven_optimal = True

    def _kept_order(self, best: Solution, freed: set[int]) -> dict[int, int]:
        """{b: a}: kept operation b follows kept operation a on their unit (freed ones may go between)."""
        by_unit: dict[int, list[tuple[int, int]]] = {}
        for i in self.movable:
            if i not in freed:
                by_unit.setdefault(best.unit_of[i], []).append((best.begin[i], i))
        before = {}
        for kept in by_unit.values():
            kept.sort()
            for (_begin_a, a), (_begin_b, b) in zip(kept, kept[1:], strict=False):
                before[b] = a
        return before

    def _windows(self, best: Solution, freed: set[int], kept_before: dict[int, int]):
        """{operation: (earliest, latest start)} from the precedences that stay (heads; and tails when the
        cost is the makespan, which must end below the best one), or None when one is empty.

        CP-SAT would find the same bounds in presolve, but through many slow passes over long chains;
        one pass in the solution's start order (a topological order of the kept arcs) is quick."""
        built = self.built
        n = built.size
        duration = [0] * n
        for i in range(n):
            if built.fixed[i] is not None:
                duration[i] = built.fixed[i][2] - built.fixed[i][1]
            elif i in freed:
                duration[i] = min(built.durations[i].values())
            else:
                duration[i] = built.durations[i][best.unit_of[i]]
        order = sorted(range(n), key=lambda i: (best.begin[i], best.finish[i]))
        head = [0] * n
        succs: list[list[tuple[int, int]]] = [[] for _i in range(n)]
        for i in order:
            if built.fixed[i] is not None:
                head[i] = built.fixed[i][1]
            else:
                earliest = built.release[i]
                for p, wait in built.preds[i]:
                    earliest = max(earliest, head[p] + duration[p] + wait)
                a = kept_before.get(i)
                if a is not None:
                    earliest = max(earliest, head[a] + duration[a])
                head[i] = earliest
            if built.fixed[i] is None:  # a fixed operation's predecessors are not constrained by the model
                for p, wait in built.preds[i]:
                    succs[p].append((i, wait))
            a = kept_before.get(i)
            if a is not None:
                succs[a].append((i, 0))
        windows = {}
        if not built.makespan:
            return {i: (head[i], cp_model.INT_MAX) for i in self.movable}
        limit = best.cost - 1
        tail = [0] * n
        for i in reversed(order):
            tail[i] = duration[i] + max((tail[s] + wait for s, wait in succs[i]), default=0)
            if head[i] + tail[i] > limit:
                return None
            if built.fixed[i] is None:
                windows[i] = (head[i], limit - tail[i])
        return windows

    def _neighbourhood(self, kind: str, best: Solution) -> set[int]:
        movable, size, rng = self.movable, self.size, self.rng
        if size >= len(movable):
            return set(movable)
        if kind == "units":
            units = sorted({best.unit_of[i] for i in movable})
            rng.shuffle(units)
            chosen = set(units[:max(1, len(units) // 4)])
            pool = sorted((best.begin[i], i) for i in movable if best.unit_of[i] in chosen)
        elif kind == "jobs" and self.jobs:
            jobs = list(self.jobs)
            rng.shuffle(jobs)
            freed: set[int] = set()
            for ops in jobs:
                freed.update(i for i in ops if self.built.fixed[i] is None)
                if len(freed) >= size:
                    break
            return freed
        else:
            pool = sorted((best.begin[i], i) for i in movable)
        if len(pool) <= size:
            return {i for _begin, i in pool}
        first = rng.randrange(len(pool) - size + 1)
        return {i for _begin, i in pool[first:first + size]}


def _linear(constraints, variables, coefficients, low, high) -> None:
    """low <= sum(coefficients * variables) <= high, written straight into the model's proto: a
    neighbourhood adds thousands of these, and the Python expression API is many times slower."""
    linear = constraints.add().linear
    linear.vars.extend(variables)
    linear.coeffs.extend(coefficients)
    linear.domain.extend([low, high])


def _hint(model, built: CpSatModel, best: Solution) -> None:
    variables, values = [], []
    for i in range(built.size):
        if built.fixed[i] is not None:
            continue
        variables += [built.starts[i].index, built.ends[i].index]
        values += [best.begin[i], best.finish[i]]
        for unit, literal in built.present[i].items():
            if literal is not True:
                variables.append(literal.index)
                values.append(int(unit == best.unit_of[i]))
    variables.append(built.cost.index)
    values.append(best.cost)
    hint = model.proto.solution_hint
    hint.vars.extend(variables)
    hint.values.extend(values)
