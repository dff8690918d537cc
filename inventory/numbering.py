"""Human-friendly numbers for inventory documents: PO-2026-00042 (purchase orders), PR- (purchase
requests), GR- (goods receipts), MD- (material delays), MP- (material prep sheets).

A per-prefix, per-year counter is incremented in one UPDATE … RETURNING, which locks the counter row
until the creating transaction ends, so two people creating a purchase order at the same moment never
get the same number (the same scheme as orders.services.next_order_number). Call it inside the
transaction that stores the numbered row: a rolled-back creation gives its number back.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import DocumentSequence

PURCHASE_ORDER = "PO"
PURCHASE_REQUEST = "PR"
GOODS_RECEIPT = "GR"
MATERIAL_DELAY = "MD"
PREP_SHEET = "MP"


def next_number(prefix, on=None):
    year = (on or timezone.localdate()).year
    table = connection.ops.quote_name(DocumentSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE prefix = %s AND year = %s RETURNING last",
                       [prefix, year])
        row = cursor.fetchone()
    if row is None:  # the year's first number of this kind: create its counter (a racing creator may win)
        try:
            with transaction.atomic():
                DocumentSequence.objects.create(prefix=prefix, year=year, last=1)
            return f"{prefix}-{year}-00001"
        except IntegrityError:
            return next_number(prefix, on)
    return f"{prefix}-{year}-{row[0]:05d}"
