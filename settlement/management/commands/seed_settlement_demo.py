"""`manage.py seed_settlement_demo`: invoices, payments and overdue receivables over the demo orders that
left. Run after `seed_shipping_demo` (make seed / make run / setup_demo run them all). See
settlement/demo_data.py. Safe to run again. Refuses to run on a site with DEBUG off unless --force is given,
like the other demo commands."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from settlement import demo_data
from shipping.models import Shipment


class Command(BaseCommand):
    help = "Create demo invoices, payments and overdue receivables. Run the shipping demo first."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. The settlement demo data writes invoices "
                               "and payments. Use --force only on a demo database.")
        if not Shipment.objects.exists():
            raise CommandError("No shipments: run `manage.py seed_shipping_demo` (after the other seeds) first.")
        # Demo users have made-up addresses: alerts raised while seeding are recorded, their e-mails go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            summary = demo_data.seed_settlement_demo()
        if summary["skipped"]:
            self.stdout.write("Settlement demo data already seeded: no invoices added.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Settlement demo data: {summary['invoices']} invoices, {summary['overdue']} overdue."))
