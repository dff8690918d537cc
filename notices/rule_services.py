"""The customer notice rules (notices.models.NoticeRule) kept on their in-app page: which order events send
which notice, by e-mail and/or SMS, and whether only for rush orders. There is one rule per notice (the
defaults come with migration 0002), so rules are edited and (de)activated, never created or deleted. Every
change is recorded in the change history (audit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, snapshot
from orders.models import OrderAction

from .models import NoticeRule


def update_notice_rule(*, actor, rule: NoticeRule, order_actions=None, by_email=None, by_sms=None, only_rush=None,
                       is_active=None) -> NoticeRule:
    require(actor, "notices.change_noticerule")
    with transaction.atomic():
        current = NoticeRule.objects.select_for_update().get(pk=rule.pk)
        before = snapshot(current)
        if order_actions is not None:
            known = set(OrderAction.values) | set(current.order_actions or [])
            unknown = [action for action in order_actions if action not in known]
            if unknown:
                raise ValidationError({"order_actions": [_("Unknown order event: %(events)s.")
                                                         % {"events": ", ".join(unknown)}]})
            current.order_actions = sorted(set(order_actions))
        for name, value in (("by_email", by_email), ("by_sms", by_sms), ("only_rush", only_rush),
                            ("is_active", is_active)):
            if value is not None:
                setattr(current, name, value)
        if current.is_active and not (current.by_email or current.by_sms):
            raise ValidationError({"by_email": [_("An active rule sends by e-mail, by SMS or both: tick at least "
                                                  "one, or deactivate the rule.")]})
        current.save()
        record_change(current, actor=actor, before=before)
    return current
