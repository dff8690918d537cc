"""The production department head's role group (plan approval); its permissions come from
accounts.roles.sync_role_permissions after migrate, like the other roles'."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="production_head")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_groups")]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
