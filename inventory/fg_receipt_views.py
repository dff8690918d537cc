"""Finished-goods receipt pages (成品入库单): the list (search by receipt, order or customer; rush only;
waiting for the receiver) and the receipt page with its lines, the PDF panel, the order's rush mark, and the
warehouse receiver's confirmation (the form, for the warehouse, while it waits). A receipt is drafted when its
order passes QC (quality.stock_links) and confirmed here (inventory.finished_goods)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from record_pages.views import paginate

from . import fg_receipt_selectors as selectors
from .finished_goods import (
    CONFIRM,
    VIEW,
    confirm_finished_goods_receipt,
    receipt_for,
    receipt_for_page,
)


@login_required
@permission_required(VIEW, raise_exception=True)
def fg_receipt_list(request):
    q = request.GET.get("q", "").strip()[:60]
    rush_only, waiting_only = bool(request.GET.get("rush")), bool(request.GET.get("waiting"))
    receipts = selectors.receipt_list(request.user, q=q, rush_only=rush_only, waiting_only=waiting_only)
    return render(request, "inventory/fg_receipts/list.html", {**paginate(request, receipts), "q": q,
                                                               "rush_only": rush_only, "waiting_only": waiting_only})


@login_required
@permission_required(VIEW, raise_exception=True)
def fg_receipt_detail(request, pk):
    receipt = receipt_for_page(request.user, pk)
    if receipt is None:
        raise Http404
    confirmation = getattr(receipt, "confirmation", None)
    return render(request, "inventory/fg_receipts/detail.html", {
        "receipt": receipt, "order": receipt.order, "lines": list(receipt.lines.all()), "confirmation": confirmation,
        "can_confirm": confirmation is None and request.user.has_perm(CONFIRM)})


@require_POST
@login_required
@permission_required(CONFIRM, raise_exception=True)
def fg_receipt_confirm(request, pk):
    receipt = receipt_for(request.user, pk)
    if receipt is None:
        raise Http404
    try:
        confirm_finished_goods_receipt(actor=request.user, receipt=receipt, note=request.POST.get("note", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Receipt %(number)s confirmed: you received the goods.")
                         % {"number": receipt.number})
    return redirect("inventory:fg_receipt_detail", pk=receipt.pk)
