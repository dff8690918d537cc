"""Customer tracking links: one order, no login, unguessable, expiring and revocable.

A link's URL carries `<secret>:<signature>`: a random 256-bit secret signed with SECRET_KEY (Django
signing, its own salt). The database keeps only the SHA-256 of the secret with the link's order,
language, expiry and revocation, so a copy of the database does not give working links, and the full
link is shown once, when it is made. Opening a link checks the signature first (a tampered token
costs no query), then finds the row by the hash; an unknown, expired or revoked link gets the same
bare 404. The URL holds no order id or number.

What the customer sees (shipping.selectors.tracking_page) is chosen for the customer: a stage name
of their own, the promised date, shipments with carrier, tracking number and delivery status. Never
prices, staff names, internal notes, hold reasons or anything of other orders.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.permissions import require
from inputs.visible import visible_strip
from orders.models import Order, OrderStatus
from systemtext.text import Text

from .models import TrackingLink

CREATE = "shipping.add_trackinglink"
REVOKE = "shipping.change_trackinglink"
SALT = "shipping.tracking-link"
DEFAULT_VALID_DAYS = 60
MAX_VALID_DAYS = 365
# An order that was never accepted, or was withdrawn, has nothing for a customer to follow.
NOT_TRACKABLE = {OrderStatus.DRAFT, OrderStatus.REJECTED, OrderStatus.CANCELLED}

S = OrderStatus
# The customer's view of the order's progress: (key, label, internal states shown as this step).
CUSTOMER_STAGES = [
    ("received", gettext_lazy("Order received"), {S.DRAFT, S.SUBMITTED, S.REJECTED}),
    ("confirmed", gettext_lazy("Order confirmed"), {S.APPROVED, S.PLANNED, S.MATERIALS_READY}),
    ("production", gettext_lazy("In production"), {S.IN_PRODUCTION, S.AWAITING_QC}),
    ("ready", gettext_lazy("Ready to ship"), {S.QC_PASSED}),
    ("shipped", gettext_lazy("Shipped"), {S.SHIPPED}),
    ("delivered", gettext_lazy("Delivered"), {S.DELIVERED, S.CLOSED}),
]
PARTLY_SHIPPED = gettext_lazy("Partly shipped")
CANCELLED = gettext_lazy("Cancelled")


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def _signer():
    return signing.Signer(salt=SALT)


def create_tracking_link(*, actor, order, language, valid_days=DEFAULT_VALID_DAYS, note=""):
    """Make a link for `order` in `language`, valid for `valid_days`. Returns (link, token); the token
    is not stored anywhere, so the caller shows the URL now or never."""
    require(actor, CREATE)
    note = visible_strip(note or "")
    errors = []
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors.append(_("Choose the language the customer reads."))
    if not isinstance(valid_days, int) or not 1 <= valid_days <= MAX_VALID_DAYS:
        errors.append(_("A link is valid for 1 to %(n)s days.") % {"n": MAX_VALID_DAYS})
    if len(note) > TrackingLink._meta.get_field("note").max_length:
        errors.append(_("“Given to” has at most 100 characters."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.status in NOT_TRACKABLE:
            raise ValidationError(_("Order %(number)s is %(status)s: there is nothing for the customer to follow.")
                                  % {"number": current.number, "status": current.get_status_display().lower()})
        secret = secrets.token_urlsafe(32)
        link = TrackingLink.objects.create(order=current, token_hash=_hash(secret), language=language, note=note,
                                           expires_at=timezone.now() + timedelta(days=valid_days), created_by=actor)
        current.events.record(action="tracking_link_created", actor=actor, from_status=current.status,
                              to_status=current.status,
                              note=Text(gettext_noop("Customer tracking link #%(id)s, valid until %(date)s. %(note)s"),
                                        id=link.pk, date=timezone.localtime(link.expires_at).date(), note=note))
    return link, _signer().sign(secret)


def revoke_tracking_link(*, actor, link):
    """Stop a link working at once (recorded on the order's timeline)."""
    require(actor, REVOKE)
    with transaction.atomic():
        current = TrackingLink.objects.select_for_update().select_related("order").get(pk=link.pk)
        if current.revoked_at is not None:
            raise ValidationError(_("This link was already revoked."))
        current.revoked_at, current.revoked_by = timezone.now(), actor
        current.save(update_fields=["revoked_at", "revoked_by"])
        order = current.order
        order.events.record(action="tracking_link_revoked", actor=actor, from_status=order.status,
                            to_status=order.status,
                            note=Text(gettext_noop("Customer tracking link #%(id)s"), id=current.pk))
    return current


def link_for_token(token):
    """The active link named by `token` with its order and customer (one query), or None for a
    tampered, unknown, expired or revoked token."""
    try:
        secret = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return (TrackingLink.objects.select_related("order__customer")
            .filter(token_hash=_hash(secret), revoked_at__isnull=True, expires_at__gt=timezone.now()).first())


def customer_stage(order, *, any_shipped):
    """(step index, label) of the order's progress as the customer sees it. An order on hold shows the
    stage it was held in (the hold and its reason are internal)."""
    status = order.held_from if order.status == S.ON_HOLD and order.held_from else order.status
    if status == S.CANCELLED:
        return None, CANCELLED
    for index, (_key, label, states) in enumerate(CUSTOMER_STAGES):
        if status in states:
            if status == S.QC_PASSED and any_shipped:
                return index + 1, PARTLY_SHIPPED
            return index, label
    return 0, CUSTOMER_STAGES[0][1]


def issue_notice_link(*, actor, order, language, given_to="", valid_days=DEFAULT_VALID_DAYS):
    """A tracking link for a customer notice (notices): made for the person whose step the notice tells of
    (who approved, shipped, recorded the delay), without a permission of theirs, since the system sends it.
    Returns the signed token; None when the order has nothing to follow or nobody took the step."""
    if order.status in NOT_TRACKABLE or actor is None:
        return None
    secret = secrets.token_urlsafe(32)
    TrackingLink.objects.create(order=order, token_hash=_hash(secret), language=language, note=given_to[:100],
                                expires_at=timezone.now() + timedelta(days=valid_days), created_by=actor)
    return _signer().sign(secret)
