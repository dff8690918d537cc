"""What the operations page shows: background work waiting, the oldest of it, and what failed."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert, AlertStatus
from api.models import WebhookDelivery
from documents.models import IN_FLIGHT, Document, DocumentStatus

from .heartbeat import redis_client

FAILED_SHOWN = 20


@dataclass
class Backlog:
    label: str
    count: int
    oldest: object  # datetime or None


def queue_length():
    """Tasks waiting in the broker's queue (a Redis list named after the queue); None without a broker."""
    if not settings.CELERY_BROKER_URL:
        return None
    client = redis_client(settings.CELERY_BROKER_URL)
    try:
        return client.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
    finally:
        client.close()


def backlogs():
    documents = Document.objects.filter(status__in=IN_FLIGHT).aggregate(n=Count("pk"), oldest=Min("requested_at"))
    alerts = Alert.objects.filter(status=AlertStatus.PENDING).aggregate(n=Count("pk"), oldest=Min("created_at"))
    webhooks = WebhookDelivery.objects.filter(status__in=["pending", "failed"]).aggregate(
        n=Count("pk"), oldest=Min("created_at"))
    return [Backlog(_("Documents to render"), documents["n"], documents["oldest"]),
            Backlog(_("Alerts to deliver"), alerts["n"], alerts["oldest"]),
            Backlog(_("Webhook messages to send"), webhooks["n"], webhooks["oldest"])]


def failed_documents():
    return list(Document.objects.filter(status=DocumentStatus.FAILED).order_by("-requested_at")[:FAILED_SHOWN])


def failed_alerts():
    return list(Alert.objects.filter(status=AlertStatus.FAILED).order_by("-created_at")[:FAILED_SHOWN])


def failed_webhook_deliveries():
    return list(WebhookDelivery.objects.filter(status="failed").select_related("subscription", "event")
                .order_by("-created_at")[:FAILED_SHOWN])
