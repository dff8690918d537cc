"""Faults, with a real PostgreSQL, Redis and Celery workers:

- a worker killed (SIGKILL, with its pool) in the middle of rendering a PDF: the restarted worker takes
  over the dead holder's claim and finishes it within 90 s, once (one file, one ready row); only the pool
  process killed: the same worker renders it again within 60 s;
- the broker down: people keep working (a document asked for on the order page is saved, the page
  answers), and the work is done once the broker is back (the sweep queues it, the worker renders it)."""

import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from documents import services as document_services
from documents.models import Document, DocumentStatus
from documents.tasks import render_pending_documents
from orders.models import OrderStatus
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.fixtures.services import StartedWorker, database_url, service_unavailable

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LINES = 600  # an order confirmation this long takes WeasyPrint a few seconds: time to kill its worker


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"{what} not within {timeout}s")


def status_of(document):
    return Document.objects.get(pk=document.pk).status


def kill_hard(worker):
    """SIGKILL the worker and every process of its pool, as a power cut or the OOM killer would."""
    parent = psutil.Process(worker.process.pid)
    for process in [*parent.children(recursive=True), parent]:
        try:
            process.kill()
        except psutil.NoSuchProcess:  # a pool process that exited between the listing and the kill
            pass
    worker.process.wait(timeout=10)


@pytest.fixture
def private_queue(tmp_path, settings, monkeypatch):
    """Tasks published during the test go to a queue only the test's own workers consume; files go to a
    media folder of this test, shared with those workers."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setenv("MEDIA_ROOT", settings.MEDIA_ROOT)
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        service_unavailable("fault tests need PostgreSQL and a Redis broker (set DATABASE_URL and CELERY_BROKER_URL)")
    saved = app.conf.task_default_queue
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = saved


def start_worker(queue):
    worker = StartedWorker(queue=queue, db_url=database_url(connection.settings_dict))
    problem = worker.wait_until_consuming(app)
    if problem:
        worker.stop()
        pytest.fail(problem, pytrace=False)
    return worker


def big_order(sales):
    products = [ProductFactory() for _ in range(LINES)]
    return make_order(creator=sales, status=OrderStatus.APPROVED, products=products,
                      quantities=[Decimal("3")] * LINES)


def assert_rendered_once(document, order):
    done = Document.objects.get(pk=document.pk)
    path = Path(done.file.path)
    assert path.read_bytes().startswith(b"%PDF")
    assert [p.name for p in Path(settings.MEDIA_ROOT).rglob("*.pdf")] == [path.name]  # the dead worker left none
    assert Document.objects.filter(kind="order_confirmation", object_id=order.pk).count() == 1


def test_a_worker_killed_in_the_middle_of_a_pdf_is_rendered_by_the_restarted_worker_within_90s(private_queue):
    sales = user_with_role("sales")
    order = big_order(sales)
    first = start_worker(private_queue)
    try:
        document = document_services.request_document(actor=sales, kind="order_confirmation", obj=order)
        wait_for(lambda: status_of(document) == DocumentStatus.RENDERING, 60, "the first worker starting to render")
        kill_hard(first)
    finally:
        first.stop()
    time.sleep(1)
    stuck = Document.objects.get(pk=document.pk)
    assert stuck.status == DocumentStatus.RENDERING and not stuck.file
    # No clock games and no sweep by hand: the restarted worker sees the dead holder of the claim (its
    # recovery sweep at start) and renders the document, long before the broker's visibility timeout.
    second = start_worker(private_queue)
    try:
        restarted = time.monotonic()
        wait_for(lambda: status_of(document) == DocumentStatus.READY, 90, "the restarted worker finishing the PDF")
        print(f"ready {time.monotonic() - restarted:.1f}s after the restart")
    finally:
        second.stop()
    assert_rendered_once(document, order)
    assert Document.objects.get(pk=document.pk).attempts == 2


def test_a_pool_process_killed_mid_render_is_rendered_again_within_60s(private_queue):
    """Only the process rendering dies (the OOM killer's usual pick): the task comes back at once
    (acks_late, reject_on_worker_lost), and the next pool process takes over the dead holder's claim."""
    sales = user_with_role("sales")
    order = big_order(sales)
    worker = start_worker(private_queue)
    try:
        document = document_services.request_document(actor=sales, kind="order_confirmation", obj=order)
        wait_for(lambda: status_of(document) == DocumentStatus.RENDERING, 60, "the worker starting to render")
        holder = Document.objects.get(pk=document.pk).render_claimed_by
        pid = int(holder.rpartition("|")[2])
        assert pid in [p.pid for p in psutil.Process(worker.process.pid).children(recursive=True)]
        psutil.Process(pid).kill()
        killed = time.monotonic()
        wait_for(lambda: status_of(document) == DocumentStatus.READY, 60, "the PDF after its renderer died")
        print(f"ready {time.monotonic() - killed:.1f}s after the kill")
        assert worker.process.poll() is None
    finally:
        worker.stop()
    assert_rendered_once(document, order)


def test_with_the_broker_down_people_keep_working_and_the_work_is_done_when_it_is_back(private_queue, monkeypatch):
    sales = user_with_role("sales")
    order = make_order(creator=sales, status=OrderStatus.APPROVED, products=[ProductFactory()],
                       quantities=[Decimal("5")])
    browser = Client()
    browser.force_login(sales)
    # The broker goes away (Celery takes its address from the environment first).
    saved = settings.CELERY_BROKER_URL
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    app._pool, app.amqp._producer_pool = None, None
    try:
        answer = browser.post(reverse("documents:request", args=["order_confirmation", order.pk]),
                              {"language": "en"}, HTTP_HX_REQUEST="true")
    finally:
        monkeypatch.setenv("CELERY_BROKER_URL", saved)
        app._pool, app.amqp._producer_pool = None, None
    assert answer.status_code in (200, 302), answer.status_code
    document = Document.objects.get(kind="order_confirmation", object_id=order.pk)
    assert document.status == DocumentStatus.PENDING
    # Back: the sweep finds the document whose task never reached the broker, and a worker renders it.
    Document.objects.filter(pk=document.pk).update(requested_at=timezone.now() - timedelta(minutes=2))
    worker = start_worker(private_queue)
    try:
        render_pending_documents.delay()
        wait_for(lambda: status_of(document) == DocumentStatus.READY, 120, "the document after the outage")
    finally:
        worker.stop()


def test_a_worker_killed_with_an_alert_in_hand_leaves_it_to_the_next_worker_once(private_queue):
    from alerts.models import Alert, AlertRule, AlertStatus, ChannelEndpoint
    from alerts.services import create_alert
    from alerts.tasks import deliver_pending_alerts
    from tests.alerts.webhook_server import WebhookServer

    server = WebhookServer()
    robot = ChannelEndpoint.objects.create(name="group", kind="wecom", url=f"{server.url}/robot")
    AlertRule.objects.create(kind="line_down", name="line down", roles=[]).endpoints.set([robot])
    sales = user_with_role("sales")
    orders = [big_order(sales), big_order(sales)]
    first = start_worker(private_queue)
    try:
        # Both of the worker's processes are busy with a long PDF when the alert comes: the alert's task is
        # in the worker's hands or still queued when the worker is killed.
        documents = [document_services.request_document(actor=sales, kind="order_confirmation", obj=order)
                     for order in orders]
        wait_for(lambda: all(status_of(d) == DocumentStatus.RENDERING for d in documents), 60,
                 "the worker busy rendering")
        alert = create_alert(kind="line_down", subject="Line %(line)s down", params={"line": "3"})
        time.sleep(0.5)
        kill_hard(first)
    finally:
        first.stop()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.PENDING and not server.received("/robot")
    # A new worker; the beat's sweep hands the alert over again (its task may also come back): sent once.
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    second = start_worker(private_queue)
    try:
        deliver_pending_alerts.delay()
        wait_for(lambda: Alert.objects.get(pk=alert.pk).status == AlertStatus.DELIVERED, 60, "the alert delivered")
        time.sleep(2)  # a second send would arrive now
    finally:
        second.stop()
        server.close()
    assert len(server.received("/robot")) == 1
