"""Raising, delivering, escalating and acknowledging alerts.

- create_alert: the alert row, one AlertRecipient per person told (the in-app bell), and one
  ChannelDelivery per chat or SMS channel of the matching rules (alerts.models.AlertRule), all in the
  caller's transaction; the delivery task is queued when it commits. Steps of a rule due at once (delay 0)
  are applied at once.
- deliver: the e-mails not yet sent and the channel deliveries not yet sent, each claimed first (a
  committed conditional UPDATE), sent with no transaction open and recorded after, so running it twice (a
  retried or duplicated task) never sends twice and no row stays locked while SMTP or a robot answers.
  Every channel try is a DeliveryAttempt. What failed raises RuntimeError so the task retries with
  backoff; the beat sweep picks up whatever is still pending (a task lost while Redis or the worker was
  down).
- escalate_due_alerts (beat): an alert nobody acknowledged in time goes to the next level of its rule,
  unless what it is about is settled meanwhile (alerts.subjects): then its escalation stops, with the reason.
- acknowledge: a recipient takes the alert on; that stops its escalation.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config import claims
from config.celery_app import delay_on_commit
from config.transitions import take_in_update
from systemtext.text import to_json

from . import channels, subjects
from .models import (
    Alert,
    AlertEscalation,
    AlertRecipient,
    AlertRule,
    AlertStatus,
    ChannelDelivery,
    DeliveryAttempt,
    DeliveryStatus,
)
from .tasks import deliver_alert


def matching_rules(kind, *, rush=False, severity="info"):
    rules = AlertRule.objects.filter(kind=kind, is_active=True).prefetch_related("users", "endpoints", "steps")
    return [rule for rule in rules if (rush or not rule.only_rush)
            and (not rule.severities or severity in rule.severities)]


def _most_urgent(rules):
    """The rule whose escalation starts soonest: one alert follows one escalation chain."""
    chains = [(min(step.delay_seconds for step in rule.steps.all()), rule.pk, rule)
              for rule in rules if rule.steps.all()]
    return min(chains)[2] if chains else None


def create_alert(*, kind, subject, body="", params=None, link="", severity="info", roles=(), users=(),
                 dedupe_key=None, rush=False, owner=None):
    """Record an alert for every active user in `roles` plus `users` and those of the matching rules
    (`rush`: the alert is about a rush order, for rules that apply only then; `severity`: for rules limited
    to some severities; `owner`: the sales owner of the order concerned, told when a rule says so), and
    queue its delivery once the surrounding transaction commits. With the same dedupe_key twice, the
    first alert is returned.

    `subject` and `body` are English source messages marked with gettext_noop, with %(name)s
    placeholders filled from `params` when shown, so every recipient reads them in their language."""
    if dedupe_key:
        existing = Alert.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    rules = matching_rules(kind, rush=rush, severity=severity)
    escalating = _most_urgent(rules)
    owners = [owner] if owner is not None and any(rule.tell_owner for rule in rules) else []
    try:
        with transaction.atomic():
            alert = Alert.objects.create(kind=kind, subject=subject[:300], body=body,
                                         params={name: to_json(value) for name, value in (params or {}).items()},
                                         link=link, severity=severity, dedupe_key=dedupe_key, rule=escalating,
                                         roles=sorted(set(roles) | {r for rule in rules for r in rule.roles}))
            _tell(alert, level=0, roles=alert.roles,
                  users=list(users) + owners + [u for rule in rules for u in rule.users.all()],
                  endpoints=[e for rule in rules for e in rule.endpoints.all()])
            if escalating is not None:
                first = escalating.steps.order_by("level").first()
                alert.next_escalation_at = alert.created_at + timezone.timedelta(seconds=first.delay_seconds)
                alert.save(update_fields=["next_escalation_at"])
                while alert.next_escalation_at is not None and alert.next_escalation_at <= alert.created_at:
                    _escalate(alert, now=alert.created_at)  # steps due at once (a rush order's exception)
    except IntegrityError:
        existing = Alert.objects.filter(dedupe_key=dedupe_key).first() if dedupe_key else None
        if existing is None:
            raise
        return existing
    _queue_delivery(alert.pk)
    return alert


def _queue_delivery(alert_id):
    delay_on_commit(deliver_alert, alert_id)


def _tell(alert, *, level, roles=(), users=(), endpoints=(), now=None):
    """In-app recipients (and e-mail) for the people, a channel delivery per endpoint; people and
    channels already told at an earlier level are not told again. Returns who and what was added."""
    now = now or alert.created_at
    User = get_user_model()
    people = list(User.objects.filter(is_active=True).filter(
        Q(groups__name__in=list(roles)) | Q(pk__in=[u.pk for u in users])).distinct())
    known = set(AlertRecipient.objects.filter(alert=alert).values_list("user_id", flat=True))
    added = [AlertRecipient(alert=alert, user=user, level=level, told_at=now)
             for user in people if user.pk not in known]
    AlertRecipient.objects.bulk_create(added)
    told = {e.pk for e in endpoints if e.is_active}
    done = set(ChannelDelivery.objects.filter(alert=alert).values_list("endpoint_id", flat=True))
    ChannelDelivery.objects.bulk_create(ChannelDelivery(alert=alert, endpoint_id=pk, level=level)
                                        for pk in sorted(told - done))
    return [r.user.username for r in added] + [f"#{pk}" for pk in sorted(told - done)]


# --- delivering ----------------------------------------------------------------------------------------

# A claim older than this belongs to a sender that died mid-way (a send lasts ALERT_CHANNEL_TIMEOUT or
# EMAIL_TIMEOUT at most); on the sender's own host a dead holder is seen at once (config/claims.py).
STALE_CLAIM = timezone.timedelta(seconds=60)


def _dead_holder(queryset, field):
    """Q for the row when its claim's holder is a dead process of this host (docs/locking.md)."""
    holder = queryset.values_list(field, flat=True).first()
    return Q(**{field: holder}) if holder and claims.holder_is_dead(holder) else Q(pk__in=[])


def deliver(alert_id):
    """Send what is not sent yet for this alert (see the module docstring)."""
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None or alert.status == AlertStatus.DELIVERED:
        return alert
    Alert.objects.filter(pk=alert_id).update(attempts=F("attempts") + 1)
    errors = _send_emails(alert) + _send_channels(alert)
    if errors:
        Alert.objects.filter(pk=alert_id).update(last_error="\n".join(errors)[:2000])
        raise RuntimeError("; ".join(errors))
    unsent = (AlertRecipient.objects.filter(alert=alert, emailed_at__isnull=True).exists()
              or ChannelDelivery.objects.filter(alert=alert)
              .exclude(status__in=[DeliveryStatus.SENT, DeliveryStatus.STOPPED]).exists())
    if not unsent:  # else another worker is sending the rest and marks the alert delivered when it is done
        take_in_update(Alert.objects.filter(pk=alert_id), "mark_delivered", delivered_at=timezone.now(),
                       last_error="")
    return Alert.objects.get(pk=alert_id)


def give_up(alert_id):
    """The delivery task ran out of retries: the alert is marked failed, so the System status page lists it
    with its Retry button (the sweep still tries it again later)."""
    Alert.objects.filter(pk=alert_id, status=AlertStatus.PENDING).update(status=AlertStatus.FAILED)


# Claim, send, record: each row is taken with one committed conditional UPDATE, the e-mail or the chat
# message goes out with no transaction open (a slow SMTP server or robot never holds a row lock), and the
# outcome is written afterwards only if the claim is still ours. Running twice never sends twice.

def _claim_email(recipient_id, now):
    rows = AlertRecipient.objects.filter(pk=recipient_id, emailed_at__isnull=True)
    claimable = (Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - STALE_CLAIM)
                 | _dead_holder(rows.filter(email_claimed_at__isnull=False), "email_claimed_by"))
    return rows.filter(claimable).update(email_claimed_at=now, email_claimed_by=claims.holder())


def _send_emails(alert):
    errors = []
    pending = AlertRecipient.objects.filter(alert=alert, emailed_at__isnull=True).values_list("pk", flat=True)
    for recipient_id in list(pending):
        claimed_at = timezone.now()
        if not _claim_email(recipient_id, claimed_at):
            continue  # sent, or another delivery has it
        recipient = AlertRecipient.objects.select_related("user", "user__profile").get(pk=recipient_id)
        mine = AlertRecipient.objects.filter(pk=recipient_id, email_claimed_at=claimed_at, emailed_at__isnull=True)
        if recipient.user.email:
            try:
                with translation.override(_language_of(recipient.user)):
                    send_mail(f"[OrderFlow] {alert.rendered_subject()}", f"{alert.rendered_body()}\n\n{alert.link}",
                              settings.DEFAULT_FROM_EMAIL, [recipient.user.email])
            except Exception as exc:  # noqa: BLE001 - recorded and retried by the sweep
                errors.append(str(exc))
                mine.update(email_claimed_at=None)  # free for the retry
                continue
        mine.update(emailed_at=timezone.now())
    return errors


def channel_text(alert):
    """What a group chat or a phone gets: subject, body and the link, in the factory's language."""
    with translation.override(settings.ALERT_CHANNEL_LANGUAGE):
        parts = [f"【OrderFlow】{alert.rendered_subject()}", alert.rendered_body()]
    if alert.link:
        parts.append(f"{settings.SITE_URL}{alert.link}" if alert.link.startswith("/") else alert.link)
    return "\n".join(part for part in parts if part)


def _claim_channel(delivery_id, now):
    """The delivery, taken for sending; None when sent, switched off, or another sender has it now."""
    sending = ChannelDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING)
    claimable = (Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
                 | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
                 | Q(status=DeliveryStatus.SENDING) & _dead_holder(sending, "claimed_by"))
    candidates = ChannelDelivery.objects.filter(claimable, pk=delivery_id)
    with transaction.atomic():
        if not take_in_update(candidates.filter(endpoint__is_active=True), "claim", claimed_at=now,
                              claimed_by=claims.holder(), attempts=F("attempts") + 1):
            take_in_update(candidates, "stop")  # its channel was switched off meanwhile
            return None
    return ChannelDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def _send_channels(alert):
    errors = []
    pending = (ChannelDelivery.objects.filter(alert=alert)
               .exclude(status__in=[DeliveryStatus.SENT, DeliveryStatus.STOPPED]).values_list("pk", flat=True))
    for delivery_id in list(pending):
        delivery = _claim_channel(delivery_id, timezone.now())
        if delivery is None:
            continue
        attempt = DeliveryAttempt(delivery=delivery, number=delivery.attempts, started_at=timezone.now())
        outcome = {}
        try:
            attempt.status_code = channels.send(delivery.endpoint, channel_text(alert))
        except channels.ChannelError as exc:
            attempt.status_code, attempt.error = exc.status_code, str(exc)[:2000]
            transition, outcome = "fail", {"last_error": attempt.error}
            errors.append(f"{delivery.endpoint.name}: {exc}")
        else:
            attempt.ok = True
            transition, outcome = "succeed", {"sent_at": timezone.now(), "last_error": ""}
        attempt.finished_at = timezone.now()
        with transaction.atomic():
            attempt.save()
            # Recorded only while the claim is still ours.
            take_in_update(ChannelDelivery.objects.filter(pk=delivery.pk, claimed_at=delivery.claimed_at),
                           transition, **outcome)
    return errors


def _language_of(user):
    profile = getattr(user, "profile", None)
    return profile.language if profile is not None else settings.LANGUAGE_CODE


def pending_alert_ids(older_than_seconds=30):
    """Alerts whose delivery task was lost (worker or Redis down) or failed."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(Alert.objects.filter(status__in=[AlertStatus.PENDING, AlertStatus.FAILED], created_at__lt=cutoff,
                                     attempts__lt=20).values_list("pk", flat=True)[:500])


# --- escalating ----------------------------------------------------------------------------------------

def _escalate(alert, *, now):
    """Tell the next level of the alert's rule; schedule the one after it."""
    steps = list(alert.rule.steps.order_by("level").prefetch_related("users", "endpoints")) if alert.rule else []
    step = next((s for s in steps if s.level > alert.level), None)
    if step is None:
        alert.next_escalation_at = None
        alert.save(update_fields=["next_escalation_at"])
        return None
    told = _tell(alert, level=step.level, roles=step.roles, users=step.users.all(), endpoints=step.endpoints.all(),
                 now=now)
    AlertEscalation.objects.create(alert=alert, level=step.level, escalated_at=now, told=told)
    later = next((s for s in steps if s.level > step.level), None)
    alert.level = step.level
    alert.next_escalation_at = now + timezone.timedelta(seconds=later.delay_seconds) if later else None
    alert.escalate()
    alert.save(update_fields=["level", "next_escalation_at", "status"])
    return step


def stop_escalation(alert, *, now, reason, params):
    """The alert's subject is settled: no further level; why is kept (shown on the alert)."""
    alert.next_escalation_at = None
    alert.escalation_stopped_at, alert.stop_reason, alert.stop_params = now, reason[:300], params
    alert.save(update_fields=["next_escalation_at", "escalation_stopped_at", "stop_reason", "stop_params"])


def escalate_due_alerts(now=None):
    """Escalate every alert whose next level is due, that nobody acknowledged and whose subject is still
    open; an alert whose subject is settled stops escalating instead. Returns the escalated ids."""
    now = now or timezone.now()
    escalated = []
    due = Alert.objects.filter(next_escalation_at__lte=now, acknowledged_at__isnull=True).values_list("pk", flat=True)
    for alert_id in list(due[:500]):
        with transaction.atomic():
            alert = (Alert.objects.select_for_update(skip_locked=True, of=("self",)).select_related("rule")
                     .filter(pk=alert_id, next_escalation_at__lte=now, acknowledged_at__isnull=True).first())
            if alert is None:
                continue
            done = subjects.settled(alert)
            if done is not None:
                stop_escalation(alert, now=now, reason=done[0], params=done[1])
                continue
            if _escalate(alert, now=now) is not None:
                escalated.append(alert.pk)
                _queue_delivery(alert.pk)
    return escalated


# --- people --------------------------------------------------------------------------------------------

def mark_read(*, actor, recipient_ids=None):
    qs = AlertRecipient.objects.filter(user=actor, read_at__isnull=True)
    if recipient_ids is not None:
        qs = qs.filter(pk__in=recipient_ids)
    return qs.update(read_at=timezone.now())


def acknowledge(*, actor, recipient_id):
    """`actor` takes the alert on: their receipt is acknowledged and the alert escalates no further."""
    now = timezone.now()
    with transaction.atomic():
        updated = AlertRecipient.objects.filter(user=actor, pk=recipient_id, acknowledged_at__isnull=True).update(
            acknowledged_at=now, read_at=now)
        if updated:
            alert_id = AlertRecipient.objects.get(pk=recipient_id).alert_id
            Alert.objects.filter(pk=alert_id, acknowledged_at__isnull=True).update(
                acknowledged_at=now, acknowledged_by=actor, next_escalation_at=None)
    return updated == 1


def retry_alert(*, actor, alert):
    """A failed alert goes back to pending and is queued for delivery (the operations page's Retry)."""
    with transaction.atomic():
        updated = take_in_update(Alert.objects.filter(pk=alert.pk), "retry", last_error="")
        if not updated:
            raise ValidationError(_("Only a failed alert can be retried."))
        delay_on_commit(deliver_alert, alert.pk)
