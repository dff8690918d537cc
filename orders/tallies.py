"""Order aggregates kept up to date as orders change (issue 19, items 1 and 2), so that home pages and the
credit check read a few small rows instead of summing every order:

- `OrderTally`: orders and their value per (status, priority, currency), for counts by stage and queues;
- `CustomerExposure`: per customer, the value of their orders open for credit (submitted .. shipped).

`Order.save()` applies the difference between what the row was and what it becomes, in the same
transaction, with one upsert per table (rows in key order: the tallies are the last rows any transaction
locks, docs/locking.md). Writes that bypass save() (the bulk loaders of demo and scale data) call
`reconcile(fix=True)` afterwards; the nightly `reconcile_order_tallies` recounts everything, repairs any
drift and alerts the managers when there was some (it should never happen).

Values are kept in cents (integers), exact on SQLite and PostgreSQL alike."""

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum

TALLIED_FIELDS = ("status", "priority", "currency", "total_amount", "customer_id")
CENT = Decimal("0.01")


def cents(amount) -> int:
    return int((Decimal(amount or 0) / CENT).to_integral_value())


def snapshot(order, fields=None):
    """The tallied values of `order` (a dict), reading only `fields` when given."""
    return {name: getattr(order, name) for name in (fields or TALLIED_FIELDS)}


def _models():
    from . import models  # cycle: orders.models imports this module (Order.save applies the changes)

    return models


def _open_for_credit(status):
    return status in _models().OPEN_FOR_CREDIT


def apply_change(before, after):
    """Move the tallies from `before` to `after` (snapshots; None: the order did not / no longer exists)."""
    tally = defaultdict(lambda: [0, 0])
    exposure = defaultdict(int)
    for sign, state in ((-1, before), (1, after)):
        if state is None:
            continue
        key = (state["status"], state["priority"], state["currency"])
        tally[key][0] += sign
        tally[key][1] += sign * cents(state["total_amount"])
        if _open_for_credit(state["status"]):
            exposure[state["customer_id"]] += sign * cents(state["total_amount"])
    tally_rows = sorted((key, n, value) for key, (n, value) in tally.items() if n or value)
    exposure_rows = sorted((customer, value) for customer, value in exposure.items() if value)
    if not tally_rows and not exposure_rows:
        return
    OrderTally, CustomerExposure = _models().OrderTally, _models().CustomerExposure
    with connection.cursor() as cursor:
        if tally_rows:
            table = connection.ops.quote_name(OrderTally._meta.db_table)
            cursor.execute(
                f"INSERT INTO {table} (order_status, priority, currency, orders, value_cents) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(tally_rows))
                + " ON CONFLICT (order_status, priority, currency) DO UPDATE SET"
                f" orders = {table}.orders + EXCLUDED.orders, value_cents = {table}.value_cents + EXCLUDED.value_cents",
                [v for key, n, value in tally_rows for v in (*key, n, value)])
        if exposure_rows:
            table = connection.ops.quote_name(CustomerExposure._meta.db_table)
            cursor.execute(
                f"INSERT INTO {table} (customer_id, open_cents) VALUES "
                + ", ".join(["(%s, %s)"] * len(exposure_rows))
                + f" ON CONFLICT (customer_id) DO UPDATE SET open_cents = {table}.open_cents + EXCLUDED.open_cents",
                [v for row in exposure_rows for v in row])


def counts_by_status():
    """{status: number of orders}."""
    return {row["order_status"]: row["n"] for row in
            _models().OrderTally.objects.values("order_status").annotate(n=Sum("orders")).filter(n__gt=0)}


def count(*, statuses=None, priority=None, exclude_statuses=None):
    rows = _models().OrderTally.objects.all()
    if statuses is not None:
        rows = rows.filter(order_status__in=statuses)
    if exclude_statuses is not None:
        rows = rows.exclude(order_status__in=exclude_statuses)
    if priority is not None:
        rows = rows.filter(priority=priority)
    return rows.aggregate(n=Sum("orders"))["n"] or 0


def open_value(customer_id) -> Decimal:
    """The value of the customer's orders open for credit (one primary-key read)."""
    rows = _models().CustomerExposure.objects.filter(customer_id=customer_id)
    open_cents = rows.values_list("open_cents", flat=True).first()
    return Decimal(open_cents or 0) * CENT


# --- reconciliation ----------------------------------------------------------------------------------------

def recount():
    """What the tallies should hold, counted from the orders: ({(status, priority, currency): (orders, cents)},
    {customer_id: cents})."""
    Order, OPEN_FOR_CREDIT = _models().Order, _models().OPEN_FOR_CREDIT
    tally = {(r["status"], r["priority"], r["currency"]): (r["n"], cents(r["value"])) for r in
             Order.objects.order_by().values("status", "priority", "currency")
             .annotate(n=Count("id"), value=Sum("total_amount"))}
    exposure = {r["customer_id"]: cents(r["value"]) for r in
                Order.objects.order_by().filter(status__in=OPEN_FOR_CREDIT).values("customer_id")
                .annotate(value=Sum("total_amount"))}
    return tally, {k: v for k, v in exposure.items() if v}


def stored():
    OrderTally, CustomerExposure = _models().OrderTally, _models().CustomerExposure
    tally = {(r.order_status, r.priority, r.currency): (r.orders, r.value_cents) for r in OrderTally.objects.all()
             if r.orders or r.value_cents}
    exposure = {r.customer_id: r.open_cents for r in CustomerExposure.objects.all() if r.open_cents}
    return tally, exposure


def reconcile(*, fix=False):
    """Compare the tallies with a full recount. Returns the differences [(what, key, stored, counted)];
    with fix, rewrites the tallies from the recount (under a lock on both tables, so no change slips in)."""
    OrderTally, CustomerExposure = _models().OrderTally, _models().CustomerExposure
    with transaction.atomic():
        if fix and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {OrderTally._meta.db_table}, {CustomerExposure._meta.db_table} "
                               "IN SHARE ROW EXCLUSIVE MODE")
        (tally, exposure), (kept_tally, kept_exposure) = recount(), stored()
        drift = [("tally", key, kept_tally.get(key), tally.get(key))
                 for key in sorted(set(tally) | set(kept_tally)) if tally.get(key) != kept_tally.get(key)]
        drift += [("exposure", key, kept_exposure.get(key), exposure.get(key))
                  for key in sorted(set(exposure) | set(kept_exposure)) if exposure.get(key) != kept_exposure.get(key)]
        if fix and drift:
            OrderTally.objects.all().delete()
            OrderTally.objects.bulk_create(OrderTally(order_status=s, priority=p, currency=c, orders=n, value_cents=v)
                                           for (s, p, c), (n, v) in tally.items())
            CustomerExposure.objects.all().delete()
            CustomerExposure.objects.bulk_create(CustomerExposure(customer_id=k, open_cents=v)
                                                 for k, v in exposure.items())
    return drift

