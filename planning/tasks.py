"""Celery tasks of planning: thin and idempotent (acks_late; the work is in planning.optimisation)."""

from celery import shared_task

from . import optimisation
from .late_orders import alert_late_orders as alert

# The solver stops at the run's time limit (at most MAX_TIME_LIMIT); reading the plan and storing the
# proposal come on top. Past these, the run is marked failed (by the task, or by the sweep if it was killed).
SOFT_TIME_LIMIT = optimisation.MAX_TIME_LIMIT + 180
HARD_TIME_LIMIT = SOFT_TIME_LIMIT + 60


@shared_task(acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=HARD_TIME_LIMIT)
def optimise_schedule(run_id):
    """Compute one optimisation run. A duplicate delivery finds the run claimed and does nothing."""
    run = optimisation.run_optimisation(run_id)
    return run.status if run is not None else None


@shared_task(acks_late=True)
def sweep_optimisation_runs():
    """Periodic (beat): fail runs a dead worker left running, and send again the tasks of queued runs that
    seem lost (the broker lost them, or the worker was down when they were queued)."""
    optimisation.fail_stuck_runs()
    for run_id in optimisation.lost_run_ids():
        optimise_schedule.delay(run_id)


@shared_task(acks_late=True)
def alert_late_orders():
    """Periodic (beat): the "order late" alert for every order the schedule finishes after its date."""
    return alert()
