"""Order status changes told to the integrations that subscribed (WebhookSubscription): a delivery row
per subscription and event, written in the order's transaction (an ON_TRANSITION reaction in orders.stage_hooks), then
POSTed by a Celery task with a signature and retried with backoff; a beat sweep sends what is still
pending. Only to addresses outbound.http allows (checked at registration and at every send), never
following redirects; nothing more once the webhook is removed or its key revoked. A key bound to a
customer hears only of that customer's orders.

Signature: header X-OrderFlow-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the
subscription's secret>."""

import hashlib
import hmac
import json
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config import claims
from config.celery_app import delay_on_commit
from config.transitions import take_in_update
from orders.models import OrderEvent
from outbound import http as outbound_http

from .models import RETRYABLE, WS, WebhookDelivery, WebhookSubscription
from .privileges import rights_beyond


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


    from .tasks import deliver_webhook  # cycle: tasks imports this module

    for delivery_id in ids:
        delay_on_commit(deliver_webhook, delivery_id)


# A claim older than this belongs to a sender that died mid-way (a send lasts ALERT_CHANNEL_TIMEOUT at most).
# A send lasts ALERT_CHANNEL_TIMEOUT at most; on the sender's host a dead holder is seen at once.
STALE_CLAIM = timezone.timedelta(seconds=60)


def _live(prefix=""):
    """Deliveries whose webhook is still wanted: subscription active, key not revoked, its user active."""
    return Q(**{f"{prefix}subscription__is_active": True, f"{prefix}subscription__api_key__revoked_at__isnull": True,
                f"{prefix}subscription__api_key__user__is_active": True})


def stop_deliveries(*, subscription_ids):
    """What the subscriptions had not sent yet is never sent (their retries and the sweep skip it)."""
    return take_in_update(WebhookDelivery.objects.filter(subscription_id__in=subscription_ids), "stop")


def _claim(delivery_id):
    """Take the delivery for sending with one conditional UPDATE (committed at once: no lock is held while
    sending). None when it is sent, stopped, gone, or being sent by another worker right now."""
    now = timezone.now()
    claimable = Q(status__in=RETRYABLE) | Q(status=WS.SENDING, claimed_at__lt=now - STALE_CLAIM)
    holder = (WebhookDelivery.objects.filter(pk=delivery_id, status=WS.SENDING)
              .values_list("claimed_by", flat=True).first())
    if holder and claims.holder_is_dead(holder):  # its sender was killed mid-way (docs/locking.md)
        claimable |= Q(status=WS.SENDING, claimed_by=holder)
    candidates = WebhookDelivery.objects.filter(claimable, pk=delivery_id)
    with transaction.atomic():
        claimed = take_in_update(candidates.filter(_live()), "claim", claimed_at=now, claimed_by=claims.holder(),
                                 attempts=F("attempts") + 1)
        if not claimed:
            take_in_update(candidates, "stop")  # still claimable but not live: its webhook was removed
            return None
    return WebhookDelivery.objects.select_related("subscription__api_key__user",
                                                  "subscription__api_key__created_by").get(pk=delivery_id)


def deliver(delivery_id):
    """POST one delivery unless it was sent or its webhook stopped; returns True when sent. Claimed first,
    sent with no transaction open, the outcome recorded after: a task that runs twice sends once, and the
    row is never locked while the receiver takes its time. Raises RuntimeError on failure (the task
    retries); an address that turned internal is refused at send time too (outbound.http)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return False
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "X-OrderFlow-Event": delivery.payload.get("event", ""),
               "X-OrderFlow-Signature": signature(delivery.subscription.secret, timestamp, body)}
    transition, outcome = "fail", {"last_status_code": None}
    key = delivery.subscription.api_key
    # A key refused on requests (its maker lost rights, its user gained some) hears nothing either.
    problem = rights_beyond(key.created_by, key.user)
    try:
        if problem:
            raise outbound_http.RefusedAddress(problem)
        outcome["last_status_code"], _text = outbound_http.post(delivery.subscription.url, body, headers=headers)
        transition = "succeed"
        outcome.update(sent_at=timezone.now(), last_error="")
    except outbound_http.RefusedAddress as exc:
        outcome["last_error"] = f"refused: {exc}"
    except outbound_http.SendError as exc:
        outcome.update(last_status_code=exc.status_code, last_error=str(exc)[:2000])
    # Only if the claim is still ours (a stale claim taken over by another sender records its own outcome).
    take_in_update(WebhookDelivery.objects.filter(pk=delivery.pk, claimed_at=delivery.claimed_at), transition,
                   **outcome)
    if transition != "succeed":
        raise RuntimeError(outcome["last_error"])
    return True


def pending_ids(older_than_seconds=30):
    now = timezone.now()
    cutoff = now - timezone.timedelta(seconds=older_than_seconds)
    ids = list(WebhookDelivery.objects.filter(
        Q(status__in=RETRYABLE) | Q(status=WS.SENDING, claimed_at__lt=now - STALE_CLAIM),
        _live(), created_at__lt=cutoff, attempts__lt=15).values_list("pk", flat=True)[:500])
    # Sends whose sender on this host was killed, before their claim goes stale (a restarted worker's sweep).
    for pk, holder in WebhookDelivery.objects.filter(status=WS.SENDING).exclude(pk__in=ids).values_list(
            "pk", "claimed_by")[:500]:
        if claims.holder_is_dead(holder):
            ids.append(pk)
    return ids


def retry_delivery(*, actor, delivery):
    """A failed webhook message is queued again (the operations page's Retry); its tries keep counting."""
    from .tasks import deliver_webhook  # cycle: tasks imports this module

    with transaction.atomic():
        updated = take_in_update(WebhookDelivery.objects.filter(pk=delivery.pk), "retry")
        if not updated:
            raise ValidationError(_("Only a failed webhook message can be retried."))
        delay_on_commit(deliver_webhook, delivery.pk)
