"""Invoice events, payments and settlement exceptions join history's append-only tables (history.triggers)."""

from django.db import migrations

from history.triggers import install, uninstall

LABELS = ["settlement.InvoiceEvent", "settlement.Payment", "settlement.SettlementException"]


def install_trigger(apps, schema_editor):
    install(apps, schema_editor, labels=LABELS)


def uninstall_trigger(apps, schema_editor):
    uninstall(apps, schema_editor, labels=LABELS)


class Migration(migrations.Migration):

    dependencies = [
        ("settlement", "0001_initial"),
        ("history", "0001_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(install_trigger, uninstall_trigger, elidable=False),
    ]
