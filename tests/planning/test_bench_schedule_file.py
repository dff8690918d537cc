"""bench/schedule_file.py: the built-in scheduler beside CP-SAT on an instance file."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bench.schedule_file import Command

INSTANCES = Path(__file__).resolve().parents[2] / "bench" / "instances"


def run(*args):
    out = StringIO()
    call_command(Command(), *args, stdout=out)
    return out.getvalue()


def test_ft06_prints_both_makespans_and_the_gap():
    output = run(str(INSTANCES / "ft06.txt"), "--time-limit", "10")
    assert "ft06: 6 jobs x 6 machines" in output
    assert "built-in scheduler: makespan 55 in" in output
    assert "optimiser (CP-SAT): makespan 55 in" in output
    assert "(optimal, lower bound 55)" in output
    assert "gap: 0.0 %" in output


def test_a_taillard_file_is_read(tmp_path):
    output = run(str(INSTANCES / "ta01.txt"), "--time-limit", "1")
    assert "ta01: 15 jobs x 15 machines" in output
    assert "gap:" in output


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nope.txt"))


def test_a_bad_file_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("2 2\n0 5 1\n")
    with pytest.raises(CommandError, match="not a job-shop instance"):
        run(str(path))


def test_a_bad_time_limit_is_refused():
    with pytest.raises(CommandError, match="time-limit"):
        run(str(INSTANCES / "ft06.txt"), "--time-limit", "0")
