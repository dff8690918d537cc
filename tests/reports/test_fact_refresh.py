"""The incremental delivered-order fact refresh (issue 19, item 5): the beat's step reads only the
deliveries since its mark, through the (to_status, created_at) index of the order events, renews the
planner's statistics after a bulk refresh, and the watermark fallback reads MAX(delivered_at) from an index."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import facts
from reports.facts import LATE_COMMIT_OVERLAP, refresh_recent_facts
from reports.models import DeliveredOrderFact, FactRefreshMark
from tests.fixtures.factories import user_with_role

from .data import build, event, local, order_row

pytestmark = pytest.mark.django_db


def delivered_order(template, at):
    order = order_row(creator=template.created_by, customer=template.customer, product=template.lines.get().product,
                      status="delivered", submitted=at - timedelta(days=3), promised=at.date())
    event(order, "delivered", at, "shipped")
    return order


def test_the_refresh_reads_only_what_was_delivered_since_its_mark():
    orders = build(user_with_role("sales"))
    assert refresh_recent_facts(now=local(20, 0)) == 5
    assert FactRefreshMark.objects.get(name=facts.MARK).events_up_to == local(20, 0)

    # Nothing delivered since: the next run writes nothing.
    assert refresh_recent_facts(now=local(20, 0, 5)) == 0

    # One delivery after the mark, one older than the overlap (rewritten by nobody: it was counted before).
    late = delivered_order(orders["A"], local(20, 0, 7))
    assert refresh_recent_facts(now=local(20, 0, 10)) == 1
    assert DeliveredOrderFact.objects.filter(order_id=late.pk).exists()


def test_a_delivery_committed_late_within_the_overlap_is_still_found():
    orders = build(user_with_role("sales"))
    refresh_recent_facts(now=local(20, 0))
    # Stamped 5 minutes before the mark (its transaction committed after the last run had read).
    straggler = delivered_order(orders["A"], local(20, 0) - LATE_COMMIT_OVERLAP / 2)
    assert refresh_recent_facts(now=local(20, 0, 5)) == 1
    assert DeliveredOrderFact.objects.filter(order_id=straggler.pk).exists()


def test_without_a_mark_the_refresh_starts_a_day_before_the_newest_fact():
    orders = build(user_with_role("sales"))
    facts.refresh_order_facts()
    assert not FactRefreshMark.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        written = refresh_recent_facts(now=local(20, 0))
    newest_query = next(q["sql"] for q in queries.captured_queries if "MAX(" in q["sql"].upper())
    assert "delivered_at" in newest_query
    # The newest fact is E (Jan 16 09:00): of the five, D (Jan 15 09:00) and E lie within a day of it.
    assert written == 2
    assert FactRefreshMark.objects.get().events_up_to == local(20, 0)
    assert {orders["D"].pk, orders["E"].pk} <= set(DeliveredOrderFact.objects.values_list("order_id", flat=True))


def test_a_bulk_refresh_renews_the_planner_statistics(monkeypatch):
    build(user_with_role("sales"))
    monkeypatch.setattr(facts, "ANALYZE_AFTER_ROWS", 5)
    with CaptureQueriesContext(connection) as queries:
        facts.refresh_order_facts()
    analysed = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("ANALYZE")]
    assert analysed == [f'ANALYZE {connection.ops.quote_name(DeliveredOrderFact._meta.db_table)}']

    monkeypatch.setattr(facts, "ANALYZE_AFTER_ROWS", 6)
    with CaptureQueriesContext(connection) as queries:
        facts.refresh_order_facts()
    assert not [q for q in queries.captured_queries if q["sql"].upper().startswith("ANALYZE")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index plans are PostgreSQL's")
@pytest.mark.parametrize("sql, index", [
    ("SELECT order_id FROM orders_orderevent WHERE to_status = 'delivered' AND created_at >= now() - interval '1 day'",
     "orderevent_to_status_time"),
    ("SELECT MAX(delivered_at) FROM reports_deliveredorderfact", "fact_delivered_at"),
])
def test_recent_deliveries_and_the_newest_fact_are_found_through_an_index(sql, index):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
