from celery import shared_task

from . import webhooks


@shared_task(bind=True, acks_late=True, max_retries=8)
def deliver_webhook(self, delivery_id):
    try:
        webhooks.deliver(delivery_id)
    except RuntimeError as exc:
        raise self.retry(exc=exc, countdown=min(600, 5 * 2 ** self.request.retries)) from exc


@shared_task(acks_late=True)
def deliver_pending_webhooks():
    """Periodic (beat): send what a lost or failed task left pending."""
    for delivery_id in webhooks.pending_ids():
        deliver_webhook.delay(delivery_id)
