from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_POST

from .models import BaselineRow


@login_required
@require_POST
def insert_row(request):
    """The least a logged-in, CSRF-checked POST that writes can do: insert one row and answer."""
    note = request.POST.get("note", "")
    if len(note) > 100:
        return HttpResponseBadRequest("note too long")
    row = BaselineRow.objects.create(created_by=request.user, note=note)
    response = HttpResponse(status=302)
    response["Location"] = f"/bench/rows/{row.pk}/"
    return response
