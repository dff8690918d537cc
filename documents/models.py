"""A generated document (PDF) is a database row first and a file second: the row is written when a
user asks for the document, a Celery task renders the file, and a periodic sweep renders whatever a
lost task left pending. Files live under MEDIA_ROOT and are only served by documents.views.download,
which checks permission; there is no URL that serves them directly."""

import django_fsm as fsm
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import registry


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


IN_FLIGHT = [DocumentStatus.PENDING, DocumentStatus.RENDERING]
DS = DocumentStatus


def document_file_path(document, filename):
    """documents/<kind>/<year>/<month>/<id>-<file name>: the id keeps names unique per document."""
    now = timezone.localtime()
    return f"documents/{document.kind}/{now:%Y/%m}/{document.pk}-{filename}"


class Document(fsm.FSMModelMixin, models.Model):
    kind = models.CharField(_("kind"), max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = fsm.FSMField(_("status"), max_length=10, choices=DocumentStatus.choices,
                          default=DocumentStatus.PENDING, db_index=True, protected=True)
    file = models.FileField(_("file"), upload_to=document_file_path, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("render attempts"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    # Set when a renderer claims the row; a claim older than the render time limit is stale (the
    # worker died) and the sweep lets another renderer take it over.
    render_started_at = models.DateTimeField(_("rendering started at"), null=True, blank=True)
    # The claim's holder (host|pid, config/claims.py) and its lease, renewed while rendering: a claim whose
    # holder is dead, or whose lease ran out, is taken over by the next task (docs/locking.md).
    render_claimed_by = models.CharField(_("rendered by"), max_length=120, blank=True)
    render_lease_at = models.DateTimeField(_("render lease renewed at"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["content_type", "object_id", "kind", "-requested_at"])]
        constraints = [
            # At most one document of a kind per object and language is being produced at a time:
            # asking again while it is pending returns that one instead of rendering twice.
            models.UniqueConstraint(fields=["kind", "content_type", "object_id", "language"],
                                    condition=models.Q(status__in=IN_FLIGHT), name="document_one_in_flight"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def kind_label(self):
        try:
            return registry.get(self.kind).label
        except registry.UnknownDocumentKind:
            return self.kind

    @property
    def is_in_flight(self):
        return self.status in IN_FLIGHT

    # Claimed and recorded by conditional UPDATEs (config.transitions.take_in_update, documents.services):
    # a renderer holds no row lock while WeasyPrint works. Rendering → rendering: a dead claim taken over.
    @fsm.transition(status, source=IN_FLIGHT, target=DS.RENDERING)
    def claim(self):
        pass

    @fsm.transition(status, source=DS.RENDERING, target=DS.READY)
    def finish(self):
        pass

    @fsm.transition(status, source=DS.RENDERING, target=DS.FAILED)  # the document itself cannot be made
    def fail(self):
        pass

    @fsm.transition(status, source=DS.RENDERING, target=DS.PENDING)  # an infrastructure error: queued again
    def release(self):
        pass

    @fsm.transition(status, source=IN_FLIGHT, target=DS.FAILED)  # the task ran out of retries
    def give_up(self):
        pass

    @fsm.transition(status, source=DS.FAILED, target=DS.PENDING)  # the user's Retry
    def retry(self):
        pass
