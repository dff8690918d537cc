"""`manage.py seed_stock_demo`: the warehouse, opening stock, finished goods of passed orders and prep
sheets for the demo. Run after `seed_demo` and `seed_planning_demo` (make seed / make run do all three).
See inventory/demo_data.py for what is created. Safe to run again. Refuses to run on a site with DEBUG
off unless --force is given, like the other demo commands: it posts stock."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from inventory import demo_data
from inventory.models import Item


class Command(BaseCommand):
    help = ("Create the stock demo data (warehouse, opening stock, finished goods of passed orders, prep sheets). "
            "Run seed_demo and seed_planning_demo first.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. The stock demo data posts stock. Use "
                               "--force only on a demo database.")
        if not Item.objects.exists():
            raise CommandError("No items: run `manage.py seed_demo` and `manage.py seed_planning_demo` first.")
        # Alerts raised on the way go to demo users with made-up addresses: record them, send nothing.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            summary = demo_data.seed_stock_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Stock demo data: {summary['locations']} locations, opening stock of {summary['items_received']} items, "
            f"{summary['prep_sheets']} prep sheets, "
            f"{summary['suppliers']} suppliers, {summary['purchase_orders']} purchase orders."))
        for problem in summary["problems"]:
            self.stderr.write(f"No prep sheet: {problem}")
