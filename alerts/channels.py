"""Sending an alert to a chat group or a phone: the WeCom (企业微信) group robot, the DingTalk (钉钉) robot
with its signing secret, and SMS through a provider (settings.ALERT_SMS_PROVIDER: "logging", the default,
only writes the message to the log; "http" posts it to ALERT_SMS_HTTP_URL with ALERT_SMS_HTTP_TOKEN).

Every send has a short timeout (settings.ALERT_CHANNEL_TIMEOUT) and runs in the Celery task, never in a
user's request, and goes only where outbound.http allows (no loopback or LAN address unless the operator
lists its network in WEBHOOK_ALLOWED_NETWORKS; the SMS gateway's address included). A failure raises
ChannelError with what the server answered.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.parse

from django.conf import settings

from outbound import http as outbound_http

from .models import ChannelKind

log = logging.getLogger("orderflow.alerts")


class ChannelError(Exception):
    def __init__(self, message, status_code=None):
        super().__init__(message)
        self.status_code = status_code


def dingtalk_signed_url(url, secret, timestamp_ms=None):
    """DingTalk's signing: sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")))
    added to the webhook URL with the timestamp in milliseconds."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def post_json(url, payload, *, headers=None):
    """POST `payload` as JSON; returns the HTTP status. Chat robots answer 200 with {"errcode": 0} when the
    message was taken: any other errcode is a failure too. Only to addresses outbound.http allows, never
    following a redirect."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    try:
        status, text = outbound_http.post(url, body, headers={"Content-Type": "application/json; charset=utf-8",
                                                              **(headers or {})})
    except outbound_http.RefusedAddress as exc:
        raise ChannelError(f"refused: {exc}") from None
    except outbound_http.SendError as exc:
        raise ChannelError(str(exc), exc.status_code) from None
    try:
        answer = json.loads(text) if text else {}
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise ChannelError(f"refused: {text[:300]}", status)
    return status


def text_message(text):
    """The text message both robots take."""
    return {"msgtype": "text", "text": {"content": text}}


def send(endpoint, text):
    """Send `text` to `endpoint`; returns the HTTP status (None for the logging SMS provider)."""
    if endpoint.kind == ChannelKind.WECOM:
        return post_json(endpoint.url, text_message(text))
    if endpoint.kind == ChannelKind.DINGTALK:
        url = dingtalk_signed_url(endpoint.url, endpoint.secret) if endpoint.secret else endpoint.url
        return post_json(url, text_message(text))
    return sms_provider().send([p.strip() for p in endpoint.phones.split(",") if p.strip()], text)


class LoggingSmsProvider:
    """Writes the message to the log: for a factory without an SMS contract yet."""

    def send(self, phones, text):
        log.warning("SMS to %s: %s", ", ".join(phones), text)
        return None


class HttpSmsProvider:
    """Posts {"to": [...], "text": ...} to the gateway at ALERT_SMS_HTTP_URL with a bearer token."""

    def send(self, phones, text):
        headers = {"Authorization": f"Bearer {settings.ALERT_SMS_HTTP_TOKEN}"} if settings.ALERT_SMS_HTTP_TOKEN else {}
        return post_json(settings.ALERT_SMS_HTTP_URL, {"to": phones, "text": text}, headers=headers)


def sms_provider():
    return HttpSmsProvider() if settings.ALERT_SMS_PROVIDER == "http" else LoggingSmsProvider()
