"""On PostgreSQL: refuse UPDATE and DELETE on every event and ledger table (history.triggers)."""

from django.db import migrations

from history.triggers import install, uninstall


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

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
