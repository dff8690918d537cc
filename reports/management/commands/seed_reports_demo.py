"""`manage.py seed_reports_demo`: the last step of `setup_demo`. The demo seeds move their orders through the
services (each delivery writes its fact and rollups) and then spread the history over the past by moving the
events' times (orders.demo_data._backdate), so the delivered-order facts and the dashboard's daily rollups are
rebuilt here from the backdated history (reports.rollups.reconcile)."""

from django.core.management.base import BaseCommand

from reports.rollups import reconcile


class Command(BaseCommand):
    help = "Rebuild the delivered-order facts and the dashboard's daily rollups from the demo history."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Accepted like the other seeds (rebuilding from history is safe on any site).")

    def handle(self, *args, force=False, **options):
        drift = reconcile(fix=True)
        self.stdout.write(f"Delivered-order facts and dashboard rollups rebuilt from the demo history "
                          f"({len(drift)} rollup rows repaired).")
