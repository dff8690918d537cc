"""bench/optimiser.py: the comparison runs both strategies and reports gaps to the optimum (no timing
is asserted: timings are the bench's business)."""

from bench import optimiser


def test_one_instance_is_compared_with_gaps_to_its_optimum():
    figures = optimiser.compare("ft06", time_limit=5, log=lambda message: None)
    assert figures["optimum"] == 55 and figures["operations"] == 36
    for side in ("plain", "ours"):
        assert figures[side]["makespan"] == 55
        assert figures[side]["gap"] == 0.0
        assert figures[side]["solved"]
        assert figures[side]["wall"] > 0 and figures[side]["load"] >= 0
    table = optimiser.table([figures])
    assert "ft06" in table and "55 (0.0 %)" in table


def test_the_target_rows_read_the_figures():
    def side(makespan, gap):
        return {"makespan": makespan, "gap": gap, "solved": True, "status": "feasible", "wall": 10.0, "cpu": 9.0,
                "load": 1.0}

    figures = [{"instance": "ft10", "operations": 100, "optimum": 930, "time_limit": 1.0, "seed": seed,
                "plain": side(960, 3.2), "ours": side(makespan, 0.0)} for seed, makespan in enumerate((940, 950, 945))]
    figures.append({"instance": "ta61", "operations": 1000, "optimum": 2868, "time_limit": 10.0, "seed": 0,
                    "plain": side(3300, 15.1), "ours": side(3300, 15.1)})
    rows = {row.name: row for row in optimiser._rows(figures)}
    assert rows["optimiser ft10, 1 s: median of 3"].ok is True  # median 945 <= 949
    assert rows["optimiser ta61 (1000 ops), 10 s: better than plain CP-SAT"].ok is False  # equal is not better
