"""Escalation follows what the alert is about: it stops once the subject is settled (order closed or
cancelled, exception resolved, rush request decided…) and says why in the reader's language; the default
rules take high and critical process exceptions to the manager on any order; and each person sees when an
alert reached them and at which level."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from alerts import services
from alerts.models import Alert, AlertEscalation, AlertRecipient, AlertRule, EscalationStep
from orders.models import OrderStatus
from orders.services import cancel_order
from production.exception_reports import report_exception, resolve_exception
from tests.fixtures.factories import make_order
from tests.inventory.masterdata import make_work_center

pytestmark = pytest.mark.django_db


def late_alert(order):
    """The order_late alert planning raises (default rule: production after an hour, manager after four)."""
    return services.create_alert(kind="order_late", subject="Order %(number)s is late", params={"number": order.number},
                                 link=reverse("orders:detail", args=[order.pk]), roles=["planner"],
                                 dedupe_key=f"late:{order.pk}")


def test_a_late_orders_alert_stops_escalating_once_the_order_is_cancelled(role_users):
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED)
    alert = late_alert(order)
    assert alert.next_escalation_at == alert.created_at + timedelta(hours=1)
    cancel_order(actor=role_users["admin"], order=order, reason="customer withdrew")

    assert services.escalate_due_alerts(now=alert.created_at + timedelta(hours=2)) == []
    alert.refresh_from_db()
    assert alert.level == 0 and alert.next_escalation_at is None and alert.escalation_stopped_at is not None
    assert not AlertRecipient.objects.filter(alert=alert, user__username="production").exists()
    with translation.override("zh-hans"):
        assert alert.rendered_stop_reason() == f"订单 {order.number} 已取消。"
    with translation.override("en"):
        assert alert.rendered_stop_reason() == f"Order {order.number} was cancelled."
    assert services.escalate_due_alerts(now=alert.created_at + timedelta(hours=6)) == []  # and stays stopped


def test_an_open_orders_alert_still_escalates(role_users):
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED)
    alert = late_alert(order)
    assert services.escalate_due_alerts(now=alert.created_at + timedelta(minutes=61)) == [alert.pk]
    alert.refresh_from_db()
    assert alert.level == 1 and alert.escalation_stopped_at is None


def test_a_resolved_exception_escalates_no_further(role_users):
    supervisor = role_users["production"]
    rule = AlertRule.objects.create(kind="process_exception", name="slow chain", roles=["production"])
    EscalationStep.objects.create(rule=rule, level=1, delay_seconds=600, roles=["manager"])
    report = report_exception(actor=supervisor, type="other", work_center=make_work_center(), description="leak",
                              severity="medium")
    alert = Alert.objects.get(kind="process_exception")
    assert alert.next_escalation_at is not None
    resolve_exception(actor=supervisor, report=report, action_taken="seal replaced")
    assert services.escalate_due_alerts(now=alert.created_at + timedelta(minutes=11)) == []
    alert.refresh_from_db()
    assert alert.stop_params == {"number": report.number}
    with translation.override("zh-hans"):
        assert alert.rendered_stop_reason() == f"异常 {report.number} 已解决。"


@pytest.mark.parametrize("severity, manager_told", [("low", False), ("medium", False), ("high", True),
                                                    ("critical", True)])
def test_high_and_critical_exceptions_reach_the_manager_on_any_order(role_users, severity, manager_told):
    report_exception(actor=role_users["production"], type="other", work_center=make_work_center(),
                     description="spindle noise", severity=severity)
    alert = Alert.objects.get(kind="process_exception")
    told = set(alert.recipients.values_list("user__username", flat=True))
    assert {"production", "planner"} <= told
    assert ("manager" in told) is manager_told
    if manager_told:
        assert AlertRecipient.objects.get(alert=alert, user__username="manager").level == 1


def test_the_manager_sees_when_an_escalated_alert_reached_them_and_its_level(client, role_users):
    order = make_order(creator=role_users["sales"], status=OrderStatus.APPROVED)
    older = services.create_alert(kind="info_note", subject="Older note", roles=["manager"], dedupe_key="older")
    alert = late_alert(order)
    # the note reached the manager after the late order's alert was raised, before it escalated to them
    AlertRecipient.objects.filter(alert=older).update(told_at=alert.created_at + timedelta(hours=2))
    first = alert.created_at + timedelta(hours=1, minutes=1)  # production after an hour
    assert services.escalate_due_alerts(now=first) == [alert.pk]
    assert services.escalate_due_alerts(now=first + timedelta(hours=4, minutes=1)) == [alert.pk]  # the manager
    receipt = AlertRecipient.objects.get(alert=alert, user__username="manager")
    escalation = AlertEscalation.objects.get(alert=alert, level=2)
    assert receipt.level == 2 and receipt.told_at == escalation.escalated_at

    client.force_login(role_users["manager"])
    client.post(reverse("accounts:switch_language"), {"language": "en"})
    page = client.get(reverse("alerts:list")).content.decode()
    rows = page.split('data-testid="alert-row"')[1:]
    assert "Order" in rows[0] and order.number in rows[0]  # escalated to them last: listed first
    assert 'data-testid="alert-escalated"' in rows[0] and "level 2" in rows[0]
    assert 'data-testid="alert-escalated"' not in rows[1]
    detail = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert 'data-testid="alert-reached-you"' in detail and "level 2" in detail
