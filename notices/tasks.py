from celery import shared_task

from config.retries import BACKOFF_MAX


@shared_task(bind=True, acks_late=True, autoretry_for=(RuntimeError,), retry_backoff=10,
             retry_backoff_max=BACKOFF_MAX, retry_jitter=True, max_retries=8)
def deliver_customer_message(self, message_id):
    from . import delivery  # cycle: services import this module to queue the task

    # A failure stays recorded on the row (failed, with the error) and is retried; the sweep tries again later.
    delivery.deliver(message_id)


@shared_task(acks_late=True)
def deliver_pending_messages():
    """Periodic sweep (beat): notify the order events the rules name, then send what is still pending."""
    from . import delivery, services  # cycle: services import this module to queue the task

    services.sweep_order_events()
    for message_id in delivery.pending_message_ids():
        deliver_customer_message.delay(message_id)
