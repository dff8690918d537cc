from celery import shared_task

from config.retries import BACKOFF_MAX

from . import webhooks


# A failed try leaves the delivery "failed" (webhooks.deliver), so the last one needs nothing more.
@shared_task(acks_late=True, autoretry_for=(RuntimeError,), retry_backoff=5, retry_backoff_max=BACKOFF_MAX,
             retry_jitter=True, max_retries=8)
def deliver_webhook(delivery_id):
    webhooks.deliver(delivery_id)


@shared_task(acks_late=True)
def deliver_pending_webhooks():
    """Periodic (beat): send what a lost or failed task left pending."""
    for delivery_id in webhooks.pending_ids():
        deliver_webhook.delay(delivery_id)
