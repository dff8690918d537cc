"""The delivered-order facts (reports.models.DeliveredOrderFact), rebuilt from orders and their events.

Definitions (the dashboard's figures follow them):
- received: when the order was submitted (the order desk's queue starts there); an order entered and
  submitted at once has both times equal. Orders never submitted fall back to their entry time.
- delivered: the first `delivered` OrderEvent.
- due date: the promised date, else the requested date. On time: delivered on or before the due date,
  counted in factory-local days.
- stage times: from the first time the order reached a stage to the first time it reached the next
  (review: received → approved, planning: → planned, materials: → materials ready, production: →
  awaiting QC, quality: → QC passed, shipping: → delivered); a stage the data does not show stays empty.

`refresh_order_facts` is idempotent: it rebuilds the rows of the orders delivered since `since` (all
when None) and is run by the beat task reports.tasks.refresh_order_facts every few minutes.

Nothing depends on the beat: the embedded default (`make run`) has none. Before the dashboard and the
delivery reports read the facts of a period, `add_missing_facts` writes the rows of the orders delivered
in it that have none yet (one anti-join query when there are none), so a delivery counts from the moment
it is recorded; "Recompute now" (`rebuild_period_facts`) also rebuilds the period's rows that no longer
match their order (a corrected promise date), which the beat would catch later.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, router, transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from orders.models import Order, OrderEvent, OrderStatus

from .models import DeliveredOrderFact, FactRefreshMark

S = OrderStatus
STAGES = [  # (field, from stage, to stage); None = received
    ("review_hours", None, S.APPROVED),
    ("planning_hours", S.APPROVED, S.PLANNED),
    ("materials_hours", S.PLANNED, S.MATERIALS_READY),
    ("production_hours", S.MATERIALS_READY, S.AWAITING_QC),
    ("quality_hours", S.AWAITING_QC, S.QC_PASSED),
    ("shipping_hours", S.QC_PASSED, S.DELIVERED),
]
REACHED = [S.APPROVED, S.PLANNED, S.MATERIALS_READY, S.AWAITING_QC, S.QC_PASSED, S.DELIVERED]
BATCH = 2000
MARK = "delivered"
# Events are stamped when written but seen when their transaction commits: the next refresh reads this far
# back behind its mark, so a delivery committed late is still found (rebuilding a row twice is harmless).
LATE_COMMIT_OVERLAP = timedelta(minutes=10)
# After a refresh that wrote this many rows the planner's statistics are renewed (a stale row count once
# turned the delivery report's count into a 673 ms nested loop).
ANALYZE_AFTER_ROWS = 1000


def factory_zone():
    return ZoneInfo(settings.TIME_ZONE)


def _hours(start, end):
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def fact_for(order, reached, tz):
    """The fact row of a delivered order given {status: first time reached}."""
    received = order.submitted_at or order.created_at
    delivered = reached[S.DELIVERED]
    local_day = delivered.astimezone(tz).date()
    due = order.promised_date or order.requested_date
    stages = {}
    for field, start, end in STAGES:
        stages[field] = _hours(received if start is None else reached.get(start), reached.get(end))
    return DeliveredOrderFact(
        order_id=order.pk, customer_id=order.customer_id, priority=order.priority, order_status=order.status,
        total_amount=order.total_amount, received_at=received, delivered_at=delivered, delivered_date=local_day,
        delivered_week=local_day - timedelta(days=local_day.weekday()), due_date=due, on_time=local_day <= due,
        lead_time_hours=_hours(received, delivered), **stages)


def refresh_order_facts(*, since=None) -> int:
    """Rebuild the facts of the orders first delivered at or after `since` (every delivered order when
    None). Returns how many rows were written."""
    delivered = OrderEvent.objects.filter(to_status=S.DELIVERED)
    if since is not None:
        delivered = delivered.filter(created_at__gte=since)
    written = _rebuild(sorted(set(delivered.values_list("order_id", flat=True))))
    if written >= ANALYZE_AFTER_ROWS:
        analyze_facts()
    return written


def analyze_facts():
    """Renew the planner's statistics of the fact table (after a bulk refresh or a bulk seed)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(DeliveredOrderFact._meta.db_table)}")


def add_missing_facts(start, end) -> int:
    """Write the facts of the orders with a `delivered` event in [start, end) that have no fact row yet
    (delivered since the last refresh, or never refreshed: no beat). Returns how many rows were written."""
    missing = (OrderEvent.objects.filter(to_status=S.DELIVERED, created_at__gte=start, created_at__lt=end)
               .filter(~Exists(DeliveredOrderFact.objects.filter(order_id=OuterRef("order_id")))))
    order_ids = sorted(set(missing.values_list("order_id", flat=True)))
    return _rebuild(order_ids) if order_ids else 0


def rebuild_period_facts(start, end) -> int:
    """For "Recompute now": the missing rows of the period [start, end), and the rows of its delivered orders
    that no longer match their order (a corrected promise date, priority, total, customer or status).
    Rows that still match are left alone, so a year's period costs two queries, not a rebuild of it all."""
    tz = ZoneInfo(settings.TIME_ZONE)
    first_day, last_day = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
    changed = (DeliveredOrderFact.objects.filter(delivered_date__gte=first_day, delivered_date__lte=last_day)
               .annotate(due=Coalesce("order__promised_date", "order__requested_date"))
               .filter(~Q(due_date=F("due")) | ~Q(priority=F("order__priority")) | ~Q(order_status=F("order__status"))
                       | ~Q(total_amount=F("order__total_amount")) | ~Q(customer_id=F("order__customer_id"))))
    order_ids = sorted(set(changed.values_list("order_id", flat=True)))
    return add_missing_facts(start, end) + (_rebuild(order_ids) if order_ids else 0)


def _rebuild(order_ids) -> int:
    """Rewrite the facts of `order_ids` from their orders and events, batch by batch. Each batch locks its
    orders first (pk order, docs/locking.md) and reads them under the lock, so it queues with a delivery of
    one of them and with another rebuild; the rollups follow the facts (reports.rollups.replace_facts)."""
    from .rollups import replace_facts  # cycle: reports.rollups builds its rows with fact_for (this module)

    tz = factory_zone()
    primary = router.db_for_write(DeliveredOrderFact)  # read under the locks: never on a lagging replica
    written = 0
    for start in range(0, len(order_ids), BATCH):
        batch = order_ids[start:start + BATCH]
        with transaction.atomic(using=primary):
            list(Order.objects.using(primary).select_for_update(of=("self",)).filter(pk__in=batch).order_by("pk")
                 .values_list("pk", flat=True))
            reached = {}
            for row in (OrderEvent.objects.using(primary).filter(order_id__in=batch, to_status__in=REACHED)
                        .values("order_id", "to_status").annotate(first=Min("created_at")).order_by()):
                reached.setdefault(row["order_id"], {})[row["to_status"]] = row["first"]
            orders = Order.objects.using(primary).filter(pk__in=batch).only(
                "id", "customer_id", "priority", "status", "total_amount", "submitted_at", "created_at",
                "promised_date", "requested_date")
            facts = [fact_for(o, reached[o.pk], tz) for o in orders if S.DELIVERED in reached.get(o.pk, {})]
            replace_facts(batch, facts)
        written += len(facts)
    return written


def refresh_recent_facts(*, now=None) -> int:
    """The beat task's step, incremental: the orders delivered since the last run's mark (less
    LATE_COMMIT_OVERLAP), read through the (to_status, created_at) index of the order events. Without a mark
    yet (first run, or facts loaded by a seed): since the newest fact less a day, or everything when there is
    none. Then the mark moves to the time this run started."""
    started = now or timezone.now()
    mark = FactRefreshMark.objects.filter(name=MARK).values_list("events_up_to", flat=True).first()
    if mark is not None:
        since = mark - LATE_COMMIT_OVERLAP
    else:
        newest = DeliveredOrderFact.objects.aggregate(newest=Max("delivered_at"))["newest"]
        since = None if newest is None else newest - timedelta(days=1)
    written = refresh_order_facts(since=since)
    FactRefreshMark.objects.update_or_create(name=MARK, defaults={"events_up_to": started})
    return written

