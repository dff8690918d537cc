"""When each existing receipt reached its person (the alert's time at level 0, its escalation's time at
a later level), and the default rules that need the fields of 0005: high and critical process exceptions
to the manager, rejected and dispatched orders to their sales owner (alerts/defaults.py)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from alerts.defaults import ensure_default_rules


def forwards(apps, schema_editor):
    AlertRecipient = apps.get_model("alerts", "AlertRecipient")
    AlertEscalation = apps.get_model("alerts", "AlertEscalation")
    Alert = apps.get_model("alerts", "Alert")
    raised = Subquery(Alert.objects.filter(pk=OuterRef("alert_id")).values("created_at")[:1])
    escalated = Subquery(AlertEscalation.objects.filter(alert_id=OuterRef("alert_id"), level=OuterRef("level"))
                         .values("escalated_at")[:1])
    AlertRecipient.objects.filter(level=0).update(told_at=raised)
    # a level without its escalation row (edited by hand): the alert's own time
    AlertRecipient.objects.filter(level__gt=0).update(told_at=Coalesce(escalated, raised))
    ensure_default_rules(apps)


def backwards(apps, schema_editor):
    from alerts.defaults import DEFAULT_RULES

    AlertRule = apps.get_model("alerts", "AlertRule")
    AlertRule.objects.filter(name__in=[name for _kind, name, *_rest in DEFAULT_RULES[6:]]).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0005_escalation_stop_owner_severities")]
    operations = [migrations.RunPython(forwards, backwards)]
