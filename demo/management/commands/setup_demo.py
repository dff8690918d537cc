"""`manage.py setup_demo [--serve 127.0.0.1:8000]`: what `make run` does, in one process.

Migrates when a migration is unapplied, then runs the apps' demo seeds (seed_demo, seed_planning_demo,
seed_stock_demo, seed_quality_demo, seed_shipping_demo,
seed_rush_demo) unless a DemoSeedRun with the same fingerprint says
seed_settlement_demo) unless a DemoSeedRun with the same fingerprint says
they already ran on this database. Each seed is its own app's command, called by name, so this app imports none of them.
"""

import hashlib
import time
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from demo.models import DemoSeedRun

# (app label, seed command), in the order they build on each other.
SEEDS = [
    ("orders", "seed_demo"),
    ("planning", "seed_planning_demo"),
    ("inventory", "seed_stock_demo"),
    ("quality", "seed_quality_demo"),
    # The orders past QC last: their inspections and shipments need the plans, items and stock locations above.
    ("shipping", "seed_shipping_demo"),
    # Seed 003's forms and decisions: an exception on a rush order with its general manager's decision request.
    # Rush rules, supplier reply deadlines, delay causes and completion summaries over all of the above.
    ("rush", "seed_rush_demo"),
    # EDI partner, received interchanges and channel profiles over the demo customers and products.
    ("edi", "seed_edi_demo"),
    # Temporary drawings on the rush orders (one overdue): after the orders past QC have their receipts.
    ("rush", "seed_rush_demo"),
    # Customer service: carriers, notices of the shipped orders, a logistics delay, feedback (notices).
    ("notices", "seed_notices_demo"),
    # The commercial front (price lists, quotations, contracts) over the customers and products above.
    ("sales", "seed_sales_demo"),
    # Invoices, payments and overdue receivables over the shipped demo orders.
    ("settlement", "seed_settlement_demo"),
    # The delivered-order facts and the dashboard's daily rollups rebuilt from the backdated history.
    ("reports", "seed_reports_demo"),
]


def unapplied_migrations():
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def seeds_fingerprint():
    """A hash of the seed commands and the demo_data modules they run: changes when a seed changes."""
    digest = hashlib.sha256()
    for label, command in SEEDS:
        folder = Path(apps.get_app_config(label).path)
        for path in (folder / "management" / "commands" / f"{command}.py", folder / "demo_data.py"):
            if path.exists():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Migrate if needed and load the demo data unless it is already loaded (what `make run` does)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Passed on to the seeds (never on a real site).")
        parser.add_argument("--serve", metavar="ADDRESS:PORT",
                            help="Then serve the site (runserver, no auto-reload) in this same process.")

    def handle(self, *args, force=False, serve=None, **options):
        self._prepare(force=force)
        if serve:
            # One Django start-up for `make run`, not one for the data and two more for runserver's reloader.
            call_command("runserver", serve, use_reloader=False)

    def _prepare(self, *, force):
        started = time.monotonic()
        if unapplied_migrations():
            call_command("migrate", interactive=False, verbosity=1)
        fingerprint = seeds_fingerprint()
        if DemoSeedRun.objects.filter(fingerprint=fingerprint).exists():
            self.stdout.write(f"Demo data already loaded (checked in {time.monotonic() - started:.1f} s).")
            return
        for _label, command in SEEDS:
            call_command(command, force=force, stdout=self.stdout, stderr=self.stderr)
        DemoSeedRun.objects.get_or_create(fingerprint=fingerprint)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.0f} s."))
