"""The document machine as a table (tests/fixtures/state_machines.py): every transition the rendering
pipeline takes in its conditional UPDATEs, from every state, allowed only from its declared sources."""

from itertools import count

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from config.transitions import take_in_update
from documents.models import Document, DocumentStatus
from tests.fixtures.factories import user_with_role
from tests.fixtures.state_machines import check_table

pytestmark = pytest.mark.django_db

_n = count(1)
S = DocumentStatus


def test_document_table():
    sales = user_with_role("sales")
    users_type = ContentType.objects.get_for_model(User)

    def make(state):  # one object each: one document of a kind per object may be in flight
        return Document.objects.create(kind="order_confirmation", content_type=users_type, object_id=next(_n),
                                       language="en", requested_by=sales, status=state)
    in_flight = {S.PENDING, S.RENDERING}
    expected = {
        "claim": (in_flight, None, S.RENDERING),
        "finish": ({S.RENDERING}, None, S.READY),
        "fail": ({S.RENDERING}, None, S.FAILED),
        "release": ({S.RENDERING}, None, S.PENDING),
        "give_up": (in_flight, None, S.FAILED),
        "retry": ({S.FAILED}, None, S.PENDING),
    }
    assert check_table(make, expected, S.values, updates=set(expected)) == 4 * 6


def test_a_ready_document_is_not_retried_and_keeps_its_file():
    sales = user_with_role("sales")
    document = Document.objects.create(kind="order_confirmation", content_type=ContentType.objects.get_for_model(User),
                                       object_id=sales.pk, language="en", requested_by=sales, status=S.READY,
                                       filename="SO-1.pdf")
    assert take_in_update(Document.objects.filter(pk=document.pk), "retry", error="") == 0
    document.refresh_from_db()
    assert document.status == S.READY and document.filename == "SO-1.pdf"
