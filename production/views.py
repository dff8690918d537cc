"""Shop-floor pages: the work-center picker, the tablet page of one work center (its queue; each action
updates the operation's row in place with htmx, or reloads the page without JavaScript), and the
production progress section that the order page loads with hx-get."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .models import ScrapReason


@login_required
@permission_required(services.PRODUCE, raise_exception=True)
def work_centers(request):
    return render(request, "production/work_centers.html", {"centers": selectors.shop_floor_centers(request.user)})


@login_required
@permission_required(services.PRODUCE, raise_exception=True)
def tablet(request, pk):
    center = selectors.tablet_center(request.user, pk)
    return render(request, "production/tablet.html", {
        "center": center, "operations": selectors.queue(center), "scrap_reasons": ScrapReason.choices,
        "can_report": request.user.has_perm("production.report_exceptionreport"),
    })


# Each action: the service and the fields it takes from the form, and what it says when done.
ACTIONS = {
    "start": (services.start_operation, ("instruction",), gettext_lazy("Started.")),
    "pause": (services.pause_operation, ("note",), gettext_lazy("Paused.")),
    "resume": (services.resume_operation, (), gettext_lazy("Resumed.")),
    "report": (services.report_quantities, ("good", "scrap", "scrap_reason", "note"),
               gettext_lazy("Quantities recorded.")),
    "complete": (services.complete_operation, (), gettext_lazy("Completed.")),
}


@login_required
@permission_required(services.PRODUCE, raise_exception=True)
@require_POST
def operation_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404(_("Unknown action."))
    service, fields, done = ACTIONS[action]
    operation = selectors.operation_row(request.user, pk)
    error = message = None
    try:
        service(actor=request.user, operation=operation, expected_state=request.POST.get("expected_state") or None,
                **{field: request.POST.get(field, "") for field in fields})
    except ValidationError as exc:
        error = " ".join(exc.messages)
    else:
        message = str(done)
    if request.htmx:
        can_report = request.user.has_perm("production.report_exceptionreport")
        response = render(request, "production/_operation_row.html", {
            "op": selectors.operation_row(request.user, pk), "row_error": error, "row_message": message,
            "scrap_reasons": ScrapReason.choices, "can_report": can_report,
            # The report form keeps what was typed when it was refused, for correcting.
            "typed": request.POST if error and action == "report" else {},
        })
        if action == "complete" and not error:
            # Completing may unblock the next operations of this tablet's queue: their rows (Start enabled
            # now) are swapped in out of band, so the operator need not reload the page.
            for other in selectors.queue(operation.center_id):
                if other.pk != operation.pk:
                    response.content += render_to_string("production/_operation_row.html", {
                        "op": other, "oob": True, "scrap_reasons": ScrapReason.choices, "can_report": can_report,
                        "typed": {}}, request=request).encode()
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect("production:tablet", pk=operation.center_id)


@login_required
@permission_required("orders.view_order", raise_exception=True)
@require_GET
def order_progress(request, pk):
    """The "Production" section of the order page (loaded into it with hx-get)."""
    order = selectors.order_progress(request.user, pk)
    return render(request, "production/_order_progress.html", {"order": order})
