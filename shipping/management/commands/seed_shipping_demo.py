"""`manage.py seed_shipping_demo`: the demo orders past QC, with their inspections and shipments. Run last,
after `seed_demo`, `seed_planning_demo`, `seed_stock_demo` and `seed_quality_demo` (make seed / make run
run them all). See shipping/demo_data.py. Safe to run again. Refuses to run on a site with DEBUG off
unless --force is given, like the other demo commands."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from inventory.models import Location
from quality.models import InspectionPlan
from quality.stock_links import finished_goods_location_code
from shipping import demo_data


class Command(BaseCommand):
    help = "Create the demo orders past QC (inspected, shipped, delivered, closed). Run the other demo seeds first."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. The shipping demo data writes orders, "
                               "inspections and shipments. Use --force only on a demo database.")
        if not InspectionPlan.objects.exists() or not Location.objects.filter(
                code=finished_goods_location_code()).exists():
            raise CommandError("No inspection plans or finished-goods location: run `manage.py seed_demo`, "
                               "`seed_planning_demo`, `seed_stock_demo` and `seed_quality_demo` first.")
        # Demo users have made-up addresses: alerts raised while seeding are recorded, their e-mails go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            summary = demo_data.seed_shipping_demo()
        if summary["skipped"]:
            self.stdout.write("Shipping demo data already seeded: no orders added.")
            return
        self.stdout.write(self.style.SUCCESS(f"Shipping demo data: {summary['orders']} orders past QC."))
