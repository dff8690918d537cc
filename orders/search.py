"""How the order list's search finds orders fast at any size (issue 19, item 3).

`Order.search_text` (number, PO, customer, products, lower case) has a trigram index on PostgreSQL, which
serves terms of 3 or more characters. Trigrams cannot serve shorter terms, and Chinese searches are often
two characters (酒店, 电子): `Order.search_grams` keeps the two-character runs of the Chinese text, indexed
with GIN, so "酒店" is an index lookup. Terms that are still shorter (one character, or two letters/digits)
would match nearly every order: they match exact order numbers and customer codes only, and the list says so.
"""

import re

from django.db import connection
from django.db.models import Q

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
INDEXED_LENGTH = 3  # the trigram index serves terms this long and longer


def cjk_bigrams(text):
    """The distinct two-character runs of the Chinese text in `text`, in order of appearance."""
    grams = {}
    for run in CJK.findall(text or ""):
        for start in range(len(run) - 1):
            grams.setdefault(run[start:start + 2], None)
    return list(grams)


def is_short(text):
    """Whether a search term is too short for either index (the exact-codes fallback applies)."""
    term = (text or "").strip()
    return bool(term) and len(term) < INDEXED_LENGTH and not (len(term) == 2 and CJK.fullmatch(term))


def order_search(text):
    """The condition of the order list's search for `text` (already stripped, not empty)."""
    term = text.lower()
    if len(term) >= INDEXED_LENGTH:
        return Q(search_text__contains=term)
    if len(term) == 2 and CJK.fullmatch(term):
        if connection.vendor == "postgresql":
            return Q(search_grams__contains=[term])
        return Q(search_text__contains=term)  # the embedded SQLite default: a scan over a laptop's orders
    return Q(number__iexact=text) | Q(customer__code__iexact=text)
