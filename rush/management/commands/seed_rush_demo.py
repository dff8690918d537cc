"""`manage.py seed_rush_demo`: on the demo data, seed 003's rush rules, supplier reply deadlines, delay causes
and rush completion summaries (rush/demo_data.py), then a process exception on a rush order with a decision
waiting for the general manager's office and a material delay request waiting for the PMC head
(rush/decision_demo_data.py), and temporary drawings on the rush orders, one copy overdue
(rush/drawing_demo_data.py). Run after the other demo seeds (setup_demo runs it last). Safe to run again.
Refuses to run on a site with DEBUG off unless --force is given, like the other demo commands."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from rush import decision_demo_data, demo_data, drawing_demo_data


class Command(BaseCommand):
    help = ("Add the rush rules, supplier reply deadlines, delay causes, completion summaries, a decision waiting "
            "for the general manager, a material delay waiting for the PMC head and temporary drawings to the demo "
            "data.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. The rush demo data reports a process "
                               "exception and asks for decisions. Use --force only on a demo database.")
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            made = demo_data.seed_rush_demo()
            decided = decision_demo_data.seed_decision_demo()
            drawn = drawing_demo_data.seed_drawing_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Rush demo data: {made['rules']} rules, {made['replies']} reply deadlines, {made['delays']} delay causes, "
            f"{made['summaries']} completion summaries, {decided['decisions']} decision requests, "
            f"{decided['delays']} material delay requests, {drawn['drawings']} temporary drawings issued "
            f"({drawn['overdue']} overdue copies alerted)."))
