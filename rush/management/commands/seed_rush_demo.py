"""`manage.py seed_rush_demo`: temporary drawings on the demo rush orders, one of them overdue (see
rush/demo_data.py). Run after the other demo seeds. Refuses to run with DEBUG off unless --force is given,
like the other demo commands."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rush import demo_data


class Command(BaseCommand):
    help = "Issue temporary drawings on the demo rush orders (one overdue). Run the other demo seeds first."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. The rush demo data issues drawings. "
                               "Use --force only on a demo database.")
        summary = demo_data.seed_rush_demo()
        self.stdout.write(self.style.SUCCESS(f"Rush demo data: {summary['drawings']} drawings issued, "
                                             f"{summary['overdue']} overdue copies alerted."))
