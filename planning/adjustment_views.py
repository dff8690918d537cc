"""Pages that change a plan by hand: the routing's maximum batch size (how plan_order splits quantities
into batches) and, further down, the plan adjustments. Thin: parse, call a service, show its message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inventory.forms import plain_decimal

from . import selectors, services
from .forms import RoutingBatchSizeForm


def _show_errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


@login_required
@permission_required("planning.change_routing", raise_exception=True)
@require_POST
def routing_batch_size(request, item_pk):
    item = selectors.routing_item(request.user, item_pk)
    form = RoutingBatchSizeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("planning:routing_edit", item_pk=item.pk)
    size = form.cleaned_data["max_batch_size"]
    try:
        services.set_routing_batch_size(actor=request.user, item=item, max_batch_size=size)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        if size is None:
            messages.success(request, _("%(code)s is made in one work order per order line (no batch size).")
                             % {"code": item.code})
        else:
            messages.success(request, _("%(code)s is planned in batches of at most %(size)s.")
                             % {"code": item.code, "size": plain_decimal(size)})
    return redirect("planning:routing_edit", item_pk=item.pk)
