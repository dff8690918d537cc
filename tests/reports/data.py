"""A small hand-checked data set for the dashboard (rows written directly with exact timestamps: the
point is the read side; the services that write them are tested in their own apps). The orders past QC
have no inspections or shipments, so they are never moved by a transition here (those transitions are
conditions on the stages' records; tests.fixtures.stage_records makes orders that have them).

Period 2026-01-05 (Mon) .. 2026-01-18 (Sun), factory time Asia/Shanghai. Each order submitted at 09:00
on Jan 5 (F on Jan 6), approved `review` hours later, delivered at the time given:

order  priority due (promised|requested)   delivered           on time  lead h  review h
A      normal   promised 01-08             01-07 10:00         yes      49      12
B      normal   requested 01-09            01-10 09:00 (Sat)   no       120     24
C      rush     promised 01-12             01-12 23:30         yes      182.5   2
D      rush     promised 01-13             01-15 09:00         no       240     2
E      normal   promised 01-20             01-16 09:00         yes      264     36
F      rush     approved, open (not delivered)
G      normal   draft (never received)      H  normal submitted 01-20 (outside the period)

Week of 01-05: A on time, B late -> 50 %; week of 01-12: C, E on time, D late -> 66.7 %; all 3/5 = 60 %.
Lead time: avg 855.5/5 = 171.1 h = 7.1 days; p90 = 240 + 0.6 × 24 = 254.4 h = 10.6 days.
Review: avg 76/5 = 15.2 h = 0.6 days; p90 = 24 + 0.6 × 12 = 31.2 h = 1.3 days.
The dashboard reads p90 from half-day buckets (reports.rollups): 10.8 and 1.6 days, within 0.25 days.
Rush share: C, D, F of A-F = 3/6 = 50 %; rush on time: C of C, D = 50 %.
Values (total_amount): A 100, B 200, C 300, D 400, E 500, F 600 -> delivered 1500, approved 600.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from orders.models import Order, OrderLine
from tests.fixtures.factories import CustomerFactory, ProductFactory

TZ = ZoneInfo("Asia/Shanghai")
PERIOD = {"date_from": "2026-01-05", "date_to": "2026-01-18"}


def local(day, hour, minute=0):
    return datetime(2026, 1, day, hour, minute, tzinfo=TZ)


_serial = iter(range(1, 1_000_000))


def order_row(*, creator, customer, product, status, priority="normal", submitted=None, requested=date(2026, 1, 30),
              promised=None, total="100", created=None, **fields):
    n = next(_serial)
    order = Order.objects.create(
        number=f"SO-T-{n:06d}", customer=customer, requested_date=requested, promised_date=promised,
        priority=priority, total_amount=Decimal(total), status=status, created_by=creator,
        created_at=created or submitted or local(5, 8), submitted_at=submitted, **fields)
    OrderLine.objects.create(order=order, line_no=1, product=product, quantity=Decimal("10"),
                             unit_price=Decimal(total) / 10)
    return order


# The transition that leads into each status the data sets use (events record declared actions).
ACTION_INTO = {"submitted": "submit", "approved": "approve", "shipped": "ship", "delivered": "confirm_delivery"}


def event(order, to_status, at, from_status=""):
    order.events.record(action=ACTION_INTO[to_status], actor=None, from_status=from_status, to_status=to_status,
                        created_at=at)


DELIVERED = [  # name, priority, promised, requested, delivered at, review hours, total
    ("A", "normal", date(2026, 1, 8), date(2026, 1, 30), local(7, 10), 12, "100"),
    ("B", "normal", None, date(2026, 1, 9), local(10, 9), 24, "200"),
    ("C", "rush", date(2026, 1, 12), date(2026, 1, 30), local(12, 23, 30), 2, "300"),
    ("D", "rush", date(2026, 1, 13), date(2026, 1, 30), local(15, 9), 2, "400"),
    ("E", "normal", date(2026, 1, 20), date(2026, 1, 30), local(16, 9), 36, "500"),
]


def build(creator, *, extra_customers=0):
    """The data set above; returns {name: order}. `extra_customers` adds delivered orders of other customers (for
    query counts at a second data size)."""
    customer, other = CustomerFactory(code="C-MAIN"), CustomerFactory(code="C-OTHER")
    product, other_product = ProductFactory(sku="P-MAIN"), ProductFactory(sku="P-OTHER")
    orders = {}
    for name, priority, promised, requested, delivered, review, total in DELIVERED:
        submitted = local(5, 9)
        o = order_row(creator=creator, customer=customer, product=product, status="delivered", priority=priority,
                      submitted=submitted, requested=requested, promised=promised, total=total)
        event(o, "submitted", submitted, "draft")
        event(o, "approved", submitted + timedelta(hours=review), "submitted")
        event(o, "delivered", delivered, "shipped")
        orders[name] = o
    orders["F"] = order_row(creator=creator, customer=other, product=other_product, status="approved",
                            priority="rush", submitted=local(6, 9), total="600")
    orders["G"] = order_row(creator=creator, customer=customer, product=product, status="draft")
    orders["H"] = order_row(creator=creator, customer=customer, product=product, status="submitted",
                            submitted=local(20, 9))
    add_delivered_orders(creator, extra_customers, product=product)
    return orders


def add_delivered_orders(creator, n, *, product=None):
    """`n` orders of as many new customers, received Jan 6 and delivered Jan 8 (inside the period)."""
    product = product or ProductFactory()
    for _i in range(n):
        o = order_row(creator=creator, customer=CustomerFactory(), product=product, status="delivered",
                      submitted=local(6, 9), total="50")
        event(o, "delivered", local(8, 9), "shipped")
