"""Read queries for documents."""

from django.shortcuts import get_object_or_404

from .models import Document

PANEL_SIZE = 5


def latest_documents(obj, kind, limit=PANEL_SIZE):
    """The newest documents of `kind` for `obj`, in exactly one query (the content type is joined
    rather than looked up, so the count does not depend on the content-type cache being warm)."""
    meta = obj._meta.concrete_model._meta
    return list(Document.objects.filter(kind=kind, content_type__app_label=meta.app_label,
                                        content_type__model=meta.model_name, object_id=obj.pk)
                .select_related("requested_by").order_by("-requested_at", "-id")[:limit])


def document(pk):
    return get_object_or_404(Document, pk=pk)
