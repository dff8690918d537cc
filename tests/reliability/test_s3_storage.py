"""S3-compatible storage works with settings alone: a local S3 server (moto's server mode, on 127.0.0.1 only)
holds the files, the web side (the test client) and a real Celery worker both point their default storage at
it, a PDF rendered by the worker downloads through the app's download view, a proof-of-delivery scan uploaded
through the delivery form and a defect photo attached to an inspection download byte for byte, and nothing
lands in the local MEDIA_ROOT.

The worker is one this test starts on a queue of its own, with the bucket in its environment (the way a site
configures it, config/settings/base.py): the session's worker was started without S3 settings."""

import io
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from config.celery_app import app
from documents.models import Document, DocumentStatus
from orders.models import OrderStatus
from shipping.models import Shipment, ShipmentStatus
from tests.fixtures.factories import make_order, user_with_role
from tests.fixtures.services import (
    StartedWorker,
    broker_problem,
    database_problem,
    database_url,
    service_unavailable,
)
from tests.quality.setup import give_plan, made_product, order_awaiting_qc
from tests.shipping.helpers import fg_location, finished_good, pick, produce, qc_passed_order, ship

BUCKET = "orderflow-files"
KEYS = {"AWS_ACCESS_KEY_ID": "orderflow-test", "AWS_SECRET_ACCESS_KEY": "orderflow-test-secret",
        "AWS_S3_REGION_NAME": "us-east-1"}


@pytest.fixture
def s3_endpoint():
    """A local S3-compatible server with an empty bucket; its URL."""
    try:
        import boto3
        import storages  # noqa: F401 - the s3 extra: S3Storage needs it
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        service_unavailable(f"{exc.name} is not installed (pip install -e '.[dev,s3]')")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
                 region_name=KEYS["AWS_S3_REGION_NAME"]).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    import boto3

    return boto3.resource("s3", endpoint_url=s3_endpoint, aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
                          region_name=KEYS["AWS_S3_REGION_NAME"]).Bucket(BUCKET)


@pytest.fixture
def s3_site(transactional_db, s3_endpoint, settings, monkeypatch, tmp_path):
    """This process and a worker of its own configured for the bucket, as a site's environment does it;
    MEDIA_ROOT is an empty folder that must stay empty. Yields that folder. (The worker stops before the
    test database is emptied.)"""
    problem = database_problem(connection.settings_dict) or broker_problem(settings.CELERY_BROKER_URL)
    if problem:
        service_unavailable(f"{problem}; the worker needs them")
    local_media = tmp_path / "media"
    environment = {**KEYS, "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3_endpoint,
                   "MEDIA_ROOT": str(local_media)}
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings.MEDIA_ROOT = local_media
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": BUCKET, "endpoint_url": s3_endpoint, "region_name": KEYS["AWS_S3_REGION_NAME"],
            "access_key": KEYS["AWS_ACCESS_KEY_ID"], "secret_key": KEYS["AWS_SECRET_ACCESS_KEY"],
            "default_acl": None, "querystring_auth": True, "file_overwrite": False}}}
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-s3"
    worker = StartedWorker(queue=queue, db_url=database_url(connection.settings_dict))
    previous = app.conf.task_default_queue, app.conf.task_always_eager
    try:
        problem = worker.wait_until_consuming(app)
        if problem:
            pytest.fail(problem, pytrace=False)
        app.conf.task_default_queue, app.conf.task_always_eager = queue, False
        yield local_media
    finally:
        app.conf.task_default_queue, app.conf.task_always_eager = previous
        worker.stop()


def rendered(document):
    deadline = time.monotonic() + 90
    while document.status not in (DocumentStatus.READY, DocumentStatus.FAILED) and time.monotonic() < deadline:
        time.sleep(0.5)
        document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_documents_and_uploads_round_trip_through_s3_compatible_storage(s3_site, bucket):
    sales, shipper = user_with_role("sales"), user_with_role("shipping")

    # A PDF: asked for through the web, rendered by the worker into the bucket, downloaded through the app.
    order = make_order(creator=sales, status=OrderStatus.APPROVED)
    client = Client()
    client.force_login(sales)
    asked = client.post(f"/documents/request/order_confirmation/{order.pk}/")
    assert asked.status_code in (200, 302), asked.status_code
    document = rendered(Document.objects.get(kind="order_confirmation", object_id=order.pk))
    stored = bucket.Object(document.file.name).get()["Body"].read()
    download = client.get(f"/documents/{document.pk}/download/")
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF-") and pdf == stored

    # An upload: the signed delivery note's scan, through the delivery form, back through its download view.
    product, item = finished_good("S3-1")
    location = fg_location("FG-S3")
    to_ship = qc_passed_order([product], [2])
    lot = produce(to_ship, item, location, 2, "S3-LOT").moves[0].lot
    shipment = ship(shipper, to_ship, [pick(to_ship, 1, lot, location, 2)])
    client.force_login(shipper)
    scan = png_bytes()
    upload = io.BytesIO(scan)
    upload.name = "signed.png"
    received = client.post(f"/shipping/shipments/{shipment.pk}/delivery/", {
        "received_by": "李四", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "document": upload})
    assert received.status_code == 302, received.content.decode()[-2000:]
    shipment = Shipment.objects.get(pk=shipment.pk)
    assert shipment.status == ShipmentStatus.DELIVERED
    assert bucket.Object(shipment.pod_file.name).get()["Body"].read() == scan
    pod = client.get(f"/shipping/shipments/{shipment.pk}/proof-of-delivery/")
    assert pod.status_code == 200 and b"".join(pod.streaming_content) == scan

    # A quality attachment (a defect photo) uploaded on an inspection, back through its download view.
    qc = user_with_role("qc")
    product = made_product(sku="S3-QC")
    give_plan(product, actor=qc)
    _order, inspection = order_awaiting_qc(sales, product)
    client.force_login(qc)
    photo = io.BytesIO(scan)
    photo.name = "缺陷.png"
    assert client.post(reverse("quality:attachment_upload", args=[inspection.pk]), {"file": photo}).status_code == 302
    attachment = inspection.attachments.get()
    assert bucket.Object(attachment.file.name).get()["Body"].read() == scan
    shown = client.get(reverse("quality:attachment_download", args=[attachment.pk]))
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == scan

    # Shipping queued the delivery note: the worker renders it into the bucket too.
    note = rendered(Document.objects.get(kind="delivery_note", object_id=shipment.pk))
    assert bucket.Object(note.file.name).get()["Body"].read().startswith(b"%PDF-")

    # Everything is in the bucket, nothing in the local folder.
    keys = {obj.key for obj in bucket.objects.all()}
    assert {document.file.name, note.file.name, shipment.pod_file.name, attachment.file.name} <= keys
    assert not s3_site.exists() or not any(path.is_file() for path in s3_site.rglob("*")), \
        sorted(str(p) for p in s3_site.rglob("*"))
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
