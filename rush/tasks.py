from celery import shared_task

from . import drawings, services


@shared_task
def watch_rush_orders():
    """Run by Celery beat: flag predicted-late rush orders at risk and alert (rush.services)."""
    flagged, cleared = services.watch_rush_orders()
    return {"flagged": flagged, "cleared": cleared}


@shared_task(acks_late=True)
def watch_drawing_returns():
    """Run by Celery beat: temporary drawings due back 24 hours after their order's completion; the
    overdue ones alerted (rush.drawings)."""
    due_set, alerted = drawings.watch_drawing_returns()
    return {"due_set": due_set, "alerted": alerted}
