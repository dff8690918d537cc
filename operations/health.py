"""Readiness checks for /readyz and the operations page: the database, the broker, the file storage and
the worker's heartbeat. Each answers ok or not with a short reason; the reason is logged and shown to
managers, never to the anonymous load balancer."""

import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils.translation import gettext_lazy as _

from .heartbeat import latest_heartbeat, redis_client

log = logging.getLogger("orderflow.health")

WORKER_MAX_AGE_SECONDS = 60


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""  # English, technical (a driver's error): for the log, shown on the status page as code
    message: object = ""  # what it means, in the reader's language (a lazy translation)


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("database", True)
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return Check("database", False, str(exc).strip()[:200], _("The database does not answer."))


def check_broker():
    if not settings.CELERY_BROKER_URL:
        return Check("broker", True, "not used: tasks run in the web process")
    try:
        client = redis_client(settings.CELERY_BROKER_URL)
        try:
            client.ping()
        finally:
            client.close()
        return Check("broker", True)
    except Exception as exc:  # noqa: BLE001
        return Check("broker", False, str(exc)[:200], _("The task queue does not answer."))


def check_storage():
    """Write, read back and delete a small file through Django's storage (local folder or S3 alike)."""
    name = f"health/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        try:
            with default_storage.open(saved) as handle:
                ok = handle.read() == b"ok"
        finally:
            default_storage.delete(saved)
        return Check("storage", ok, "" if ok else "read back a different content",
                     "" if ok else _("A test file could not be written and read back."))
    except Exception as exc:  # noqa: BLE001
        return Check("storage", False, str(exc)[:200], _("A test file could not be written and read back."))


def worker_heartbeat_age():
    """Seconds since the newest heartbeat of a worker on our queue; None without a broker or a heartbeat."""
    if not settings.CELERY_BROKER_URL:
        return None
    latest = latest_heartbeat(settings.CELERY_BROKER_URL, settings.CELERY_TASK_DEFAULT_QUEUE)
    return None if latest is None else max(0.0, time.time() - latest)


def check_worker():
    if not settings.CELERY_BROKER_URL:
        return Check("worker", True, "not used: tasks run in the web process")
    try:
        age = worker_heartbeat_age()
    except Exception as exc:  # noqa: BLE001
        return Check("worker", False, f"heartbeat unreadable: {exc}"[:200],
                     _("The worker's heartbeat cannot be read (the task queue does not answer)."))
    if age is None:
        return Check("worker", False, "no worker heartbeat",
                     _("No background worker has reported on this queue: start one."))
    if age > WORKER_MAX_AGE_SECONDS:
        return Check("worker", False, f"last heartbeat {age:.0f} s ago",
                     _("The background worker has not reported for more than a minute."))
    return Check("worker", True)


def readiness():
    checks = [check_database(), check_broker(), check_storage(), check_worker()]
    for check in checks:
        if not check.ok:
            log.warning("Not ready: %s: %s", check.name, check.detail)
    return checks
