"""Recording a finished-goods receipt (成品入库单, seed 003; inventory.models.finished_goods).

`record_finished_goods_receipt` puts the lines (item, lot, quantity, location) into stock as one
production-output posting whose document is the receipt, and numbers the receipt (FGR-2026-00001). It is
called by quality.stock_links when an order passes QC, inside that transaction: the permission that counts
is the inspector's (quality.record_inspection, checked by quality.services), as for the posting before
the receipt was a document of its own. Bad lines (none, a quantity ≤ 0, an inactive location, a lot of
another item) are refused with every message and nothing is written.

The QC pass drafts the receipt; the warehouse (its finished-goods receiver, role warehouse) is alerted and
confirms it on the receipt's page (`confirm_finished_goods_receipt`: who received it and when, once; a
FinishedGoodsReceiptConfirmation). For a rush order the business office is told at once when the warehouse
confirms it ("仓库收到生产紧急订单成品入库时,必须立即知会经营课负责人"): the order's sales owner (who
entered it) and the order desk, by an alert linking to the receipt, in the same transaction. The receipt of
a rush order is also the moment the order is complete for the temporary drawings' 24-hour return
(rush.drawings).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from inputs.visible import visible_strip
from numbering import series
from numbering.services import next_number
from orders.selectors import orders_visible_to
from systemtext.text import Text

from .ledger import DocumentRef, MoveLine, post_moves
from .models import (
    FinishedGoodsReceipt,
    FinishedGoodsReceiptConfirmation,
    FinishedGoodsReceiptLine,
    Item,
    Location,
    Lot,
    MoveKind,
)
from .models.finished_goods import DOCUMENT_TYPE

VIEW = "inventory.view_finishedgoodsreceipt"
CONFIRM = "inventory.add_finishedgoodsreceiptconfirmation"
# Told that a drafted receipt waits for its receiver.
RECEIVER_ROLES = ["warehouse"]
# Told at once when finished goods of a rush order are received (the business office, 经营课).
BUSINESS_OFFICE_ROLES = ["order_desk"]


@dataclass(frozen=True)
class ReceiptLine:
    item: Item
    lot: Lot
    quantity: Decimal
    location: Location
    source: str = ""


def receipt_line_errors(lines):
    errors = []
    if not lines:
        errors.append(_("A finished-goods receipt needs at least one line."))
    for number, line in enumerate(lines, start=1):
        if line.quantity is None or line.quantity <= 0:
            errors.append(_("Line %(n)s: the quantity must be more than zero.") % {"n": number})
        if line.location is None or not line.location.is_active:
            errors.append(_("Line %(n)s: choose an active location.") % {"n": number})
        if line.lot is None or line.lot.item_id != line.item.pk:
            errors.append(_("Line %(n)s: the lot is not a lot of %(item)s.") % {"n": number, "item": line.item.code})
    return errors


def record_finished_goods_receipt(*, actor, order, lines, source="") -> FinishedGoodsReceipt:
    """Receive `lines` (ReceiptLine) of `order` into finished-goods stock as one numbered receipt."""
    lines = list(lines)
    errors = receipt_line_errors(lines)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        receipt = FinishedGoodsReceipt.objects.create(number=next_number(series.FINISHED_GOODS_RECEIPT), order=order,
                                                      source=source[:200], rush=order.is_rush, received_by=actor)
        FinishedGoodsReceiptLine.objects.bulk_create(
            FinishedGoodsReceiptLine(receipt=receipt, line_no=index, item=line.item, lot=line.lot,
                                     quantity=line.quantity, location=line.location, source=line.source[:40])
            for index, line in enumerate(lines, start=1))
        post_moves(actor=actor, kind=MoveKind.PRODUCTION_OUTPUT,
                   lines=[MoveLine(item=line.item, location=line.location, quantity=line.quantity, lot=line.lot)
                          for line in lines],
                   reason=Text(gettext_noop("Finished-goods receipt %(number)s"), number=receipt.number),
                   document=DocumentRef(type=DOCUMENT_TYPE, id=receipt.pk, number=receipt.number), order=order)
        tell_receivers(receipt, order)
    return receipt


def tell_receivers(receipt, order):
    create_alert(kind="finished_goods_to_confirm",
                 subject=gettext_noop("Finished goods of %(order)s passed QC: confirm receipt %(number)s"),
                 body=gettext_noop("Count the goods into the finished-goods store and confirm the receipt."),
                 params={"order": order.number, "number": receipt.number},
                 link=reverse("inventory:fg_receipt_detail", args=[receipt.pk]), roles=RECEIVER_ROLES,
                 rush=receipt.rush, severity="high" if receipt.rush else "info",
                 dedupe_key=f"fg-receipt-to-confirm:{receipt.pk}")


def confirm_finished_goods_receipt(*, actor, receipt, note="") -> FinishedGoodsReceiptConfirmation:
    """The warehouse's receiver confirms the drafted receipt (who and when kept); a rush order's business
    office is told at once. Refused with a message, nothing written: a receipt confirmed already, a note
    that is too long."""
    require(actor, CONFIRM)
    note = visible_strip(note or "")
    if len(note) > 300:
        raise ValidationError(_("The note is too long (at most 300 characters)."))
    with transaction.atomic():
        current = FinishedGoodsReceipt.objects.select_for_update().select_related("order").get(pk=receipt.pk)
        existing = FinishedGoodsReceiptConfirmation.objects.filter(receipt=current).select_related(
            "confirmed_by").first()
        if existing is not None:
            raise ValidationError(_("Receipt %(number)s was confirmed already by %(person)s.")
                                  % {"number": current.number,
                                     "person": existing.confirmed_by.get_full_name() or existing.confirmed_by.username})
        confirmation = FinishedGoodsReceiptConfirmation.objects.create(receipt=current, confirmed_by=actor, note=note)
        if current.rush:
            tell_business_office(current, current.order)
    return confirmation


def tell_business_office(receipt, order):
    users = [order.created_by] if order.created_by_id else []
    create_alert(kind="rush_finished_goods_received",
                 subject=gettext_noop("Rush order %(order)s: finished goods received (%(number)s)"),
                 body=gettext_noop("Finished goods of rush order %(order)s are in stock: arrange the shipment."),
                 params={"order": order.number, "number": receipt.number},
                 link=reverse("inventory:fg_receipt_detail", args=[receipt.pk]), roles=BUSINESS_OFFICE_ROLES,
                 users=users, rush=True, dedupe_key=f"fg-receipt:{receipt.pk}")


def receipts_visible_to(user):
    if not user.has_perm(VIEW):
        return FinishedGoodsReceipt.objects.none()
    return FinishedGoodsReceipt.objects.filter(order__in=orders_visible_to(user))


def receipt_for(user, pk):
    """The receipt `pk` if `user` may see it, else None (the confirm page's read)."""
    return receipts_visible_to(user).filter(pk=pk).first()


def receipt_for_page(user, pk):
    """The receipt page's read: the receipt with its order, lines and confirmation, if `user` may see it."""
    lines = Prefetch("lines", queryset=FinishedGoodsReceiptLine.objects.select_related(
        "item__product", "lot", "location__warehouse").order_by("line_no"))
    return (receipts_visible_to(user).select_related("order__customer", "received_by", "confirmation__confirmed_by")
            .prefetch_related(lines).filter(pk=pk).first())
