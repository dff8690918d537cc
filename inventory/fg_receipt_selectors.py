"""Reads of the finished-goods receipt list (成品入库单); the receipt: finished_goods.receipt_for_page."""

from django.db.models import Count, Q

from .finished_goods import receipts_visible_to


def receipt_list(user, *, q="", rush_only=False, waiting_only=False):
    """The receipts `user` may see, newest first, searched by receipt, order number or customer name;
    `waiting_only`: those the warehouse has not confirmed yet."""
    receipts = (receipts_visible_to(user).select_related("order__customer", "received_by", "confirmation__confirmed_by")
                .annotate(line_count=Count("lines")).order_by("-received_at", "-id"))
    if q:
        receipts = receipts.filter(Q(number__icontains=q) | Q(order__number__icontains=q)
                                   | Q(order__customer__name__icontains=q))
    if rush_only:
        receipts = receipts.filter(rush=True)
    if waiting_only:
        receipts = receipts.filter(confirmation__isnull=True)
    return receipts
