"""The wiring to real services: a task queued through Redis runs on a live Celery worker against the
test database, ordinary tests run tasks eagerly whatever the environment, and REQUIRE_SERVICES=1
turns a missing service into a loud failure."""

import os
import subprocess
import sys
import time

import pytest
from celery.result import AsyncResult, EagerResult
from django.core import mail

from alerts.models import Alert, AlertRecipient, AlertStatus
from alerts.tasks import deliver_alert
from config.celery_app import app
from orders.models import OrderStatus
from tests.fixtures.factories import make_order, user_with_role
from tests.fixtures.services import (
    BASE_DIR,
    broker_problem,
    database_problem,
    database_url,
    service_unavailable,
)

DELIVERY_TIMEOUT = 30


def wait_for_status(alert, status, timeout=DELIVERY_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alert.refresh_from_db()
        if alert.status == status:
            return alert
        time.sleep(0.2)
    raise AssertionError(f"alert {alert.pk} still {alert.status!r} after {timeout}s, expected {status!r}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_rush_order_alert_is_delivered_by_the_live_worker(sales, role_users):
    planner = role_users["planner"]
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED, priority="rush",
                       rush_reason="Line stop at the customer")

    alert = Alert.objects.get(kind="rush_order_submitted")
    assert order.number in alert.rendered_subject()
    alert = wait_for_status(alert, AlertStatus.DELIVERED)

    recipient = AlertRecipient.objects.get(alert=alert, user=planner)
    assert recipient.emailed_at is not None
    # The e-mail went out from the worker process (its own locmem outbox), not from this one.
    assert mail.outbox == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_tests_queue_through_the_broker(role_users):
    alert = Alert.objects.create(kind="wiring", subject="Queued by hand", roles=["manager"])
    AlertRecipient.objects.create(alert=alert, user=role_users["manager"])

    result = deliver_alert.delay(alert.pk)

    assert isinstance(result, AsyncResult) and not isinstance(result, EagerResult)
    wait_for_status(alert, AlertStatus.DELIVERED)


@pytest.mark.django_db
def test_ordinary_tests_run_tasks_eagerly_in_process(django_capture_on_commit_callbacks):
    user = user_with_role("order_desk", email="desk@factory.test")
    assert app.conf.task_always_eager is True

    with django_capture_on_commit_callbacks(execute=True):
        from alerts.services import create_alert

        alert = create_alert(kind="wiring", subject="Eager delivery", roles=["order_desk"])

    alert.refresh_from_db()
    assert alert.status == AlertStatus.DELIVERED
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_broker_check_names_an_unreachable_redis():
    problem = broker_problem("redis://127.0.0.1:1/0", timeout=1)
    assert problem is not None and "redis://127.0.0.1:1/0" in problem
    assert broker_problem("") == "CELERY_BROKER_URL is not set (no Redis broker)"


def test_database_check_refuses_sqlite_and_accepts_postgres():
    assert "not PostgreSQL" in database_problem({"ENGINE": "django.db.backends.sqlite3"})
    assert database_problem({"ENGINE": "django.db.backends.postgresql"}) is None


def test_missing_service_fails_when_required_and_skips_otherwise():
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_SERVICES=1 but no broker"):
        service_unavailable("no broker", required=True)
    with pytest.raises(pytest.skip.Exception, match="no broker"):
        service_unavailable("no broker", required=False)


def test_worker_database_url_points_at_the_given_database():
    url = database_url({"USER": "postgres", "PASSWORD": "p@ss", "HOST": "", "PORT": "", "NAME": "test_of"})
    assert url == "postgres://postgres:p%40ss@127.0.0.1:5432/test_of"


def run_pytest_with(env_overrides):
    """Start a pytest session in a subprocess; it collects nothing, so only the session checks run."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--collect-only",
         "tests/test_services_wiring.py::test_database_check_refuses_sqlite_and_accepts_postgres"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_required_services_stop_the_run_on_sqlite():
    result = run_pytest_with({"REQUIRE_SERVICES": "1", "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "REQUIRE_SERVICES=1 but the database engine is django.db.backends.sqlite3, not PostgreSQL" in output
    assert "redis://127.0.0.1:1/0 does not answer" in output


def test_required_services_stop_the_run_without_a_broker():
    result = run_pytest_with({"REQUIRE_SERVICES": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "REQUIRE_SERVICES=1 but CELERY_BROKER_URL is not set" in output
    assert "PostgreSQL" not in output


def test_without_required_services_the_run_goes_on():
    result = run_pytest_with({"REQUIRE_SERVICES": "", "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"})
    assert result.returncode == 0, result.stdout + result.stderr
