"""`manage.py seed_edi_demo`: an EDI trading partner with mapped product codes, two received interchanges (one
order made, one message waiting in the EDI inbox for a mapping) and two channel import profiles. Run after
`seed_demo` (setup_demo runs it last). Safe to run again. Refuses to run with DEBUG off unless --force."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from edi import demo_data


class Command(BaseCommand):
    help = "Create the EDI demo data (trading partner, messages, channel profiles). Run seed_demo first."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. The EDI demo data writes orders. "
                               "Use --force only on a demo database.")
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            summary = demo_data.seed_edi_demo()
        if summary["skipped"]:
            self.stdout.write("EDI demo data already seeded (or no demo customers yet): nothing added.")
            return
        self.stdout.write(self.style.SUCCESS("EDI demo data: a trading partner, two interchanges, two profiles."))
