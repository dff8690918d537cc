from django import template
from django.conf import settings

from .. import registry
from ..rendering import qr_code_svg
from ..selectors import latest_documents
from ..services import default_language

register = template.Library()


@register.simple_tag(takes_context=True)
def document_panel(context, obj, kind):
    """What the document panel shows for `obj`, or None when the user may not use this kind (the
    panel is then left out). The object itself was already checked by the page that includes it."""
    try:
        spec = registry.get(kind)
    except registry.UnknownDocumentKind:
        return None
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or user is None or not user.is_authenticated or not user.has_perm(spec.permission):
        return None
    return {
        "kind": spec,
        "documents": latest_documents(obj, kind),
        "unavailable_reason": spec.why_unavailable(obj),
        "languages": settings.LANGUAGES,
        "default_language": default_language(spec, obj),
    }


@register.simple_tag
def qr_code(data, scale=3):
    """{% qr_code order.number %}: the value as an inline SVG QR code (for PDF templates)."""
    return qr_code_svg(data, scale=scale)
