"""Reads for the rush pages: requests a user may see, one request with everything its page shows, the
rush board (every open rush order with its stage, progress, next step, predicted finish) and the rush
report. Each costs a fixed number of queries."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db.models import Count, Max, Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import role_label
from orders.models import Order, OrderEvent, OrderStatus, Priority
from planning.models import WorkOrderOperation, WorkOrderStatus

from .models import RushEvent, RushRequest, RushReview, RushStatus

S = OrderStatus
# What happens next to an open order, and which role does it.
NEXT_STEP = {
    S.DRAFT: (_("Submit the order"), "sales"),
    S.SUBMITTED: (_("Review the order"), "order_desk"),
    S.APPROVED: (_("Plan and release"), "planner"),
    S.PLANNED: (_("Prepare and issue the materials"), "warehouse"),
    S.MATERIALS_READY: (_("Start production"), "production"),
    S.IN_PRODUCTION: (_("Finish production"), "production"),
    S.AWAITING_QC: (_("Inspect"), "qc"),
    S.QC_PASSED: (_("Ship"), "shipping"),
    S.ON_HOLD: (_("Resume the order"), "order_desk"),
}
BOARD_STATUSES = list(NEXT_STEP)


def requests_visible_to(user):
    if not user.has_perm("rush.view_rushrequest"):
        return RushRequest.objects.none()
    return RushRequest.objects.all()


def request_for_page(user, pk):
    return (requests_visible_to(user).select_related("order__customer", "requested_by", "decided_by")
            .prefetch_related(Prefetch("reviews", queryset=RushReview.objects.select_related("reviewer")),
                              Prefetch("events", queryset=RushEvent.objects.select_related("actor")))
            .get(pk=pk))


def requests_of_order(order):
    return (RushRequest.objects.filter(order=order).select_related("requested_by", "decided_by")
            .prefetch_related("reviews").order_by("-requested_at"))


def open_requests():
    return (RushRequest.objects.filter(status=RushStatus.REQUESTED).select_related("order__customer", "requested_by")
            .prefetch_related("reviews").order_by("requested_date", "requested_at"))


@dataclass
class BoardRow:
    order: Order
    total_operations: int
    done_operations: int
    predicted_finish: datetime | None
    next_step: str
    owner_role: str
    # Display strings, prepared once per page in board_rows: per-row template filters, lazy labels and
    # get_status_display() were most of the page's time with a few hundred rush orders open.
    status_label: str = ""
    owner_label: str = ""
    url: str = ""
    predicted_text: str = ""
    due_text: str = ""

    @property
    def due(self) -> date:
        return self.order.promised_date or self.order.requested_date

    @property
    def progress_percent(self):
        return round(100 * self.done_operations / self.total_operations) if self.total_operations else 0

    @cached_property
    def predicted_day(self):
        return timezone.localdate(self.predicted_finish) if self.predicted_finish else None

    @cached_property
    def late_days(self):
        """Days the predicted finish is after the due date (0 when on time or not predicted)."""
        if self.predicted_day is None:
            return 0
        return max(0, (self.predicted_day - self.due).days)

    @property
    def predicted_late(self):
        return self.late_days > 0


def board_orders():
    """The open rush orders, the most urgent due date first (the board pages through them by keyset)."""
    return (Order.objects.filter(priority=Priority.RUSH, status__in=BOARD_STATUSES)
            .select_related("customer").annotate(due_on=Coalesce("promised_date", "requested_date"))
            .order_by("due_on", "number")
            .only("number", "status", "priority", "at_risk", "at_risk_reason", "promised_date", "requested_date",
                  "customer__code", "customer__name"))


def board_rows(orders=None):
    """The board's rows for `orders` (a page of board_orders(); all of them when None)."""
    orders = list(board_orders() if orders is None else orders)
    progress = {row["work_order__order"]: row for row in (
        WorkOrderOperation.objects.filter(work_order__order__in=[o.pk for o in orders])
        .exclude(work_order__status=WorkOrderStatus.CANCELLED).values("work_order__order")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=WorkOrderStatus.DONE)),
                  finish=Max("planned_end", filter=~Q(status=WorkOrderStatus.DONE))))}
    status_labels = {value: str(label) for value, label in S.choices}
    steps = {status: (str(step), role, str(role_label(role))) for status, (step, role) in NEXT_STEP.items()}
    tz = timezone.get_current_timezone()
    datetime_format = formats.get_format("SHORT_DATETIME_FORMAT")
    date_format = formats.get_format("SHORT_DATE_FORMAT")
    # The order page's address split around a placeholder pk: one reverse() for the page, not one per row.
    detail_before, detail_after = reverse("orders:detail", args=[987654321]).split("987654321")
    rows = []
    for order in orders:
        numbers = progress.get(order.pk, {})
        step, role, owner = steps[order.status]
        finish = numbers.get("finish")
        row = BoardRow(order=order, total_operations=numbers.get("total", 0),
                       done_operations=numbers.get("done", 0), predicted_finish=finish,
                       next_step=step, owner_role=role, status_label=status_labels[order.status],
                       owner_label=owner, url=f"{detail_before}{order.pk}{detail_after}",
                       predicted_text=dateformat.format(finish.astimezone(tz), datetime_format) if finish else "—")
        row.due_text = dateformat.format(row.due, date_format)
        rows.append(row)
    return rows


@dataclass
class ReportRow:
    request: RushRequest
    review_hours: float | None
    delivered_on: date | None

    @property
    def on_time(self):
        if self.delivered_on is None or self.request.status != RushStatus.APPROVED:
            return None
        return self.delivered_on <= self.request.requested_date

    @property
    def moved_count(self):
        return self.request.decision_facts.get("schedule", {}).get("moved_count", 0)

    @property
    def delay_hours(self):
        minutes = self.request.decision_facts.get("schedule", {}).get("total_delay_minutes", 0)
        return round(minutes / 60, 1)


@dataclass
class RushReport:
    rows: list
    start: date
    end: date

    def _of(self, status):
        return [row for row in self.rows if row.request.status == status]

    @property
    def count(self):
        return len(self.rows)

    @property
    def approved(self):
        return len(self._of(RushStatus.APPROVED))

    @property
    def rejected(self):
        return len(self._of(RushStatus.REJECTED))

    @property
    def under_review(self):
        return len(self._of(RushStatus.REQUESTED))

    @property
    def median_review_hours(self):
        hours = [row.review_hours for row in self.rows if row.review_hours is not None]
        return round(statistics.median(hours), 1) if hours else None

    @property
    def on_time_percent(self):
        judged = [row.on_time for row in self.rows if row.on_time is not None]
        return round(100 * sum(judged) / len(judged)) if judged else None

    @property
    def delivered(self):
        return sum(1 for row in self.rows if row.on_time is not None)

    @property
    def orders_moved(self):
        return sum(row.moved_count for row in self.rows if row.request.status == RushStatus.APPROVED)

    @property
    def delay_caused_hours(self):
        return round(sum(row.delay_hours for row in self.rows if row.request.status == RushStatus.APPROVED), 1)


def rush_report(start, end):
    """The rush requests made from `start` to `end` (factory days, both included)."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    requests = list(RushRequest.objects.filter(requested_at__gte=since, requested_at__lt=until)
                    .select_related("order__customer", "requested_by", "decided_by").order_by("requested_at"))
    delivered = dict(OrderEvent.objects.filter(order__in=[r.order_id for r in requests], action="confirm_delivery")
                     .values("order").annotate(at=Max("created_at")).values_list("order", "at"))
    rows = []
    for request in requests:
        hours = ((request.decided_at - request.requested_at).total_seconds() / 3600 if request.decided_at else None)
        at = delivered.get(request.order_id)
        rows.append(ReportRow(request=request, review_hours=round(hours, 1) if hours is not None else None,
                              delivered_on=timezone.localdate(at) if at else None))
    return RushReport(rows=rows, start=start, end=end)


def report_table(start, end):
    """The rush report's rows as cells, for the CSV/XLSX export."""
    for row in rush_report(start, end).rows:
        r = row.request
        yield [r.number, r.order.number, r.order.customer.name, r.requested_date.isoformat(),
               timezone.localtime(r.requested_at).strftime("%Y-%m-%d %H:%M"), r.get_status_display(),
               row.review_hours, row.moved_count, row.delay_hours,
               row.delivered_on.isoformat() if row.delivered_on else "",
               "" if row.on_time is None else (_("yes") if row.on_time else _("no"))]
