"""Benchmarks (make bench): run with `python bench/run.py`; see bench/README.md. Never part of make test."""
