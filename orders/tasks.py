"""The orders app's background work: the nightly recount of the maintained order aggregates."""

from celery import shared_task

from .tally_checks import reconcile_and_report


@shared_task
def reconcile_order_tallies():
    """Recount, repair and report (orders.tally_checks); returns how many differences there were."""
    return reconcile_and_report()
