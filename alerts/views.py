from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import services
from .selectors import alert_for_page, alerts_for, escalation_chain


@login_required
def alert_list(request):
    page = Paginator(alerts_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "alerts/list.html", {"page": page})


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(actor=request.user)
    return redirect("alerts:list")


@login_required
@require_POST
def acknowledge(request, pk):
    services.acknowledge(actor=request.user, recipient_id=pk)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/alerts/") else "alerts:list")


@login_required
def alert_detail(request, pk):
    """The whole chain of one alert: who was told at which level and when, who acknowledged it, and every
    try of every channel."""
    alert = alert_for_page(request.user, pk)
    if alert is None:
        raise Http404
    mine = next((r for r in alert.recipients.all() if r.user_id == request.user.pk), None)
    return render(request, "alerts/detail.html", {"alert": alert, "mine": mine, "chain": escalation_chain(alert)})
