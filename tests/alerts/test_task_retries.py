"""Declarative retries (config/retries.py) with the real broker and worker: a transient failure is retried
with back-off until it succeeds, and when the retries run out the failure is recorded on the row, where the
System status page offers its Retry button. (Test settings cap the back-off at 1 s.)"""

import time

import pytest

from alerts.models import Alert, AlertStatus, ChannelDelivery, ChannelEndpoint, DeliveryStatus
from alerts.tasks import deliver_alert
from tests.alerts.test_rules_channels_escalation import raise_alert, rule_for
from tests.test_services_wiring import wait_for_status


@pytest.fixture
def robot(webhook_server):
    return ChannelEndpoint.objects.create(name="车间群 Shop floor group", kind="wecom",
                                          url=f"{webhook_server.url}/wecom?key=abc")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_transient_failure_is_retried_by_the_worker_until_sent(live_celery_worker, robot, webhook_server):
    webhook_server.fail_first = 2  # the robot answers HTTP 500 twice, then recovers
    rule_for("machine_down", robot)
    alert = wait_for_status(raise_alert(), AlertStatus.DELIVERED)
    assert (alert.status, alert.attempts) == (AlertStatus.DELIVERED, 3)
    assert len(webhook_server.received("/wecom")) == 3
    delivery = ChannelDelivery.objects.get(alert=alert)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_last_failure_is_recorded_after_the_declared_retries(live_celery_worker, robot, webhook_server):
    webhook_server.mode = "error"
    rule_for("machine_down", robot)
    alert = wait_for_status(raise_alert(), AlertStatus.FAILED, timeout=60)
    tries = deliver_alert.max_retries + 1
    assert (alert.status, alert.attempts) == (AlertStatus.FAILED, tries)
    assert "HTTP 500" in alert.last_error
    time.sleep(2)  # longer than the capped back-off: no further try comes
    assert len(webhook_server.received("/wecom")) == tries == Alert.objects.get(pk=alert.pk).attempts


@pytest.mark.django_db
def test_a_direct_call_cannot_retry_so_its_failure_is_the_last(robot, webhook_server):
    webhook_server.mode = "error"
    rule_for("machine_down", robot)
    alert = raise_alert()  # not committed: no task was queued
    with pytest.raises(RuntimeError, match="HTTP 500"):
        deliver_alert(alert.pk)
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == (AlertStatus.FAILED, 1)
