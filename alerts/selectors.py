from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from accounts.roles import role_label
from systemtext.text import list_text

from .models import Alert, AlertRecipient, ChannelDelivery, EscalationStep


def alerts_for(user):
    """The user's alerts, latest to reach them first: an alert escalated to them an hour after it was raised
    is listed at the escalation's time (AlertRecipient.told_at), not among older ones."""
    return AlertRecipient.objects.filter(user=user).select_related("alert").order_by("-told_at", "-id")


def alert_for_page(user, pk):
    """The alert with its recipients, escalations and channel deliveries; for a recipient of it, or for
    whoever may manage the alert rules (administrators)."""
    alerts = Alert.objects.select_related("acknowledged_by", "rule").prefetch_related(
        Prefetch("recipients", queryset=AlertRecipient.objects.select_related("user").order_by("level", "id")),
        "escalations", Prefetch("rule__steps", queryset=EscalationStep.objects.order_by("level")),
        Prefetch("deliveries", queryset=ChannelDelivery.objects.select_related("endpoint")
                 .prefetch_related("attempt_log").order_by("level", "id")))
    if not user.has_perm("alerts.view_alertrule"):
        alerts = alerts.filter(recipients__user=user)
    return alerts.filter(pk=pk).first()


@dataclass
class ChainLevel:
    level: int
    at: datetime
    roles: list = field(default_factory=list)  # role names in the reader's language
    people: list = field(default_factory=list)  # full names (user names when none)
    channels: list = field(default_factory=list)
    # The same as lists in a sentence, with the reader's separator.
    roles_text: str = ""
    people_text: str = ""


def escalation_chain(alert):
    """Who was told at each level of an alert (from alert_for_page's prefetches): the roles of the rule's
    step by their names in the reader's language, the people and the chat/SMS channels, never the codes
    stored in AlertEscalation.told."""
    steps = {step.level: step for step in alert.rule.steps.all()} if alert.rule_id else {}
    times = {0: alert.created_at} | {e.level: e.escalated_at for e in alert.escalations.all()}
    chain = {level: ChainLevel(level=level, at=at) for level, at in sorted(times.items())}
    for level, row in chain.items():
        roles = steps[level].roles if level in steps else (alert.roles if level == 0 else [])
        row.roles = [str(role_label(role)) for role in roles]
    for recipient in alert.recipients.all():
        if recipient.level in chain:
            chain[recipient.level].people.append(recipient.user.get_full_name() or recipient.user.username)
    for delivery in alert.deliveries.all():
        if delivery.level in chain:
            chain[delivery.level].channels.append(delivery.endpoint.name)
    for row in chain.values():
        row.roles_text, row.people_text = list_text(row.roles), list_text(row.people + row.channels)
    return list(chain.values())
