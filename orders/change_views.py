"""Pages of the controlled changes (orders.changes): ask for a change, see its impact and decide, and the
order's revision history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require

from . import changes
from .models import ChangeKind, ChangeRequest, OrderRevision
from .selectors import orders_visible_to


def _order(request, pk):
    return get_object_or_404(orders_visible_to(request.user).select_related("customer"), pk=pk)


def _may_request(user):
    return any(user.has_perm(perm) for perm in changes.REQUESTER_PERMISSIONS)


@login_required
def change_create(request, pk):
    order = _order(request, pk)
    require(request.user, *changes.REQUESTER_PERMISSIONS, any_of=True)
    lines = list(order.lines.select_related("product").order_by("line_no"))
    errors, posted = [], request.POST if request.method == "POST" else {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        proposed = changes.proposed_from_form(kind, request.POST, lines)
        try:
            change = changes.request_change(actor=request.user, order=order, kind=kind, proposed=proposed,
                                            reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Change %(number)s is asked for; its impact is below.")
                             % {"number": change.number})
            return redirect("orders:change_detail", pk=change.pk)
    return render(request, "orders/changes/form.html", {
        "order": order, "lines": lines, "errors": errors, "posted": posted, "kinds": ChangeKind.choices,
        "changeable": order.status in changes.CHANGEABLE})


def _change(request, pk):
    change = get_object_or_404(ChangeRequest.objects.select_related("order__customer", "requested_by",
                                                                    "decided_by"), pk=pk)
    if not orders_visible_to(request.user).filter(pk=change.order_id).exists():
        raise PermissionDenied(_("You may not see this order."))
    return change


@login_required
def change_detail(request, pk):
    change = _change(request, pk)
    return render(request, "orders/changes/detail.html", {
        "change": change, "order": change.order, "can_decide": changes.may_decide(request.user, change)})


@require_POST
@login_required
def change_decide(request, pk, decision):
    if decision not in ("approve", "reject"):
        raise Http404
    change = _change(request, pk)
    note = request.POST.get("note", "")
    try:
        if decision == "approve":
            changes.approve_change(actor=request.user, request=change, note=note)
            messages.success(request, _("%(number)s approved and applied.") % {"number": change.number})
        else:
            changes.reject_change(actor=request.user, request=change, reason=note)
            messages.success(request, _("%(number)s rejected.") % {"number": change.number})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("orders:change_detail", pk=change.pk)


@login_required
def revisions(request, pk):
    order = _order(request, pk)
    return render(request, "orders/changes/revisions.html", {
        "order": order, "revisions": OrderRevision.objects.filter(order=order).select_related(
            "created_by", "change_request").order_by("-number"),
        "requests": order.change_requests.select_related("requested_by", "decided_by").order_by("-requested_at"),
        "can_request": _may_request(request.user) and order.status in changes.CHANGEABLE})
