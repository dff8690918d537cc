"""Recount the maintained order aggregates (orders.tallies: counts per status, priority and currency; each
customer's open exposure) from the orders, print every difference, repair them, and alert the managers when
there was one. Exits with status 1 when it found a difference (for cron or CI); the nightly beat task
orders.tasks.reconcile_order_tallies does the same without the exit status."""

from django.core.management.base import BaseCommand, CommandError

from orders.tallies import reconcile
from orders.tally_checks import report_drift


class Command(BaseCommand):
    help = "Recount the maintained order aggregates, repair and report any difference."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report; repair nothing")

    def handle(self, *args, **options):
        drift = reconcile(fix=not options["check"])
        if not drift:
            self.stdout.write(self.style.SUCCESS("Order tallies OK: they equal a full recount."))
            return
        for what, key, kept, counted in drift:
            self.stdout.write(f"{what} {key}: kept {kept}, counted {counted}")
        if not options["check"]:
            report_drift(drift)
        raise CommandError(f"{len(drift)} order tally difference(s)" + ("" if options["check"] else ", repaired."),
                           returncode=1)
