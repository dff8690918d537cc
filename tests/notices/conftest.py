import pytest

from notices.defaults import ensure_default_rules
from orders.models import CustomerContact
from tests.alerts.webhook_server import WebhookServer
from tests.fixtures.factories import CustomerFactory

from .smtp_server import SmtpServer


@pytest.fixture
def smtp(settings):
    """A local SMTP server that Django's SMTP backend sends to."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    yield server
    server.close()


@pytest.fixture
def sms(settings):
    """The SMS gateway (the HTTP provider setting) on 127.0.0.1."""
    server = WebhookServer()
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.ALERT_SMS_PROVIDER, settings.ALERT_SMS_HTTP_URL = "http", f"{server.url}/sms"
    settings.ALERT_SMS_HTTP_TOKEN = "sms-token"
    yield server
    server.close()


@pytest.fixture
def rules(db):
    ensure_default_rules()


@pytest.fixture
def customer(db):
    """A customer with a Chinese buyer (e-mail and mobile), an English planner (e-mail only) and a contact
    who does not want updates."""
    customer = CustomerFactory()
    CustomerContact.objects.create(customer=customer, name="王芳", email="wang@buyer.test", mobile="13800138000",
                                   language="zh-hans")
    CustomerContact.objects.create(customer=customer, name="Anna Smith", email="anna@buyer.test", language="en")
    CustomerContact.objects.create(customer=customer, name="李雷", email="li@buyer.test", mobile="13900139000",
                                   language="zh-hans", receives_updates=False)
    return customer
