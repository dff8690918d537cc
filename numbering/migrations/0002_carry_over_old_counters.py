"""Carries the last number of every old per-app counter into numbering.Counter, so no number is given
twice after the upgrade. Series held by two old tables (none today) keep the higher value."""

from django.db import migrations

# (app, model, fixed series or None when the table has a `prefix` column)
OLD_COUNTERS = [
    ("orders", "OrderNumberSequence", "SO"),
    ("planning", "WorkOrderNumberSequence", "WO"),
    ("production", "ExceptionNumberSequence", "EX"),
    ("quality", "NumberSequence", None),
    ("inventory", "DocumentSequence", None),
]


def carry_over(apps, schema_editor):
    Counter = apps.get_model("numbering", "Counter")
    last = {}
    for app, model, series in OLD_COUNTERS:
        for row in apps.get_model(app, model).objects.all():
            key = (series or row.prefix, row.year)
            last[key] = max(last.get(key, 0), row.last)
    for (series, year), value in last.items():
        counter, _created = Counter.objects.get_or_create(series=series, year=year)
        if counter.last < value:
            counter.last = value
            counter.save(update_fields=["last"])


def carry_back(apps, schema_editor):
    fixed = {series: (app, model) for app, model, series in OLD_COUNTERS if series}
    for counter in apps.get_model("numbering", "Counter").objects.all():
        if counter.series in fixed:
            apps.get_model(*fixed[counter.series]).objects.update_or_create(
                year=counter.year, defaults={"last": counter.last})
            continue
        app, model = ("quality", "NumberSequence") if counter.series in ("QI", "NCR") else (
            "inventory", "DocumentSequence")
        apps.get_model(app, model).objects.update_or_create(
            prefix=counter.series, year=counter.year, defaults={"last": counter.last})


class Migration(migrations.Migration):
    dependencies = [
        ("numbering", "0001_counter"),
        ("orders", "0010_merge_parallel_branches"),
        ("planning", "0004_system_text_values"),
        ("production", "0002_system_text_values"),
        ("quality", "0004_merge_ranges_and_system_texts"),
        ("inventory", "0008_merge_parallel_branches"),
    ]

    operations = [migrations.RunPython(carry_over, carry_back)]
