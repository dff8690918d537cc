"""Reads of the finished-goods receipt pages (成品入库单): the list with its search and the receipt with its lines."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from .finished_goods import receipts_visible_to
from .models import FinishedGoodsReceipt, FinishedGoodsReceiptLine


def receipt_list(user, *, q="", rush_only=False):
    """The receipts `user` may see, newest first, searched by receipt, order number or customer name."""
    receipts = (receipts_visible_to(user).select_related("order__customer", "received_by")
                .annotate(line_count=Count("lines")).order_by("-received_at", "-id"))
    if q:
        receipts = receipts.filter(Q(number__icontains=q) | Q(order__number__icontains=q)
                                   | Q(order__customer__name__icontains=q))
    if rush_only:
        receipts = receipts.filter(rush=True)
    return receipts


def receipt_for(user, pk):
    """The receipt with its lines (item, lot, location) read in one go; 404 when `user` may not see it."""
    lines = Prefetch("lines", queryset=FinishedGoodsReceiptLine.objects.select_related(
        "item__product", "lot", "location__warehouse").order_by("line_no"))
    try:
        return (receipts_visible_to(user).select_related("order__customer", "received_by")
                .prefetch_related(lines).get(pk=pk))
    except FinishedGoodsReceipt.DoesNotExist:
        raise Http404 from None
