"""The Celery app. Without CELERY_BROKER_URL, tasks run eagerly in-process (see settings.base)."""

import logging
import os

from celery import Celery
from celery.signals import worker_ready
from django.conf import settings
from django.db import transaction

from operations.heartbeat import WorkerHeartbeat  # /readyz reads it: a worker younger than a minute

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("orderflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _add_worker_heartbeat():
    app.steps["worker"].add(WorkerHeartbeat)


_add_worker_heartbeat()


@worker_ready.connect
def recover_on_start(sender=None, **_kwargs):
    """A worker that starts queues the recovery sweeps: rows a killed worker had claimed (its process is
    gone, config/claims.py) or left pending are taken up now, not when the beat or the broker's
    visibility timeout comes round."""
    for name in getattr(settings, "CELERY_RECOVERY_SWEEPS", ()):
        try:
            app.send_task(name, queue=app.conf.task_default_queue)
        except Exception:  # noqa: BLE001 - the beat's sweep does it later
            logging.getLogger("orderflow.tasks").warning("Could not queue %s at worker start", name)


def delay_on_commit(task, *args):
    """Queue `task(*args)` once the surrounding transaction commits. Work is always a database row first
    (a document, an alert, a webhook delivery), so with the broker unreachable the request still succeeds
    and the beat's sweep queues the row's task once the broker is back."""
    def send():
        try:
            task.delay(*args)
        except Exception:  # noqa: BLE001 - kombu's OperationalError, a refused connection…
            logging.getLogger("orderflow.tasks").warning("Broker unreachable: %s%r left for the sweep", task.name,
                                                         args)

    transaction.on_commit(send)
