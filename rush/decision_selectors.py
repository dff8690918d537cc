"""Reads for the decision pages (rush.decision_views): a fixed number of queries per page."""

from django.http import Http404

from inventory.models import MaterialDelay, MaterialDelayStatus
from production.models import ExceptionReport

from .models import DecisionOption, DecisionStatus, DelayDecision

PENDING_ON_HOME = 20


def _base():
    return DelayDecision.objects.select_related(
        "order__customer", "exception_report", "material_delay", "requested_by", "decided_by",
        "overtime_work_center", "outsource_operation__work_order", "outsource_supplier")


def decision_for_page(user, pk):
    if not user.has_perm("rush.view_delaydecision"):
        raise Http404
    decision = _base().prefetch_related("events__actor").filter(pk=pk).first()
    if decision is None:
        raise Http404
    return decision


def option_rows(decision):
    """The options offered, in the order the form shows them, with their label."""
    rows = []
    for option in decision.facts.get("options", []):
        rows.append({**option, "label": DecisionOption(option["option"]).label,
                     "chosen": option["option"] == decision.chosen_option})
    return rows


def decision_list(status=""):
    qs = _base()
    if status in DecisionStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-id")


def pending_decisions():
    return list(_base().filter(status=DecisionStatus.PENDING).order_by("requested_at", "id")[:PENDING_ON_HOME])


def delays_to_decide(user):
    return list(MaterialDelay.objects.filter(status=MaterialDelayStatus.PENDING).exclude(created_by=user)
                .select_related("item", "created_by").order_by("created_at", "id")[:PENDING_ON_HOME])


def source_rows(source, kind):
    """Per rush order the exception or delay hits: its decisions (newest first) and whether one is pending."""
    field = "exception_report" if kind == "exception" else "material_delay"
    decisions = list(_base().filter(**{field: source}).order_by("-requested_at", "-id"))
    rows = []
    for order in source.affected_orders.filter(priority="rush").order_by("number"):
        mine = [decision for decision in decisions if decision.order_id == order.pk]
        rows.append({"order": order, "decisions": mine,
                     "pending": any(decision.status == DecisionStatus.PENDING for decision in mine)})
    return rows


def exception_report(pk):
    """The process exception `pk` (404 when unknown): the source of a decision request."""
    found = ExceptionReport.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def material_delay(pk):
    """The material delay `pk` (404 when unknown): the source of a decision request."""
    found = MaterialDelay.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
