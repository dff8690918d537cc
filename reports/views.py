from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import home_figures


@login_required
def home(request):
    """Each role's start page: its own queue first, then the order counts by stage."""
    return render(request, "reports/home.html", home_figures(request.user))
