"""Read-only figures over the other apps (reports may read everything): each role's home page."""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.roles import roles_of
from inventory.models import MaterialPrepSheet, PrepSheetStatus, PurchaseRequest, PurchaseRequestStatus
from inventory.prep_sheet_selectors import sheets_to_accept
from inventory.purchasing import PR_LIVE
from inventory.stock_warnings import open_warning_counts
from notices.selectors import home_counts as notice_counts
from orders import tallies
from orders.models import Order, OrderStatus, Priority
from planning.approval_selectors import awaiting_count
from planning.models import OPEN_WORK_ORDER_STATUSES, WorkCenter, WorkOrderOperation, WorkOrderStatus
from production.models import OPEN_EXCEPTION_STATUSES, ExceptionReport
from quality.models import QUEUE_STATUSES, Inspection
from settlement.selectors import finance_figures

from .dashboard import OPEN, day_bounds, today
from .models import SavedReport

S = OrderStatus


def home_figures(user):
    """The order counts by stage plus the queue cards of the user's roles (each only with its
    permission; one or two queries per card whatever the data size)."""
    by_status = tallies.counts_by_status()  # the maintained counts (orders.tallies), not a count over all orders
    stages = [{"status": value, "label": label, "count": by_status.get(value, 0)}
              for value, label in OrderStatus.choices]
    today_ = today()
    counts = _order_counts(user, today_, by_status)
    figures = {"stages": stages, **counts, "today": today_,
               "can_review": user.has_perm("orders.review_order"),
               "can_enter": user.has_perm("orders.add_order"),
               "can_plan": user.has_perm("orders.plan_order"),
               "can_ship": user.has_perm("orders.ship_order"),
               "can_dashboard": user.has_perm("reports.view_dashboard"),
               "can_reports": user.has_perm("reports.view_reports")}
    if user.has_perm("inventory.issue_materialprepsheet"):
        figures.update(_warehouse_figures())
    if user.has_perm("inventory.view_stockwarning"):
        figures["warning_counts"] = open_warning_counts()
    if user.has_perm("inventory.approve_purchaserequest") or user.has_perm("inventory.add_purchaserequest"):
        figures.update(_purchase_request_figures(user))
    if user.has_perm("inventory.accept_materialprepsheet"):
        figures.update(_acceptance_figures())
    if user.has_perm("orders.produce_order") or user.has_perm("production.view_exceptionreport"):
        figures.update(_production_figures(today_, user))
    if user.has_perm("quality.record_inspection"):
        figures.update(_quality_figures())
    if user.has_perm("planning.approve_plansubmission"):
        figures["plans_to_approve"] = awaiting_count(user)
    if user.has_perm("notices.add_compensation") or user.has_perm("notices.approve_compensation"):
        figures["customer_service"] = notice_counts(user)  # 客服: delays, compensation, messages, complaints
    if user.has_perm("settlement.record_payment"):
        figures.update(finance_figures(today_))  # the finance section (财务): receivables, overdue, to invoice
    return figures



def _order_counts(user, today_, by_status):
    """The queue cards: stage counts from the maintained tallies; the user's own drafts and the late
    open orders (which depend on the user and on today) from indexed queries."""
    return {"my_drafts": Order.objects.filter(created_by=user, status__in=[S.DRAFT, S.REJECTED]).count(),
            "late": Order.objects.annotate(due=Coalesce("promised_date", "requested_date"))
            .filter(status__in=OPEN, due__lt=today_).count(),
            "rush_open": tallies.count(priority=Priority.RUSH,
                                                 exclude_statuses=[S.CLOSED, S.CANCELLED, S.DELIVERED]),
            "to_review": by_status.get(S.SUBMITTED, 0), "to_plan": by_status.get(S.APPROVED, 0),
            "to_ship": by_status.get(S.QC_PASSED, 0)}


def _warehouse_figures():
    """Sheets to prepare: planned orders without an open or accepted prep sheet, and sheets still to
    issue; shortages: live purchase requests (raised for short material) and open material delays."""
    live_sheet = MaterialPrepSheet.objects.filter(order_id=OuterRef("pk")).exclude(status=PrepSheetStatus.CANCELLED)
    return {
        "show_warehouse": True,
        "sheets_to_prepare": Order.objects.filter(status=S.PLANNED).filter(~Exists(live_sheet)).count(),
        "sheets_to_issue": MaterialPrepSheet.objects.filter(
            status__in=[PrepSheetStatus.DRAFT, PrepSheetStatus.PARTIALLY_ISSUED]).count(),
        "shortages": PurchaseRequest.objects.filter(status__in=PR_LIVE).count(),
    }


def _purchase_request_figures(user):
    """Open purchase requests: for planners and managers a queue to approve, for the warehouse that raised
    them what waits for the planner (so nobody waits for the wrong person)."""
    waiting = PurchaseRequest.objects.filter(status=PurchaseRequestStatus.OPEN).count()
    if user.has_perm("inventory.approve_purchaserequest"):
        return {"requests_to_approve": waiting}
    return {"requests_awaiting_planner": waiting}


def _acceptance_figures():
    return {"sheets_to_accept": sheets_to_accept().count()}


def _production_figures(today_, user):
    start, end = day_bounds(today_)
    figures = {"show_production": True}
    if user.has_perm("orders.produce_order"):
        figures["operations_today"] = WorkOrderOperation.objects.filter(
            planned_start__lt=end, planned_end__gt=start,
            status__in=[s for s in OPEN_WORK_ORDER_STATUSES if s != WorkOrderStatus.CANCELLED],
            work_order__status__in=OPEN_WORK_ORDER_STATUSES).count()
    if user.has_perm("production.view_exceptionreport"):
        figures["open_exceptions"] = ExceptionReport.objects.filter(status__in=OPEN_EXCEPTION_STATUSES).count()
    return figures


def _quality_figures():
    return {"show_quality": True, "to_inspect": Inspection.objects.filter(status__in=QUEUE_STATUSES).count()}



def saved_reports_for(user):
    """The custom reports a user may run: their own and those shared with one of their roles."""
    if not user.has_perm("reports.view_savedreport"):
        return SavedReport.objects.none()
    return (SavedReport.objects.filter(Q(owner=user) | Q(shared_with_role__in=roles_of(user)))
            .select_related("owner").order_by("name", "id"))


def saved_report(user, pk):
    return get_object_or_404(saved_reports_for(user), pk=pk)


def work_center_by_code(code):
    """The work center a drill-down names, or None."""
    return WorkCenter.objects.filter(code=code).first()
