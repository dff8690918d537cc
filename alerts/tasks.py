from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, max_retries=8, default_retry_delay=10)
def deliver_alert(self, alert_id):
    try:
        services.deliver(alert_id)
    except RuntimeError as exc:
        raise self.retry(exc=exc, countdown=min(600, 10 * 2 ** self.request.retries)) from exc


@shared_task(acks_late=True)
def deliver_pending_alerts():
    """Periodic sweep (beat): deliver what a lost or failed task left pending."""
    for alert_id in services.pending_alert_ids():
        deliver_alert.delay(alert_id)


@shared_task(acks_late=True)
def escalate_due_alerts():
    """Periodic (beat): alerts nobody acknowledged in time go to the next level of their rule."""
    return services.escalate_due_alerts()
