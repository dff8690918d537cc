"""Reading job-shop instances, Taillard's generator, and the instance files in bench/instances."""

from pathlib import Path

import pytest

from bench import jobshop
from planning.scheduling.engine import schedule
from planning.scheduling.model import SchedulingInputError
from planning.scheduling.validation import validate_schedule

INSTANCES = Path(__file__).resolve().parents[2] / "bench" / "instances"
# name: (jobs, machines, sum of all durations) -- a checksum of the published data.
STANDARD = {"ft06": (6, 6, 197), "ft10": (10, 10, 5109), "la01": (10, 5, 2849), "la02": (10, 5, 2643),
            "la03": (10, 5, 2383), "la04": (10, 5, 2507), "la05": (10, 5, 2283)}


def test_the_standard_format_with_comments_and_blank_lines():
    instance = jobshop.parse("# a comment\n\n2 3\n0 5 1 4 2 3\n 2 1  0 2 1 7\n", name="tiny")
    assert instance.machines == 3
    assert instance.jobs == (((0, 5), (1, 4), (2, 3)), ((2, 1), (0, 2), (1, 7)))
    problem = instance.to_problem()
    assert [c.code for c in problem.centers] == ["M0", "M1", "M2"]
    result = schedule(problem)
    assert validate_schedule(problem, result) == []
    # Best: J0 on M0 0-5, M1 5-9, M2 9-12; J1 on M2 0-1, M0 5-7, M1 9-16 (J1 first on M1 gives 17).
    assert result.makespan == 16


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("2\n0 5\n", "number of jobs"),
    ("2 2\n0 5 1 4\n", "announces 2 jobs but 1"),
    ("1 2\n0 5 1\n", "pairs"),
    ("1 2\n0 5 2 4\n", "machine 2"),
    ("1 2\n0 5 1 0\n", "above zero"),
    ("1 2\n0 5 x 4\n", "whole number"),
])
def test_bad_instances_are_rejected_with_the_line(text, message):
    with pytest.raises(SchedulingInputError, match=message):
        jobshop.parse(text)


@pytest.mark.parametrize("name", sorted(STANDARD))
def test_the_bench_instances_hold_the_published_data(name):
    instance = jobshop.read(INSTANCES / f"{name}.txt")
    jobs, machines, total = STANDARD[name]
    assert (len(instance.jobs), instance.machines) == (jobs, machines)
    assert sum(d for route in instance.jobs for _m, d in route) == total
    for route in instance.jobs:  # every job visits every machine once
        assert sorted(m for m, _d in route) == list(range(machines))


def test_taillard_generator_reproduces_ta01():
    name, (time_seed, machine_seed, best) = "ta01", jobshop.TAILLARD_15X15["ta01"]
    instance = jobshop.taillard_instance(name, time_seed, machine_seed)
    # The first job of ta01 as published by Taillard (machines numbered from 1 there).
    assert [d for _m, d in instance.jobs[0]] == [94, 66, 10, 53, 26, 15, 65, 82, 10, 27, 93, 92, 96, 70, 83]
    assert [m + 1 for m, _d in instance.jobs[0]] == [7, 13, 5, 8, 4, 3, 11, 12, 9, 15, 10, 14, 6, 1, 2]
    assert jobshop.lower_bound(instance) == 977
    assert best == 1231


@pytest.mark.parametrize("name", sorted(jobshop.TAILLARD_15X15))
def test_taillard_files_match_the_generator(name):
    time_seed, machine_seed, _best = jobshop.TAILLARD_15X15[name]
    from_file = jobshop.read(INSTANCES / f"{name}.txt")
    assert from_file.jobs == jobshop.taillard_instance(name, time_seed, machine_seed).jobs
    assert from_file.machines == 15


def test_taillard_text_round_trips():
    instance = jobshop.taillard_instance("ta02", *jobshop.TAILLARD_15X15["ta02"][:2])
    text = jobshop.taillard_text(instance, *jobshop.TAILLARD_15X15["ta02"])
    assert jobshop.parse(text, "ta02") == instance
    assert jobshop.parse(instance.to_text(), "ta02") == instance


@pytest.mark.parametrize("name", sorted(jobshop.TAILLARD_LARGE))
def test_the_large_taillard_files_match_the_generator_and_their_published_optimum(name):
    time_seed, machine_seed, jobs, machines, optimum = jobshop.TAILLARD_LARGE[name]
    generated = jobshop.taillard_instance(name, time_seed, machine_seed, jobs=jobs, machines=machines)
    from_file = jobshop.read(INSTANCES / f"{name}.txt")
    assert from_file.jobs == generated.jobs
    assert (len(from_file.jobs), from_file.machines) == (jobs, machines)
    # For these instances the published optimum is the simple bound (busiest machine): a check of the seeds.
    assert jobshop.lower_bound(generated) == optimum == jobshop.known_optimum(name)
