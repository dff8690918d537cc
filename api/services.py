"""Writes of the REST API: integration keys, and order creation with an Idempotency-Key (the same key and
body give the same answer; the same key with another body is refused; two requests with one key at the
same moment make one order: the second waits on the first one's row and replays its answer)."""

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Channel
from orders.services import create_order, submit_order

from .models import ApiKey, IdempotencyRecord, hash_key

MANAGE_KEYS = "api.add_apikey"


class IdempotencyConflict(Exception):
    pass


def create_api_key(*, actor, name, user, customer=None):
    """A new key acting as `user`; returns (ApiKey, the key itself, shown only now)."""
    if not actor.has_perm(MANAGE_KEYS):
        raise PermissionDenied(_("Your role may not do this."))
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the key a name (the integration it is for)."))
    if user is None or not user.is_active:
        raise ValidationError(_("Choose the active user the key acts as."))
    prefix, raw = ApiKey.new_raw_key()
    key = ApiKey.objects.create(name=name[:100], prefix=prefix, key_hash=hash_key(raw), user=user, customer=customer,
                                created_by=actor)
    return key, raw


def revoke_api_key(*, actor, key):
    if not actor.has_perm(MANAGE_KEYS):
        raise PermissionDenied(_("Your role may not do this."))
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def request_hash(payload):
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def create_order_from_api(*, api_key, data, payload, idempotency_key, render):
    """Create and submit the order described by validated `data`; `render(order)` gives the response body.
    Returns (status code, body, replayed)."""
    user = api_key.user

    def make():
        order = create_order(actor=user, customer=data["customer"], requested_date=data["requested_date"],
                             lines=data["lines"], channel=Channel.API, customer_po=data["customer_po"],
                             priority=data["priority"], rush_reason=data["rush_reason"], notes=data["notes"])
        order = submit_order(actor=user, order=order, note=_("Received through the API (%(key)s).")
                             % {"key": api_key.name})
        return order

    if not idempotency_key:
        with transaction.atomic():
            order = make()
            return 201, render(order), False
    digest = request_hash(payload)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(api_key=api_key, key=idempotency_key[:200],
                                                          request_hash=digest)
        except IntegrityError:
            # Another request with this key: wait for it (its row is locked until it commits), then replay.
            record = IdempotencyRecord.objects.select_for_update().get(api_key=api_key, key=idempotency_key[:200])
            if record.request_hash != digest:
                raise IdempotencyConflict(_("This Idempotency-Key was used with another request body.")) from None
            return record.status_code, record.response, True
        order = make()
        body = render(order)
        record.status_code, record.response, record.order = 201, body, order
        record.save(update_fields=["status_code", "response", "order"])
    return 201, body, False
