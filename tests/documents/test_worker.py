"""The order confirmation through the real pipeline: Redis broker, a live Celery worker, PostgreSQL."""

import time

import pytest

from documents import services
from documents.models import DocumentStatus
from orders.models import OrderStatus, Priority
from tests.fixtures.factories import make_order

from .conftest import pdf_text

TIMEOUT_SECONDS = 60


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_order_confirmation(live_celery_worker, sales, customer):
    order = make_order(creator=sales, status=OrderStatus.APPROVED, customer=customer, priority=Priority.RUSH,
                       rush_reason="line down", requested_in_days=3)
    # Committed at once (transactional test): on_commit sends the task to the broker.
    document = services.request_document(actor=sales, kind="order_confirmation", obj=order)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (DocumentStatus.READY, DocumentStatus.FAILED):
            break
        time.sleep(0.5)
    assert document.status == DocumentStatus.READY, f"{document.status}: {document.error}"
    text = pdf_text(document)
    assert order.number in text and "华东精密机械有限公司" in text and "急单" in text
    document.file.storage.delete(document.file.name)  # the worker wrote into the shared MEDIA_ROOT
