"""The rush completion summary (seed 003 "数据反馈和总结：完成紧急订单后，PMC部门会将生产数据记录并汇总，包括生产
时间、资源使用情况、质量状况等"; issue 17.9), made once a rush order is delivered (beat task
rush.tasks.summarize_rush_orders, or the "Make the summary" button on its page) and kept as a RushSummary:

- time in each stage, from the order's events (first time it reached the stage's start, last time it
  reached its end, so rework counts in production); production also against its plan (the planned start
  and end of its operations), and the whole order from approval against its due date (promised, else
  requested);
- resources: per work center, the running time of its operations from the shop-floor logs (start/resume
  to pause/complete) and the operators who logged them; overtime = the part of that running time inside
  the overtime windows recorded on the work center's calendar;
- quality: first-pass yield (of each order line's first signed final inspection, the share that passed,
  as the dashboard counts it) and the order's NCRs;
- the delay it caused other orders: the rush review's impact at the decision (orders moved, minutes);
- the cost of expediting, from what OrderFlow records, in two parts: overtime hours × RUSH_OVERTIME_RATE
  (setting, in RUSH_OVERTIME_CURRENCY), and the outsourcing the general manager's office decided on the order
  (rush.decisions: the supplier's price and currency given with the request). The total adds the
  outsourcing priced in the overtime currency; outsourcing priced in another currency is listed and summed
  per currency apart (money is never converted). Express freight is not recorded in OrderFlow, so it is not
  counted; the summary says so.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderEvent, OrderStatus, Priority
from planning.models import CalendarException, ExceptionKind, WorkOrderOperation
from production.models import OperationAction, OperationLog
from quality.models import Inspection, InspectionSource, InspectionStatus
from quality.ncr_models import Nonconformance

from .models import DecisionOption, DecisionStatus, DelayDecision, RushRequest, RushStatus, RushSummary

S = OrderStatus
# (key, from status, to status)
STAGES = [("planning", S.APPROVED, S.PLANNED), ("materials", S.PLANNED, S.MATERIALS_READY),
          ("production", S.MATERIALS_READY, S.AWAITING_QC), ("quality", S.AWAITING_QC, S.QC_PASSED),
          ("shipping", S.QC_PASSED, S.SHIPPED), ("delivery", S.SHIPPED, S.DELIVERED)]
RUNNING = {OperationAction.START, OperationAction.RESUME}
STOPPING = {OperationAction.PAUSE, OperationAction.COMPLETE}


def _minutes(start, end):
    if start is None or end is None:
        return None
    return max(int((end - start).total_seconds() // 60), 0)


def _reached(order):
    first, last = {}, {}
    for status, when in (OrderEvent.objects.filter(order=order).exclude(to_status="")
                         .order_by("created_at", "id").values_list("to_status", "created_at")):
        first.setdefault(status, when)
        last[status] = when
    return first, last


def _stages(order, first, last, operations):
    rows = []
    for key, start, end in STAGES:
        rows.append({"stage": key, "start": first.get(start), "end": last.get(end),
                     "minutes": _minutes(first.get(start), last.get(end)), "planned_minutes": None})
    planned = [(op.planned_start, op.planned_end) for op in operations if op.planned_start and op.planned_end]
    if planned:
        rows[2]["planned_minutes"] = _minutes(min(s for s, _e in planned), max(e for _s, e in planned))
    return rows


def _running_intervals(logs):
    """{operation id: [(start, end)]} of the time each operation ran, from its logs."""
    intervals, since = defaultdict(list), {}
    for log in logs:
        if log.action in RUNNING:
            since.setdefault(log.operation_id, log.created_at)
        elif log.action in STOPPING and log.operation_id in since:
            intervals[log.operation_id].append((since.pop(log.operation_id), log.created_at))
    return intervals


def _overtime_windows(calendar_ids, start, end):
    """{calendar id: [(start, end)]} of the overtime recorded on those calendars between start and end."""
    tz = ZoneInfo(settings.TIME_ZONE)
    windows = defaultdict(list)
    for exception in (CalendarException.objects.filter(
            calendar_id__in=calendar_ids, kind=ExceptionKind.OVERTIME,
            date__gte=timezone.localdate(start) - timedelta(days=1), date__lte=timezone.localdate(end))
            .select_related("calendar")):
        zone = ZoneInfo(exception.calendar.time_zone) if exception.calendar.time_zone else tz
        begin = datetime.combine(exception.date, exception.start, tzinfo=zone)
        finish = datetime.combine(exception.date, exception.end, tzinfo=zone)
        if finish <= begin:
            finish += timedelta(days=1)
        windows[exception.calendar_id].append((begin, finish))
    return windows


def _overlap(a, b):
    return max(int((min(a[1], b[1]) - max(a[0], b[0])).total_seconds() // 60), 0)


def _resources(operations):
    logs = list(OperationLog.objects.filter(operation__in=operations).order_by("created_at", "id"))
    intervals = _running_intervals(logs)
    by_op = {op.pk: op for op in operations}
    all_pieces = [piece for pieces in intervals.values() for piece in pieces]
    windows = (_overtime_windows({op.work_center.calendar_id for op in operations},
                                 min(p[0] for p in all_pieces), max(p[1] for p in all_pieces))
               if all_pieces else {})
    centers = {}
    for op_id, pieces in intervals.items():
        op = by_op[op_id]
        row = centers.setdefault(op.work_center.code, {"code": op.work_center.code, "name": op.work_center.name,
                                                       "minutes": 0, "overtime_minutes": 0, "operators": set()})
        for piece in pieces:
            row["minutes"] += _minutes(*piece)
            row["overtime_minutes"] += sum(_overlap(piece, w) for w in windows.get(op.work_center.calendar_id, []))
    people = defaultdict(set)
    for log in logs:
        people[by_op[log.operation_id].work_center.code].add(log.actor_id)
    for code, row in centers.items():
        row["operators"] = len(people[code])
    operators = len({log.actor_id for log in logs})
    return sorted(centers.values(), key=lambda r: r["code"]), operators


def _quality(order):
    finished = Inspection.objects.filter(order=order, source=InspectionSource.PRODUCTION, signed_at__isnull=False,
                                         status__in=[InspectionStatus.PASSED, InspectionStatus.FAILED])
    first = {}
    for inspection in finished.order_by("signed_at", "id"):
        first.setdefault(inspection.order_line_id, inspection)
    passed = sum(1 for i in first.values() if i.status == InspectionStatus.PASSED)
    fpy = (Decimal(passed * 100) / len(first)).quantize(Decimal("0.1"), ROUND_HALF_UP) if first else None
    ncrs = list(Nonconformance.objects.filter(order=order).order_by("created_at").values_list("number", flat=True))
    return {"first_inspections": len(first), "first_passed": passed, "fpy": fpy, "ncrs": ncrs}


def _impact(order):
    request = (RushRequest.objects.filter(order=order, status=RushStatus.APPROVED).order_by("-decided_at").first())
    schedule = (request.decision_facts or request.facts).get("schedule", {}) if request else {}
    moves = [{"order": m.get("order"), "delay_minutes": m.get("delay_minutes") or 0,
              "becomes_late": bool(m.get("becomes_late"))} for m in schedule.get("moves", [])]
    return {"request": request.number if request else "", "moved": schedule.get("moved_count", len(moves)),
            "delay_minutes": schedule.get("total_delay_minutes", sum(m["delay_minutes"] for m in moves)),
            "newly_late": schedule.get("newly_late_count", 0), "moves": moves}


def _outsourcing(order):
    """The outsourcing decided on `order` (decision requests to the general manager's office), oldest first."""
    decided = (DelayDecision.objects.filter(order=order, status=DecisionStatus.DECIDED,
                                            chosen_option=DecisionOption.OUTSOURCE)
               .select_related("outsource_supplier", "outsource_operation__work_order").order_by("decided_at", "pk"))
    return [{"decision": d.number, "supplier": d.outsource_supplier.name if d.outsource_supplier else "",
             "operation": (f"{d.outsource_operation.work_order.number} #{d.outsource_operation.sequence}"
                           if d.outsource_operation else ""),
             "cost": d.outsource_cost, "currency": d.outsource_currency} for d in decided]


def _cost(overtime_minutes, outsourcing):
    rate = Decimal(str(settings.RUSH_OVERTIME_RATE))
    currency = settings.RUSH_OVERTIME_CURRENCY
    overtime = (Decimal(overtime_minutes) / 60 * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    same = sum((row["cost"] for row in outsourcing if row["cost"] is not None and row["currency"] == currency),
               Decimal("0.00"))
    others = defaultdict(Decimal)
    for row in outsourcing:
        if row["cost"] is not None and row["currency"] != currency:
            others[row["currency"]] += row["cost"]
    return {"overtime_hours": Decimal(overtime_minutes) / 60, "rate": rate, "currency": currency,
            "overtime": overtime, "outsourcing": same, "outsourcing_rows": outsourcing,
            "outsourcing_other_currencies": [{"currency": c, "amount": a} for c, a in sorted(others.items())],
            "total": overtime + same}


def compute(order):
    """The figures of `order`'s completion summary (not stored)."""
    first, last = _reached(order)
    delivered_at = first.get(S.DELIVERED)
    operations = list(WorkOrderOperation.objects.filter(work_order__order=order)
                      .select_related("work_center"))
    centers, operators = _resources(operations)
    quality = _quality(order)
    overtime = sum(row["overtime_minutes"] for row in centers)
    due = order.promised_date or order.requested_date
    delivered_on = timezone.localdate(delivered_at) if delivered_at else None
    return {
        "due_date": due, "delivered_on": delivered_on,
        "days_late": (delivered_on - due).days if delivered_on else None,
        "approved_at": first.get(S.APPROVED), "delivered_at": delivered_at,
        "total_minutes": _minutes(first.get(S.APPROVED), delivered_at),
        "stages": _stages(order, first, last, operations),
        "centers": centers, "operators": operators,
        "work_minutes": sum(row["minutes"] for row in centers), "overtime_minutes": overtime,
        "quality": quality, "impact": _impact(order),
        "cost": _cost(overtime, _outsourcing(order)),
    }


def _json(figures):
    """The figures for the JSON column: times and dates as ISO text, decimals as strings."""
    def convert(value):
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [convert(item) for item in value]
        if isinstance(value, datetime):
            return timezone.localtime(value).isoformat()
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value
    return convert(figures)


def make_summary(order):
    """Make (or make again) the summary of a delivered rush order."""
    if not order.is_rush or order.status not in (S.DELIVERED, S.CLOSED):
        raise ValidationError(_("A completion summary is made for a rush order once it is delivered."))
    figures = compute(order)
    if figures["delivered_on"] is None:
        raise ValidationError(_("A completion summary is made for a rush order once it is delivered."))
    with transaction.atomic():
        summary, _made = RushSummary.objects.update_or_create(order=order, defaults={
            "due_date": figures["due_date"], "delivered_on": figures["delivered_on"],
            "days_late": figures["days_late"], "work_minutes": figures["work_minutes"],
            "operators": figures["operators"], "overtime_minutes": figures["overtime_minutes"],
            "first_pass_yield": figures["quality"]["fpy"], "ncr_count": len(figures["quality"]["ncrs"]),
            "orders_delayed": figures["impact"]["moved"], "delay_minutes": figures["impact"]["delay_minutes"],
            "expedite_cost": figures["cost"]["total"], "currency": figures["cost"]["currency"],
            "figures": _json(figures), "made_at": timezone.now()})
    return summary


def summarize_delivered_rush_orders():
    """Make the summary of every delivered rush order that has none; returns how many were made."""
    summarised = RushSummary.objects.filter(order=OuterRef("pk"))
    pending = Order.objects.filter(priority=Priority.RUSH, status__in=[S.DELIVERED, S.CLOSED]).filter(
        ~Exists(summarised))
    made = 0
    for order in pending[:200]:
        make_summary(order)
        made += 1
    return made


def summary_of(order):
    """The stored summary of `order`, or None (its page)."""
    return RushSummary.objects.filter(order=order).first()
