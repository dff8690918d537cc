"""Document pages: request, poll the status (htmx), download, retry. Every view checks on the server
that the user has the kind's permission and may see the object the document is for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inputs.redirects import local_redirect

from . import registry, selectors, services
from .models import DocumentStatus


def _kind_or_404(name):
    try:
        return registry.get(name)
    except registry.UnknownDocumentKind:
        raise Http404(_("Unknown kind of document.")) from None


def _document_for(user, pk):
    document = selectors.document(pk)
    services.check_document_access(user, document)
    return document


def _back(request, fallback="home"):
    return local_redirect(request, request.POST.get("next") or request.GET.get("next"), fallback)


@login_required
@require_POST
def request_document(request, kind, object_id):
    spec = _kind_or_404(kind)
    obj = services.visible_object(request.user, spec, object_id)  # PermissionDenied → 403
    if obj is None:
        raise Http404(_("No such object."))
    error = None
    try:
        services.request_document(actor=request.user, kind=kind, obj=obj,
                                  language=request.POST.get("language") or None)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        return render(request, "documents/panel.html", {"obj": obj, "kind": kind, "panel_error": error})
    if error:
        messages.error(request, error)
    return _back(request)


@login_required
@require_GET
def document_status(request, pk):
    document = _document_for(request.user, pk)
    response = render(request, "documents/_status.html", {"document": document})
    # The fragment is polled: never let a cache answer with a stale "pending".
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def retry_document(request, pk):
    document = _document_for(request.user, pk)
    error = None
    try:
        document = services.retry_document(actor=request.user, document=document)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document, "status_error": error})
    if error:
        messages.error(request, error)
    return _back(request)


@login_required
@require_GET
def download_document(request, pk):
    document = _document_for(request.user, pk)
    if document.status != DocumentStatus.READY or not document.file:
        raise Http404(_("The document is not ready."))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The document's file is missing.")) from None
    response = FileResponse(handle, as_attachment=True, filename=document.filename or "document.pdf",
                            content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response

