from celery import shared_task

from . import services


@shared_task
def watch_rush_orders():
    """Run by Celery beat: flag predicted-late rush orders at risk and alert (rush.services)."""
    flagged, cleared = services.watch_rush_orders()
    return {"flagged": flagged, "cleared": cleared}
