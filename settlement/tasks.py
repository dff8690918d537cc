from celery import shared_task

from . import services


@shared_task(acks_late=True)
def alert_overdue_invoices():
    """Periodic (beat): the overdue-receivable alert to sales and finance for every unpaid invoice past its
    due date, once per invoice (idempotent: the alert's dedupe key)."""
    return services.alert_overdue_invoices()
