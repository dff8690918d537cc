"""EDI message events join history's append-only tables (history.triggers): on PostgreSQL a trigger refuses
UPDATE and DELETE of a recorded event."""

from django.db import migrations

from history.triggers import install, uninstall

LABELS = ["edi.EdiEvent"]


def install_trigger(apps, schema_editor):
    install(apps, schema_editor, labels=LABELS)


def uninstall_trigger(apps, schema_editor):
    uninstall(apps, schema_editor, labels=LABELS)


class Migration(migrations.Migration):

    dependencies = [
        ("edi", "0001_initial"),
        ("history", "0001_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(install_trigger, uninstall_trigger, elidable=False),
    ]
