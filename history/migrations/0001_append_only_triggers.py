"""On PostgreSQL: refuse UPDATE and DELETE on every event and ledger table (history.triggers)."""

from django.db import migrations

from history.triggers import install, uninstall

# The tables of this migration, frozen: a later one adds its own (audit 0002: the change log).
LABELS = [
    "orders.OrderEvent", "planning.WorkOrderEvent", "production.OperationLog", "production.ExceptionEvent",
    "inventory.LotEvent", "inventory.StockMove", "inventory.PurchaseOrderEvent", "inventory.GoodsReceipt",
    "inventory.MaterialPrepSheetEvent", "inventory.PrepSheetMove", "quality.SamplingStateEvent",
    "quality.InspectionEvent", "quality.NonconformanceEvent", "shipping.ShipmentEvent", "shipping.ComplaintEvent",
    "shipping.CustomerReturn", "rush.RushEvent",
]


def install_triggers(apps, schema_editor):
    install(apps, schema_editor, labels=LABELS)


def uninstall_triggers(apps, schema_editor):
    uninstall(apps, schema_editor, labels=LABELS)
    if schema_editor.connection.vendor == "postgresql":  # the last trigger went: the function goes too
        schema_editor.execute("DROP FUNCTION IF EXISTS history_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0009_declared_event_actions"),
        ("orders", "0011_declared_event_actions"),
        ("planning", "0005_declared_event_actions"),
        ("production", "0003_declared_event_actions"),
        ("quality", "0005_declared_event_actions"),
        ("shipping", "0003_declared_event_actions"),
        ("rush", "0003_declared_event_actions"),
    ]

    operations = [migrations.RunPython(install_triggers, uninstall_triggers, elidable=False)]
