"""Split the order's one Notes field in two. Existing notes were written for staff and have been printed
on order confirmations by mistake (an internal remark reached a customer), so they become internal notes,
the safe default: nothing already written starts appearing on customer documents."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0008_received_at_index"),
    ]

    operations = [
        migrations.RenameField(model_name="order", old_name="notes", new_name="internal_notes"),
        migrations.AlterField(model_name="order", name="internal_notes",
                              field=models.TextField(blank=True, verbose_name="internal notes")),
        migrations.AddField(model_name="order", name="customer_notes",
                            field=models.TextField(blank=True, verbose_name="notes for the customer")),
    ]
