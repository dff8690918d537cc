"""The kinds of document the pipeline can produce, registered by the stage apps that own them.

This cross-cutting app imports no stage app: each stage registers its kinds from its AppConfig.ready()
(orders registers the order confirmation in orders/documents.py), naming the model the document is
for, the permission needed to request or download it, the query of objects a user may see, and a
builder that turns one object into a template, its context and a file name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class DocumentContent:
    """What a builder returns: the HTML template to render, its context, and the download file name."""

    template_name: str
    context: dict[str, Any]
    filename: str


@dataclass(frozen=True)
class DocumentKind:
    name: str
    label: Any  # usually a lazy translation
    model: type[Model]
    builder: Callable[[Model, str], DocumentContent]
    permission: str
    # The objects a user may see; the default is every object (the permission alone decides).
    visible_to: Callable[[Any], QuerySet] | None = None
    # Why a document cannot be issued for this object now (None when it can), e.g. an unapproved order.
    unavailable_reason: Callable[[Model], Any] | None = None
    # The language the document is rendered in by default, e.g. the customer's document language.
    default_language: Callable[[Model], str] | None = None

    def objects_visible_to(self, user) -> QuerySet:
        if self.visible_to is not None:
            return self.visible_to(user)
        return self.model._default_manager.all()

    def why_unavailable(self, obj):
        return self.unavailable_reason(obj) if self.unavailable_reason is not None else None


class UnknownDocumentKind(LookupError):
    pass


_kinds: dict[str, DocumentKind] = {}


def register(name, *, label, builder, permission, model, visible_to=None, unavailable_reason=None,
             default_language=None) -> DocumentKind:
    """Register a kind of document. Registering the same name again replaces it (module reloads in
    tests and the dev server import ready() twice)."""
    kind = DocumentKind(name=name, label=label, model=model, builder=builder, permission=permission,
                        visible_to=visible_to, unavailable_reason=unavailable_reason,
                        default_language=default_language)
    _kinds[name] = kind
    return kind


def unregister(name):
    _kinds.pop(name, None)


def get(name) -> DocumentKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownDocumentKind(name) from None


def all_kinds() -> list[DocumentKind]:
    return list(_kinds.values())
