"""Finished-goods receipt pages (成品入库单): the list (search by receipt, order or customer; rush only) and
the receipt page with its lines, who received it, the PDF panel and the order's rush mark. Read only: a
receipt is recorded when its order passes QC (quality.stock_links)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from record_pages.views import paginate

from . import fg_receipt_selectors as selectors
from .finished_goods import VIEW


@login_required
@permission_required(VIEW, raise_exception=True)
def fg_receipt_list(request):
    q = request.GET.get("q", "").strip()[:60]
    rush_only = bool(request.GET.get("rush"))
    receipts = selectors.receipt_list(request.user, q=q, rush_only=rush_only)
    return render(request, "inventory/fg_receipts/list.html", {**paginate(request, receipts), "q": q,
                                                               "rush_only": rush_only})


@login_required
@permission_required(VIEW, raise_exception=True)
def fg_receipt_detail(request, pk):
    receipt = selectors.receipt_for(request.user, pk)
    return render(request, "inventory/fg_receipts/detail.html", {"receipt": receipt, "order": receipt.order,
                                                                 "lines": list(receipt.lines.all())})
