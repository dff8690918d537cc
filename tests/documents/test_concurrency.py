"""Races on PostgreSQL with real, separate connections (each thread gets its own)."""

from pathlib import Path

import pytest

from documents import services
from documents.models import Document, DocumentStatus
from documents.tasks import render_document
from tests.fixtures.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_the_same_document_rendered_twice_at_once_makes_one_file(sales, approved_order, media_root):
    for _round in range(3):
        document = Document.objects.create(kind="order_confirmation", content_object=approved_order,
                                           language="en", requested_by=sales)
        run_together(lambda pk=document.pk: render_document(pk), lambda pk=document.pk: render_document(pk))
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY and document.attempts == 1
    files = sorted(p for p in Path(media_root).rglob("*") if p.is_file())
    assert len(files) == 3


def test_two_requests_at_once_make_one_document(sales, order_desk, approved_order):
    for language in ["en", "zh-hans"]:
        def request(actor, language=language):
            return services.request_document(actor=actor, kind="order_confirmation", obj=approved_order,
                                             language=language)

        results = run_together(lambda: request(sales), lambda: request(order_desk))
        assert all(isinstance(r, Document) for r in results), results
        assert results[0].pk == results[1].pk
    assert Document.objects.count() == 2
