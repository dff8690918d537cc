"""An alert about a rush request stops escalating once the request is decided (for the alerts asking for
its review) or once its order is settled (alerts.subjects)."""

from django.utils.translation import gettext_noop

from alerts import subjects
from orders.alert_subjects import GONE, order_settled

from .models import CopyStatus, DecisionStatus, DelayDecision, DrawingCopy, RushRequest, RushStatus, SupplierReply

# Alerts that ask people to review the request: answered once it is decided.
REVIEW_KINDS = {"rush_review_requested"}


def _request_page(alert, pk):
    request = RushRequest.objects.select_related("order").filter(pk=pk).first()
    if request is None:
        return GONE
    if alert.kind in REVIEW_KINDS and request.status != RushStatus.REQUESTED:
        return gettext_noop("Rush request %(number)s was decided."), {"number": request.number}
    return order_settled(request.order, kind=alert.kind)


def _decision_page(alert, pk):
    """A decision request to the general manager's office is answered once it is decided."""
    decision = DelayDecision.objects.filter(pk=pk).only("number", "status").first()
    if decision is None:
        return GONE
    if alert.kind == "delay_decision_requested" and decision.status == DecisionStatus.DECIDED:
        return gettext_noop("%(number)s was decided."), {"number": decision.number}
    return None


def _supplier_reply_page(alert, pk):
    reply = SupplierReply.objects.select_related("purchase_order", "purchase_request").filter(pk=pk).first()
    if reply is None:
        return GONE
    if reply.answered:
        return gettext_noop("The supplier's answer to %(po)s was recorded."), {"po": reply.document.number}
    if reply.purchase_request is not None and reply.purchase_request.status in ("rejected", "cancelled"):
        return gettext_noop("%(number)s was decided."), {"number": reply.purchase_request.number}
    return None


def _copy_page(alert, pk):
    """An overdue drawing copy's alert stops escalating once the copy is back or voided."""
    copy = DrawingCopy.objects.select_related("drawing").filter(pk=pk).first()
    if copy is None:
        return GONE
    if copy.status == CopyStatus.RETURNED:
        return gettext_noop("Drawing copy %(copy)s was returned."), {"copy": copy.label}
    if copy.status == CopyStatus.VOIDED:
        return gettext_noop("Drawing copy %(copy)s was voided."), {"copy": copy.label}
    return None


def register():
    subjects.register("rush:detail", _request_page)
    subjects.register("rush:decision_detail", _decision_page)
    subjects.register("rush:supplier_reply", _supplier_reply_page)
    subjects.register("rush:drawing_copy", _copy_page)
