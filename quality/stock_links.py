"""Where quality meets the stock ledger (inventory), inside the caller's transaction:

- a passed lot's accepted quantity is received into a finished-goods lot at the finished-goods location
  (settings.QUALITY_FG_LOCATION, default "FG") by a finished-goods receipt (成品入库单,
  inventory.finished_goods): one receipt per QC pass, one line per accepted lot, its number on the
  ledger rows; the lot is named after the inspection's lot number. Without a stock item for the
  product or without that location nothing is posted: the inspection records why and the warehouse is
  alerted, the order still passes QC.
- a received lot under inspection is quarantined, released when it passes and blocked while its
  NCR is open (lot status changes go through inventory.stock_services.set_lot_status, recorded there).

The receipt is recorded by inventory.finished_goods directly: the permission that matters here is the
inspector's (quality.record_inspection, checked by quality.services), not the warehouse's.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_noop

from alerts.services import create_alert
from inventory.finished_goods import ReceiptLine, record_finished_goods_receipt
from inventory.models import Item, Location, LotStatus
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
    """Put the accepted quantity of a passed production lot into stock (once), by a receipt of its own."""
    return receive_finished_goods(actor=actor, inspections=[inspection])


def _not_postable(actor, inspection):
    """Why the inspection's goods cannot go into stock (recorded on it, the warehouse alerted), or None."""
    item = Item.objects.filter(product_id=inspection.product_id).first()
    location = (Location.objects.filter(code=finished_goods_location_code(), is_active=True)
                .select_related("warehouse").first())
    if item is not None and location is not None:
        return None, item, location
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
    return note, None, None


def receive_finished_goods(*, actor, inspections):
    """Receive the accepted quantities of passed production lots of one order into stock: one
    finished-goods receipt with a line per lot not received yet. Returns the receipt (None when nothing
    was received)."""
    lines, received = [], []
    for inspection in inspections:
        if inspection.stock_note or not inspection.accepted_quantity:
            continue
        problem, item, location = _not_postable(actor, inspection)
        if problem is not None:
            continue
        number = (inspection.lot_number or inspection.number).replace(" ", "-")[:60]
        lot = find_or_create_lot(actor=actor, item=item, data=LotInput(number=number))
        lines.append(ReceiptLine(item=item, lot=lot, quantity=inspection.accepted_quantity, location=location,
                                 source=inspection.number))
        received.append((inspection, item, location, lot))
    if not lines:
        return None
    receipt = record_finished_goods_receipt(actor=actor, order=received[0][0].order, lines=lines,
                                            source=", ".join(i.number for i, *_rest in received))
    for inspection, item, location, lot in received:
        inspection.inventory_lot = lot
        _note(inspection, actor, Text(gettext_noop("%(qty)s of %(item)s into %(location)s, lot %(lot)s "
                                                   "(receipt %(receipt)s)."),
                                      qty=quantity_text(inspection.accepted_quantity, item.unit), item=item.code,
                                      location=location.code, lot=lot.number, receipt=receipt.number),
              "stock_posted")
    return receipt


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
