"""Requesting, rendering and retrying documents.

request_document and retry_document are the user actions; render_document is what the Celery task
runs. Rendering claims the row with a conditional UPDATE (pending → rendering), so a task delivered
twice, or the sweep racing the original task, renders once and leaves one file.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import require
from config import claims
from config.celery_app import delay_on_commit
from config.transitions import take_in_update

from . import registry
from .models import IN_FLIGHT, Document, DocumentStatus
from .rendering import render_pdf
from .tasks import render_document as render_task

logger = logging.getLogger(__name__)

# A renderer renews its claim's lease every LEASE_RENEWAL while it works; a claim whose lease is older
# than LEASE belongs to a renderer that died (on any host). On the renderer's own host a dead holder is
# seen at once (config/claims.py). docs/locking.md: recovery figures.
LEASE = timedelta(seconds=60)
LEASE_RENEWAL = timedelta(seconds=20)
# Pending rows older than this are re-queued by the sweep: their task was probably lost.
LOST_TASK_AFTER = timedelta(minutes=1)
ERROR_MAX_CHARS = 4000


# --- access ---------------------------------------------------------------------------------------

def check_kind_permission(user, kind):
    require(user, kind.permission,
            message=_("You may not use documents of this kind (%(kind)s).") % {"kind": kind.label})


def visible_object(user, kind, object_id):
    """The object a document of `kind` is for, looked up only among the objects `user` may see.
    PermissionDenied without the kind's permission; None when there is no such visible object."""
    check_kind_permission(user, kind)
    return kind.objects_visible_to(user).filter(pk=object_id).first()


def check_document_access(user, document):
    """PermissionDenied unless `user` has the kind's permission and may see the document's object."""
    try:
        kind = registry.get(document.kind)
    except registry.UnknownDocumentKind:
        raise PermissionDenied(_("This kind of document is no longer available.")) from None
    if ContentType.objects.get_for_model(kind.model).pk != document.content_type_id:
        raise PermissionDenied(_("This document does not belong to its registered kind."))
    if visible_object(user, kind, document.object_id) is None:
        raise PermissionDenied(_("You may not see the object this document is for."))
    return kind


def default_language(kind, obj):
    """The language a document of `kind` for `obj` is rendered in unless another is asked for: the
    kind's choice for the object (e.g. the customer's document language), else the active one."""
    available = {code for code, _name in settings.LANGUAGES}
    language = kind.default_language(obj) if kind.default_language is not None else None
    if language not in available:
        language = translation.get_language()
    return language if language in available else settings.LANGUAGE_CODE


def _checked_language(kind, obj, language):
    if not language:
        return default_language(kind, obj)
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Documents cannot be made in the language “%(language)s”.") % {"language": language})
    return language


# --- user actions ---------------------------------------------------------------------------------

def request_document(*, actor, kind, obj, language=None) -> Document:
    """Ask for a document of `kind` (a registered name) for `obj`. The row is written now and the
    rendering queued when the transaction commits. While one for the same object and language is
    pending or rendering, that one is returned instead of a second."""
    try:
        spec = registry.get(kind)
    except registry.UnknownDocumentKind:
        raise ValidationError(_("Unknown kind of document: %(kind)s.") % {"kind": kind}) from None
    if not isinstance(obj, spec.model):
        raise ValidationError(_("“%(kind)s” cannot be made for this object.") % {"kind": spec.label})
    current = visible_object(actor, spec, obj.pk)  # fresh from the database, and visible to the actor
    if current is None:
        raise PermissionDenied(_("You may not see this object."))
    reason = spec.why_unavailable(current)
    if reason:
        raise ValidationError(reason)
    language = _checked_language(spec, current, language)
    content_type = ContentType.objects.get_for_model(spec.model)
    in_flight = Document.objects.filter(kind=kind, content_type=content_type, object_id=obj.pk, language=language,
                                        status__in=IN_FLIGHT)

    def in_flight_or_new():
        with transaction.atomic():
            existing = in_flight.first()
            if existing is not None:
                if is_lost(existing):  # its task or its renderer is gone: asking again queues it again
                    delay_on_commit(render_task, existing.pk)
                return existing
            document = Document.objects.create(kind=kind, content_type=content_type, object_id=obj.pk,
                                               language=language, requested_by=actor)
            delay_on_commit(render_task, document.pk)
            return document

    try:
        return in_flight_or_new()
    except IntegrityError:
        # A concurrent request inserted one between our check and our insert (document_one_in_flight):
        # return it, or, if it has already finished meanwhile, make ours after all.
        return in_flight.first() or in_flight_or_new()


def retry_document(*, actor, document) -> Document:
    """Queue a failed document for rendering again."""
    check_document_access(actor, document)
    with transaction.atomic():
        updated = take_in_update(Document.objects.filter(pk=document.pk), "retry", error="", render_started_at=None)
        if not updated:
            current = Document.objects.get(pk=document.pk)
            if current.is_in_flight:
                return current  # someone pressed Retry first
            raise ValidationError(_("Only a failed document can be retried; this one is %(status)s.")
                                  % {"status": current.get_status_display()})
        delay_on_commit(render_task, document.pk)
    return Document.objects.get(pk=document.pk)


# --- rendering (run by the Celery task) -----------------------------------------------------------

def _lease_expired(now):
    return Q(status=DocumentStatus.RENDERING) & (
        Q(render_lease_at__lt=now - LEASE) | Q(render_lease_at__isnull=True, render_started_at__lt=now - LEASE))


def is_lost(document, now=None):
    """Pending for longer than a task takes to arrive, or rendering by a renderer that is gone."""
    now = now or timezone.now()
    if document.status == DocumentStatus.PENDING:
        return document.requested_at < now - LOST_TASK_AFTER
    if document.status != DocumentStatus.RENDERING:
        return False
    lease = document.render_lease_at or document.render_started_at
    return lease is None or lease < now - LEASE or claims.holder_is_dead(document.render_claimed_by)


def claim_for_rendering(document_id):
    """Move the document to `rendering` if it is pending (or its previous claim is dead: holder gone or
    lease run out) and return it; None when it is ready, failed, gone, or being rendered right now."""
    now = timezone.now()
    claimable = Q(status=DocumentStatus.PENDING) | _lease_expired(now)
    current = Document.objects.filter(pk=document_id, status=DocumentStatus.RENDERING).values_list(
        "render_claimed_by", flat=True).first()
    if current and claims.holder_is_dead(current):
        claimable |= Q(status=DocumentStatus.RENDERING, render_claimed_by=current)  # still that dead holder's
    claimed = take_in_update(Document.objects.filter(claimable, pk=document_id), "claim", render_started_at=now,
                             render_lease_at=now, render_claimed_by=claims.holder(), attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Document.objects.get(pk=document_id)


class _LeaseKeeper:
    """Renews the claim's lease every LEASE_RENEWAL from a thread while the PDF is being made (WeasyPrint
    holds the task's thread for up to the time limit), so a long render is never taken for dead."""

    def __init__(self, document):
        self.document = document
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"lease-document-{document.pk}")

    def _run(self):
        used_database = False
        try:
            while not self.stop.wait(LEASE_RENEWAL.total_seconds()):
                used_database = True
                Document.objects.filter(pk=self.document.pk, status=DocumentStatus.RENDERING,
                                        render_started_at=self.document.render_started_at).update(
                    render_lease_at=timezone.now())
        except Exception:  # noqa: BLE001 - a missed renewal only shortens the lease
            logger.warning("Could not renew the lease of document %s", self.document.pk, exc_info=True)
        finally:
            if used_database:
                connection.close()  # this thread's own connection

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)


def _fail(document, message):
    take_in_update(Document.objects.filter(pk=document.pk, render_started_at=document.render_started_at), "fail",
                   error=message[:ERROR_MAX_CHARS])


def render_document(document_id):
    """Render one document. Safe to run twice, or twice at once: only the run that claims the row
    renders, and a run whose claim was taken over (it was too slow) discards its file.

    A problem with the document itself (the builder, the template, WeasyPrint) marks it failed with
    the error, for the user to see and retry. Anything raised after that (the database, the file
    system) releases the claim and propagates, for the task to retry with backoff."""
    document = claim_for_rendering(document_id)
    if document is None:
        return Document.objects.filter(pk=document_id).first()
    try:
        kind = registry.get(document.kind)
        obj = kind.model._default_manager.get(pk=document.object_id)
        with _LeaseKeeper(document), translation.override(document.language):
            content = kind.builder(obj, document.language)
            pdf = render_pdf(content.template_name, content.context, document.language)
    except Exception as exc:  # noqa: BLE001 - any rendering problem is recorded on the document
        logger.exception("Document %s (%s) failed to render", document.pk, document.kind)
        _fail(document, f"{type(exc).__name__}: {exc}")
        return Document.objects.get(pk=document.pk)
    try:
        _store(document, content.filename, pdf)
    except Exception:
        release_claim(document)
        raise
    return Document.objects.get(pk=document.pk)


def _store(document, filename, pdf):
    document.file.save(filename, ContentFile(pdf), save=False)
    with transaction.atomic():
        finished = take_in_update(
            Document.objects.filter(pk=document.pk, render_started_at=document.render_started_at), "finish",
            file=document.file.name, filename=filename, error="", rendered_at=timezone.now())
    if not finished:
        # Another renderer took over our stale claim; its file is the document's, ours goes.
        document.file.storage.delete(document.file.name)


def release_claim(document):
    """Give the document back to the queue (pending) after an infrastructure error."""
    take_in_update(Document.objects.filter(pk=document.pk, render_started_at=document.render_started_at), "release",
                   render_started_at=None)


def give_up(document_id, error):
    """Mark a document failed after the task ran out of retries."""
    take_in_update(Document.objects.filter(pk=document_id), "give_up", error=str(error)[:ERROR_MAX_CHARS])


def lost_document_ids(limit=500):
    """Pending documents whose task seems lost, and renders whose worker died mid-way."""
    now = timezone.now()
    lost = list(Document.objects.filter(
        Q(status=DocumentStatus.PENDING, requested_at__lt=now - LOST_TASK_AFTER) | _lease_expired(now),
    ).order_by("requested_at").values_list("pk", flat=True)[:limit])
    # Renders whose holder on this host died, before their lease runs out (a restarted worker's sweep).
    for pk, holder in (Document.objects.filter(status=DocumentStatus.RENDERING).exclude(pk__in=lost)
                       .values_list("pk", "render_claimed_by")[:limit]):
        if claims.holder_is_dead(holder):
            lost.append(pk)
    return lost
