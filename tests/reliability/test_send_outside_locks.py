"""No row lock is held while a webhook, a chat message or an e-mail is on its way: the row is claimed in a
short transaction, sent with none open, and the outcome recorded in another. While the receiver (a loopback
server, or an e-mail backend, that blocks until released) holds a send, another transaction locks the row at
once (NOWAIT); and the send still ends recorded, once."""

import threading

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import connections, transaction

from alerts import services as alert_services
from alerts.models import Alert, AlertRecipient, ChannelDelivery, ChannelEndpoint
from api import services as api_services
from api import webhooks
from api.models import WebhookDelivery, WebhookSubscription
from orders.models import OrderStatus
from tests.alerts.webhook_server import WebhookServer
from tests.fixtures.factories import make_order, user_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class HoldingEmailBackend(EmailBackend):
    """An SMTP server that takes its time: holds every message until the test releases it."""

    holding, release = threading.Event(), threading.Event()

    def send_messages(self, messages):
        HoldingEmailBackend.holding.set()
        HoldingEmailBackend.release.wait(30)
        return super().send_messages(messages)


@pytest.fixture
def server(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    receiver = WebhookServer()
    receiver.mode = "hold"
    yield receiver
    receiver.close()


def in_background(function, *args):
    outcome = {}

    def run():
        try:
            outcome["result"] = function(*args)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def pending_alert():
    """An alert whose recipients and channels the test adds itself: their delivery tasks would run eagerly
    at commit, before the test is ready to watch them."""
    alert = alert_services.create_alert(kind="line_down", subject="Line %(line)s down", params={"line": "3"})
    Alert.objects.filter(pk=alert.pk).update(status="pending")
    return alert


def lock_now(model, pk):
    """Lock the row in a transaction of our own, failing at once if someone holds it."""
    with transaction.atomic():
        return model.objects.select_for_update(nowait=True).get(pk=pk)


def test_a_webhook_being_sent_leaves_its_row_free(postgres_only, server):
    admin = user_with_role("admin", username="boss")
    sales = user_with_role("sales", username="seller")
    key, _raw = api_services.create_api_key(actor=admin, name="ERP", user=sales)
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED, admin=admin)
    # The row as on_order_transition writes it, without its task (tests run tasks eagerly at commit).
    subscription = WebhookSubscription.objects.create(api_key=key, url=f"{server.url}/hook", secret="s")
    delivery = WebhookDelivery.objects.create(subscription=subscription, event=order.events.last(),
                                              payload={"event": "order.status_changed", "order": order.number})
    thread, outcome = in_background(webhooks.deliver, delivery.pk)
    try:
        assert server.holding.wait(20), "the receiver never got the request"
        locked = lock_now(WebhookDelivery, delivery.pk)  # raises OperationalError if the sender held it
        assert locked.status == "sending"
        assert webhooks.deliver(delivery.pk) is False  # claimed: a second task does not send it again
    finally:
        server.release.set()
        thread.join(30)
    assert outcome == {"result": True}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1) and len(server.received("/hook")) == 1


def test_a_chat_message_being_sent_leaves_its_row_free(postgres_only, server):
    robot = ChannelEndpoint.objects.create(name="车间群", kind="wecom", url=f"{server.url}/robot")
    alert = pending_alert()
    delivery = ChannelDelivery.objects.create(alert=alert, endpoint=robot)
    thread, outcome = in_background(alert_services.deliver, alert.pk)
    try:
        assert server.holding.wait(20), "the robot never got the message"
        assert lock_now(ChannelDelivery, delivery.pk).status == "sending"
    finally:
        server.release.set()
        thread.join(30)
    assert "error" not in outcome, outcome
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.attempt_log.get().ok) == ("sent", 1, True)
    assert len(server.received("/robot")) == 1


def test_an_email_being_sent_leaves_its_row_free(postgres_only, settings):
    settings.EMAIL_BACKEND = f"{__name__}.HoldingEmailBackend"
    HoldingEmailBackend.holding.clear()
    HoldingEmailBackend.release.clear()
    planner = user_with_role("planner", username="planner1")
    alert = pending_alert()
    recipient = AlertRecipient.objects.create(alert=alert, user=planner)
    thread, outcome = in_background(alert_services.deliver, alert.pk)
    try:
        assert HoldingEmailBackend.holding.wait(20), "no e-mail was sent"
        assert lock_now(AlertRecipient, recipient.pk).emailed_at is None
    finally:
        HoldingEmailBackend.release.set()
        thread.join(30)
    assert "error" not in outcome, outcome
    recipient.refresh_from_db()
    assert recipient.emailed_at is not None
