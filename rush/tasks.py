from celery import shared_task

from . import decisions, drawings, services, summary, supplier_replies


@shared_task
def watch_rush_orders():
    """Run by Celery beat: flag predicted-late rush orders at risk and alert (rush.services)."""
    flagged, cleared = services.watch_rush_orders()
    return {"flagged": flagged, "cleared": cleared}


@shared_task
def watch_supplier_replies():
    """Run by Celery beat: stamp the reply deadline of newly sent rush purchase orders and alert the planners
    about suppliers that did not answer in time (rush.supplier_replies)."""
    stamped = supplier_replies.stamp_reply_deadlines()
    return {"stamped": stamped, "alerted": supplier_replies.alert_overdue_replies()}


@shared_task
def summarize_rush_orders():
    """Run by Celery beat: the completion summary of every delivered rush order that has none (rush.summary)."""
    return {"made": summary.summarize_delivered_rush_orders()}
@shared_task(acks_late=True)
def watch_drawing_returns():
    """Run by Celery beat: temporary drawings due back 24 hours after their order's completion; the
    overdue ones alerted (rush.drawings)."""
    due_set, alerted = drawings.watch_drawing_returns()
    return {"due_set": due_set, "alerted": alerted}


@shared_task(acks_late=True)
def raise_delay_decisions():
    """Run by Celery beat: a decision request to the general manager's office for every process exception or
    approved material delay that threatens a rush order's promised date, once per cause (rush.decisions)."""
    return {"raised": decisions.raise_threatened_decisions()}
