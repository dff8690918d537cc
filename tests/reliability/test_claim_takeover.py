"""Claims of a process that died (config/claims.py): a document being rendered, a webhook or a chat message
being sent, an e-mail being sent. The next task takes over a claim whose holder on this host is gone at
once, leaves a live holder's claim alone until its lease runs out, and asking for the document again
queues a lost one again."""

import os
import socket
import subprocess
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from alerts import services as alert_services
from alerts.models import Alert, AlertRecipient, ChannelDelivery, ChannelEndpoint
from api import services as api_services
from api import webhooks
from api.models import WebhookDelivery, WebhookSubscription
from config import claims
from documents import services as document_services
from documents.models import Document, DocumentStatus
from orders.models import Order, OrderStatus
from tests.alerts.webhook_server import WebhookServer
from tests.fixtures.factories import make_order, user_with_role

pytestmark = pytest.mark.django_db


def dead_holder():
    """The claim a process of this host wrote before it was killed: its pid exists no more."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{socket.gethostname()}|{process.pid}"


def live_holder():
    return f"{socket.gethostname()}|{os.getppid()}"  # another process that is alive: pytest's parent


def test_a_holder_is_dead_only_when_its_process_on_this_host_is_gone():
    assert claims.holder_is_dead(dead_holder())
    assert not claims.holder_is_dead(live_holder())
    assert not claims.holder_is_dead(claims.holder())
    assert not claims.holder_is_dead("another-host|1")  # not ours to look at: the lease decides
    assert not claims.holder_is_dead("")


@pytest.fixture
def rendering(sales):
    order = make_order(creator=sales, status=OrderStatus.APPROVED)
    document = Document.objects.create(kind="order_confirmation", content_type=ContentType.objects.get_for_model(Order),
                                       object_id=order.pk, language="en", requested_by=sales)

    def claimed_by(holder, *, lease_age=timedelta(seconds=5)):
        at = timezone.now() - lease_age
        Document.objects.filter(pk=document.pk).update(status=DocumentStatus.RENDERING, render_claimed_by=holder,
                                                       render_started_at=at, render_lease_at=at)
        return Document.objects.get(pk=document.pk)

    return order, claimed_by


def test_a_render_whose_worker_died_is_taken_over_at_once(rendering):
    _order, claimed_by = rendering
    document = claimed_by(dead_holder())
    assert document_services.is_lost(document)
    assert document.pk in document_services.lost_document_ids()
    taken = document_services.claim_for_rendering(document.pk)
    assert taken is not None and taken.render_claimed_by == claims.holder() and taken.attempts == 1


def test_a_live_render_is_left_alone_until_its_lease_runs_out(rendering):
    _order, claimed_by = rendering
    document = claimed_by(live_holder())
    assert not document_services.is_lost(document)
    assert document.pk not in document_services.lost_document_ids()
    assert document_services.claim_for_rendering(document.pk) is None
    # No renewal for longer than the lease: its renderer hangs, or died on another host.
    document = claimed_by("another-host|4242", lease_age=document_services.LEASE + timedelta(seconds=1))
    assert document.pk in document_services.lost_document_ids()
    assert document_services.claim_for_rendering(document.pk).render_claimed_by == claims.holder()


def test_asking_again_for_a_lost_render_queues_it_again(rendering, sales, django_capture_on_commit_callbacks):
    order, claimed_by = rendering
    live = claimed_by(live_holder())
    with django_capture_on_commit_callbacks() as queued:
        again = document_services.request_document(actor=sales, kind="order_confirmation", obj=order, language="en")
    assert again.pk == live.pk and queued == []  # being rendered: the same row, nothing queued
    claimed_by(dead_holder())
    with django_capture_on_commit_callbacks() as queued:
        again = document_services.request_document(actor=sales, kind="order_confirmation", obj=order, language="en")
    assert again.pk == live.pk and len(queued) == 1  # its renderer is gone: queued again


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server = WebhookServer()
    yield server
    server.close()


def test_a_webhook_whose_sender_died_is_sent_by_the_next_task_once(receiver):
    admin, sales = user_with_role("admin", username="boss"), user_with_role("sales", username="seller")
    key, _raw = api_services.create_api_key(actor=admin, name="ERP", user=sales)
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED, admin=admin)
    subscription = WebhookSubscription.objects.create(api_key=key, url=f"{receiver.url}/hook", secret="s")
    delivery = WebhookDelivery.objects.create(subscription=subscription, event=order.events.last(),
                                              payload={"event": "order.status_changed", "order": order.number},
                                              status="sending", claimed_at=timezone.now(), claimed_by=live_holder())
    assert webhooks.deliver(delivery.pk) is False and receiver.received("/hook") == []  # a live sender has it
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_by=dead_holder())
    assert delivery.pk in webhooks.pending_ids(older_than_seconds=0)
    assert webhooks.deliver(delivery.pk) is True
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == "sent" and len(receiver.received("/hook")) == 1


def test_an_alert_whose_sender_died_is_sent_by_the_next_task(receiver, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    robot = ChannelEndpoint.objects.create(name="车间群", kind="wecom", url=f"{receiver.url}/robot")
    alert = alert_services.create_alert(kind="line_down", subject="Line %(line)s down", params={"line": "3"})
    Alert.objects.filter(pk=alert.pk).update(status="pending")
    worker = user_with_role("production", username="floor", email="floor@example.com")
    recipient = AlertRecipient.objects.create(alert=alert, user=worker, email_claimed_at=timezone.now(),
                                              email_claimed_by=dead_holder())
    delivery = ChannelDelivery.objects.create(alert=alert, endpoint=robot, status="sending",
                                              claimed_at=timezone.now(), claimed_by=dead_holder())
    alert_services.deliver(alert.pk)
    assert AlertRecipient.objects.get(pk=recipient.pk).emailed_at is not None and len(mail.outbox) == 1
    assert ChannelDelivery.objects.get(pk=delivery.pk).status == "sent" and len(receiver.received("/robot")) == 1
