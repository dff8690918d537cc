"""The general manager's office, customer service and finance role groups (seed 003, the commercial
front); their permissions come from accounts.roles.sync_role_permissions after migrate."""

from django.db import migrations

GROUPS = ("general_manager", "customer_service", "finance")


def create_groups(apps, schema_editor):
    for name in GROUPS:
        apps.get_model("auth", "Group").objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_production_head_group")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
