"""The default alert rules (alerts/defaults.py)."""

from django.db import migrations

from alerts.defaults import DEFAULT_RULES, ensure_default_rules


def add_rules(apps, schema_editor):
    ensure_default_rules(apps)


def remove_rules(apps, schema_editor):
    AlertRule = apps.get_model("alerts", "AlertRule")
    AlertRule.objects.filter(name__in=[name for _kind, name, *_rest in DEFAULT_RULES[:6]]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0003_rules_channels_escalation")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
