"""`manage.py seed_rush_demo`: rush rules, supplier reply deadlines, delay causes and rush completion
summaries on the demo data (rush/demo_data.py). Run after the other demo seeds (setup_demo runs it last).
Refuses to run on a site with DEBUG off unless --force is given, like the other demo commands."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from rush import demo_data


class Command(BaseCommand):
    help = "Add the rush rules, supplier reply deadlines, delay causes and completion summaries to the demo data."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. Use --force only on a demo database.")
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            made = demo_data.seed_rush_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Rush demo data: {made['rules']} rules, {made['replies']} reply deadlines, {made['delays']} delay causes, "
            f"{made['summaries']} completion summaries."))
