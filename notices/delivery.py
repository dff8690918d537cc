"""Sending the outbox (notices.models.CustomerMessage): claim, send outside any transaction, record.

The claim is one committed conditional UPDATE (pending/failed → sending, or a sending row whose claim is
stale or whose holder died), so two workers never both send a message and no row lock is held while the
SMTP server or the SMS gateway answers. The outcome is written only while the claim is still ours. A
failure raises RuntimeError so the task retries with backoff; the beat sweep takes what is left.

E-mail goes through Django's mail backend (EMAIL_*), SMS through the SMS provider setting the alerts use
(ALERT_SMS_PROVIDER "http": ALERT_SMS_HTTP_URL with its token; outbound.http's address checks apply).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from alerts import channels
from config import claims
from config.transitions import take_in_update

from .models import Channel, CustomerMessage, MessageStatus

MS = MessageStatus
STALE_CLAIM = timezone.timedelta(seconds=60)


def _claim(message_id, now):
    rows = CustomerMessage.objects.filter(pk=message_id)
    holder = rows.filter(status=MS.SENDING).values_list("claimed_by", flat=True).first()
    dead = Q(claimed_by=holder) if holder and claims.holder_is_dead(holder) else Q(pk__in=[])
    claimable = Q(status__in=[MS.PENDING, MS.FAILED]) | Q(status=MS.SENDING) & (Q(claimed_at__lt=now - STALE_CLAIM)
                                                                                  | dead)
    return take_in_update(rows.filter(claimable), "claim", claimed_at=now, claimed_by=claims.holder(),
                          attempts=F("attempts") + 1)


def _send(message):
    if message.channel == Channel.EMAIL:
        EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.address]).send()
    else:
        channels.sms_provider().send([message.address], message.body)


def deliver(message_id):
    """Send the message unless it is sent or another sender has it; returns it."""
    now = timezone.now()
    if not _claim(message_id, now):
        return CustomerMessage.objects.filter(pk=message_id).first()
    message = CustomerMessage.objects.get(pk=message_id)
    mine = CustomerMessage.objects.filter(pk=message_id, claimed_at=now)
    try:
        _send(message)
    except Exception as exc:  # noqa: BLE001 - SMTP, socket and gateway errors alike are recorded and retried
        take_in_update(mine, "fail", last_error=str(exc)[:2000])
        raise RuntimeError(f"customer message {message_id}: {exc}") from None
    take_in_update(mine, "succeed", sent_at=timezone.now(), last_error="")
    return CustomerMessage.objects.get(pk=message_id)


def pending_message_ids(older_than_seconds=30, max_attempts=20):
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(CustomerMessage.objects.filter(status__in=[MS.PENDING, MS.FAILED, MS.SENDING], created_at__lt=cutoff,
                                               attempts__lt=max_attempts).values_list("pk", flat=True)[:500])
