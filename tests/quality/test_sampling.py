"""GB/T 2828.1-2012 / ISO 2859-1:1999 single sampling against values read off the printed tables.

Every expected value below was read from the standard's tables (Table 1, 2-A, 2-B, 2-C) by hand,
following the arrows as the standard says; none is computed from quality.sampling."""

from decimal import Decimal

import pytest

from quality import sampling
from quality.sampling import NORMAL, REDUCED, TIGHTENED, SamplingError, code_letter, plan_for


@pytest.mark.parametrize(("lot", "level", "letter"), [
    (2, "II", "A"), (8, "II", "A"), (9, "II", "B"), (15, "II", "B"), (16, "II", "C"), (25, "II", "C"),
    (26, "II", "D"), (50, "II", "D"), (51, "II", "E"), (90, "II", "E"), (91, "II", "F"), (150, "II", "F"),
    (151, "II", "G"), (280, "II", "G"), (281, "II", "H"), (500, "II", "H"), (501, "II", "J"), (1200, "II", "J"),
    (1201, "II", "K"), (3200, "II", "K"), (3201, "II", "L"), (10000, "II", "L"), (10001, "II", "M"),
    (35000, "II", "M"), (35001, "II", "N"), (150000, "II", "N"), (150001, "II", "P"), (500000, "II", "P"),
    (500001, "II", "Q"), (10_000_000, "II", "Q"),
    (8, "III", "B"), (15, "III", "C"), (500, "III", "J"), (1200, "III", "K"), (500001, "III", "R"),
    (8, "I", "A"), (25, "I", "B"), (90, "I", "C"), (150, "I", "D"), (500, "I", "F"), (1200, "I", "G"),
    (3200, "I", "H"), (10000, "I", "J"), (35000, "I", "K"), (150000, "I", "L"), (500000, "I", "M"),
    (500001, "I", "N"),
    (25, "S-1", "A"), (50, "S-1", "A"), (51, "S-1", "B"), (500, "S-1", "B"), (501, "S-1", "C"), (35001, "S-1", "D"),
    (25, "S-2", "A"), (26, "S-2", "B"), (150, "S-2", "B"), (151, "S-2", "C"), (1201, "S-2", "D"),
    (35001, "S-2", "E"), (15, "S-3", "A"), (16, "S-3", "B"), (51, "S-3", "C"), (151, "S-3", "D"),
    (501, "S-3", "E"), (3201, "S-3", "F"), (35001, "S-3", "G"), (500001, "S-3", "H"),
    (15, "S-4", "A"), (16, "S-4", "B"), (26, "S-4", "C"), (91, "S-4", "D"), (151, "S-4", "E"), (501, "S-4", "F"),
    (1201, "S-4", "G"), (10001, "S-4", "H"), (35001, "S-4", "J"), (500001, "S-4", "K"),
])
def test_table_1_code_letters(lot, level, letter):
    assert code_letter(lot, level) == letter


@pytest.mark.parametrize(("lot", "level", "aql", "n", "ac", "re"), [
    # the examples of the brief, checked against the tables
    (500, "II", "1.0", 50, 1, 2),  # H
    (1200, "II", "0.65", 80, 1, 2),  # J
    (1200, "II", "2.5", 80, 5, 6),  # J
    (3201, "II", "1.5", 200, 7, 8),  # L (3 201 – 10 000; a lot of 3 200 is still K)
    (3200, "II", "1.5", 125, 5, 6),  # K
    # plans straight from a cell
    (500, "II", "0.25", 50, 0, 1), (500, "II", "2.5", 50, 3, 4), (500, "II", "4.0", 50, 5, 6),
    (1200, "II", "0.15", 80, 0, 1), (1200, "II", "4.0", 80, 7, 8), (1200, "II", "6.5", 80, 10, 11),
    (3200, "II", "6.5", 125, 14, 15), (3200, "II", "10", 125, 21, 22), (35000, "III", "0.10", 500, 1, 2),
    (150, "II", "0.65", 20, 0, 1), (10000, "II", "2.5", 200, 10, 11), (500001, "III", "0.65", 2000, 21, 22),
    # nonconformities per 100 items (AQL > 10)
    (8, "II", "25", 2, 1, 2), (8, "II", "1000", 2, 30, 31), (15, "II", "1000", 3, 44, 45), (90, "II", "40", 13, 10, 11),
    # ↑: the first plan above the arrow (smaller sample)
    (150, "II", "1.0", 13, 0, 1),  # F ↑ E
    (100000, "S-3", "0.65", 20, 0, 1),  # G ↑ F
    (100000, "S-4", "0.25", 50, 0, 1),  # J ↑ H
    (3200, "II", "0.15", 80, 0, 1),  # K ↑ J
    (500001, "III", "0.010", 1250, 0, 1),  # R ↑ Q
    (150, "II", "100", 13, 21, 22),  # F ↑ E at the top right
    # ↓: the first plan below the arrow (larger sample)
    (150, "II", "1.5", 32, 1, 2),  # F ↓ G
    (10000, "I", "0.40", 125, 1, 2),  # J ↓ K
    (100000, "S-4", "0.40", 125, 1, 2),  # J ↓ K
    (500, "II", "0.65", 80, 1, 2),  # H ↓ J
    (50, "II", "0.10", 50, 0, 1),  # D ↓ … H, n = lot: 100 %
])
def test_normal_inspection_table_2a(lot, level, aql, n, ac, re):
    plan = plan_for(lot_size=lot, level=level, aql=aql, severity=NORMAL)
    assert (plan.sample_size, plan.acceptance, plan.rejection) == (n, ac, re)
    assert plan.table == "2-A"


def test_special_level_s2_small_lots_exactly():
    plan = plan_for(lot_size=50, level="S-2", aql="4.0")
    assert (plan.code_letter, plan.plan_letter, plan.sample_size) == ("B", "B", 3)
    assert (plan.acceptance, plan.rejection) == (0, 1)
    plan = plan_for(lot_size=90, level="S-1", aql="10")  # B at 10 is ↓ → C (n 5): Ac 1 Re 2
    assert (plan.code_letter, plan.plan_letter, plan.sample_size, plan.acceptance) == ("B", "C", 5, 1)
    plan = plan_for(lot_size=280, level="S-3", aql="2.5")  # D at 2.5 is ↑ → C (n 5): Ac 0
    assert (plan.code_letter, plan.plan_letter, plan.sample_size, plan.acceptance) == ("D", "C", 5, 0)


def test_when_the_sample_reaches_the_lot_every_item_is_inspected():
    plan = plan_for(lot_size=8, level="S-2", aql="1.0")  # A ↓ … E (n 13) > lot 8
    assert (plan.plan_letter, plan.table_sample_size, plan.sample_size) == ("E", 13, 8)
    assert (plan.acceptance, plan.rejection) == (0, 1)
    assert plan.hundred_percent
    exact = plan_for(lot_size=50, level="II", aql="0.25")  # D ↓ … H (n 50) = lot 50
    assert exact.sample_size == 50 and exact.hundred_percent
    assert not plan_for(lot_size=500, level="II", aql="1.0").hundred_percent
    single = plan_for(lot_size=1, level="II", aql="1.0")
    assert single.sample_size == 1 and single.hundred_percent


@pytest.mark.parametrize(("lot", "aql", "letter", "n", "ac"), [
    (500, "1.0", "J", 80, 1),  # H at 1.0 is ↓ → J
    (1200, "2.5", "J", 80, 3),
    (3200, "1.0", "K", 125, 2),
    (10000, "1.5", "L", 200, 5),
    (280, "6.5", "G", 32, 3),
    (280, "10", "G", 32, 5),
    (280, "15", "G", 32, 8),
    (1200, "10", "J", 80, 12),
    (8, "1000", "A", 2, 27),
    (15, "1000", "B", 3, 41),
    (150, "100", "E", 13, 18),  # F ↑ E
    (500001, "0.025", "S", 3150, 1),  # R ↓ S, the extra row of Table 2-B
    (500001, "0.015", "Q", 1250, 0),  # R ↑ Q
])
def test_tightened_inspection_table_2b(lot, aql, letter, n, ac):
    level = "III" if lot == 500001 else "II"
    plan = plan_for(lot_size=lot, level=level, aql=aql, severity=TIGHTENED)
    assert (plan.plan_letter, plan.sample_size, plan.acceptance, plan.rejection) == (letter, n, ac, ac + 1)
    assert plan.table == "2-B"


@pytest.mark.parametrize(("lot", "aql", "letter", "n", "ac"), [
    (3200, "2.5", "K", 50, 5),
    (10000, "4.0", "L", 80, 8),
    (10000, "2.5", "L", 80, 6),
    (1200, "0.65", "K", 50, 1),  # J ↓ ↓ → K (reduced n 50)
    (500, "1.0", "J", 32, 1),  # H ↓ → J (reduced n 32)
    (500, "0.25", "H", 20, 0),
    (500, "0.40", "G", 13, 0),  # H ↑ G
    (8, "25", "A", 2, 1),
    (25, "250", "C", 2, 10),
    (25, "65", "C", 2, 5),
    (50, "400", "D", 3, 21),
    (50, "250", "D", 3, 14),
    (150, "100", "E", 5, 10),  # F ↑ E
    (500001, "0.025", "N", 200, 0),  # R ↑ Q ↑ P ↑ N
    (500001, "0.040", "R", 800, 1),
])
def test_reduced_inspection_table_2c(lot, aql, letter, n, ac):
    level = "III" if lot == 500001 else "II"
    plan = plan_for(lot_size=lot, level=level, aql=aql, severity=REDUCED)
    assert (plan.plan_letter, plan.sample_size, plan.acceptance, plan.rejection) == (letter, n, ac, ac + 1)
    assert plan.table == "2-C"


def test_every_cell_of_every_table_leads_to_a_plan():
    for severity, table in sampling.MASTER_TABLES.items():
        assert all(len(row.split()) == len(sampling.AQL_VALUES) for row in table.rows.values())
        for letter in sampling.LETTERS:
            for aql in sampling.AQL_VALUES:
                plan_letter, ac = sampling.resolve(severity, letter, aql)
                assert ac >= 0 and plan_letter in table.sample_sizes


def test_tightened_is_never_more_lenient_than_normal_for_the_same_sample():
    for letter in sampling.LETTERS:
        for aql in sampling.AQL_VALUES:
            normal_letter, normal_ac = sampling.resolve(NORMAL, letter, aql)
            tight_letter, tight_ac = sampling.resolve(TIGHTENED, letter, aql)
            if normal_letter == tight_letter:
                assert tight_ac <= normal_ac, (letter, aql)


@pytest.mark.parametrize("bad", [
    {"lot_size": 0, "level": "II", "aql": "1.0"},
    {"lot_size": 100, "level": "IV", "aql": "1.0"},
    {"lot_size": 100, "level": "II", "aql": "1.2"},
    {"lot_size": 100, "level": "II", "aql": "abc"},
    {"lot_size": 100, "level": "II", "aql": "1.0", "severity": "strict"},
])
def test_inputs_outside_the_standard_are_refused(bad):
    with pytest.raises(SamplingError):
        plan_for(**bad)


def test_aql_values_are_matched_whatever_their_spelling():
    assert sampling.aql_value("1") == Decimal("1.0")
    assert sampling.aql_value(Decimal("0.650")) == Decimal("0.65")
    assert sampling.one_step_tighter("1.0") == Decimal("0.65")
    assert sampling.one_step_tighter("0.010") is None
    assert sampling.counts_nonconformities("15") and not sampling.counts_nonconformities("10")
