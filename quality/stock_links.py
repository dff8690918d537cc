"""Where quality meets the stock ledger (inventory), inside the caller's transaction:

- a passed lot's accepted quantity is posted as production output into a finished-goods lot at the
  finished-goods location (settings.QUALITY_FG_LOCATION, default "FG"); the lot is named after the
  inspection's lot number. Without a stock item for the product or without that location nothing is
  posted: the inspection records why and the warehouse is alerted, the order still passes QC.
- a received lot under inspection is quarantined, released when it passes and blocked while its
  NCR is open (lot status changes go through inventory.stock_services.set_lot_status, recorded there).

The posting uses inventory.ledger.post_moves directly: the permission that matters here is the
inspector's (quality.record_inspection, checked by quality.services), not the warehouse's.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_noop

from alerts.services import create_alert
from inventory.ledger import DocumentRef, MoveLine, post_moves
from inventory.models import Item, Location, LotStatus, MoveKind
from inventory.stock_services import LotInput, find_or_create_lot, set_lot_status
from inventory.units import quantity_text
from systemtext.text import Text

DEFAULT_FG_LOCATION = "FG"


def finished_goods_location_code():
    return getattr(settings, "QUALITY_FG_LOCATION", DEFAULT_FG_LOCATION)


def _note(inspection, actor, note, action):
    inspection.stock_note = note
    inspection.save(update_fields=["stock_note", "stock_note_values", "inventory_lot", "updated_at"])
    inspection.events.record(action=action, actor=actor, note=note)


def post_finished_goods(*, actor, inspection):
    """Put the accepted quantity of a passed production lot into stock (once)."""
    if inspection.stock_note or not inspection.accepted_quantity:
        return None
    item = Item.objects.filter(product_id=inspection.product_id).first()
    location = (Location.objects.filter(code=finished_goods_location_code(), is_active=True)
                .select_related("warehouse").first())
    if item is None or location is None:
        if item is None:
            note = Text(gettext_noop("Not put into stock: product %(sku)s has no stock item."),
                        sku=inspection.product.sku)
        else:
            note = Text(gettext_noop("Not put into stock: there is no active finished-goods location %(code)s."),
                        code=finished_goods_location_code())
        _note(inspection, actor, note, "stock_not_posted")
        create_alert(kind="quality_stock_not_posted",
                     subject=gettext_noop("Passed lot %(number)s was not put into stock"),
                     body=gettext_noop("%(reason)s Post it by hand."), params={"number": inspection.number,
                                                                             "reason": note},
                     link=reverse("quality:inspection_detail", args=[inspection.pk]), roles=["warehouse"],
                     dedupe_key=f"quality-stock:{inspection.pk}")
        return None
    number = (inspection.lot_number or inspection.number).replace(" ", "-")[:60]
    lot = find_or_create_lot(actor=actor, item=item, data=LotInput(number=number))
    post_moves(actor=actor, kind=MoveKind.PRODUCTION_OUTPUT,
               lines=[MoveLine(item=item, location=location, quantity=inspection.accepted_quantity, lot=lot)],
               reason=Text(gettext_noop("Passed inspection %(number)s"), number=inspection.number),
               document=DocumentRef(type="inspection", id=inspection.pk, number=inspection.number),
               order=inspection.order)
    inspection.inventory_lot = lot
    _note(inspection, actor, Text(gettext_noop("%(qty)s of %(item)s into %(location)s, lot %(lot)s."),
                                  qty=quantity_text(inspection.accepted_quantity, item.unit), item=item.code,
                                  location=location.code, lot=lot.number), "stock_posted")
    return lot


def _set_status(actor, lot, status, reason):
    lot.refresh_from_db(fields=["status"])
    if lot.status != status:
        set_lot_status(actor=actor, lot=lot, status=status, reason=reason)


def quarantine_lot(*, actor, lot, inspection):
    if lot.status == LotStatus.AVAILABLE:
        _set_status(actor, lot, LotStatus.QUARANTINE,
                    Text(gettext_noop("Under inspection %(number)s"), number=inspection.number))


def release_lot(*, actor, lot, inspection):
    lot.refresh_from_db(fields=["status"])
    if lot.status in (LotStatus.QUARANTINE, LotStatus.BLOCKED):
        _set_status(actor, lot, LotStatus.AVAILABLE,
                    Text(gettext_noop("Released by inspection %(number)s"), number=inspection.number))


def block_lot(*, actor, lot, ncr):
    _set_status(actor, lot, LotStatus.BLOCKED, Text(gettext_noop("Nonconforming: %(ncr)s"), ncr=ncr.number))
