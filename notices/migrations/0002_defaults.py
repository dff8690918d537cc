"""The default customer notice rules (data: an administrator changes them), the append-only trigger on the
logistics events, and the sweep's starting point (the latest order event: history is not told)."""

from functools import partial

from django.db import migrations
from django.db.models import Max

from history import triggers
from notices.defaults import DEFAULT_RULES

def add_defaults(apps, schema_editor):
    NoticeRule = apps.get_model("notices", "NoticeRule")
    for kind, actions in DEFAULT_RULES:
        NoticeRule.objects.get_or_create(kind=kind, defaults={"order_actions": actions})
    NoticeCursor = apps.get_model("notices", "NoticeCursor")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    if not NoticeCursor.objects.exists():
        NoticeCursor.objects.create(last_event_id=OrderEvent.objects.aggregate(m=Max("pk"))["m"] or 0)


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial"), ("orders", "0001_initial")]

    operations = [
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
        migrations.RunPython(partial(triggers.install, labels=["notices.LogisticsEvent"]),
                             partial(triggers.uninstall, labels=["notices.LogisticsEvent"])),
    ]
