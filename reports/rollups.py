"""Daily rollups of the delivered orders (issue 19, item 2): the dashboard's delivery and lead-time figures
read a few rows per day (`DeliveryDay`, `LeadTimeDay`) instead of every delivered order of the period.

The rollups are the sums of the delivered-order facts (reports.facts), grouped by factory-local delivery
day and priority, and they change only together with the facts: `replace_facts` is the one place that
writes facts, and it applies the difference between the old rows and the new ones to the rollups in the
same transaction. Facts are written

- when the order is delivered: the `confirm_delivery` reaction (`on_order_delivered`, listed in
  orders.stage_hooks) runs inside the delivery's transaction, under the order's row lock;
- by the beat's refresh, a page's "missing facts" step and "Recompute now" (reports.facts), which lock the
  orders of their batch first (pk order), so they queue with a delivery of the same order.

Lock order (docs/locking.md): the order, then its fact row, then the rollup rows in key order (the last rows
a transaction locks, after the order tallies). The rollup rows change by one upsert per table adding the
difference, so two deliveries on the same day wait for each other but never deadlock.

Percentiles come from the histogram: each measure's times are counted in fixed buckets BUCKET_HOURS wide
and a percentile is read at the middle of the buckets holding the two nearest values (percentile_cont's
interpolation), so it is within half a bucket of the exact figure. Averages are exact (the sums are kept in
microseconds). `reconcile` rebuilds the facts from the order events (history), recounts the rollups from
them, reports and repairs any difference (`manage.py reconcile_rollups`, nightly in the beat)."""

import math
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from alerts.services import create_alert
from orders.models import OrderEvent

from .facts import REACHED, STAGES, fact_for, factory_zone, refresh_order_facts
from .models import DeliveredOrderFact, DeliveryDay, LeadTimeDay

MEASURES = ["lead_time_hours"] + [name for name, _start, _end in STAGES]
BUCKET_HOURS = 12
# Upserts of at most this many rows per statement (PostgreSQL takes at most 65,535 parameters).
CHUNK = 2000


def bucket_of(hours):
    return math.floor(hours / BUCKET_HOURS)


def micros(hours):
    return round(hours * 3_600_000_000)


class Difference:
    """What some facts add to (sign 1) or take from (sign -1) the rollups."""

    def __init__(self):
        self.days = defaultdict(lambda: [0, 0])  # (day, priority) -> [delivered, on time]
        self.lead = defaultdict(lambda: [0, 0])  # (day, priority, measure, bucket) -> [orders, microseconds]

    def add(self, facts, sign):
        for fact in facts:
            day = self.days[(fact.delivered_date, fact.priority)]
            day[0] += sign
            day[1] += sign * bool(fact.on_time)
            for measure in MEASURES:
                hours = getattr(fact, measure)
                if hours is not None:
                    row = self.lead[(fact.delivered_date, fact.priority, measure, bucket_of(hours))]
                    row[0] += sign
                    row[1] += sign * micros(hours)
        return self

    def apply(self):
        """Add the difference to the rollup rows: one upsert per table (per CHUNK rows), rows in key order."""
        days = sorted((key, n, on_time) for key, (n, on_time) in self.days.items() if n or on_time)
        lead = sorted((key, n, us) for key, (n, us) in self.lead.items() if n or us)
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(DeliveryDay._meta.db_table)
            for start in range(0, len(days), CHUNK):
                chunk = days[start:start + CHUNK]
                cursor.execute(
                    f"INSERT INTO {table} (day, priority, delivered, on_time) VALUES "
                    + ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
                    + f" ON CONFLICT (day, priority) DO UPDATE SET delivered = {table}.delivered + EXCLUDED.delivered,"
                    f" on_time = {table}.on_time + EXCLUDED.on_time",
                    [v for key, n, on_time in chunk for v in (*key, n, on_time)])
            table = connection.ops.quote_name(LeadTimeDay._meta.db_table)
            for start in range(0, len(lead), CHUNK):
                chunk = lead[start:start + CHUNK]
                cursor.execute(
                    f"INSERT INTO {table} (day, priority, measure, bucket, orders, total_us) VALUES "
                    + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
                    + f" ON CONFLICT (day, priority, measure, bucket) DO UPDATE SET orders = {table}.orders"
                    f" + EXCLUDED.orders, total_us = {table}.total_us + EXCLUDED.total_us",
                    [v for key, n, us in chunk for v in (*key, n, us)])


def replace_facts(order_ids, facts):
    """Replace the fact rows of `order_ids` by `facts` (those of them delivered) and move the rollups by the
    difference. The caller holds the orders' row locks inside its transaction."""
    with transaction.atomic(savepoint=False):
        old = list(DeliveredOrderFact.objects.select_for_update().filter(order_id__in=order_ids).order_by("order_id"))
        if old:
            DeliveredOrderFact.objects.filter(order_id__in=order_ids).delete()
        DeliveredOrderFact.objects.bulk_create(facts)
        Difference().add(old, -1).add(facts, 1).apply()


def on_order_delivered(*, actor, order, action, from_status):
    """The `confirm_delivery` reaction (orders.stage_hooks): the order's fact and the day's rollups, in the
    delivery's own transaction (its `delivered` event is written by then)."""
    reached = {}
    for row in (OrderEvent.objects.filter(order_id=order.pk, to_status__in=REACHED)
                .values("to_status").annotate(first=Min("created_at")).order_by()):
        reached[row["to_status"]] = row["first"]
    replace_facts([order.pk], [fact_for(order, reached, factory_zone())])


# --- reading ------------------------------------------------------------------------------------------

def in_period(model, date_from, date_to, priority=""):
    rows = model.objects.filter(day__gte=date_from, day__lte=date_to)
    return rows.filter(priority=priority) if priority else rows


def percentile_from_buckets(buckets, fraction):
    """percentile_cont read from a histogram {bucket: count}: the two nearest ranks' values are taken at the
    middle of their buckets (so the result is within BUCKET_HOURS / 2 of the exact one). Hours, or None."""
    total = sum(buckets.values())
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = int(position), min(int(position) + 1, total - 1)
    values = {}
    seen = 0
    for bucket in sorted(buckets):
        count = buckets[bucket]
        for rank in (low, high):
            if rank not in values and seen <= rank < seen + count:
                values[rank] = (bucket + 0.5) * BUCKET_HOURS
        seen += count
    return values[low] + (values[high] - values[low]) * (position - low)


def lead_time_stats(date_from, date_to, priority="", fraction=0.9):
    """{measure: (average hours, percentile hours)} over the deliveries of the days (one query)."""
    buckets, sums = defaultdict(dict), defaultdict(lambda: [0, 0])
    for row in (in_period(LeadTimeDay, date_from, date_to, priority).values("measure", "bucket")
                .annotate(n=Sum("orders"), us=Sum("total_us")).order_by()):
        n, us = int(row["n"] or 0), int(row["us"] or 0)
        if n:
            buckets[row["measure"]][row["bucket"]] = n
        sums[row["measure"]][0] += n
        sums[row["measure"]][1] += us
    stats = {}
    for measure in MEASURES:
        n, us = sums[measure]
        stats[measure] = (us / n / 3_600_000_000 if n else None, percentile_from_buckets(buckets[measure], fraction))
    return stats


# --- reconciliation -----------------------------------------------------------------------------------

def recount():
    """What the rollups should hold, summed from the facts: ({(day, priority): (delivered, on time)},
    {(day, priority, measure, bucket): (orders, microseconds)})."""
    counted = Difference()
    for start in range(0, DeliveredOrderFact.objects.count() + 1, 5000):
        counted.add(DeliveredOrderFact.objects.order_by("order_id")[start:start + 5000], 1)
    days = {key: tuple(v) for key, v in counted.days.items() if any(v)}
    lead = {key: tuple(v) for key, v in counted.lead.items() if any(v)}
    return days, lead


def stored():
    days = {(r.day, r.priority): (r.delivered, r.on_time) for r in DeliveryDay.objects.all()
            if r.delivered or r.on_time}
    lead = {(r.day, r.priority, r.measure, r.bucket): (r.orders, r.total_us) for r in LeadTimeDay.objects.all()
            if r.orders or r.total_us}
    return days, lead


def reconcile(*, fix=False, rebuild_facts=True):
    """Rebuild the facts from the order events (with `rebuild_facts`; the rollups follow them), then compare
    the rollups with a full recount of the facts. Returns the differences [(table, key, stored, counted)];
    with `fix` the rollups are rewritten from the recount, under a lock on both tables (no delivery slips in
    between the count and the rewrite)."""
    if rebuild_facts:
        refresh_order_facts()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DeliveryDay._meta.db_table}, {LeadTimeDay._meta.db_table} "
                               "IN SHARE ROW EXCLUSIVE MODE")
        (days, lead), (kept_days, kept_lead) = recount(), stored()
        drift = [("delivery", key, kept_days.get(key), days.get(key))
                 for key in sorted(set(days) | set(kept_days)) if days.get(key) != kept_days.get(key)]
        drift += [("lead_time", key, kept_lead.get(key), lead.get(key))
                  for key in sorted(set(lead) | set(kept_lead)) if lead.get(key) != kept_lead.get(key)]
        if fix and drift:
            DeliveryDay.objects.all().delete()
            DeliveryDay.objects.bulk_create((DeliveryDay(day=d, priority=p, delivered=n, on_time=t)
                                             for (d, p), (n, t) in days.items()), batch_size=CHUNK)
            LeadTimeDay.objects.all().delete()
            LeadTimeDay.objects.bulk_create((LeadTimeDay(day=d, priority=p, measure=m, bucket=b, orders=n, total_us=us)
                                             for (d, p, m, b), (n, us) in lead.items()), batch_size=CHUNK)
    return drift


def report_drift(drift):
    """Tell the managers the rollups had drifted (and were repaired): a fact written around replace_facts, a
    defect to look for."""
    create_alert(kind="rollup_drift", severity="high", roles=["manager"],
                 subject=gettext_noop("Dashboard rollups were out of step with the deliveries: %(count)s "
                                      "differences repaired"),
                 params={"count": len(drift)}, dedupe_key=f"rollup-drift-{timezone.localdate().isoformat()}")


def reconcile_and_report():
    drift = reconcile(fix=True)
    if drift:
        report_drift(drift)
    return len(drift)


def summary_of(drift, limit=20):
    return [f"{table} {key}: kept {kept}, counted {counted}" for table, key, kept, counted in drift[:limit]]


def bucket_error_days():
    """The percentiles' stated error in days (half a bucket)."""
    return BUCKET_HOURS / 2 / 24

