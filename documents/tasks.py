"""Celery tasks: thin wrappers over documents.services (idempotent, acks_late, retried with backoff)."""

from celery import shared_task

from config.retries import BACKOFF_MAX, is_final_attempt

from . import services

MAX_RETRIES = 6


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=5, retry_backoff_max=BACKOFF_MAX,
             retry_jitter=True, max_retries=MAX_RETRIES, soft_time_limit=240, time_limit=300)
def render_document(self, document_id):
    """Render one document. A rendering error marks the document failed (services.render_document);
    anything else (database, storage) is retried with exponential backoff, then recorded as failed."""
    try:
        document = services.render_document(document_id)
    except Exception as exc:
        if is_final_attempt(self):
            services.give_up(document_id, f"{type(exc).__name__}: {exc}")
        raise
    return document.status if document is not None else None


@shared_task(acks_late=True)
def render_pending_documents():
    """Periodic sweep (beat): queue again what a lost task or a dead worker left pending."""
    for document_id in services.lost_document_ids():
        render_document.delay(document_id)
