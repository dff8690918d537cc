"""The change log joins history's append-only tables: actor PROTECT (SET_NULL would rewrite an entry) and,
on PostgreSQL, the history trigger refusing UPDATE and DELETE (history.triggers)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from history.triggers import install, uninstall

LABELS = ["audit.ChangeLogEntry"]


def install_trigger(apps, schema_editor):
    install(apps, schema_editor, labels=LABELS)


def uninstall_trigger(apps, schema_editor):
    uninstall(apps, schema_editor, labels=LABELS)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_change_log_entry'),
        ('history', '0001_append_only_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='changelogentry',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by'),
        ),
        migrations.RunPython(install_trigger, uninstall_trigger, elidable=False),
    ]
