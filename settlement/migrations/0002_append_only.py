"""Invoice events, payments and settlement exceptions join history's append-only tables (history.triggers)."""

from django.db import migrations

from history.triggers import append_only


class Migration(migrations.Migration):

    dependencies = [
        ("settlement", "0001_initial"),
        ("history", "0001_append_only_triggers"),
    ]

    operations = [
        append_only("settlement.InvoiceEvent", "settlement.Payment", "settlement.SettlementException"),
    ]
