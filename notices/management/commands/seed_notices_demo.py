"""`manage.py seed_notices_demo`: carriers and transport modes, customer contacts who receive updates, the
demo orders' customer notices, a logistics delay with a compensation proposal, and feedback answers. Run
after `seed_shipping_demo` (setup_demo runs them in order). Refuses to run with DEBUG off unless --force."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from notices import demo_data


class Command(BaseCommand):
    help = "Create the customer-service demo data (carriers, notices, a logistics delay, feedback)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. Use --force only on a demo database.")
        # Demo contacts have made-up addresses: the messages are recorded, their e-mails and SMS go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                               ALERT_SMS_PROVIDER="logging"):
            summary = demo_data.seed_notices_demo()
        if summary["skipped"]:
            self.stdout.write("Customer-service demo data already seeded.")
            return
        self.stdout.write(self.style.SUCCESS(f"Customer-service demo data: {summary['orders']} orders."))
