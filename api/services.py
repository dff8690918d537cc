"""Writes of the REST API: integration keys, and order creation with an Idempotency-Key (the same key and
body give the same answer; the same key with another body is refused; two requests with one key at the
same moment make one order, and both answer with it)."""

import hashlib
import json
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from orders.models import Channel, Order, OrderStatus
from orders.services import OrderActionRefused, create_order, known_without_reading, submit_order
from outbound import http as outbound_http
from systemtext.text import Text

from .models import ApiKey, IdempotencyRecord, WebhookSubscription, hash_key
from .privileges import MANAGE_KEYS, rights_beyond
from .webhooks import stop_deliveries

# Entry keys of API orders are derived from (API key, Idempotency-Key) in this namespace.
ENTRY_KEY_NAMESPACE = uuid.UUID("6f1c2a52-5d0e-4f43-9a4e-0b7c8f1d2e30")


class IdempotencyConflict(Exception):
    pass


def create_api_key(*, actor, name, user, customer=None):
    """A new key acting as `user`; returns (ApiKey, the key itself, shown only now)."""
    require(actor, MANAGE_KEYS)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the key a name (the integration it is for)."))
    if user is None or not user.is_active:
        raise ValidationError(_("Choose the active user the key acts as."))
    problem = rights_beyond(actor, user)
    if problem:
        raise ValidationError(problem)
    prefix, raw = ApiKey.new_raw_key()
    key = ApiKey.objects.create(name=name[:100], prefix=prefix, key_hash=hash_key(raw), user=user, customer=customer,
                                created_by=actor)
    return key, raw


def revoke_api_key(*, actor, key):
    """Refuse the key from now on; its webhooks send nothing more, retries included."""
    require(actor, MANAGE_KEYS)
    with transaction.atomic():
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        stop_deliveries(subscription_ids=list(key.webhooks.values_list("pk", flat=True)))


def add_webhook(*, api_key, url, secret=""):
    """Have `api_key`'s order status changes POSTed to `url`, signed with `secret` (made up when not given).
    Returns the subscription; its secret is what the receiver checks signatures with."""
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(_("Give the full http:// or https:// address the messages go to.")) from None
    if len(url) > 500:
        raise ValidationError(_("The address is longer than 500 characters."))
    try:
        outbound_http.check_url(url)  # checked again at every send: DNS answers change
    except outbound_http.RefusedAddress as exc:
        raise ValidationError(str(exc)) from None
    if api_key.revoked_at is not None:
        raise ValidationError(_("This key is revoked."))
    if WebhookSubscription.objects.filter(api_key=api_key, url=url, is_active=True).exists():
        raise ValidationError(_("This key already sends its messages to %(url)s.") % {"url": url})
    secret = (secret or "").strip() or secrets.token_urlsafe(32)
    if len(secret) > 100:
        raise ValidationError(_("The signing secret is longer than 100 characters."))
    return WebhookSubscription.objects.create(api_key=api_key, url=url, secret=secret)


def remove_webhook(*, subscription):
    """Stop sending to the subscription's URL, retries of earlier messages included; the deliveries made
    so far stay on record."""
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
        stop_deliveries(subscription_ids=[subscription.pk])


def request_hash(payload):
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _entry_key(api_key, idempotency_key):
    """The order's entry key for this API key and Idempotency-Key: create_order makes one order per entry key,
    so every request with the key (a retry, a twin at the same moment) ends with that same order."""
    return uuid.uuid5(ENTRY_KEY_NAMESPACE, f"{api_key.pk}:{idempotency_key}")


def _create_and_submit(*, api_key, data, entry_key, also=None):
    """The order created already submitted, in one short transaction, as the entry form's "save and submit"
    does; `also(order)` runs last in that transaction (the idempotent answer is stored there)."""
    return create_order(actor=api_key.user, customer=data["customer"], requested_date=data["requested_date"],
                        lines=data["lines"], channel=Channel.API, customer_po=data["customer_po"],
                        priority=data["priority"], rush_reason=data["rush_reason"],
                        internal_notes=data["internal_notes"], customer_notes=data["customer_notes"],
                        entry_key=entry_key, submit=True, also=also,
                        note=Text(gettext_noop("Received through the API (%(key)s)."), key=api_key.name))


def create_order_from_api(*, api_key, data, payload, idempotency_key, render):
    """Create and submit the order described by validated `data`; `render(order)` gives the response body.
    Returns (status code, body, replayed).

    With an Idempotency-Key the answer is stored in the transaction that makes the order, so the key is
    answered exactly when its order exists. The order's entry key is derived from the Idempotency-Key: a
    second request with the key at the same moment waits on the order's unique entry key until the first
    commits, then gives the first one's stored answer; a request that was refused wrote nothing, so the
    corrected request may use the key."""
    if not idempotency_key:
        order = _create_and_submit(api_key=api_key, data=data, entry_key=None)
        known_without_reading(order, shipments=[])  # a new order has none
        return 201, render(order), False
    key = idempotency_key[:200]
    digest = request_hash(payload)
    answer = {}

    def store_answer(order):
        known_without_reading(order, shipments=[])  # a new order has none
        answer["body"] = render(order)
        IdempotencyRecord.objects.create(api_key=api_key, key=key, request_hash=digest, status_code=201,
                                         response=answer["body"], order=order)

    try:
        order = _create_and_submit(api_key=api_key, data=data, entry_key=_entry_key(api_key, key),
                                   also=store_answer)
    except IntegrityError:
        # A claim without answer or order, left by the two-step intake of earlier versions: drop it, retry once.
        stale = IdempotencyRecord.objects.filter(api_key=api_key, key=key, status_code__isnull=True,
                                                 order__isnull=True)
        if not stale.delete()[0]:
            raise
        order = _create_and_submit(api_key=api_key, data=data, entry_key=_entry_key(api_key, key),
                                   also=store_answer)
    if not order.replayed:
        return 201, answer["body"], False
    return _replay(api_key=api_key, key=key, digest=digest, order=order, render=render)


def _replay(*, api_key, key, digest, order, render):
    """The answer to a request whose key already made `order`. Records from before intake became one
    transaction may hold no answer yet (a crash between create and submit): that order is finished now."""
    record = IdempotencyRecord.objects.filter(api_key=api_key, key=key).first()
    if record is not None and record.request_hash != digest:
        raise IdempotencyConflict(_("This Idempotency-Key was used with another request body."))
    if record is not None and record.status_code is not None:
        return record.status_code, record.response, True
    if order.status == OrderStatus.DRAFT:
        try:
            order = submit_order(actor=api_key.user, order=order, note=Text(
                gettext_noop("Received through the API (%(key)s)."), key=api_key.name))
        except (OrderActionRefused, ValidationError) as exc:
            why = exc.message if isinstance(exc, OrderActionRefused) else " ".join(exc.messages)
            raise ValidationError(_("Order %(number)s was saved as a draft but not submitted: %(why)s")
                                  % {"number": order.number, "why": why}) from None
    body = render(Order.objects.select_related("customer").prefetch_related("lines__product", "shipments")
                  .get(pk=order.pk))
    IdempotencyRecord.objects.update_or_create(api_key=api_key, key=key, defaults={
        "request_hash": digest, "status_code": 201, "response": body, "order": order})
    return 201, body, False
