"""The scheduling engine: pure Python, no Django models, so it can be tested and benchmarked alone.

- ``model``: the dataclasses a problem and a schedule are made of.
- ``calendar``: working-time arithmetic (shifts, weekends, holidays, closures, overtime).
- ``engine.schedule``: the built-in deterministic finite-capacity scheduler.
- ``optimizer.optimize``: OR-Tools CP-SAT, for tardiness (rush first) or makespan; its model is built in
  ``cpsat_model`` and improved part by part by ``large_neighbourhood`` (large-neighbourhood search).
- ``whatif.compare``: which jobs a change makes finish later, and which become late.
- ``validation.validate_schedule``: the one validity checker used by tests and benchmarks.

The job-shop instance reader (standard and Taillard formats) is used by the benchmarks only: bench/jobshop.py.
"""
