import pytest

# Shipping writes a delivery note when goods leave: generated files go to a per-test MEDIA_ROOT.
from tests.documents.conftest import media_root  # noqa: F401

from .webhook_server import WebhookServer


@pytest.fixture
def webhook_server():
    server = WebhookServer()
    yield server
    server.close()
