"""The default rule for an overdue temporary drawing (alerts/defaults.py, seed 003)."""

from django.db import migrations

from alerts.defaults import ensure_default_rules

NAME = "临时图纸逾期未交回 Temporary drawing overdue"


def add_rules(apps, schema_editor):
    ensure_default_rules(apps)


def remove_rules(apps, schema_editor):
    apps.get_model("alerts", "AlertRule").objects.filter(kind="drawing_overdue", name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0009_status_state_machine")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
