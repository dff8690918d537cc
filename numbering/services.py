"""The one numbering service: SO-2026-00042, WO-, QI-, NCR-, PO-, PR-, GR-, MD-, MP-, EX-, SH-, CP-, RT-, RR-.

`next_number` takes the next number of a series in one upsert (`INSERT … ON CONFLICT DO UPDATE …
RETURNING`, on PostgreSQL and SQLite alike). The statement locks the counter row until the caller's
transaction ends, so two creators never share a number, and a creation that rolls back gives its number
back: the numbers of a series are gap-free. Call it inside the transaction that stores the numbered row.
"""

from django.db import connection
from django.utils import timezone

from .models import Counter

DIGITS = 5


def formatted(series, year, value):
    return f"{series}-{year}-{value:0{DIGITS}d}"


def _year(year):
    return year or timezone.localdate().year


def take(series, count=1, *, year=None):
    """Take `count` consecutive numbers of the series; return the first one's value (an int)."""
    year = _year(year)
    table = connection.ops.quote_name(Counter._meta.db_table)
    # The first number of a year creates the counter; a racing creator waits on the unique index and
    # then increments the row the winner inserted, so the year's first number needs no retry.
    sql = (f"INSERT INTO {table} (series, year, last) VALUES (%s, %s, %s) "
           f"ON CONFLICT (series, year) DO UPDATE SET last = {table}.last + %s RETURNING last")
    with connection.cursor() as cursor:
        cursor.execute(sql, [series, year, count, count])
        (last,) = cursor.fetchone()
    return last - count + 1


def next_number(series, *, year=None):
    """The next number of the series in `year` (this year by default), e.g. "SO-2026-00042"."""
    year = _year(year)
    return formatted(series, year, take(series, year=year))


def peek(series, count=1, *, year=None):
    """The next `count` numbers of the series, read without taking them (for a preview)."""
    year = _year(year)
    last = Counter.objects.filter(series=series, year=year).values_list("last", flat=True).first() or 0
    return [formatted(series, year, last + k) for k in range(1, count + 1)]
