"""The REST API's own records: integration keys, idempotency records of order creation, and webhook
subscriptions with their deliveries."""

import hashlib
import secrets

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders.models import Customer, Order, OrderEvent


def hash_key(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """A key of one integration: it acts as `user` (with that user's roles and permissions, as in the UI)
    and, when `customer` is set, sees and creates only that customer's orders. Only the key's SHA-256 is
    kept; the key itself is shown once, when it is made."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_keys",
                             verbose_name=_("acts as"))
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("only for customer"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_raw_key(cls):
        prefix = secrets.token_hex(4)
        return prefix, f"of_{prefix}_{secrets.token_urlsafe(32)}"

    @property
    def is_active(self):
        return self.revoked_at is None and self.user.is_active


class IdempotencyRecord(models.Model):
    """The answer given to a request with an Idempotency-Key: the same key and body get the same answer."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(default=dict, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="api_idempotency_once")]

    def __str__(self):
        return f"{self.api_key_id}:{self.key}"


class WebhookSubscription(models.Model):
    """Where an integration wants to hear of its orders' status changes; each message is signed with
    `secret` (X-OrderFlow-Signature: t=<unix time>,v1=<HMAC-SHA256 hex of "<t>.<body>">)."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100, default="", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.url


class WebhookStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    STOPPED = "stopped", pgettext_lazy("webhook delivery status", "Stopped")


WS = WebhookStatus
RETRYABLE = [WS.PENDING, WS.FAILED]
UNSENT = [*RETRYABLE, WS.SENDING]  # sending: a claim that went stale or whose holder died


class WebhookDelivery(fsm.FSMModelMixin, models.Model):
    """One order event told to one subscription, once (unique), with every try counted."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(OrderEvent, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField(default=dict)
    # sending: claimed at claimed_at; failed: retried; stopped: webhook removed or key revoked
    status = fsm.FSMField(_("status"), max_length=10, choices=WebhookStatus.choices, default=WS.PENDING,
                          db_index=True, protected=True)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)  # host|pid (config/claims.py)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once")]

    def __str__(self):
        return f"{self.subscription_id} ← {self.event_id}"

    # Claimed and recorded by conditional UPDATEs (config.transitions.take_in_update, api.webhooks). The
    # same shape as alerts.ChannelDelivery's machine, declared again on purpose: django-fsm binds a transition
    # method to one model's field, so two models cannot share the methods of one abstract base.
    @fsm.transition(status, source=UNSENT, target=WS.SENDING)
    def claim(self):
        pass

    @fsm.transition(status, source=WS.SENDING, target=WS.SENT)
    def succeed(self):
        pass

    @fsm.transition(status, source=WS.SENDING, target=WS.FAILED)
    def fail(self):
        pass

    @fsm.transition(status, source=UNSENT, target=WS.STOPPED)  # its webhook was removed or its key revoked
    def stop(self):
        pass

    @fsm.transition(status, source=WS.FAILED, target=WS.PENDING)  # the operations page's Retry
    def retry(self):
        pass
