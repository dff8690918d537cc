"""`manage.py seed_planning_demo`: calendars, work centers, items, BOMs, routings and plans for the demo.

Run after `seed_demo` (make seed / make run do both). See planning/demo_data.py for what is created. Safe
to run again: nothing is added twice. Refuses to run on a site with DEBUG off unless --force is given,
like seed_demo: it plans and releases real orders of the demo customers.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from orders.models import Customer
from planning import demo_data


class Command(BaseCommand):
    help = ("Create the planning demo data (calendars, work centers, items, BOMs, routings) and plan the approved "
            "demo orders. Run seed_demo first.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. The planning demo data plans and releases "
                               "demo orders. Use --force only on a demo database.")
        if not Customer.objects.filter(code__in=[c.code for c in demo_data.CUSTOMERS]).exists():
            raise CommandError("No demo orders: run `manage.py seed_demo` first.")
        # Alerts raised while planning go to demo users with made-up addresses: record them, send nothing.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            summary = demo_data.seed_planning_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Planning demo data: {summary['calendars']} calendars, {summary['work_centers']} work centers, "
            f"{summary['items']} items ({summary['boms_written']} BOMs and {summary['routings_written']} routings "
            f"written now), {summary['work_orders']} work orders."))
        if summary["planned"]:
            self.stdout.write(f"Planned {', '.join(summary['planned'])}; released {', '.join(summary['released'])}.")
        else:
            self.stdout.write("No orders planned now (work orders exist already, or no approved demo orders).")
        for problem in summary["problems"]:
            self.stderr.write(f"Not planned: {problem}")
