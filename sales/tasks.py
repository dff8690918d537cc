from celery import shared_task

from . import contract_services, quote_services


@shared_task
def expire_quotations():
    """Run by Celery beat: open quotations past their validity expire (sales.quote_services)."""
    return {"expired": quote_services.expire_quotations()}


@shared_task
def watch_contract_expiry():
    """Run by Celery beat: contracts past their end expire, those ending soon are alerted (once)."""
    expired, warned = contract_services.watch_contract_expiry()
    return {"expired": expired, "warned": warned}
