from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from .models import Alert, AlertRecipient, AlertStatus


def create_alert(*, kind, subject, body="", params=None, link="", severity="info", roles=(), users=(),
                 dedupe_key=None):
    """Record an alert for every active user in `roles` plus `users`, and queue its delivery once the
    surrounding transaction commits. With the same dedupe_key twice, the first alert is returned.

    `subject` and `body` are English source messages marked with gettext_noop, with %(name)s
    placeholders filled from `params` when shown, so every recipient reads them in their language."""
    from .tasks import deliver_alert

    if dedupe_key:
        existing = Alert.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            alert = Alert.objects.create(kind=kind, subject=subject[:300], body=body, params=params or {},
                                         link=link, severity=severity, roles=list(roles), dedupe_key=dedupe_key)
            User = get_user_model()
            people = User.objects.filter(is_active=True).filter(
                Q(groups__name__in=list(roles)) | Q(pk__in=[u.pk for u in users])).distinct()
            AlertRecipient.objects.bulk_create(AlertRecipient(alert=alert, user=u) for u in people)
    except IntegrityError:
        existing = Alert.objects.filter(dedupe_key=dedupe_key).first() if dedupe_key else None
        if existing is None:
            raise
        return existing
    transaction.on_commit(lambda: deliver_alert.delay(alert.pk))
    return alert


def deliver(alert_id):
    """Send the e-mails not yet sent for this alert (the in-app bell needs no sending). Safe to run
    twice at once: each recipient row is claimed under a lock before its e-mail goes out."""
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None or alert.status == AlertStatus.DELIVERED:
        return alert
    Alert.objects.filter(pk=alert_id).update(attempts=alert.attempts + 1)
    error = ""
    pending = AlertRecipient.objects.filter(alert_id=alert_id, emailed_at__isnull=True).values_list("pk", flat=True)
    for recipient_id in list(pending):
        with transaction.atomic():
            recipient = (AlertRecipient.objects.select_for_update(skip_locked=True, of=("self",))
                         .select_related("user", "user__profile")
                         .filter(pk=recipient_id, emailed_at__isnull=True).first())
            if recipient is None:
                continue  # another delivery has it
            if recipient.user.email:
                try:
                    with translation.override(_language_of(recipient.user)):
                        send_mail(f"[OrderFlow] {alert.rendered_subject()}", f"{alert.rendered_body()}\n\n{alert.link}",
                                  settings.DEFAULT_FROM_EMAIL, [recipient.user.email])
                except Exception as exc:  # noqa: BLE001 - recorded and retried by the sweep
                    error = str(exc)
                    continue
            recipient.emailed_at = timezone.now()
            recipient.save(update_fields=["emailed_at"])
    if error:
        Alert.objects.filter(pk=alert_id).update(last_error=error[:2000])
        raise RuntimeError(error)
    Alert.objects.filter(pk=alert_id).update(status=AlertStatus.DELIVERED, delivered_at=timezone.now(),
                                             last_error="")
    return Alert.objects.get(pk=alert_id)


def _language_of(user):
    profile = getattr(user, "profile", None)
    return profile.language if profile is not None else settings.LANGUAGE_CODE


def pending_alert_ids(older_than_seconds=30):
    """Alerts whose delivery task was lost (worker or Redis down) or failed."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(Alert.objects.filter(status__in=[AlertStatus.PENDING, AlertStatus.FAILED], created_at__lt=cutoff,
                                     attempts__lt=20).values_list("pk", flat=True)[:500])


def mark_read(*, actor, recipient_ids=None):
    qs = AlertRecipient.objects.filter(user=actor, read_at__isnull=True)
    if recipient_ids is not None:
        qs = qs.filter(pk__in=recipient_ids)
    return qs.update(read_at=timezone.now())


def acknowledge(*, actor, recipient_id):
    now = timezone.now()
    updated = AlertRecipient.objects.filter(user=actor, pk=recipient_id, acknowledged_at__isnull=True).update(
        acknowledged_at=now, read_at=now)
    return updated == 1
