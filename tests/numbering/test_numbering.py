"""The one numbering service: formats, gap-free numbers, the race on PostgreSQL, the carry-over of the old
per-app counters, and that no other module keeps a counter of its own."""

import re
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from numbering import series
from numbering.models import Counter
from numbering.services import next_number, peek, take
from tests.fixtures.concurrency import run_together
from tests.fixtures.fresh_database import run_in_fresh_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_numbers_keep_their_format_per_series_and_year():
    year = timezone.localdate().year
    assert [next_number(series.ORDER) for _ in range(2)] == [f"SO-{year}-00001", f"SO-{year}-00002"]
    assert next_number(series.NONCONFORMANCE) == f"NCR-{year}-00001"
    assert next_number(series.ORDER, year=2025) == "SO-2025-00001"
    assert next_number(series.ORDER) == f"SO-{year}-00003"
    assert Counter.objects.get(series="SO", year=year).last == 3


@pytest.mark.django_db
def test_a_rolled_back_creation_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(series.SHIPMENT, year=2026) == "SH-2026-00001"
        raise RuntimeError("the shipment was refused")
    assert next_number(series.SHIPMENT, year=2026) == "SH-2026-00001"


@pytest.mark.django_db
def test_peek_reads_without_taking_and_take_reserves_a_block():
    assert peek(series.WORK_ORDER, 2, year=2026) == ["WO-2026-00001", "WO-2026-00002"]
    assert take(series.WORK_ORDER, 10, year=2026) == 1
    assert peek(series.WORK_ORDER, year=2026) == ["WO-2026-00011"]
    assert next_number(series.WORK_ORDER, year=2026) == "WO-2026-00011"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creators_get_distinct_gap_free_numbers(postgres_only):
    """Eight creators at once, starting with no counter row (the year's first number); three of them roll
    back after taking a number. The committed numbers are 1…5 with no repeat and no hole."""

    def creator(keep):
        def create():
            with transaction.atomic():
                number = next_number(series.PURCHASE_ORDER, year=2031)
                time.sleep(0.05)  # hold the counter's lock while the others queue on it
                if not keep:
                    transaction.set_rollback(True)
            return number, keep
        return create

    results = run_together(*[creator(keep=i % 3 != 0) for i in range(8)])
    assert all(isinstance(r, tuple) for r in results), results
    kept = sorted(number for number, keep in results if keep)
    assert kept == [f"PO-2031-{n:05d}" for n in range(1, 6)]
    assert Counter.objects.get(series="PO", year=2031).last == 5


OLD_STATE = [("numbering", "0001_counter"), ("orders", "0010_merge_parallel_branches"),
             ("planning", "0004_system_text_values"), ("production", "0002_system_text_values"),
             ("quality", "0004_merge_ranges_and_system_texts"), ("inventory", "0008_merge_parallel_branches")]

UPGRADE_SCRIPT = f"""
old = migrate_to({OLD_STATE!r})
old.get_model("orders", "OrderNumberSequence").objects.create(year=2026, last=41)
old.get_model("planning", "WorkOrderNumberSequence").objects.create(year=2026, last=7)
old.get_model("production", "ExceptionNumberSequence").objects.create(year=2025, last=3)
old.get_model("quality", "NumberSequence").objects.create(prefix="NCR", year=2026, last=12)
old.get_model("inventory", "DocumentSequence").objects.create(prefix="PO", year=2026, last=99)
Counter = migrate_to([("numbering", "0002_carry_over_old_counters")]).get_model("numbering", "Counter")
for row in Counter.objects.order_by("series", "year"):
    print("COUNTER", row.series, row.year, row.last)
"""


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_carries_every_old_counter_over(tmp_path):
    output = run_in_fresh_database(UPGRADE_SCRIPT, tmp_path)
    counters = [line.split()[1:] for line in output.splitlines() if line.startswith("COUNTER ")]
    assert counters == [["EX", "2025", "3"], ["NCR", "2026", "12"], ["PO", "2026", "99"], ["SO", "2026", "41"],
                        ["WO", "2026", "7"]]
    # The carried-over counters go on from there: the next numbers are the old ones plus one.
    Counter.objects.create(series="SO", year=2026, last=int(counters[3][2]))
    assert next_number("SO", year=2026) == "SO-2026-00042"


# A counter kept by hand: an UPDATE … RETURNING, a `SET last = …`, an upsert, or an F("last") + 1.
COUNTER_UPDATE = re.compile(r"\bUPDATE\b[^\n]*\bRETURNING\b|\bSET\s+\"?last\"?\s*=|ON\s+CONFLICT\b[^\n]*DO\s+UPDATE"
                            r"|F\(\s*[\"']last[\"']\s*\)\s*\+", re.I)
SKIPPED = {".venv", "migrations", "numbering", "tests", "node_modules", ".git"}
# Upserts that add to maintained aggregates (order counts and sums, issue 19), which number nothing.
AGGREGATES = {"orders/tallies.py"}


def test_the_detector_finds_a_hand_kept_counter():
    old_copy = 'cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last", [year])'
    assert COUNTER_UPDATE.search(old_copy)
    assert COUNTER_UPDATE.search('Sequence.objects.filter(year=y).update(last=F("last") + 1)')
    assert not COUNTER_UPDATE.search("INSERT … ON CONFLICT DO NOTHING, in key order")


def test_no_module_outside_numbering_keeps_a_counter():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if SKIPPED & set(path.relative_to(ROOT).parts) or str(path.relative_to(ROOT)) in AGGREGATES:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if COUNTER_UPDATE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == [], "use numbering.services.next_number instead:\n" + "\n".join(offenders)
