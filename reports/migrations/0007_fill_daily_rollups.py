"""Fill the daily rollups from history: the delivered-order facts are rebuilt from the orders and their events
(as reports.facts did on the day of this migration), then the rollups are summed from them (as
reports.rollups.recount), so rollups and facts agree from the start."""

import math
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.db.models import Min

# As reports.facts.STAGES / REACHED and reports.rollups.BUCKET_HOURS on the day of this migration.
STAGES = [("review_hours", None, "approved"), ("planning_hours", "approved", "planned"),
          ("materials_hours", "planned", "materials_ready"), ("production_hours", "materials_ready", "awaiting_qc"),
          ("quality_hours", "awaiting_qc", "qc_passed"), ("shipping_hours", "qc_passed", "delivered")]
REACHED = ["approved", "planned", "materials_ready", "awaiting_qc", "qc_passed", "delivered"]
MEASURES = ["lead_time_hours"] + [name for name, _a, _b in STAGES]
BUCKET_HOURS = 12
BATCH = 2000


def _hours(start, end):
    return None if start is None or end is None else (end - start).total_seconds() / 3600


def fill(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    Fact = apps.get_model("reports", "DeliveredOrderFact")
    DeliveryDay = apps.get_model("reports", "DeliveryDay")
    LeadTimeDay = apps.get_model("reports", "LeadTimeDay")
    tz = ZoneInfo(settings.TIME_ZONE)
    order_ids = sorted(set(OrderEvent.objects.filter(to_status="delivered").values_list("order_id", flat=True)))
    days, lead = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    Fact.objects.exclude(order_id__in=order_ids).delete()
    for start in range(0, len(order_ids), BATCH):
        batch = order_ids[start:start + BATCH]
        reached = {}
        for row in (OrderEvent.objects.filter(order_id__in=batch, to_status__in=REACHED)
                    .values("order_id", "to_status").annotate(first=Min("created_at")).order_by()):
            reached.setdefault(row["order_id"], {})[row["to_status"]] = row["first"]
        facts = []
        for order in Order.objects.filter(pk__in=batch):
            times = reached.get(order.pk, {})
            received, delivered = order.submitted_at or order.created_at, times["delivered"]
            day = delivered.astimezone(tz).date()
            due = order.promised_date or order.requested_date
            values = {"lead_time_hours": _hours(received, delivered)}
            for name, first, end in STAGES:
                values[name] = _hours(received if first is None else times.get(first), times.get(end))
            facts.append(Fact(order_id=order.pk, customer_id=order.customer_id, priority=order.priority,
                              order_status=order.status, total_amount=order.total_amount, received_at=received,
                              delivered_at=delivered, delivered_date=day,
                              delivered_week=day - timedelta(days=day.weekday()), due_date=due,
                              on_time=day <= due, **values))
            days[(day, order.priority)][0] += 1
            days[(day, order.priority)][1] += int(day <= due)
            for measure in MEASURES:
                if values[measure] is not None:
                    row = lead[(day, order.priority, measure, math.floor(values[measure] / BUCKET_HOURS))]
                    row[0] += 1
                    row[1] += round(values[measure] * 3_600_000_000)
        Fact.objects.filter(order_id__in=batch).delete()
        Fact.objects.bulk_create(facts)
    DeliveryDay.objects.all().delete()
    DeliveryDay.objects.bulk_create((DeliveryDay(day=d, priority=p, delivered=n, on_time=t)
                                     for (d, p), (n, t) in days.items()), batch_size=BATCH)
    LeadTimeDay.objects.all().delete()
    LeadTimeDay.objects.bulk_create((LeadTimeDay(day=d, priority=p, measure=m, bucket=b, orders=n, total_us=us)
                                     for (d, p, m, b), (n, us) in lead.items()), batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0006_daily_rollups"),
        ("orders", "0023_order_event_actions_merged"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
