from celery import shared_task

from config.retries import BACKOFF_MAX, is_final_attempt

from . import services


@shared_task(bind=True, acks_late=True, autoretry_for=(RuntimeError,), retry_backoff=10,
             retry_backoff_max=BACKOFF_MAX, retry_jitter=True, max_retries=8)
def deliver_alert(self, alert_id):
    try:
        services.deliver(alert_id)
    except RuntimeError:
        if is_final_attempt(self):
            services.give_up(alert_id)
        raise


@shared_task(acks_late=True)
def deliver_pending_alerts():
    """Periodic sweep (beat): deliver what a lost or failed task left pending."""
    for alert_id in services.pending_alert_ids():
        deliver_alert.delay(alert_id)


@shared_task(acks_late=True)
def escalate_due_alerts():
    """Periodic (beat): alerts nobody acknowledged in time go to the next level of their rule."""
    return services.escalate_due_alerts()
