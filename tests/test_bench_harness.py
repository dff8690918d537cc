"""The bench's own harness (bench/): ports from BENCH_PORT, a load average and CPU beside each figure, and a
row per part with its wall and CPU time. The timings themselves are never asserted (they belong in bench/)."""

import socket

from bench import processes
from bench.results import Row, format_table
from bench.timing import timed_part, wall_and_cpu


def test_ports_start_at_bench_port_skip_busy_ones_and_are_handed_out_once(monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        base = busy.getsockname()[1]
        monkeypatch.setenv("BENCH_PORT", str(base))
        monkeypatch.setattr(processes, "_handed_out", set())
        first, second = processes.free_port(), processes.free_port()
    assert base < first < second < base + 200  # the busy base port is skipped, no port twice


def test_without_bench_port_the_kernel_picks(monkeypatch):
    monkeypatch.delenv("BENCH_PORT", raising=False)
    port = processes.free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # it was free


def test_every_row_carries_the_load_average_and_the_table_shows_it():
    row = Row("order list", "p95 ms", wall_and_cpu(0.0123, 0.0101), "< 100.0", True)
    assert row.load >= 0
    table = format_table([row])
    assert table.splitlines()[0].split()[-1] == "load"
    assert "12.3 (CPU 10.1)" in table and f"{row.load:.1f}" in table.splitlines()[-1]


def test_a_part_ends_with_its_wall_and_cpu_time():
    rows = timed_part("demo", lambda: [Row("figure", "n", "1")] + [Row("spin", "n", str(sum(range(200_000))))])
    assert [r.name for r in rows] == ["figure", "spin", "part demo: whole run"]
    assert rows[-1].metric == "wall s (CPU s)" and "(CPU " in rows[-1].value and rows[-1].target.startswith("load ")
