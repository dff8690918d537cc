"""An alert is a database row first and a delivery second: nothing is lost while Redis or the
worker is down, because the periodic sweep delivers whatever is still pending."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class AlertStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", pgettext_lazy("alert delivery status", "Delivered")
    FAILED = "failed", _("Failed")


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=60)
    # subject and body are the English source messages (marked with gettext_noop by the caller) and
    # `params` their values: each reader sees them in their own language (see rendered()).
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("message values"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.INFO)
    status = models.CharField(_("status"), max_length=10, choices=AlertStatus.choices,
                              default=AlertStatus.PENDING, db_index=True)
    roles = models.JSONField(_("recipient roles"), default=list, blank=True)
    # Makes creation idempotent: the same business event never raises two alerts.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return self.rendered_subject()

    def _render(self, message):
        if not message:
            return ""
        text = gettext(message)
        try:
            return text % self.params if self.params else text
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            return message % self.params if self.params else message

    def rendered_subject(self):
        """The subject in the active language."""
        return self._render(self.subject)

    def rendered_body(self):
        return self._render(self.body)


class AlertRecipient(models.Model):
    """One row per person told; channels are delivered and marked independently, so running the
    delivery twice never sends an e-mail twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_receipts")
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-alert__created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="alert_recipient_unique")]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("alert recipient")
        verbose_name_plural = _("alert recipients")

    def __str__(self):
        return f"{self.alert_id} → {self.user_id}"
