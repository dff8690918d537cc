"""The default notice rules, as migration 0002 writes them; tests whose flush emptied the table call this."""

from .models import NoticeRule

DEFAULT_RULES = [
    ("confirmed", ["approve"]),
    ("promise_changed", ["promised_date_changed"]),  # orders.services.change_promised_date records it
    ("dispatched", ["ship", "partial_shipment"]),
    ("delayed", []),
    ("delivered", ["confirm_delivery"]),
]


def ensure_default_rules():
    for kind, actions in DEFAULT_RULES:
        NoticeRule.objects.get_or_create(kind=kind, defaults={"order_actions": actions})
