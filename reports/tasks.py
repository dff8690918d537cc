from celery import shared_task

from .facts import refresh_recent_facts
from .rollups import reconcile_and_report


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def refresh_order_facts():
    """Beat: rebuild the delivered-order facts of recent deliveries (idempotent)."""
    return refresh_recent_facts()


@shared_task(acks_late=True)
def reconcile_rollups():
    """Nightly: facts rebuilt from history, rollups recounted, repaired and reported (reports.rollups);
    returns how many differences there were. Idempotent."""
    return reconcile_and_report()
