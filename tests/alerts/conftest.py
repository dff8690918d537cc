import pytest

from .webhook_server import WebhookServer


@pytest.fixture
def webhook_server():
    server = WebhookServer()
    yield server
    server.close()
