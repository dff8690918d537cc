"""The facts a rush review starts from, gathered by the system so that nobody argues from memory:

- schedule: the earliest the order can be finished as a rush order, and which other orders finish later,
  by how much, and which become late (planning.rush_impact);
- materials: what the order still needs from stock, what is short and when purchase orders cover it
  (inventory.requirements);
- QC: the inspections waiting in the QC queue (rush ones among them) and the inspectors there are.

Stored as JSON on the request (at the request and again at the decision), so the record shows what was
known when it was judged, whatever changed since.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from inventory.requirements import order_requirements
from planning.rush_impact import rush_impact
from quality.models import QUEUE_STATUSES, Inspection
from systemtext.text import Text, to_json

MAX_MOVES = 50  # the most delayed first; the count of all is kept


def _day(value):
    return value.isoformat() if value else None


def _number(value):
    return format(value.normalize(), "f") if value is not None else None


def schedule_facts(order, requested_date, now):
    impact = rush_impact(order, requested_date=requested_date, now=now)
    moves = [{"order": move.number, "customer": move.customer, "rush": move.rush,
              "old_finish": timezone.localtime(move.old_finish).isoformat(timespec="minutes"),
              "new_finish": timezone.localtime(move.new_finish).isoformat(timespec="minutes"),
              "delay_minutes": move.delay_minutes, "becomes_late": move.becomes_late}
             for move in impact.moves]
    return {
        # Texts (planning.rush_impact) stay message id + values; the promise's own reasons are text already.
        "reasons": [to_json(reason) if isinstance(reason, Text) else str(reason) for reason in impact.reasons],
        "earliest_date": _day(impact.earliest_date),
        "finish": timezone.localtime(impact.finish).isoformat(timespec="minutes") if impact.finish else None,
        "meets_requested": bool(impact.ok and impact.earliest_date and impact.earliest_date <= requested_date),
        "moves": moves[:MAX_MOVES],
        "moved_count": len(moves),
        "newly_late_count": sum(1 for move in moves if move["becomes_late"]),
        "total_delay_minutes": sum(move["delay_minutes"] for move in moves),
        # The rush is inserted into the stored plan: how few operations of other orders it moves.
        "moved_operations": impact.moved_operations,
        "operations": impact.operations,
    }


def material_facts(order):
    requirements = order_requirements(order)
    shortages = [{"item": c.item.code, "name": c.item.name, "unit": c.item.unit, "required": _number(c.required),
                  "available": _number(c.available), "short": _number(c.shortage), "covered_on": _day(c.covered_on),
                  "lead_days": c.item.purchase_lead_time_days}
                 for c in requirements.shortages]
    return {"errors": [str(error) for error in requirements.errors], "components": len(requirements.components),
            "shortages": shortages, "ready": requirements.is_ready, "covered_on": _day(requirements.covered_on)}


def quality_facts():
    waiting = Inspection.objects.filter(status__in=QUEUE_STATUSES)
    inspectors = get_user_model().objects.filter(is_active=True, groups__name="qc").count()
    return {"waiting": waiting.count(), "rush_waiting": waiting.filter(order__priority="rush").count(),
            "inspectors": inspectors}


def gather(order, requested_date, *, now=None):
    now = now or timezone.now()
    return {"gathered_at": timezone.localtime(now).isoformat(timespec="minutes"),
            "schedule": schedule_facts(order, requested_date, now), "materials": material_facts(order),
            "quality": quality_facts()}
