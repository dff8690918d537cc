"""The finished-goods receipt (成品入库单, seed 003): the document that puts passed production lots into
finished-goods stock. One receipt per QC pass (quality.stock_links), one line per accepted lot: product
(its stock item), lot, quantity and location, with who received it and when, and the ledger posting
that names it (StockMove.document_type "fg_receipt"). Append-only like every stock document; a mistake
is reversed by new moves, never deleted.

The QC pass drafts the receipt (the goods are booked into the finished-goods location and can be shipped);
the warehouse's finished-goods receiver then confirms it (FinishedGoodsReceiptConfirmation: who received
the goods and when, append-only: a receipt is confirmed once). Until then the receipt waits for its
receiver (成品收料员)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from history.models import AppendOnlyModel
from orders.models import QTY, Order

from .items import Item
from .stock import Location, Lot

DOCUMENT_TYPE = "fg_receipt"


class FinishedGoodsReceipt(AppendOnlyModel):
    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="finished_goods_receipts")
    # What the goods passed (the inspection numbers), named without a foreign key: quality comes after
    # inventory in the import direction.
    source = models.CharField(_("passed by"), max_length=200, blank=True)
    rush = models.BooleanField(_("rush order"), default=False)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("finished-goods receipt")
        verbose_name_plural = _("finished-goods receipts")

    def __str__(self):
        return self.number


class FinishedGoodsReceiptLine(AppendOnlyModel):
    receipt = models.ForeignKey(FinishedGoodsReceipt, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("passed by"), max_length=40, blank=True)

    class Meta:
        ordering = ["receipt", "line_no"]
        verbose_name = _("finished-goods receipt line")
        verbose_name_plural = _("finished-goods receipt lines")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="fg_receipt_line_quantity_positive"),
                       models.UniqueConstraint(fields=["receipt", "line_no"], name="fg_receipt_line_once")]

    def __str__(self):
        return f"{self.receipt_id}/{self.line_no}"


class FinishedGoodsReceiptConfirmation(AppendOnlyModel):
    """The warehouse receiver's confirmation of a drafted finished-goods receipt: who received the goods and
    when (inventory.finished_goods.confirm_finished_goods_receipt). One per receipt."""

    receipt = models.OneToOneField(FinishedGoodsReceipt, on_delete=models.PROTECT, related_name="confirmation")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("receiver"))
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        verbose_name = _("finished-goods receipt confirmation")
        verbose_name_plural = _("finished-goods receipt confirmations")

    def __str__(self):
        return f"{self.receipt_id}"
