"""`manage.py seed_rush_demo`: a process exception on a rush order with a decision waiting for the general
manager's office, and a material delay request waiting for the PMC head. Run after the other demo seeds
(setup_demo runs it last). See rush/demo_data.py. Safe to run again. Refuses to run on a site with DEBUG
off unless --force is given, like the other demo commands."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rush import demo_data


class Command(BaseCommand):
    help = "Create a decision waiting for the general manager and a material delay waiting for the PMC head."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. The rush demo data reports a process "
                               "exception and asks for decisions. Use --force only on a demo database.")
        summary = demo_data.seed_rush_demo()
        self.stdout.write(self.style.SUCCESS(f"Rush demo data: {summary['decisions']} decision requests, "
                                             f"{summary['delays']} material delay requests written."))
