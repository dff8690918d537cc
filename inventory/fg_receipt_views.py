"""Finished-goods receipt pages (成品入库单): the list (search by receipt, order or customer; rush only) and
the receipt page with its lines, who received it, the PDF panel and the order's rush mark. Read only: a
receipt is recorded when its order passes QC (quality.stock_links)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import render

from record_pages.views import paginate

from .finished_goods import VIEW, receipts_visible_to
from .models import FinishedGoodsReceipt, FinishedGoodsReceiptLine


@login_required
@permission_required(VIEW, raise_exception=True)
def fg_receipt_list(request):
    receipts = (receipts_visible_to(request.user).select_related("order__customer", "received_by")
                .annotate(line_count=Count("lines")).order_by("-received_at", "-id"))
    q = request.GET.get("q", "").strip()[:60]
    if q:
        receipts = receipts.filter(Q(number__icontains=q) | Q(order__number__icontains=q)
                                   | Q(order__customer__name__icontains=q))
    if request.GET.get("rush"):
        receipts = receipts.filter(rush=True)
    return render(request, "inventory/fg_receipts/list.html", {**paginate(request, receipts), "q": q,
                                                               "rush_only": bool(request.GET.get("rush"))})


@login_required
@permission_required(VIEW, raise_exception=True)
def fg_receipt_detail(request, pk):
    lines = Prefetch("lines", queryset=FinishedGoodsReceiptLine.objects.select_related(
        "item__product", "lot", "location__warehouse").order_by("line_no"))
    try:
        receipt = (receipts_visible_to(request.user).select_related("order__customer", "received_by")
                   .prefetch_related(lines).get(pk=pk))
    except FinishedGoodsReceipt.DoesNotExist:
        raise Http404 from None
    return render(request, "inventory/fg_receipts/detail.html", {"receipt": receipt, "order": receipt.order,
                                                                 "lines": list(receipt.lines.all())})
