"""Customer notices: from an order event or a logistics delay to the outbox rows, and the customer's own
answers (opt-out, satisfaction form).

- notify: one CustomerMessage per contact who receives updates and channel of the kind's rule (e-mail when
  the contact has an address, SMS when they have a mobile number), in the caller's transaction; delivery is
  queued when it commits. The dedupe key (what is told, contact, channel) makes it safe to call twice.
- on_order_event: the rules whose order actions include the event's action; called by the order's
  transition hook (orders.stage_hooks) and by the sweep for events recorded outside transitions (a changed
  promised date recorded by another app), so listening is generic: a rule names the action.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from config.celery_app import delay_on_commit
from inputs.visible import visible_strip
from orders.models import CustomerContact, OrderEvent
from shipping.models import ShipmentStatus
from shipping.tracking import issue_notice_link

from . import texts
from .defaults import DEFAULT_RULES
from .models import Channel, CustomerMessage, Feedback, NoticeCursor, NoticeKind, NoticeRule, OptOut
from .tasks import deliver_customer_message

# Events older than this are not notified by the sweep (a rule switched on today does not write to
# customers about last month).
SWEEP_WINDOW = timezone.timedelta(days=2)


def active_rule(kind):
    return NoticeRule.objects.filter(kind=kind, is_active=True).first()


def _dispatch_values(order):
    shipment = (order.shipments.filter(status__in=[ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED])
                .order_by("-shipped_at", "-pk").first())
    return {"carrier": shipment.carrier, "tracking_number": shipment.tracking_number} if shipment else {}


def notify(*, order, kind, key, actor=None, values=None):
    """Queue notice `kind` about `order` for every contact who receives updates (see the module docstring).
    `key` names what is told (an order event, a delay) so the same thing is never told twice. Returns the
    messages written now."""
    rule = active_rule(kind)
    if rule is None or (rule.only_rush and not order.is_rush):
        return []
    values = dict(values or {})
    if kind in (NoticeKind.DISPATCHED, NoticeKind.DELIVERED) and "carrier" not in values:
        values.update(_dispatch_values(order))
    contacts = CustomerContact.objects.filter(customer_id=order.customer_id, receives_updates=True).order_by("pk")
    tokens, written = {}, []
    for contact in contacts:
        channels = [(Channel.EMAIL, contact.email) if rule.by_email else None,
                    (Channel.SMS, contact.mobile) if rule.by_sms else None]
        channels = [(channel, address.strip()) for channel, address in filter(None, channels) if address.strip()]
        wanted = [(channel, address) for channel, address in channels
                  if not CustomerMessage.objects.filter(dedupe_key=f"{key}:{contact.pk}:{channel}").exists()]
        if not wanted:
            continue
        if contact.language not in tokens:
            tokens[contact.language] = issue_notice_link(actor=actor, order=order, language=contact.language,
                                                         given_to=contact.name)
        subject, body, sms = texts.compose(kind=kind, order=order, contact=contact,
                                           values={**values, "tracking_token": tokens[contact.language]})
        for channel, address in wanted:
            try:
                with transaction.atomic():
                    message = CustomerMessage.objects.create(
                        order=order, contact=contact, kind=kind, channel=channel, address=address[:254],
                        language=contact.language, subject=subject[:300] if channel == Channel.EMAIL else "",
                        body=body if channel == Channel.EMAIL else sms, dedupe_key=f"{key}:{contact.pk}:{channel}")
            except IntegrityError:
                continue  # written meanwhile by the other path (hook or sweep)
            written.append(message)
            delay_on_commit(deliver_customer_message, message.pk)
    return written


def on_order_event(event):
    """Notify what the rules say about this order event (safe to call again for the same event)."""
    rules = [rule for rule in NoticeRule.objects.filter(is_active=True) if event.action in (rule.order_actions or [])]
    written = []
    for rule in rules:
        values = {"promised_date": event.order.promised_date}
        written += notify(order=event.order, kind=rule.kind, key=f"event:{event.pk}:{rule.kind}", actor=event.actor,
                          values=values)
    return written


# The transition hook tells at once about the actions the default rules name (approve, ship, delivery…); an
# action that only a manager's own rule names is told by the minute sweep (sweep_order_events). So the other
# transitions, order intake's submit above all, cost no query here.
PROMPT_ACTIONS = frozenset(action for _kind, actions in DEFAULT_RULES for action in actions)


def on_order_transition(*, actor, order, action, from_status):
    """The order's transition hook (orders.stage_hooks): the event it just wrote is notified at once."""
    if action not in PROMPT_ACTIONS:
        return
    # The rules are a handful of rows: read their actions (a JSON list; SQLite has no JSON containment).
    named = NoticeRule.objects.filter(is_active=True).values_list("order_actions", flat=True)
    if not any(action in (actions or []) for actions in named):
        return
    event = OrderEvent.objects.filter(order=order, action=action).select_related("order__customer").order_by("-pk")
    event = event.first()
    if event is not None:
        on_order_event(event)


def _cursor():
    cursor = NoticeCursor.objects.select_for_update().first()
    if cursor is None:  # a new site starts from now: history is not told
        cursor = NoticeCursor.objects.create(last_event_id=OrderEvent.objects.aggregate(m=Max("pk"))["m"] or 0)
    return cursor


def sweep_order_events(limit=500):
    """Read the order events recorded since the last sweep and notify those a rule names (events written
    outside a transition, such as a changed promised date, and any the hook missed). Returns how many
    events were read."""
    actions = {action for rule in NoticeRule.objects.filter(is_active=True) for action in rule.order_actions or []}
    with transaction.atomic():
        cursor = _cursor()
        events = list(OrderEvent.objects.filter(pk__gt=cursor.last_event_id).order_by("pk")
                      .select_related("order__customer", "actor")[:limit])
        since = timezone.now() - SWEEP_WINDOW
        for event in events:
            if event.action in actions and event.created_at >= since:
                on_order_event(event)
        if events:
            cursor.last_event_id = events[-1].pk
            cursor.save(update_fields=["last_event_id", "updated_at"])
    return len(events)


# --- the customer's own answers ------------------------------------------------------------------------

def opt_out(*, contact, actor=None):
    """The contact receives no more order updates (their unsubscribe link, or a person for them)."""
    with transaction.atomic():
        current = CustomerContact.objects.select_for_update().get(pk=contact.pk)
        if not current.receives_updates:
            return current
        current.receives_updates = False
        current.save(update_fields=["receives_updates"])
        OptOut.objects.create(contact=current, via_link=actor is None, recorded_by=actor)
    return current


def record_feedback(*, order, contact, satisfaction, quality, on_time, comment=""):
    """The contact's answer to the satisfaction form; once per order and contact."""
    comment = visible_strip(comment or "")
    errors = []
    for value, label in ((satisfaction, _("overall satisfaction")), (quality, _("product quality"))):
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors.append(_("Choose a score from 1 to 5 for %(what)s.") % {"what": label})
    if not isinstance(on_time, bool):
        errors.append(_("Tell us whether the goods arrived when promised."))
    if len(comment) > 2000:
        errors.append(_("The comment has at most 2000 characters."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Feedback.objects.create(order=order, contact=contact, satisfaction=satisfaction, quality=quality,
                                           on_time=on_time, comment=comment)
    except IntegrityError:
        raise ValidationError(_("Thank you, your answer for this order was already recorded.")) from None
