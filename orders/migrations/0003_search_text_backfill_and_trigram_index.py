"""Fill search_text for existing orders, and on PostgreSQL index it for fast "contains" searches.

The trigram index (pg_trgm) also serves Chinese text; SQLite (the embedded default) has no such
index and scans, which is fine at laptop scale.
"""

from django.db import migrations

TRIGRAM_INDEX = "orders_order_search_trgm"


def backfill(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderLine = apps.get_model("orders", "OrderLine")
    words = {}
    for order_id, sku, name in OrderLine.objects.values_list("order_id", "product__sku", "product__name"):
        words.setdefault(order_id, []).extend([sku, name])
    batch = []
    orders = Order.objects.select_related("customer").only(
        "id", "number", "customer_po", "customer__code", "customer__name", "customer__name_en")
    for order in orders.iterator(chunk_size=2000):
        c = order.customer
        parts = [order.number, order.customer_po, c.code, c.name, c.name_en, *words.get(order.id, [])]
        order.search_text = " ".join(p for p in parts if p).lower()
        batch.append(order)
        if len(batch) == 2000:
            Order.objects.bulk_update(batch, ["search_text"])
            batch = []
    Order.objects.bulk_update(batch, ["search_text"])


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON orders_order USING gin (search_text gin_trgm_ops)")
    # The planner needs statistics on the new column before it can choose between the indexes.
    schema_editor.execute("ANALYZE orders_order, orders_customer")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_order_search_and_list_sort")]
    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
