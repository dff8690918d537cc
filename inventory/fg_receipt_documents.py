"""The finished-goods receipt PDF (成品入库单, seed 003), registered with the document pipeline from
InventoryConfig.ready(). Bilingual fixed labels (the paper goes between production, the warehouse and the
business office); "RUSH / 急单" at the top right for rush orders ("入库单上右上方注明'急单'"); a QR code with
the receipt page's address; signature boxes for who delivered, who received and the business office."""

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from documents import registry

from .finished_goods import VIEW, receipts_visible_to
from .models import FinishedGoodsReceipt, FinishedGoodsReceiptLine

KIND = "finished_goods_receipt"


def build_fg_receipt(receipt, language):
    lines = Prefetch("lines", queryset=FinishedGoodsReceiptLine.objects.select_related(
        "item__product", "lot", "location__warehouse").order_by("line_no"))
    receipt = (FinishedGoodsReceipt.objects.select_related("order__customer", "received_by")
               .prefetch_related(lines).get(pk=receipt.pk))
    order = receipt.order
    return registry.DocumentContent(
        template_name="inventory/pdf/fg_receipt.html",
        context={"receipt": receipt, "order": order, "customer": order.customer, "lines": list(receipt.lines.all()),
                 "rush": receipt.rush or order.is_rush, "printed_at": timezone.localtime(),
                 "record_url": settings.SITE_URL + reverse("inventory:fg_receipt_detail", args=[receipt.pk])},
        filename=f"{receipt.number}-finished-goods-receipt.pdf",
    )


registry.register(KIND, label=gettext_lazy("Finished-goods receipt"), model=FinishedGoodsReceipt,
                  builder=build_fg_receipt, permission=VIEW, visible_to=receipts_visible_to)
