"""Single sampling by attributes after GB/T 2828.1-2012 (identical to ISO 2859-1:1999), as data.

- Table 1: lot size range + inspection level → sample size code letter.
- Tables 2-A (normal), 2-B (tightened) and 2-C (reduced): code letter + AQL → sample size n,
  acceptance number Ac and rejection number Re. The tables are written below as the standard prints
  them: one row per code letter, one cell per AQL column, a number being the acceptance number
  (Re = Ac + 1 in every single sampling plan of the 1999 tables — the old reduced plans with a gap
  between Ac and Re are gone) and "↓" / "↑" the standard's arrows: use the first sampling plan
  below / above the arrow; the sample size then comes from the row the arrow leads to, not from the
  original code letter. Table 2-B has an extra row S (n = 3150) with a plan only under AQL 0.025; a
  "·" is a cell the standard leaves empty.
- When the sample size reaches the lot size, every item is inspected (n = lot size, same Ac/Re).

AQLs up to 10 are in percent nonconforming items; AQLs from 15 up are nonconformities per 100 items
(quality.services counts defects accordingly). The rows were checked cell by cell, after resolving the
arrows, against an independent transcription of the printed GB/T 2828.1-2012 tables.
"""

from dataclasses import dataclass
from decimal import Decimal

AQL_VALUES = tuple(Decimal(v) for v in (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5", "2.5",
    "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000"))
# Above this AQL the values are nonconformities per 100 items, not percent nonconforming items.
MAX_PERCENT_AQL = Decimal("10")

SPECIAL_LEVELS = ("S-1", "S-2", "S-3", "S-4")
GENERAL_LEVELS = ("I", "II", "III")
LEVELS = SPECIAL_LEVELS + GENERAL_LEVELS

NORMAL, TIGHTENED, REDUCED = "normal", "tightened", "reduced"
SEVERITIES = (NORMAL, TIGHTENED, REDUCED)

# Table 1 — sample size code letters: (largest lot size of the range, letters for S-1 S-2 S-3 S-4 I II III).
CODE_LETTERS = (
    (8, "A A A A A A B"),
    (15, "A A A A A B C"),
    (25, "A A B B B C D"),
    (50, "A B B C C D E"),
    (90, "B B C C C E F"),
    (150, "B B C D D F G"),
    (280, "B C D E E G H"),
    (500, "B C D E F H J"),
    (1200, "C C E F G J K"),
    (3200, "C D E G H K L"),
    (10000, "C D F G J L M"),
    (35000, "C D F H K M N"),
    (150000, "D E G J L N P"),
    (500000, "D E G J M P Q"),
    (None, "D E H K N Q R"),  # 500 001 and over
)

LETTERS = "ABCDEFGHJKLMNPQR"
SAMPLE_SIZES = dict(zip(LETTERS, (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000), strict=True))
TIGHTENED_SAMPLE_SIZES = {**SAMPLE_SIZES, "S": 3150}
REDUCED_SAMPLE_SIZES = dict(zip(LETTERS, (2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800),
                                strict=True))

# AQL columns:  0.010 0.015 0.025 0.040 0.065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5 4.0 6.5 10 15 25 40 65 100 150
#               250 400 650 1000
TABLE_2A = {  # normal inspection
    "A": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 7 10 14 21 30",
    "B": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 30 44",
    "C": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 30 44 ↑",
    "D": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 30 44 ↑ ↑",
    "E": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 30 44 ↑ ↑ ↑",
    "F": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑",
    "G": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "H": "↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "J": "↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "K": "↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "L": "↓ ↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "M": "↓ ↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "N": "↓ ↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "P": "↓ 0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "Q": "0 ↑ ↓ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "R": "↑ ↑ 1 2 3 5 7 10 14 21 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
}

TABLE_2B = {  # tightened inspection
    "A": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 27",
    "B": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 27 41",
    "C": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 27 41 ↑",
    "D": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 27 41 ↑ ↑",
    "E": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 27 41 ↑ ↑ ↑",
    "F": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑",
    "G": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "H": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "J": "↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "K": "↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "L": "↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "M": "↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "N": "↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "P": "↓ ↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "Q": "↓ 0 ↓ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "R": "0 ↑ ↓ 1 2 3 5 8 12 18 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "S": "· · 1 · · · · · · · · · · · · · · · · · · · · · · ·",
}

TABLE_2C = {  # reduced inspection (sample sizes from REDUCED_SAMPLE_SIZES)
    "A": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↓ ↓ 1 2 3 5 7 10 14 21 30",
    "B": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 7 10 14 21 30",
    "C": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 14 21 ↑",
    "D": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 14 21 ↑ ↑",
    "E": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 14 21 ↑ ↑ ↑",
    "F": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑",
    "G": "↓ ↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "H": "↓ ↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "J": "↓ ↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "K": "↓ ↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "L": "↓ ↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "M": "↓ ↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "N": "↓ ↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "P": "↓ 0 ↑ ↓ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "Q": "0 ↑ ↑ ↓ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
    "R": "↑ ↑ ↑ 1 2 3 5 6 8 10 ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑ ↑",
}

DOWN, UP, EMPTY = "↓", "↑", "·"


@dataclass(frozen=True)
class MasterTable:
    name: str
    rows: dict
    sample_sizes: dict

    @property
    def letters(self):
        return list(self.rows)

    def cell(self, letter, column):
        return self.rows[letter].split()[column]


MASTER_TABLES = {
    NORMAL: MasterTable("2-A", TABLE_2A, SAMPLE_SIZES),
    TIGHTENED: MasterTable("2-B", TABLE_2B, TIGHTENED_SAMPLE_SIZES),
    REDUCED: MasterTable("2-C", TABLE_2C, REDUCED_SAMPLE_SIZES),
}


class SamplingError(ValueError):
    """The inputs do not name a plan of the standard (unknown level, AQL or severity, lot size < 1)."""


@dataclass(frozen=True)
class SamplingPlan:
    """One single sampling plan as used for a lot."""

    severity: str
    aql: Decimal
    lot_size: int
    code_letter: str  # from Table 1 for the lot size and inspection level
    plan_letter: str  # the row the arrows led to; its sample size is used
    table_sample_size: int  # n as printed in the master table
    sample_size: int  # n as inspected: the lot size when the table's n reaches it
    acceptance: int  # Ac: accept the lot with at most this many
    rejection: int  # Re: reject the lot with at least this many

    @property
    def hundred_percent(self):
        return self.table_sample_size >= self.lot_size

    @property
    def table(self):
        return MASTER_TABLES[self.severity].name

    def accepts(self, defects):
        return defects <= self.acceptance


def aql_value(aql) -> Decimal:
    """The AQL as one of the standard's values (accepts "1.0", 1, Decimal("1.00")…)."""
    try:
        value = Decimal(str(aql))
    except ArithmeticError:
        raise SamplingError(f"Not an AQL: {aql!r}") from None
    for standard in AQL_VALUES:
        if standard == value:
            return standard
    raise SamplingError(f"{aql} is not one of the standard's AQL values")


def aql_column(aql):
    return AQL_VALUES.index(aql_value(aql))


def code_letter(lot_size: int, level: str) -> str:
    """Table 1. A lot of one item is treated like the smallest range (and inspected in full)."""
    if level not in LEVELS:
        raise SamplingError(f"Unknown inspection level {level!r}")
    if lot_size < 1:
        raise SamplingError("The lot size must be at least 1")
    column = LEVELS.index(level)
    for largest, letters in CODE_LETTERS:
        if largest is None or lot_size <= largest:
            return letters.split()[column]
    raise AssertionError("unreachable: the last range is open")


def resolve(severity: str, letter: str, aql) -> tuple[str, int]:
    """Follow the arrows of the master table from (letter, AQL) to a plan: (plan letter, Ac)."""
    if severity not in MASTER_TABLES:
        raise SamplingError(f"Unknown severity {severity!r}")
    table = MASTER_TABLES[severity]
    column = aql_column(aql)
    letters = table.letters
    index = letters.index(letter)
    while 0 <= index < len(letters):
        cell = table.cell(letters[index], column)
        if cell == DOWN:
            index += 1
        elif cell == UP:
            index -= 1
        elif cell == EMPTY:
            break
        else:
            return letters[index], int(cell)
    raise AssertionError(f"table {table.name}: the arrows from {letter}/{aql} lead to no plan")


def plan_for(*, lot_size: int, level: str, aql, severity: str = NORMAL) -> SamplingPlan:
    """The single sampling plan for a lot: Table 1, then the master table of the severity."""
    letter = code_letter(lot_size, level)
    plan_letter, acceptance = resolve(severity, letter, aql)
    table_n = MASTER_TABLES[severity].sample_sizes[plan_letter]
    return SamplingPlan(severity=severity, aql=aql_value(aql), lot_size=lot_size, code_letter=letter,
                        plan_letter=plan_letter, table_sample_size=table_n, sample_size=min(table_n, lot_size),
                        acceptance=acceptance, rejection=acceptance + 1)


def one_step_tighter(aql):
    """The next smaller AQL of the series (None below 0.010), for the switching score."""
    column = aql_column(aql)
    return AQL_VALUES[column - 1] if column > 0 else None


def counts_nonconformities(aql) -> bool:
    """AQLs above 10 are nonconformities per 100 items: every defect counts, several per item."""
    return aql_value(aql) > MAX_PERCENT_AQL
