"""Read queries for documents."""

from django.contrib.contenttypes.models import ContentType

from .models import Document

PANEL_SIZE = 5


def latest_documents(obj, kind, limit=PANEL_SIZE):
    """The newest documents of `kind` for `obj` (one query; content types are cached)."""
    content_type = ContentType.objects.get_for_model(obj)
    return list(Document.objects.filter(kind=kind, content_type=content_type, object_id=obj.pk)
                .select_related("requested_by").order_by("-requested_at", "-id")[:limit])
