"""Pages for delay responsibility (/rush/delays/) and the supplier replies on rush purchase orders
(/rush/supplier-replies/): thin views over rush.delays and rush.supplier_replies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.selectors import orders_visible_to
from record_pages.views import add_service_errors, paginate

from . import delays, summary, supplier_replies
from .forms import DelayResponsibilityForm, SupplierReplyForm

VIEW_DELAYS = "rush.view_delayresponsibility"
VIEW_REPLIES = "rush.view_supplierreply"


@login_required
@permission_required(VIEW_DELAYS, raise_exception=True)
def delay_list(request):
    today = timezone.localdate()
    context = paginate(request, delays.late_orders_without_cause(today=today))
    rows = [{"order": order, "days_late": delays.days_late(order, today=today)} for order in context["page"]]
    recorded = delays.recorded_causes()[:20]
    return render(request, "rush/delays.html", {**context, "rows": rows, "recorded": recorded,
                                                "can_record": request.user.has_perm(delays.RECORD)})


@login_required
@permission_required(delays.RECORD, raise_exception=True)
def delay_record(request, order_pk):
    order = (delays.with_lateness(orders_visible_to(request.user)).filter(delays.late_filter())
             .select_related("customer").filter(pk=order_pk).first())
    if order is None:
        raise Http404
    options = delays.evidence_options(order)
    form = DelayResponsibilityForm(request.POST or None, evidence_options=options)
    if request.method == "POST" and form.is_valid():
        try:
            delays.record_delay(actor=request.user, order=order, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The cause of order %(order)s's delay was recorded.") % {"order": order.number})
            return redirect("rush:delays")
    return render(request, "rush/delay_form.html", {"order": order, "form": form,
                                                   "days_late": delays.days_late(order)})


@login_required
@permission_required(VIEW_REPLIES, raise_exception=True)
def supplier_reply_list(request):
    context = paginate(request, supplier_replies.replies_for_page())
    now = timezone.now()
    rows = [{"reply": reply, "overdue": reply.is_overdue(now)} for reply in context["page"]]
    return render(request, "rush/supplier_replies.html", {**context, "rows": rows})


@login_required
@permission_required(VIEW_REPLIES, raise_exception=True)
def supplier_reply(request, pk):
    reply = get_object_or_404(supplier_replies.replies_for_page(), pk=pk)
    can_record = request.user.has_perm(supplier_replies.RECORD) and not reply.answered
    form = SupplierReplyForm(request.POST or None)
    if request.method == "POST":
        if not can_record:
            return redirect("rush:supplier_reply", pk=reply.pk)
        if form.is_valid():
            try:
                supplier_replies.record_supplier_reply(actor=request.user, reply=reply, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The supplier's answer to %(po)s was recorded.")
                                 % {"po": reply.document.number})
                return redirect("rush:supplier_replies")
    lines = reply.purchase_order.lines.select_related("item", "order") if reply.purchase_order else []
    return render(request, "rush/supplier_reply.html", {"reply": reply, "form": form, "can_record": can_record,
                                                       "overdue": reply.is_overdue(), "lines": lines})


@login_required
@permission_required("rush.view_rushsummary", raise_exception=True)
def rush_summary(request, order_pk):
    order = get_object_or_404(orders_visible_to(request.user).select_related("customer"), pk=order_pk,
                              priority="rush")
    if request.method == "POST":
        try:
            summary.make_summary(order)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The completion summary of %(order)s was made.") % {"order": order.number})
        return redirect("rush:summary", order_pk=order.pk)
    made = summary.summary_of(order)
    return render(request, "rush/summary.html", {"order": order, "summary": made, "f": made.figures if made else None,
                                                "can_make": order.status in ("delivered", "closed")})
