"""Alert rules, chat and SMS channels, delivery guarantees and escalation, against a local HTTP server that
records what it received (tests/alerts/webhook_server.py): WeCom and DingTalk (signed) messages, each
delivery sent once however often the task runs, failures (HTTP 500, a robot's error code, a timeout)
recorded and retried without ever blocking the person who raised the alert, escalation to the next level
when nobody acknowledges in time, and acknowledging stopping it."""

import base64
import hashlib
import hmac
import threading
import time
import urllib.parse
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alerts import channels, services, tasks
from alerts.models import (
    Alert,
    AlertEscalation,
    AlertRecipient,
    AlertRule,
    AlertStatus,
    ChannelDelivery,
    ChannelEndpoint,
    DeliveryAttempt,
    DeliveryStatus,
    EscalationStep,
)

pytestmark = pytest.mark.django_db

SECRET = "SEC1234567890abcdef"


@pytest.fixture
def robots(webhook_server):
    wecom = ChannelEndpoint.objects.create(name="车间群 Shop floor group", kind="wecom",
                                           url=f"{webhook_server.url}/wecom?key=abc")
    dingtalk = ChannelEndpoint.objects.create(name="管理群 Managers", kind="dingtalk",
                                              url=f"{webhook_server.url}/dingtalk?access_token=xyz", secret=SECRET)
    return wecom, dingtalk


def rule_for(kind, *endpoints, roles=("planner",), only_rush=False, steps=()):
    rule = AlertRule.objects.create(kind=kind, name=kind, roles=list(roles), only_rush=only_rush)
    rule.endpoints.set(endpoints)
    for level, delay, step_roles in steps:
        EscalationStep.objects.create(rule=rule, level=level, delay_seconds=delay, roles=list(step_roles))
    return rule


def raise_alert(kind="machine_down", severity="high", **options):
    return services.create_alert(kind=kind, subject="Machine %(wc)s is down", params={"wc": "CNC-1"},
                                 link="/production/", severity=severity, **options)


def test_the_dingtalk_signature_is_the_documented_one():
    timestamp = 1700000000000
    expected = urllib.parse.quote_plus(base64.b64encode(
        hmac.new(SECRET.encode("utf-8"), f"{timestamp}\n{SECRET}".encode(), digestmod=hashlib.sha256).digest()))
    signed = channels.dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", SECRET, timestamp)
    assert signed == f"https://oapi.dingtalk.com/robot/send?access_token=t&timestamp={timestamp}&sign={expected}"


def test_default_rules_come_with_the_migrations():
    kinds = set(AlertRule.objects.values_list("kind", flat=True))
    assert {"rush_approved", "rush_at_risk", "process_exception", "material_delay", "inspection_failed",
            "order_late", "order_rejected", "order_dispatched"} <= kinds
    told_only = {"order_rejected", "order_dispatched"}  # the sales owner is told; nothing to escalate
    assert all(rule.steps.exists() for rule in AlertRule.objects.exclude(kind__in=told_only))
    assert all(rule.tell_owner for rule in AlertRule.objects.filter(kind__in=told_only))
    severe = AlertRule.objects.get(kind="process_exception", severities=["high", "critical"])
    assert not severe.only_rush and list(severe.steps.values_list("roles", flat=True)) == [["manager"]]


def test_rules_add_their_roles_and_channels_and_rush_only_rules_wait_for_a_rush(role_users, robots, webhook_server):
    wecom, _dingtalk = robots
    rule_for("machine_down", wecom, roles=["production"])
    rule_for("machine_down", roles=["manager"], only_rush=True)
    normal = raise_alert(roles=["planner"])
    assert set(normal.recipients.values_list("user__username", flat=True)) == {"planner", "production"}
    assert list(normal.deliveries.values_list("endpoint__kind", flat=True)) == ["wecom"]
    rush = raise_alert(roles=["planner"], rush=True)
    assert set(rush.recipients.values_list("user__username", flat=True)) == {"planner", "production", "manager"}


def test_wecom_and_signed_dingtalk_messages_reach_the_robots_once(role_users, robots, webhook_server):
    rule_for("machine_down", *robots)
    alert = raise_alert(roles=["planner"])
    for _run in range(2):  # the task twice (a retry, a duplicate): still one message per channel
        services.deliver(alert.pk)
        tasks.deliver_alert.apply(args=[alert.pk])
    wecom, dingtalk = webhook_server.received("/wecom"), webhook_server.received("/dingtalk")
    assert len(wecom) == 1 and len(dingtalk) == 1
    assert wecom[0]["json"]["msgtype"] == "text"
    text = wecom[0]["json"]["text"]["content"]
    assert "CNC-1" in text and text.startswith("【OrderFlow】") and text.endswith("/production/")
    query = dingtalk[0]["query"]
    timestamp, sign = query["timestamp"][0], query["sign"][0]  # parse_qs has undone the URL encoding
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest())
    assert sign == expected.decode() and query["access_token"] == ["xyz"]
    assert abs(int(timestamp) / 1000 - time.time()) < 60
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DELIVERED
    assert list(ChannelDelivery.objects.values_list("status", "attempts")) == [("sent", 1), ("sent", 1)]
    assert DeliveryAttempt.objects.filter(ok=True).count() == 2


@pytest.mark.parametrize("mode, message", [("error", "HTTP 500"), ("refuse", "refused"), ("slow", "no answer")])
def test_a_failing_robot_is_recorded_retried_and_never_blocks_the_user(role_users, robots, webhook_server, settings,
                                                                       mode, message):
    settings.ALERT_CHANNEL_TIMEOUT = 0.5
    webhook_server.mode, webhook_server.delay = mode, 2.0
    rule_for("machine_down", robots[0])
    started = time.monotonic()
    alert = raise_alert(roles=["planner"])  # raising only writes rows: nothing is sent in the user's request
    assert time.monotonic() - started < 0.5
    with pytest.raises(RuntimeError, match=message):
        services.deliver(alert.pk)
    delivery = ChannelDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1 and message in delivery.last_error
    attempt = DeliveryAttempt.objects.get()
    assert not attempt.ok and attempt.finished_at is not None
    assert attempt.status_code == {"error": 500, "refuse": 200, "slow": None}[mode]
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.PENDING  # the sweep tries again
    webhook_server.mode = "ok"
    services.deliver(alert.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert list(DeliveryAttempt.objects.values_list("number", "ok")) == [(1, False), (2, True)]


def test_sms_goes_through_the_http_provider_when_configured(role_users, webhook_server, settings):
    settings.ALERT_SMS_PROVIDER, settings.ALERT_SMS_HTTP_URL = "http", f"{webhook_server.url}/sms"
    settings.ALERT_SMS_HTTP_TOKEN = "tok"
    phone = ChannelEndpoint.objects.create(name="值班电话 On call", kind="sms", phones="13800000001, 13800000002")
    rule_for("machine_down", phone)
    services.deliver(raise_alert().pk)
    [sms] = webhook_server.received("/sms")
    assert sms["json"]["to"] == ["13800000001", "13800000002"] and "CNC-1" in sms["json"]["text"]
    assert sms["headers"]["Authorization"] == "Bearer tok"


def test_an_unacknowledged_alert_escalates_level_by_level_and_acknowledging_stops_it(role_users, robots):
    _wecom, dingtalk = robots
    rule_for("machine_down", roles=["planner"], steps=[(1, 60, ["production"]), (2, 120, ["manager"])])
    EscalationStep.objects.get(rule__kind="machine_down", level=2).endpoints.set([dingtalk])
    alert = raise_alert()
    created = alert.created_at
    assert alert.level == 0 and alert.next_escalation_at == created + timedelta(seconds=60)
    assert services.escalate_due_alerts(now=created + timedelta(seconds=59)) == []
    assert services.escalate_due_alerts(now=created + timedelta(seconds=61)) == [alert.pk]
    alert.refresh_from_db()
    assert alert.level == 1 and alert.next_escalation_at == created + timedelta(seconds=61 + 120)
    assert AlertRecipient.objects.get(alert=alert, user__username="production").level == 1
    assert services.escalate_due_alerts(now=created + timedelta(seconds=200)) == [alert.pk]
    alert.refresh_from_db()
    assert alert.level == 2 and alert.next_escalation_at is None
    assert AlertRecipient.objects.get(alert=alert, user__username="manager").level == 2
    assert ChannelDelivery.objects.get(alert=alert).level == 2
    assert list(AlertEscalation.objects.filter(alert=alert).values_list("level", flat=True)) == [1, 2]

    second = raise_alert(dedupe_key="second")
    receipt = AlertRecipient.objects.get(alert=second, user__username="planner")
    assert services.acknowledge(actor=role_users["planner"], recipient_id=receipt.pk)
    second.refresh_from_db()
    assert second.acknowledged_by == role_users["planner"] and second.next_escalation_at is None
    assert services.escalate_due_alerts(now=timezone.now() + timedelta(hours=1)) == []
    assert second.level == 0


def test_a_rush_orders_exception_escalates_at_once(role_users):
    """The default rule: a process exception on a rush order reaches the manager without waiting."""
    rush = raise_alert(kind="process_exception", roles=["production"], rush=True)
    assert rush.level == 1 and AlertRecipient.objects.filter(alert=rush, user__username="manager").exists()
    normal = raise_alert(kind="process_exception", roles=["production"], dedupe_key="n", severity="info")
    assert normal.level == 0 and not AlertRecipient.objects.filter(alert=normal, user__username="manager").exists()


def test_the_alert_page_shows_the_chain_to_its_recipients(client, role_users, robots):
    rule_for("machine_down", robots[1], steps=[(1, 0, ["manager"])])
    alert = raise_alert(roles=["planner"])
    client.force_login(role_users["manager"])
    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert 'data-level="1"' in page and 'data-user="manager"' in page and "管理群" in page
    client.force_login(role_users["warehouse"])  # not told
    assert client.get(reverse("alerts:detail", args=[alert.pk])).status_code == 404
    client.force_login(role_users["manager"])
    receipt = AlertRecipient.objects.get(alert=alert, user=role_users["manager"])
    done = client.post(reverse("alerts:acknowledge", args=[receipt.pk]),
                       {"next": reverse("alerts:detail", args=[alert.pk])})
    assert done.url == reverse("alerts:detail", args=[alert.pk])
    assert Alert.objects.get(pk=alert.pk).acknowledged_by == role_users["manager"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_at_once_send_each_message_once(robots, webhook_server):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    webhook_server.mode, webhook_server.delay = "slow", 0.5  # slow enough for the two to overlap
    rule_for("machine_down", *robots)
    alert = raise_alert()
    barrier = threading.Barrier(2)

    def deliver():
        barrier.wait()
        try:
            services.deliver(alert.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(webhook_server.received("/wecom")) == 1 and len(webhook_server.received("/dingtalk")) == 1
    assert set(ChannelDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.DELIVERED


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_to_the_robot_and_catches_up_after_the_broker_was_down(live_celery_worker, robots,
                                                                                    webhook_server, monkeypatch):
    from config.celery_app import app

    rule_for("machine_down", robots[0])
    # With the broker up, the worker delivers as soon as the alert is committed.
    first = raise_alert(dedupe_key="up")
    assert len(webhook_server.wait_for(1, "/wecom")) == 1
    # The broker goes away: raising an alert still works at once, nothing is sent...
    # (Celery takes the broker address from CELERY_BROKER_URL in the environment first; a port where nothing
    # listens refuses the connection as a stopped Redis does.)
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    app._pool, app.amqp._producer_pool = None, None
    try:
        started = time.monotonic()
        second = raise_alert(dedupe_key="down")
        assert time.monotonic() - started < 10
    finally:
        monkeypatch.undo()
        app._pool, app.amqp._producer_pool = None, None
    time.sleep(1)
    assert len(webhook_server.received("/wecom")) == 1 and Alert.objects.get(pk=second.pk).status == "pending"
    # ...and once it is back, the beat's sweep hands the pending alert to the worker: sent once.
    Alert.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    tasks.deliver_pending_alerts.delay()
    assert len(webhook_server.wait_for(2, "/wecom")) == 2
    deadline = time.monotonic() + 15
    while Alert.objects.get(pk=second.pk).status != AlertStatus.DELIVERED and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Alert.objects.get(pk=second.pk).status == AlertStatus.DELIVERED
    assert Alert.objects.get(pk=first.pk).status == AlertStatus.DELIVERED
    assert len(webhook_server.received("/wecom")) == 2
