"""Timing one page through Django's test Client in this process: wall and CPU time of each request
(the CPU is this process's: the view, the template, the ORM and the driver; the database server's
own CPU is not in it), their p50/p95 after a short warm-up, and the query count of one more request.
Every page part of the bench measures through here, so each figure has its CPU time beside it."""

import time
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .results import Row, ms, percentile

WARMUP = 3


@dataclass(frozen=True)
class PageTiming:
    p50: float  # wall seconds
    p95: float
    cpu_p50: float  # CPU seconds of this process
    cpu_p95: float
    queries: int


def measure_get(client, url, requests, *, status=200, warmup=WARMUP) -> PageTiming:
    def get():
        response = client.get(url)
        if response.status_code != status:
            raise RuntimeError(f"GET {url} answered {response.status_code}, expected {status}")

    for _i in range(warmup):
        get()
    walls, cpus = [], []
    for _i in range(requests):
        wall, cpu = time.perf_counter(), time.process_time()
        get()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    with CaptureQueriesContext(connection) as queries:
        get()
    return PageTiming(percentile(walls, 0.50), percentile(walls, 0.95), percentile(cpus, 0.50),
                      percentile(cpus, 0.95), len(queries))


def wall_and_cpu(wall, cpu):
    """'12.3 (CPU 10.1)': milliseconds of wall time with the CPU time beside it."""
    return f"{ms(wall)} (CPU {ms(cpu)})"


def page_rows(name, timing, *, p95_target=None, max_queries=None):
    """The p50, p95 (judged against p95_target when given) and query-count rows of one page."""
    rows = [Row(name, "p50 ms", wall_and_cpu(timing.p50, timing.cpu_p50))]
    if p95_target is None:
        rows.append(Row(name, "p95 ms", wall_and_cpu(timing.p95, timing.cpu_p95)))
    else:
        rows.append(Row(name, "p95 ms", wall_and_cpu(timing.p95, timing.cpu_p95), f"< {ms(p95_target)}",
                        timing.p95 < p95_target))
    if max_queries is None:
        rows.append(Row(name, "queries", str(timing.queries)))
    else:
        rows.append(Row(name, "queries", str(timing.queries), f"<= {max_queries}", timing.queries <= max_queries))
    return rows


def _cpu_seconds():
    """CPU of this process and of its reaped children (gunicorn, the worker, Locust), user + system."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_part(name, function):
    """Run one part of the bench and add a row with its whole wall time, its CPU time (this process and the
    children it started and reaped) and the load average before and after, so a figure taken on a busy
    machine can be read as such."""
    import os

    load_before = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), _cpu_seconds()
    rows = list(function())
    wall, cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
    rows.append(Row(f"part {name}: whole run", "wall s (CPU s)", f"{wall:.1f} (CPU {cpu:.1f})",
                    f"load {load_before:.1f} -> {os.getloadavg()[0]:.1f}"))
    return rows
