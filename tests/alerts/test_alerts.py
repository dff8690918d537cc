import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts import services, tasks
from alerts.models import Alert, AlertRecipient, AlertStatus
from orders.models import OrderStatus
from tests.fixtures.factories import make_order, user_with_role


@pytest.mark.django_db
def test_submitting_a_rush_order_alerts_order_desk_and_planners(role_users, django_capture_on_commit_callbacks):
    planner2 = user_with_role("planner")
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(creator=role_users["sales"], status=OrderStatus.SUBMITTED, priority="rush",
                           rush_reason="Customer line stop")
    alert = Alert.objects.get(kind="rush_order_submitted")
    assert order.number in alert.rendered_subject()
    assert "Customer line stop" in alert.rendered_body()
    assert set(alert.recipients.values_list("user__username", flat=True)) == {
        "order_desk", "planner", planner2.username}
    # Delivered by the task queued on commit (eager here; a real worker in tests/test_services_wiring.py).
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DELIVERED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in [role_users["order_desk"], role_users["planner"], planner2])


@pytest.mark.django_db
def test_normal_order_raises_no_alert(role_users):
    make_order(creator=role_users["sales"], status=OrderStatus.SUBMITTED)
    assert Alert.objects.count() == 0


@pytest.mark.django_db
def test_delivery_twice_sends_each_email_once(role_users):
    alert = services.create_alert(kind="t", subject="Machine down", roles=["order_desk", "planner"])
    services.deliver(alert.pk)
    services.deliver(alert.pk)
    tasks.deliver_alert.apply(args=[alert.pk])
    assert len(mail.outbox) == 2
    assert AlertRecipient.objects.filter(alert=alert, emailed_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_same_business_event_raises_one_alert(role_users):
    a = services.create_alert(kind="t", subject="x", roles=["planner"], dedupe_key="k1")
    b = services.create_alert(kind="t", subject="x", roles=["planner"], dedupe_key="k1")
    assert a.pk == b.pk and Alert.objects.count() == 1


@pytest.mark.django_db
def test_pending_alerts_are_swept_when_their_task_was_lost(role_users):
    # The row was committed but its task never ran (Redis or the worker was down).
    alert = services.create_alert(kind="t", subject="Lost task", roles=["planner"])
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    assert alert.pk in services.pending_alert_ids()
    tasks.deliver_pending_alerts.apply()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DELIVERED
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_failed_email_is_recorded_and_retried_later(role_users, settings):
    settings.EMAIL_BACKEND = "tests.alerts.failing_mail.Backend"
    alert = services.create_alert(kind="t", subject="SMTP down", roles=["planner"])
    with pytest.raises(RuntimeError):
        services.deliver(alert.pk)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PENDING and "refused" in alert.last_error and alert.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.deliver(alert.pk)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DELIVERED and len(mail.outbox) == 1


@pytest.mark.django_db
def test_bell_list_and_acknowledge(client, role_users):
    planner = role_users["planner"]
    services.create_alert(kind="t", subject="Rush order SO-1 needs review", link="/orders/", roles=["planner"])
    client.force_login(planner)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">1<' in home
    listing = client.get(reverse("alerts:list")).content.decode()
    assert "Rush order SO-1 needs review" in listing
    receipt = AlertRecipient.objects.get(user=planner)
    client.post(reverse("alerts:acknowledge", args=[receipt.pk]))
    receipt.refresh_from_db()
    assert receipt.acknowledged_at and receipt.read_at
    assert "unread-count" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_cannot_acknowledge_someone_elses_alert(client, role_users):
    services.create_alert(kind="t", subject="x", roles=["planner"])
    receipt = AlertRecipient.objects.get(user=role_users["planner"])
    client.force_login(role_users["sales"])
    client.post(reverse("alerts:acknowledge", args=[receipt.pk]))
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is None


@pytest.mark.django_db
def test_each_recipient_reads_the_alert_in_their_own_language(client, role_users, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from accounts.models import UserProfile

    call_command("compilemessages", ignore=[".venv"], verbosity=0)
    UserProfile.objects.create(user=role_users["planner"], language="zh-hans")
    UserProfile.objects.create(user=role_users["order_desk"], language="en")
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(creator=role_users["sales"], status=OrderStatus.SUBMITTED, priority="rush",
                           rush_reason="客户停线")
    by_address = {m.to[0]: m.subject for m in mail.outbox}
    assert by_address[role_users["order_desk"].email].startswith(f"[OrderFlow] Rush order {order.number}")
    assert "急单" in by_address[role_users["planner"].email] and order.number in by_address[role_users["planner"].email]

    client.force_login(role_users["planner"])
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans"})
    page = client.get(reverse("alerts:list")).content.decode()
    assert "急单" in page and "needs review" not in page


@pytest.mark.django_db
def test_dates_in_an_alert_read_in_each_readers_format(role_users):
    """The values of an alert keep dates as ISO (JSON); each reader sees them in their language's format
    (2026年12月19日 in Chinese), on the bell list and in e-mails alike (issue 13: the crawl found
    "要求交期 2026-12-19")."""
    from django.utils import translation

    alert = Alert.objects.create(kind="test", subject="Order %(number)s", params={
        "number": "SO-2026-00001", "date": "2026-12-19", "finish": "2026-12-20 14:30",
        "at": "2026-12-21T06:30:00+00:00", "code": "2026-12-19-A"},
        body="Requested date %(date)s. Finish %(finish)s, at %(at)s (%(code)s).")
    with translation.override("zh-hans"):
        assert alert.rendered_body() == "Requested date 2026年12月19日. Finish 2026年12月20日 14:30, at " \
                                        "2026年12月21日 14:30 (2026-12-19-A)."
    with translation.override("en"):
        assert alert.rendered_body() == "Requested date 2026-12-19. Finish 2026-12-20 14:30, at 2026-12-21 14:30 " \
                                        "(2026-12-19-A)."
