from django.db import migrations


class Migration(migrations.Migration):
    """The fact's `status` is a snapshot of its order's status, not a workflow: named for what it holds."""

    dependencies = [("reports", "0001_delivered_order_facts_and_saved_reports")]

    operations = [
        migrations.RenameField(model_name="deliveredorderfact", old_name="status", new_name="order_status"),
    ]
