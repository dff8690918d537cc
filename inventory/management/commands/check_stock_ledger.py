"""Verify the stock ledger: every balance equals the sum of its ledger rows, none is negative, and
reserved equals the open part of the active reservations. Prints each difference and exits with
status 1 when there is one (for cron or CI)."""

from django.core.management.base import BaseCommand, CommandError

from inventory.models import Item, Location, Lot, StockBalance, StockMove
from inventory.stock_selectors import ledger_differences


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        differences = ledger_differences()
        if not differences:
            self.stdout.write(self.style.SUCCESS(
                f"Stock ledger OK: {StockBalance.objects.count()} balances agree with "
                f"{StockMove.objects.count()} ledger rows."))
            return
        items = dict(Item.objects.filter(pk__in={d.item_id for d in differences}).values_list("pk", "code"))
        locations = dict(Location.objects.filter(pk__in={d.location_id for d in differences})
                         .values_list("pk", "code"))
        lots = dict(Lot.objects.filter(pk__in={d.lot_id for d in differences if d.lot_id}).values_list("pk", "number"))
        for d in differences:
            lot = f" lot {lots.get(d.lot_id)}" if d.lot_id else ""
            self.stdout.write(
                f"{items.get(d.item_id, d.item_id)}{lot} at {locations.get(d.location_id, d.location_id)}: "
                f"{d.problem} (on hand {d.on_hand}, ledger sum {d.ledger_sum}, reserved {d.reserved}, "
                f"active reservations {d.open_reservations})")
        raise CommandError(f"{len(differences)} stock balance(s) disagree with the ledger.", returncode=1)
