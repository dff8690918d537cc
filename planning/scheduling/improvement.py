"""A short tabu search on the critical path, after the dispatch construction.

Each iteration finds a critical path of the current schedule (the chain of operations, linked by
precedence or by following each other on a unit, that ends at the makespan), splits it into blocks
of operations that run back to back on one unit, and considers swapping the first two or the last
two operations of a block (the N5 neighbourhood). Each swap is rated with the fast estimate of
Taillard (heads and tails around the pair), the best allowed one is made and the schedule re-timed
exactly with calendars. A swap that was undone recently is tabu unless it would beat the best
schedule so far. After a run without progress the search restarts from the best schedule.

Units are kept as the construction assigned them; fixed operations never move. The number of
iterations and the random seed (for the tabu tenure) are fixed, so the result is deterministic.
"""

from __future__ import annotations

import random
import time

from .compiled import CompiledProblem

# Iterations are budgeted by size so a benchmark instance takes tens of milliseconds.
OPERATION_ITERATIONS = 70_000
MAX_ITERATIONS = 1_000
MIN_ITERATIONS = 20


def default_iterations(operations: int) -> int:
    return max(MIN_ITERATIONS, min(MAX_ITERATIONS, OPERATION_ITERATIONS // max(1, operations)))


def improve_schedule(compiled: CompiledProblem, unit_of, start, end, *, iterations: int, seed: int = 0,
                     deadline: float | None = None):
    """Return (unit_of, start, end) of the best schedule found; never worse than the one given. With a
    ``deadline`` (a time.perf_counter() value) the search also stops there (the optimiser's longer run)."""
    n = compiled.size
    sequences: list[list[int]] = [[] for _unit in compiled.units]
    for i in sorted(range(n), key=lambda i: (start[i], end[i], i)):
        sequences[unit_of[i]].append(i)
    timed = compiled.timing(unit_of, sequences)
    if timed is None:  # the construction's own order must re-time; if not, keep it as it is
        return unit_of, start, end
    search = _TabuSearch(compiled, unit_of, sequences, timed, seed)
    search.run(iterations, deadline)
    return unit_of, search.best_start, search.best_end


class _TabuSearch:
    """The search state: unit orders as linked lists, a topological order, heads and tails."""

    def __init__(self, compiled, unit_of, sequences, timed, seed):
        self.compiled = compiled
        self.unit_of = unit_of
        self.rng = random.Random(seed)
        n = self.n = compiled.size
        self.duration = [compiled.duration_on(i, unit_of[i]) for i in range(n)]
        self.timeline = [compiled.units[unit_of[i]].timeline for i in range(n)]
        self.open = all(t.always_open for t in self.timeline)
        self.release = compiled.release
        self.preds, self.succs, self.fixed = compiled.preds, compiled.succs, compiled.fixed
        self.prev, self.next = [-1] * n, [-1] * n
        for sequence in sequences:
            for a, b in zip(sequence, sequence[1:], strict=False):
                self.prev[b], self.next[a] = a, b
        self.start, self.end, self.order = timed
        self.position = [0] * n
        for k, i in enumerate(self.order):
            self.position[i] = k
        self.best_key = compiled.objective(self.end)
        self.best = self._snapshot()
        self.tabu: dict[tuple[int, int], int] = {}
        base = 2 + int(n ** 0.5)
        self.tenure = (base, base + max(2, base // 2))
        self.stall_limit = max(30, 4 * base)
        self.bound = compiled.lower_bound()

    @property
    def best_start(self):
        return self.best[4]

    @property
    def best_end(self):
        return self.best[5]

    def _snapshot(self):
        return (list(self.prev), list(self.next), list(self.order), list(self.position), list(self.start),
                list(self.end))

    def _restore(self, snapshot):
        self.prev, self.next, self.order, self.position, self.start, self.end = (list(part) for part in snapshot)

    # -- the critical path and its moves ------------------------------------------------------
    def _critical_path(self):
        end, preds, fixed, prev = self.end, self.preds, self.fixed, self.prev
        makespan = max(end)
        i = min(k for k in range(self.n) if end[k] == makespan)
        path = [i]
        while fixed[i] is None:
            binding, reach = -1, -1
            before = prev[i]
            if before >= 0:
                binding, reach = before, end[before]
            for p, wait in preds[i]:
                if end[p] + wait > reach:
                    binding, reach = p, end[p] + wait
            if binding < 0 or reach < self.release[i]:
                break
            i = binding
            path.append(i)
        path.reverse()
        return path

    def _moves(self, every_pair=False):
        """Swaps on the critical path: N5 (the first and last pair of each block), or with
        ``every_pair`` every adjacent pair in a block (N1, used to shake the search up)."""
        path = self._critical_path()
        prev = self.prev
        blocks, block = [], [path[0]]
        for a, b in zip(path, path[1:], strict=False):
            if prev[b] == a:
                block.append(b)
            else:
                blocks.append(block)
                block = [b]
        blocks.append(block)
        moves = []
        last = len(blocks) - 1
        for index, block in enumerate(blocks):
            if len(block) < 2:
                continue
            if every_pair:
                moves.extend(zip(block, block[1:], strict=False))
                continue
            if index > 0:
                moves.append((block[0], block[1]))
            if index < last and (index == 0 or len(block) > 2):
                moves.append((block[-2], block[-1]))
            if len(blocks) == 1:  # one block from start to end: only its ends can move
                moves.append((block[0], block[1]))
                moves.append((block[-2], block[-1]))
        fixed, preds = self.fixed, self.preds
        unique = list(dict.fromkeys(moves))
        return [(u, v) for u, v in unique
                if fixed[u] is None and fixed[v] is None and all(p != u for p, _wait in preds[v])]

    def _tails(self):
        """Longest path from each operation's end to the end of the schedule (fixed durations)."""
        succs, nxt = self.succs, self.next
        length = [finish - begin for begin, finish in zip(self.start, self.end, strict=True)]
        tail = [0] * self.n
        for i in reversed(self.order):
            best = 0
            for s, wait in succs[i]:
                reach = wait + length[s] + tail[s]
                if reach > best:
                    best = reach
            after = nxt[i]
            if after >= 0:
                reach = length[after] + tail[after]
                if reach > best:
                    best = reach
            tail[i] = best
        return tail

    def _estimate(self, u, v, tail):
        """Taillard's estimate of the makespan after putting v before u."""
        start, end, release, preds, succs = self.start, self.end, self.release, self.preds, self.succs
        length_u, length_v = end[u] - start[u], end[v] - start[v]
        head_v = release[v]
        for p, wait in preds[v]:
            if end[p] + wait > head_v:
                head_v = end[p] + wait
        if self.prev[u] >= 0 and end[self.prev[u]] > head_v:
            head_v = end[self.prev[u]]
        head_u = max(release[u], head_v + length_v)
        for p, wait in preds[u]:
            if end[p] + wait > head_u:
                head_u = end[p] + wait
        tail_u = 0
        for s, wait in succs[u]:
            tail_u = max(tail_u, wait + end[s] - start[s] + tail[s])
        after = self.next[v]
        if after >= 0:
            tail_u = max(tail_u, end[after] - start[after] + tail[after])
        tail_v = length_u + tail_u
        for s, wait in succs[v]:
            tail_v = max(tail_v, wait + end[s] - start[s] + tail[s])
        return max(head_v + length_v + tail_v, head_u + length_u + tail_u)

    # -- making a move ------------------------------------------------------------------------
    def _swap(self, u, v):
        """Put v before u on their unit and re-time; False (and nothing changed) if that is infeasible."""
        order, position, prev, nxt = self.order, self.position, self.prev, self.next
        low, high = position[u], position[v]
        segment = order[low:high + 1]
        # Operations between u and v in the order that lead to v must stay before v; if u leads to
        # v other than directly, putting v first would close a cycle.
        reaches_v = {v}
        for w in reversed(segment):
            if w in reaches_v:
                continue
            if any(s in reaches_v for s, _wait in self.succs[w]) or (nxt[w] in reaches_v and w != u):
                reaches_v.add(w)
        if u in reaches_v:
            return False
        ahead = [w for w in segment if w in reaches_v and w != v]
        rest = [w for w in segment if w not in reaches_v and w != u]
        before, after = prev[u], nxt[v]
        prev[v], nxt[v], prev[u], nxt[u] = before, u, v, after
        if before >= 0:
            nxt[before] = v
        if after >= 0:
            prev[after] = u
        order[low:high + 1] = ahead + [v, u] + rest
        for k in range(low, high + 1):
            position[order[k]] = k
        old_times = (self.start[:], self.end[:])
        if self._retime(low):
            return True
        # undo
        prev[u], nxt[u], prev[v], nxt[v] = before, v, u, after
        if before >= 0:
            nxt[before] = u
        if after >= 0:
            prev[after] = v
        order[low:high + 1] = segment
        for k in range(low, high + 1):
            position[order[k]] = k
        self.start, self.end = old_times
        return False

    def _retime(self, low):
        start, end, release, preds, prev, nxt = self.start, self.end, self.release, self.preds, self.prev, self.next
        fixed, duration = self.fixed, self.duration
        for i in self.order[low:]:
            if fixed[i] is not None:
                continue
            earliest = release[i]
            for p, wait in preds[i]:
                if end[p] + wait > earliest:
                    earliest = end[p] + wait
            before = prev[i]
            if before >= 0 and end[before] > earliest:
                earliest = end[before]
            if self.open:
                start[i], end[i] = earliest, earliest + duration[i]
            else:
                timeline = self.timeline[i]
                start[i] = timeline.next_working(earliest)
                end[i] = timeline.add_working(start[i], duration[i])
            after = nxt[i]
            if after >= 0 and fixed[after] is not None and fixed[after][1] < end[i]:
                return False
        return True

    # -- the search ---------------------------------------------------------------------------
    def run(self, iterations, deadline=None):
        stall = 0
        for iteration in range(iterations):
            if deadline is not None and not iteration % 16 and time.perf_counter() > deadline:
                break
            if self.best_key[:2] == (0, 0) and self.best_key[2] <= self.bound:
                break  # proven optimal: the makespan meets the lower bound
            moves = self._moves()
            if not moves:
                if self._restart():
                    stall = 0
                    continue
                break
            tail = self._tails()
            best_makespan = self.best_key[2]
            ranked = []
            for u, v in moves:
                value = self._estimate(u, v, tail)
                allowed = self.tabu.get((v, u), -1) < iteration or value < best_makespan
                ranked.append((not allowed, value, self.tabu.get((v, u), -1), u, v))
            ranked.sort()
            moved = False
            for _tabu, _value, _expiry, u, v in ranked:
                if self._swap(u, v):
                    self.tabu[(u, v)] = iteration + self.rng.randint(*self.tenure)
                    moved = True
                    break
                self.tabu[(v, u)] = iteration + self.tenure[1]
            if not moved:
                if not self._restart():
                    break
                continue
            key = self.compiled.objective(self.end)
            if key < self.best_key:
                self.best_key = key
                self.best = self._snapshot()
                stall = 0
            else:
                stall += 1
                if stall >= self.stall_limit:
                    self._restart()
                    stall = 0

    def _restart(self):
        """Back to the best schedule with a cleared tabu list and one random swap of critical neighbours."""
        self._restore(self.best)
        self.tabu.clear()
        moves = self._moves(every_pair=True)
        self.rng.shuffle(moves)
        return any(self._swap(u, v) for u, v in moves)

