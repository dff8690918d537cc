"""What the optimisation pages read: the runs a planner may see, and a done run's proposal beside the plan
it started from (figures, the orders whose finish changes, and two small Gantt charts). The runs are
requested, computed, applied and discarded in planning.optimisation.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Priority

from . import gantt
from .models import OptimisationRun, WorkOrderOperation
from .optimisation import IN_FLIGHT, PERMISSION, PROPOSAL_VALID_FOR, RS, Figures, open_work_basis
from .plan_selectors import duration_text
from .plans import open_work
from .scheduling.compiled import natural_key


def recent_runs(user):
    """The runs, newest first, with who requested and decided them (one query per page)."""
    if not user.has_perm(PERMISSION):
        return OptimisationRun.objects.none()
    return OptimisationRun.objects.select_related("requested_by", "decided_by").defer("proposal").order_by(
        "-created_at", "-id")


def run_detail(user, pk):
    qs = OptimisationRun.objects.select_related("requested_by", "decided_by")
    return get_object_or_404(qs if user.has_perm(PERMISSION) else qs.none(), pk=pk)


def has_run_in_flight():
    return OptimisationRun.objects.filter(status__in=IN_FLIGHT).exists()


@dataclass(frozen=True)
class OrderChange:
    order_id: int
    number: str
    rush: bool
    current_finish: datetime
    proposed_finish: datetime
    current_lateness: int
    proposed_lateness: int

    @property
    def delta_minutes(self):
        return round((self.proposed_finish - self.current_finish).total_seconds() / 60)

    @property
    def delta_text(self):
        """"+2 h" (later) or "−30 min" (earlier)."""
        return ("+" if self.delta_minutes > 0 else "−") + duration_text(abs(self.delta_minutes))

    @property
    def late_before_text(self):
        return duration_text(self.current_lateness) if self.late_before else ""

    @property
    def late_after_text(self):
        return duration_text(self.proposed_lateness) if self.late_after else ""

    @property
    def late_before(self):
        return self.current_lateness > 0

    @property
    def late_after(self):
        return self.proposed_lateness > 0


@dataclass
class RunReview:
    """A done run's proposal beside the plan it started from, as the run page shows it."""

    current: Figures
    proposed: Figures
    changed_orders: list
    moved_operations: int
    solver: dict
    start: datetime
    better: bool
    stale: bool  # the live open work no longer matches the basis
    expired: bool

    @property
    def can_apply(self):
        return self.better and not self.stale and not self.expired


def run_review(run, now=None):
    """The comparison for a run with a proposal (None before): figures, the orders whose finish changes
    (rush first, then the largest change), and whether it can still be applied. Five queries for the live
    basis."""
    proposal = run.proposal or {}
    if not proposal.get("operations") and not proposal.get("orders"):
        return None
    now = now or timezone.now()
    current, proposed = Figures.from_json(proposal["current"]), Figures.from_json(proposal["proposed"])
    changes = [OrderChange(order_id=row["id"], number=row["number"], rush=row["rush"],
                           current_finish=datetime.fromisoformat(row["current_finish"]),
                           proposed_finish=datetime.fromisoformat(row["proposed_finish"]),
                           current_lateness=row["current_lateness"], proposed_lateness=row["proposed_lateness"])
               for row in proposal.get("orders", [])]
    changes = [change for change in changes if change.delta_minutes]
    changes.sort(key=lambda change: (not change.rush, -abs(change.delta_minutes), natural_key(change.number)))
    moved = sum(1 for row in proposal.get("operations", [])
                if (row["center"], row["unit"], row["start"], row["end"]) != (
                    row["was"]["center"], row["was"]["unit"], row["was"]["start"], row["was"]["end"]))
    stale = run.status == RS.DONE and open_work_basis(open_work()) != run.basis
    expired = run.finished_at is not None and run.finished_at < now - PROPOSAL_VALID_FOR
    return RunReview(current=current, proposed=proposed, changed_orders=changes, moved_operations=moved,
                     solver=proposal.get("solver", {}), start=datetime.fromisoformat(proposal["start"]),
                     better=proposed.key < current.key, stale=stale, expired=expired)


def comparison_charts(run, *, order_url):
    """Two small Gantt charts by work center over the days the run's operations cover: the plan it started
    from and its proposal (geometry for planning/_gantt_chart.html), or None without a proposal. One query
    for the operations' orders, items and descriptions; `order_url(order_id)` is each bar's link."""
    rows = (run.proposal or {}).get("operations") or []
    if not rows:
        return None
    details = {row["pk"]: row for row in WorkOrderOperation.objects.filter(pk__in=[r["id"] for r in rows]).values(
        "pk", "description", "locked", "work_order__order_id", "work_order__order__number",
        "work_order__order__priority", "work_order__order__customer__name", "work_order__item__code",
        "work_order__item__name")}
    late = {side: {row["id"]: row[f"{side}_lateness"] > 0 for row in run.proposal.get("orders", [])}
            for side in ("current", "proposed")}
    tz = timezone.get_default_timezone()

    def operations(side):
        for row in rows:
            place, found = (row["was"] if side == "current" else row), details.get(row["id"])
            if found is None:  # the operation was removed since the run
                continue
            order_id = found["work_order__order_id"]
            yield gantt.GanttOperation(
                order_id=order_id, order_number=found["work_order__order__number"],
                customer_name=found["work_order__order__customer__name"], work_order_number=row["work_order"],
                item_code=found["work_order__item__code"], item_name=found["work_order__item__name"],
                sequence=row["sequence"], description=found["description"], center_code=place["center"],
                unit=place["unit"], start=datetime.fromisoformat(place["start"]),
                end=datetime.fromisoformat(place["end"]), rush=found["work_order__order__priority"] == Priority.RUSH,
                late=late[side].get(order_id, False), locked=found["locked"], operation_id=row["id"])

    charts = {side: list(operations(side)) for side in ("current", "proposed")}
    moments = [moment for ops in charts.values() for op in ops for moment in (op.start, op.end)]
    if not moments:
        return None
    first, last = min(moments).astimezone(tz).date(), max(moments).astimezone(tz).date() + timedelta(days=1)
    window = gantt.Window(datetime.combine(first, datetime.min.time(), tzinfo=tz),
                          datetime.combine(last, datetime.min.time(), tzinfo=tz),
                          gantt.WEEK if (last - first).days <= 14 else gantt.MONTH)
    titles = {"current": _("Current plan"), "proposed": _("Proposal")}
    return {side: {"drawing": gantt.drawing(gantt.layout(ops, window, group_by=gantt.BY_CENTER, now=timezone.now(),
                                                         tz=tz, order_url=order_url)), "title": titles[side]}
            for side, ops in charts.items()}
