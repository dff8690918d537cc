"""The default alert rule for a rush purchase order whose supplier did not answer within one working day
(issue 17.6): the planners are told, the manager after an hour, the general manager's office after four
(alerts/defaults.py, ensure_default_rules)."""

from django.db import migrations

from alerts.defaults import ensure_default_rules

NAME = "急单供应商未按时答复 Supplier answer overdue on a rush purchase order"


def forwards(apps, schema_editor):
    ensure_default_rules(apps)


def backwards(apps, schema_editor):
    apps.get_model("alerts", "AlertRule").objects.filter(kind="supplier_reply_overdue", name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("rush", "0005_delay_responsibility_supplier_replies"), ("alerts", "0009_status_state_machine")]
    operations = [migrations.RunPython(forwards, backwards)]
