"""Requesting, rendering (idempotent, claimed once), failing, retrying and sweeping documents."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from documents import registry, services, tasks
from documents.models import Document, DocumentStatus
from documents.tasks import render_document
from orders.models import Order
from tests.fixtures.factories import UserFactory

from .conftest import pdf_text


def files_under(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


def request_confirmation(actor, order, **kwargs):
    return services.request_document(actor=actor, kind="order_confirmation", obj=order, **kwargs)


@pytest.mark.django_db
def test_request_writes_a_pending_row_and_queues_the_render_on_commit(sales, approved_order,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = request_confirmation(sales, approved_order)
    assert len(callbacks) == 1
    assert document.status == DocumentStatus.PENDING
    assert document.content_object == approved_order
    assert document.requested_by == sales and document.language == "zh-hans"
    assert not document.file

    # Asking again while it is pending returns the same document and queues nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = request_confirmation(sales, approved_order)
    assert again.pk == document.pk and callbacks == []
    # Another language is another document.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        english = request_confirmation(sales, approved_order, language="en")
    assert english.pk != document.pk and len(callbacks) == 1


@pytest.mark.django_db
def test_the_queued_task_renders_the_document(sales, approved_order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # Celery runs eagerly outside worker tests
        document = request_confirmation(sales, approved_order)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    assert approved_order.number in pdf_text(document)
    # Once it is ready, asking again makes a new one.
    with django_capture_on_commit_callbacks(execute=False):
        assert request_confirmation(sales, approved_order).pk != document.pk


@pytest.mark.django_db
def test_rendering_twice_leaves_one_file(sales, approved_order, media_root):
    document = request_confirmation(sales, approved_order)
    render_document(document.pk)
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.attempts == 1
    assert files_under(media_root) == [Path(document.file.path)]


@pytest.mark.django_db
def test_a_document_being_rendered_is_not_rendered_again(sales, approved_order, media_root):
    document = request_confirmation(sales, approved_order)
    claimed = services.claim_for_rendering(document.pk)
    assert claimed.status == DocumentStatus.RENDERING
    assert services.claim_for_rendering(document.pk) is None  # the second claim loses

    render_document(document.pk)  # e.g. the task delivered twice while the first copy still runs
    document.refresh_from_db()
    assert document.status == DocumentStatus.RENDERING and document.attempts == 1
    assert files_under(media_root) == []


@pytest.mark.django_db
def test_a_stale_claim_is_taken_over_and_the_slow_renderer_discards_its_file(sales, approved_order, media_root):
    document = request_confirmation(sales, approved_order)
    slow = services.claim_for_rendering(document.pk)
    # Its renderer stopped renewing the lease (hung, or died on another host) for longer than the lease.
    gone = timezone.now() - services.LEASE - timedelta(minutes=1)
    Document.objects.filter(pk=document.pk).update(render_started_at=gone, render_lease_at=gone)
    slow.render_started_at = gone
    assert services.lost_document_ids() == [document.pk]  # the sweep sees the dead render

    render_document(document.pk)  # takes over
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.attempts == 2
    # The slow renderer finally finishes: its claim is gone, so its file is dropped.
    services._store(slow, "late.pdf", b"%PDF-late")
    document.refresh_from_db()
    assert document.filename != "late.pdf"
    assert files_under(media_root) == [Path(document.file.path)]


@pytest.fixture
def flaky_kind(temporary_kind):
    """A kind whose builder raises until told to work."""
    state = {"broken": True}

    def builder(order, language):
        if state["broken"]:
            raise RuntimeError("the template data is not complete")
        return registry.DocumentContent("orders/pdf/order_confirmation.html",
                                        {"order": order, "customer": order.customer, "lines": []}, "flaky.pdf")

    temporary_kind("flaky_test", label="Flaky", model=Order, builder=builder, permission="orders.view_order")
    return state


@pytest.mark.django_db
def test_a_failed_render_records_the_error_and_retry_renders_it(sales, approved_order, flaky_kind,
                                                                django_capture_on_commit_callbacks):
    document = services.request_document(actor=sales, kind="flaky_test", obj=approved_order)
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "RuntimeError: the template data is not complete" in document.error
    assert not document.file
    render_document(document.pk)  # a failed document stays failed until someone retries
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and document.attempts == 1

    flaky_kind["broken"] = False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        retried = services.retry_document(actor=sales, document=document)
    assert retried.status == DocumentStatus.PENDING and retried.error == "" and len(callbacks) == 1
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.attempts == 2
    assert approved_order.number in pdf_text(document)


@pytest.mark.django_db
def test_only_failed_documents_can_be_retried(sales, approved_order):
    document = request_confirmation(sales, approved_order)
    render_document(document.pk)
    document.refresh_from_db()
    with pytest.raises(ValidationError, match="Only a failed document"):
        services.retry_document(actor=sales, document=document)


@pytest.mark.django_db
def test_a_storage_error_gives_the_document_back_to_the_queue(sales, approved_order, monkeypatch):
    def disk_full(self, name, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    document = request_confirmation(sales, approved_order)
    with pytest.raises(OSError):
        services.render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING  # the task's retry (or the sweep) renders it later

    # Out of retries (a direct call cannot retry): recorded as failed with the error.
    with pytest.raises(OSError):
        render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and "No space left on device" in document.error


@pytest.mark.django_db
def test_the_sweep_renders_documents_whose_task_was_lost(sales, approved_order, rush_order):
    lost = request_confirmation(sales, approved_order)  # its on_commit never ran: the task is "lost"
    fresh = request_confirmation(sales, rush_order)
    Document.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - timedelta(minutes=2))
    assert services.lost_document_ids() == [lost.pk]

    tasks.render_pending_documents()  # eager outside worker tests: renders at once
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == DocumentStatus.READY
    assert fresh.status == DocumentStatus.PENDING  # its own task is presumably still on the way


@pytest.mark.django_db
def test_request_needs_the_kinds_permission(approved_order):
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        request_confirmation(outsider, approved_order)
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_request_needs_the_object_to_be_visible(sales, approved_order, temporary_kind):
    temporary_kind("hidden_test", label="Hidden", model=Order, builder=lambda o, lang: None,
                   permission="orders.view_order", visible_to=lambda user: Order.objects.none())
    with pytest.raises(PermissionDenied):
        services.request_document(actor=sales, kind="hidden_test", obj=approved_order)


@pytest.mark.django_db
def test_unknown_kind_and_wrong_object_are_refused(sales, approved_order):
    with pytest.raises(ValidationError):
        services.request_document(actor=sales, kind="no_such_kind", obj=approved_order)
    with pytest.raises(ValidationError):
        services.request_document(actor=sales, kind="order_confirmation", obj=approved_order.customer)
    assert not Document.objects.exists()
