"""A mail backend whose server refuses every message (an SMTP outage), for delivery-failure tests."""

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server refused the connection")
