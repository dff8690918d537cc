"""/healthz, /readyz and the system status page: what a load balancer, compose and a manager see, against
the real database, the real Redis and a real worker's heartbeat."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import Document, DocumentStatus
from operations.heartbeat import HEARTBEAT_KEY, redis_client
from orders.models import OrderStatus
from tests.fixtures.factories import make_order, user_with_role


def closed_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is: nothing listens there


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: a database query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_without_a_broker_is_ready_when_the_database_and_storage_answer(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = ""
    settings.MEDIA_ROOT = str(tmp_path)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "checks": {"database": "ok", "broker": "ok", "storage": "ok",
                                                         "worker": "ok"}}
    assert list(tmp_path.rglob("*.txt")) == []  # the storage probe cleans up after itself


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_does_not_answer_and_says_only_which_part(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.MEDIA_ROOT = str(tmp_path)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False and body["checks"]["broker"] == "failing" and body["checks"]["worker"] == "failing"
    assert body["checks"]["database"] == "ok" and "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_is_503_when_the_storage_cannot_be_written(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = ""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocked)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["storage"] == "failing"


@pytest.mark.django_db
def test_a_stale_heartbeat_makes_the_worker_check_fail(client, settings, tmp_path):
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs the Redis broker (CELERY_BROKER_URL)")
    settings.MEDIA_ROOT = str(tmp_path)
    settings.CELERY_TASK_DEFAULT_QUEUE = f"readyz-stale-{time.monotonic_ns()}"
    redis = redis_client(settings.CELERY_BROKER_URL)
    field = f"old-worker@test|{settings.CELERY_TASK_DEFAULT_QUEUE}"
    redis.hset(HEARTBEAT_KEY, field, f"{time.time() - 300:.3f}")
    try:
        response = client.get("/readyz")
    finally:
        redis.hdel(HEARTBEAT_KEY, field)
        redis.close()
    assert response.status_code == 503 and response.json()["checks"]["worker"] == "failing"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_readyz_sees_a_real_workers_heartbeat(live_celery_worker, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    deadline = time.monotonic() + 60
    while True:
        response = Client().get("/readyz")
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"] == "ok"


@pytest.mark.django_db
def test_the_status_page_is_for_managers_and_speaks_their_language(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(user_with_role("sales"))
    assert client.get(reverse("operations:status")).status_code == 403
    manager = user_with_role("manager")
    client.force_login(manager)
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("operations:status")).content.decode()
    assert "系统状态" in page and "数据库" in page and "等待处理的后台工作" in page and "没有失败的任务" in page
    assert "Database" not in page


@pytest.mark.django_db
def test_a_failed_document_is_listed_and_retried_from_the_status_page(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    manager, sales = user_with_role("manager"), user_with_role("sales")
    order = make_order(creator=sales, status=OrderStatus.APPROVED)
    from django.contrib.contenttypes.models import ContentType

    document = Document.objects.create(kind="order_confirmation", object_id=order.pk, language="en",
                                       content_type=ContentType.objects.get_for_model(order), requested_by=sales,
                                       status=DocumentStatus.FAILED, error="font missing", attempts=3)
    client.force_login(manager)
    page = client.get(reverse("operations:status")).content.decode()
    assert 'data-testid="failed-documents"' in page and "font missing" in page
    response = client.post(reverse("operations:retry", args=["document", document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    # Queued again (the task goes out when the transaction commits, which this test never does).
    assert document.status == DocumentStatus.PENDING and document.error == ""
    # Pressed twice: the document is queued once (it is in flight now), no second row.
    client.post(reverse("operations:retry", args=["document", document.pk]), follow=True)
    assert Document.objects.filter(object_id=order.pk).count() == 1
    document.refresh_from_db()
    assert document.status in (DocumentStatus.PENDING, DocumentStatus.RENDERING, DocumentStatus.READY)
