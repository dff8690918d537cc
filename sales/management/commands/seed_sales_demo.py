"""`manage.py seed_sales_demo`: price lists, the discount rule, quotations and contracts for the demo (see
sales/demo_data.py). Run after the other demo seeds (setup_demo runs it last). Safe to run again; refuses to
run with DEBUG off unless --force is given, like the other demo commands."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from sales import demo_data


class Command(BaseCommand):
    help = "Create the demo price lists, quotations and contracts. Run the other demo seeds first."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. Use --force only on a demo database.")
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            summary = demo_data.seed_sales_demo()
        if summary["skipped"]:
            self.stdout.write("Sales demo data already seeded (or no demo users and products yet): nothing added.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Sales demo data: {summary['quotations']} quotations, {summary['contracts']} contracts."))
