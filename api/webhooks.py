"""Order status changes told to the integrations that subscribed (WebhookSubscription): a delivery row
per subscription and event, written in the order's transaction (orders.stage_hooks.on_transition), then
POSTed by a Celery task with a signature and retried with backoff; a beat sweep sends what is still
pending. A key bound to a customer hears only of that customer's orders.

Signature: header X-OrderFlow-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the
subscription's secret>."""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orders.models import OrderEvent

from .models import WebhookDelivery, WebhookSubscription


def signature(secret, timestamp, body: bytes):
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def on_order_transition(*, actor, order, action, from_status):
    subscriptions = (WebhookSubscription.objects.filter(is_active=True, api_key__revoked_at__isnull=True)
                     .filter(Q(api_key__customer__isnull=True) | Q(api_key__customer=order.customer_id)))
    if not subscriptions.exists():
        return
    event = OrderEvent.objects.filter(order=order, action=action).order_by("-pk").first()
    payload = {"event": "order.status_changed", "event_id": event.pk if event else None, "order": order.number,
               "action": action, "from_status": from_status, "status": order.status,
               "at": timezone.now().isoformat(timespec="seconds"), "customer_po": order.customer_po}
    ids = [WebhookDelivery.objects.create(subscription=subscription, event=event, payload=payload).pk
           for subscription in subscriptions]
    from config.celery_app import delay_on_commit

    from .tasks import deliver_webhook

    for delivery_id in ids:
        delay_on_commit(deliver_webhook, delivery_id)


def deliver(delivery_id):
    """POST one delivery unless it was sent; returns True when sent. Claimed under a row lock, so a task
    that runs twice sends once. Raises RuntimeError on failure (the task retries)."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("subscription").filter(pk=delivery_id).exclude(status="sent").first())
        if delivery is None:
            return False
        body = json.dumps(delivery.payload, ensure_ascii=False).encode()
        timestamp = int(time.time())
        request = urllib.request.Request(delivery.subscription.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-OrderFlow-Event": delivery.payload.get("event", ""),
            "X-OrderFlow-Signature": signature(delivery.subscription.secret, timestamp, body)})
        delivery.attempts += 1
        try:
            with urllib.request.urlopen(request, timeout=settings.ALERT_CHANNEL_TIMEOUT) as response:  # noqa: S310
                delivery.last_status_code = response.status
            delivery.status, delivery.sent_at, delivery.last_error = "sent", timezone.now(), ""
        except urllib.error.HTTPError as exc:
            delivery.status, delivery.last_status_code, delivery.last_error = "failed", exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            delivery.status, delivery.last_error = "failed", f"no answer: {getattr(exc, 'reason', exc)}"
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_status_code", "last_error"])
    if delivery.status != "sent":
        raise RuntimeError(delivery.last_error)
    return True


def pending_ids(older_than_seconds=30):
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(WebhookDelivery.objects.filter(status__in=["pending", "failed"], created_at__lt=cutoff,
                                               attempts__lt=15).values_list("pk", flat=True)[:500])


def retry_delivery(*, actor, delivery):
    """A failed webhook message is queued again (the operations page's Retry); its tries keep counting."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from config.celery_app import delay_on_commit

    from .tasks import deliver_webhook

    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk, status="failed").update(status="pending")
        if not updated:
            raise ValidationError(_("Only a failed webhook message can be retried."))
        delay_on_commit(deliver_webhook, delivery.pk)
