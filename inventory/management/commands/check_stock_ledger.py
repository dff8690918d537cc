"""Verify the stock ledger: every balance equals the sum of its ledger rows, none is negative, and
reserved equals the open part of the active reservations. Prints each difference and exits with
status 1 when there is one (for cron or CI)."""

from django.core.management.base import BaseCommand, CommandError

from inventory.models import Item, Location, Lot, StockBalance, StockMove
from inventory.stock_selectors import ledger_differences
from inventory.units import format_quantity


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        differences = ledger_differences()
        if not differences:
            self.stdout.write(self.style.SUCCESS(
                f"Stock ledger OK: {StockBalance.objects.count()} balances agree with "
                f"{StockMove.objects.count()} ledger rows."))
            return
        items = {pk: (code, unit) for pk, code, unit in Item.objects.filter(pk__in={d.item_id for d in differences})
                 .values_list("pk", "code", "unit")}
        locations = dict(Location.objects.filter(pk__in={d.location_id for d in differences})
                         .values_list("pk", "code"))
        lots = dict(Lot.objects.filter(pk__in={d.lot_id for d in differences if d.lot_id}).values_list("pk", "number"))
        for d in differences:
            code, unit = items.get(d.item_id, (d.item_id, ""))

            def shown(quantity, unit=unit):
                return "—" if quantity is None else format_quantity(quantity, unit)

            lot = f" lot {lots.get(d.lot_id)}" if d.lot_id else ""
            self.stdout.write(
                f"{code}{lot} at {locations.get(d.location_id, d.location_id)}: {d.problem} (on hand "
                f"{shown(d.on_hand)}, ledger sum {shown(d.ledger_sum)}, reserved {shown(d.reserved)}, active "
                f"reservations {shown(d.open_reservations)})")
        raise CommandError(f"{len(differences)} stock balance(s) disagree with the ledger.", returncode=1)
