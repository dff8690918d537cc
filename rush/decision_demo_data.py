"""Demo rows for seed 003's forms and the general manager's decisions (part of `manage.py seed_rush_demo`): on an
open rush order with planned work, a process exception on its first open operation and a decision request
to the general manager's office with every option (overtime tomorrow evening on the operation's work
center, the operation to an outside supplier, a new date three days later); and a material delay request
waiting for the PMC head. Made through the services, as people would. Safe to run again (nothing is added
once a decision exists)."""

from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from inventory import material_delays
from inventory.models import Item, MaterialDelay, MaterialDelayStatus, Supplier
from orders.models import Order, OrderStatus
from planning.models import OPEN_WORK_ORDER_STATUSES, WorkOrderOperation
from production.exception_reports import report_exception

from . import decisions
from .models import DelayDecision

OPEN = [OrderStatus.PLANNED, OrderStatus.MATERIALS_READY, OrderStatus.IN_PRODUCTION]


def _user(role):
    return get_user_model().objects.filter(groups__name=role, is_active=True).order_by("pk").first()


def seed_decision_demo():
    summary = {"decisions": 0, "delays": 0}
    if DelayDecision.objects.exists():
        return summary
    planner, production = _user("planner"), _user("production")
    operation = (WorkOrderOperation.objects.filter(work_order__order__priority="rush",
                                                   work_order__order__status__in=OPEN,
                                                   status__in=OPEN_WORK_ORDER_STATUSES, planned_end__isnull=False)
                 .select_related("work_order__order", "work_center").order_by("planned_start").first())
    if operation is not None and planner and production:
        order = Order.objects.get(pk=operation.work_order.order_id)
        report = report_exception(actor=production, type="tooling", work_center=operation.work_center,
                                  operation=operation, severity="high",
                                  description="冲压模具崩刃，需修模约一天 The die chipped: about a day to repair.")
        tomorrow = timezone.localdate() + timedelta(days=1)
        due = order.promised_date or order.requested_date
        supplier = Supplier.objects.filter(is_active=True).order_by("code").first()
        decisions.request_delay_decision(
            actor=planner, order=order, exception_report=report,
            situation=("模具修复需一天，急单交期受影响，请总经办批示。 "
                       "The die repair takes a day; the rush date is at risk."),
            overtime=(operation.work_center, tomorrow, time(18, 0), time(21, 0)),
            outsource=(operation, supplier, Decimal("1800.00"), "CNY") if supplier else None,
            proposed_date=max(due, tomorrow) + timedelta(days=3))
        summary["decisions"] = 1
    warehouse = _user("warehouse")
    item = Item.objects.filter(item_type="raw_material").order_by("code").first()
    if warehouse and item and not MaterialDelay.objects.filter(status=MaterialDelayStatus.PENDING).exists():
        material_delays.record_material_delay(actor=warehouse, item=item,
                                              new_expected_date=timezone.localdate() + timedelta(days=6),
                                              reason="供应商设备故障，交期推迟 The supplier's press broke down.")
        summary["delays"] = 1
    return summary
