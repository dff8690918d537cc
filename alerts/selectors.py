from django.db.models import Prefetch

from .models import Alert, AlertRecipient, ChannelDelivery


def alerts_for(user):
    """The user's alerts, latest to reach them first: an alert escalated to them an hour after it was raised
    is listed at the escalation's time (AlertRecipient.told_at), not among older ones."""
    return AlertRecipient.objects.filter(user=user).select_related("alert").order_by("-told_at", "-id")


def alert_for_page(user, pk):
    """The alert with its recipients, escalations and channel deliveries; for a recipient of it, or for
    whoever may manage the alert rules (administrators)."""
    alerts = Alert.objects.select_related("acknowledged_by", "rule").prefetch_related(
        Prefetch("recipients", queryset=AlertRecipient.objects.select_related("user").order_by("level", "id")),
        "escalations",
        Prefetch("deliveries", queryset=ChannelDelivery.objects.select_related("endpoint")
                 .prefetch_related("attempt_log").order_by("level", "id")))
    if not user.has_perm("alerts.view_alertrule"):
        alerts = alerts.filter(recipients__user=user)
    return alerts.filter(pk=pk).first()
