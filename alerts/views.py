from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import services
from .selectors import alerts_for


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
    return redirect("alerts:list")
