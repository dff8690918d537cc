import pytest

# Shipping writes a delivery note when goods leave: generated files go to a per-test MEDIA_ROOT.
from tests.documents.conftest import media_root  # noqa: F401

from .webhook_server import WebhookServer


@pytest.fixture
def webhook_server(settings):
    # Chat robots and gateways on loopback are refused (outbound.http) unless the operator allows the network.
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server = WebhookServer()
    yield server
    server.close()
