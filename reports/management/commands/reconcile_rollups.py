"""Rebuild the delivered-order facts from the order events, recount the dashboard's daily rollups
(reports.rollups: deliveries and lead-time histograms per day and priority) from them, print every
difference, repair them and alert the managers when there was one. Exits with status 1 when it found a
difference (for cron or CI); the nightly beat task reports.tasks.reconcile_rollups does the same without the
exit status. --check only reports (the facts are not rebuilt, nothing is repaired)."""

from django.core.management.base import BaseCommand, CommandError

from reports.rollups import reconcile, report_drift, summary_of


class Command(BaseCommand):
    help = "Recount the dashboard's daily rollups from history, repair and report any difference."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report; rebuild and repair nothing")

    def handle(self, *args, **options):
        check = options["check"]
        drift = reconcile(fix=not check, rebuild_facts=not check)
        if not drift:
            self.stdout.write(self.style.SUCCESS("Daily rollups OK: they equal a full recount."))
            return
        for line in summary_of(drift, limit=len(drift)):
            self.stdout.write(line)
        if not check:
            report_drift(drift)
        raise CommandError(f"{len(drift)} rollup difference(s)" + ("" if check else ", repaired."), returncode=1)
