"""`manage.py seed_quality_demo`: an inspection plan for every demo product. Run after `seed_demo` (make
seed / make run run all the demo commands). See quality/demo_data.py. Safe to run again. Refuses to
run on a site with DEBUG off unless --force is given, like the other demo commands."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orders.models import Product
from quality import demo_data


class Command(BaseCommand):
    help = "Create an inspection plan for every demo product. Run seed_demo first."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off (never on a real site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real site. The quality demo data writes inspection "
                               "plans. Use --force only on a demo database.")
        if not Product.objects.exists():
            raise CommandError("No products: run `manage.py seed_demo` first.")
        summary = demo_data.seed_quality_demo()
        self.stdout.write(self.style.SUCCESS(f"Quality demo data: {summary['plans']} inspection plans written."))
