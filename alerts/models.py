"""An alert is a database row first and a delivery second: nothing is lost while Redis or the
worker is down, because the periodic sweep delivers whatever is still pending."""

import re
from datetime import date, datetime

import django_fsm as fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from outbound import http as outbound_http
from systemtext.text import render


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class AlertStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", pgettext_lazy("alert delivery status", "Delivered")
    FAILED = "failed", _("Failed")


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")


def reader_date(value):
    """A date or time kept in `params` (ISO, as JSON keeps it) in the reader's format; other values as they are."""
    if not isinstance(value, str):
        return value
    try:
        if ISO_DATE.fullmatch(value):
            return date_format(date.fromisoformat(value))
        if ISO_DATETIME.fullmatch(value):
            moment = datetime.fromisoformat(value)
            return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT")
    except ValueError:
        pass
    return value


class Alert(fsm.ConcurrentTransitionMixin, models.Model):
    kind = models.CharField(_("kind"), max_length=60)
    # subject and body are the English source messages (marked with gettext_noop by the caller) and
    # `params` their values (systemtext's JSON form): each reader sees them in their own language.
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("message values"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.INFO)
    status = fsm.FSMField(_("status"), max_length=10, choices=AlertStatus.choices,
                          default=AlertStatus.PENDING, db_index=True, protected=True)
    roles = models.JSONField(_("recipient roles"), default=list, blank=True)
    # Makes creation idempotent: the same business event never raises two alerts.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Escalation: the rule whose steps apply, the level reached, and when the next level is due (none once
    # acknowledged or at the last level).
    rule = models.ForeignKey("AlertRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("escalation rule"))
    level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    next_escalation_at = models.DateTimeField(_("escalates at"), null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("acknowledged by"))
    # Escalation ends when what the alert is about is settled (the order closed, the exception resolved…,
    # see alerts.subjects): when, and why as a source message with its values, shown in the reader's language.
    escalation_stopped_at = models.DateTimeField(_("escalation stopped at"), null=True, blank=True)
    stop_reason = models.CharField(_("why escalation stopped"), max_length=300, blank=True)
    stop_params = models.JSONField(_("values of the reason"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return self.rendered_subject()

    def _render(self, message):
        # Values stored before systemtext kept dates as ISO strings: those are shown in the reader's format too.
        return render(message, {key: reader_date(value) for key, value in self.params.items()} if self.params else None)

    def rendered_subject(self):
        """The subject in the active language."""
        return self._render(self.subject)

    def rendered_body(self):
        return self._render(self.body)

    # The delivery is the system's own work (alerts.services); a failed one is retried from the operations page.
    @fsm.transition(status, source=[AlertStatus.PENDING, AlertStatus.FAILED], target=AlertStatus.DELIVERED)
    def mark_delivered(self):
        pass

    @fsm.transition(status, source=AlertStatus.FAILED, target=AlertStatus.PENDING)
    def retry(self):
        pass

    # The next escalation level has people to tell: delivered or not, it is pending again.
    @fsm.transition(status, source=list(AlertStatus), target=AlertStatus.PENDING)
    def escalate(self):
        pass

    def rendered_stop_reason(self):
        if not self.stop_reason:
            return ""
        text = gettext(self.stop_reason)
        try:
            return text % self.stop_params
        except (KeyError, TypeError, ValueError):
            return self.stop_reason % self.stop_params


class AlertRecipient(models.Model):
    """One row per person told; channels are delivered and marked independently, so running the
    delivery twice never sends an e-mail twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_receipts")
    level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # When the alert reached this person: its creation for level 0, the escalation for later levels.
    told_at = models.DateTimeField(_("reached at"), default=timezone.now, db_index=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # When a sender took the e-mail (committed before sending, so no row lock is held over SMTP).
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_claimed_by = models.CharField(max_length=120, blank=True)  # host|pid (config/claims.py)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-told_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="alert_recipient_unique")]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("alert recipient")
        verbose_name_plural = _("alert recipients")

    def __str__(self):
        return f"{self.alert_id} → {self.user_id}"


# --- rules, channels and escalation ----------------------------------------------------------------

class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk robot (钉钉)")
    SMS = "sms", _("SMS / phone")


class ChannelEndpoint(models.Model):
    """Where a chat or SMS message goes: a WeCom or DingTalk group robot's webhook (DingTalk with its
    signing secret), or phone numbers reached through the SMS provider (settings.ALERT_SMS_PROVIDER)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True,
                              help_text=_("DingTalk robots with “signing” security: the secret that starts with SEC."))
    phones = models.CharField(_("phone numbers"), max_length=300, blank=True,
                              help_text=_("For SMS: numbers separated by commas."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alert channel")
        verbose_name_plural = _("alert channels")

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self):
        super().clean()
        if self.url:
            try:
                outbound_http.check_url(self.url)
            except outbound_http.RefusedAddress as exc:
                raise ValidationError({"url": str(exc)}) from None

    @property
    def masked_secret(self):
        return f"{self.secret[:4]}…{self.secret[-2:]}" if len(self.secret) > 8 else ("…" if self.secret else "")


class AlertRule(models.Model):
    """Who is told of an event, on which channels, and to whom it escalates when nobody acknowledges
    it in time. Rules are data: an administrator edits them (Django admin); defaults come with migration
    0004. The roles and users the code names when it raises an alert are told as well."""

    kind = models.CharField(_("event"), max_length=60, db_index=True,
                            help_text=_("The kind of alert, e.g. rush_approved, process_exception."))
    name = models.CharField(_("name"), max_length=200)
    only_rush = models.BooleanField(_("only for rush orders"), default=False)
    severities = models.JSONField(_("only for severities"), default=list, blank=True,
                                  help_text=_('For example ["high", "critical"]; empty: every severity.'))
    tell_owner = models.BooleanField(_("tell the order's sales owner"), default=False,
                                     help_text=_("The person who entered the order the alert is about."))
    roles = models.JSONField(_("roles told"), default=list, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("users told"))
    email = models.BooleanField(_("send e-mail"), default=True)
    endpoints = models.ManyToManyField(ChannelEndpoint, blank=True, related_name="rules",
                                       verbose_name=_("chat and SMS channels"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self):
        return self.name


class EscalationStep(models.Model):
    """A level of escalation: when the alert is still not acknowledged `delay_seconds` after the level
    before it, these roles and channels are told too."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="steps")
    level = models.PositiveSmallIntegerField(_("level"))
    delay_seconds = models.PositiveIntegerField(_("after (seconds)"))
    roles = models.JSONField(_("roles told"), default=list, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("users told"))
    endpoints = models.ManyToManyField(ChannelEndpoint, blank=True, related_name="+",
                                       verbose_name=_("chat and SMS channels"))

    class Meta:
        ordering = ["rule", "level"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [models.UniqueConstraint(fields=["rule", "level"], name="escalation_level_once_per_rule")]

    def __str__(self):
        return f"{self.rule_id} L{self.level}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    STOPPED = "stopped", _("Not sent: channel switched off")


DS = DeliveryStatus
UNSENT = [DS.PENDING, DS.FAILED, DS.SENDING]  # sending: a claim that went stale or whose holder died


class ChannelDelivery(fsm.FSMModelMixin, models.Model):
    """One message of one alert to one chat or SMS channel at one escalation level. The unique constraint
    and the claim under a row lock make it go out once, however often the delivery task runs."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(ChannelEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    status = fsm.FSMField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                          default=DeliveryStatus.PENDING, db_index=True, protected=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When a sender took it (status sending): the claim is committed before the send, no lock is held.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=120, blank=True)  # host|pid (config/claims.py)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["alert", "level", "id"]
        verbose_name = _("channel delivery")
        verbose_name_plural = _("channel deliveries")
        constraints = [models.UniqueConstraint(fields=["alert", "endpoint", "level"], name="channel_delivery_once")]

    def __str__(self):
        return f"{self.alert_id} → {self.endpoint_id} L{self.level}"

    # Claimed and recorded by conditional UPDATEs (config.transitions.take_in_update, alerts.services).
    @fsm.transition(status, source=UNSENT, target=DS.SENDING)
    def claim(self):
        pass

    @fsm.transition(status, source=DS.SENDING, target=DS.SENT)
    def succeed(self):
        pass

    @fsm.transition(status, source=DS.SENDING, target=DS.FAILED)
    def fail(self):
        pass

    @fsm.transition(status, source=UNSENT, target=DS.STOPPED)  # its channel was switched off
    def stop(self):
        pass


class DeliveryAttempt(models.Model):
    """Every try to send a channel delivery, successful or not."""

    delivery = models.ForeignKey(ChannelDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ok = models.BooleanField(_("delivered"), default=False)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.delivery_id} #{self.number}"


class AlertEscalation(models.Model):
    """The alert went to the next level because nobody acknowledged it in time."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"))
    escalated_at = models.DateTimeField(_("escalated at"), default=timezone.now)
    told = models.JSONField(_("told"), default=list, blank=True)

    class Meta:
        ordering = ["alert", "level"]
        verbose_name = _("alert escalation")
        verbose_name_plural = _("alert escalations")
        constraints = [models.UniqueConstraint(fields=["alert", "level"], name="alert_escalation_once_per_level")]

    def __str__(self):
        return f"{self.alert_id} L{self.level}"
