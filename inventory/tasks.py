"""Inventory's periodic work (beat): the daily evaluation of the stock warning rules."""

from celery import shared_task

from . import stock_warnings


@shared_task(acks_late=True)
def evaluate_stock_warnings():
    """Daily (beat): idempotent — a second run the same day raises nothing new (one open warning per item
    and rule) and only refreshes the figures."""
    result = stock_warnings.evaluate_stock_warnings()
    return {"raised": len(result.raised), "kept": result.kept, "cleared": result.cleared}
