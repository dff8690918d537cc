"""Celery tasks of inventory: thin (the work is in inventory.mrp_plans and inventory.stock_warnings)."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import mrp_plans, stock_warnings


@shared_task(acks_late=True)
def run_mrp(actor_id=None, horizon_days=mrp_plans.DEFAULT_HORIZON_DAYS):
    """One MRP run: the "run now" button's (as its user) or the nightly beat's (no user). Running it twice
    makes two runs of the same data; the plan page shows the newest, so a redelivery changes nothing people see."""
    actor = get_user_model().objects.filter(pk=actor_id, is_active=True).first() if actor_id else None
    if actor_id and actor is None:
        return None  # the user was deactivated after pressing the button
    return mrp_plans.run_mrp(actor=actor, horizon_days=horizon_days).pk


@shared_task(acks_late=True)
def evaluate_stock_warnings():
    """Daily (beat): idempotent — a second run the same day raises nothing new (one open warning per item
    and rule) and only refreshes the figures."""
    result = stock_warnings.evaluate_stock_warnings()
    return {"raised": len(result.raised), "kept": result.kept, "cleared": result.cleared}
