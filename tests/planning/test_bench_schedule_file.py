"""bench/schedule_file.py: the built-in scheduler beside CP-SAT on an instance file, each with its gap to
the published optimum. (`--help` is tested with every management command: tests/test_command_help.py.)"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bench import jobshop
from bench.schedule_file import Command
from planning.scheduling import optimizer

INSTANCES = Path(__file__).resolve().parents[2] / "bench" / "instances"


def run(*args):
    out = StringIO()
    call_command(Command(), *args, stdout=out)
    return out.getvalue()


def test_ft06_prints_both_makespans_and_their_gaps_to_the_published_optimum():
    output = run(str(INSTANCES / "ft06.txt"), "--time-limit", "10")
    assert output.splitlines()[:2] == ["ft06: 6 jobs x 6 machines", "optimum: 55"]
    assert "built-in scheduler: makespan 55 in" in output
    assert "built-in gap to the optimum: 0.0 %" in output
    assert "optimiser (CP-SAT): makespan 55 in" in output
    assert "(optimal, lower bound 55)" in output
    assert "optimiser gap to the optimum: 0.0 %" in output


def test_the_gap_is_to_the_optimum_not_to_the_optimiser(tmp_path):
    # ta01's built-in makespan is far above 1231; the gap must be measured against 1231 whatever CP-SAT finds.
    output = run(str(INSTANCES / "ta01.txt"), "--time-limit", "1")
    assert "ta01: 15 jobs x 15 machines" in output
    built_in = int(output.split("built-in scheduler: makespan ")[1].split()[0])
    found = int(output.split("optimiser (CP-SAT): makespan ")[1].split()[0])
    assert f"built-in gap to the optimum: {jobshop.gap_percent(built_in, 1231):.1f} %" in output
    assert f"optimiser gap to the optimum: {jobshop.gap_percent(found, 1231):.1f} %" in output
    assert found <= built_in


def test_optimum_option_overrides_the_table_and_no_optimiser_skips_cp_sat():
    output = run(str(INSTANCES / "ft06.txt"), "--optimum", "50", "--no-optimiser")
    assert "optimum: 50" in output
    assert "built-in gap to the optimum: 10.0 %" in output  # 55 against 50
    assert "optimiser" not in output


def test_an_unknown_instance_prints_no_gap(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("2 2\n0 5 1 4\n1 3 0 2\n")
    output = run(str(path), "--time-limit", "1")
    assert "optimum: unknown (give --optimum N to see the gaps)" in output
    assert "makespan 9" in output
    assert "gap" not in output.replace("see the gaps", "")


def test_when_the_optimiser_finds_nothing_it_says_so_and_prints_no_gap(monkeypatch):
    real = optimizer.optimize

    def finds_nothing(problem, **options):
        result = real(problem, **options)  # the real run, then as if its time ran out before a solution
        return optimizer.OptimizerResult(result.schedule, "unknown", None, None, 0.5, 0)

    monkeypatch.setattr(optimizer, "optimize", finds_nothing)
    output = run(str(INSTANCES / "ft06.txt"), "--time-limit", "1")
    assert "optimiser (CP-SAT): no solution in 0.50 s (unknown)" in output
    assert "built-in gap to the optimum: 0.0 %" in output
    assert "optimiser gap" not in output
    assert "optimiser (CP-SAT): makespan" not in output


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


def test_a_bad_optimum_is_refused():
    with pytest.raises(CommandError, match="optimum"):
        run(str(INSTANCES / "ft06.txt"), "--optimum", "0")


def test_the_optima_table_holds_the_bundled_files_published_values():
    assert [jobshop.known_optimum(name) for name in ("ft06", "FT10", "la01", "ta01", "ta10", "ta61", "ta71")] == \
        [55, 930, 666, 1231, 1241, 2868, 5464]
    assert jobshop.known_optimum("ta41") is None  # open: not guessed
