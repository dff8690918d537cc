"""Planning master data: work calendars, work centers and routings.

Conventions (shared with the scheduler in planning.scheduling):
- Times of an operation are Decimal minutes with three decimals (a run time of 0.125 min per unit
  is 7.5 seconds): setup (once per batch, >= 0), run per unit (> 0) and the minimum transfer/wait
  time before the next operation may start (>= 0, elapsed calendar time: cooling and transport go
  on at night).
- A calendar's shifts are local times in the calendar's time zone (the factory's TIME_ZONE by
  default). A shift whose end is before its start runs past midnight into the next day (22:00–06:00
  on Monday is Monday night); a shift cannot end when it starts. Shifts of a calendar may not
  overlap, counting the ones that run past midnight.
- Exceptions on a date: a holiday removes that day's shifts; a closure removes the day (no times)
  or the hours from start to end (a partial closure); overtime adds working time from start to end
  (it counts even on a holiday; a closure wins over everything).
- A calendar is said to have working time when it has at least one weekly shift. A work center
  can only be given a calendar with working time, and the last shift of a calendar that work
  centers use cannot be removed (planning.services).
- A routing is an ordered list of operations (by sequence number): each operation follows the one
  before it. Routings have no predecessor links, so a routing cannot contain a cycle. Routings are
  versioned like BOMs: saving writes a new active version, earlier ones are kept.
"""

from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from history.models import Event
from inventory.models import Item
from orders.models import MONEY, QTY, Currency, Order, OrderLine
from systemtext.fields import StoredCharField, StoredTextField, TextValuesField

MINUTES = {"max_digits": 10, "decimal_places": 3}
PERCENT = {"max_digits": 5, "decimal_places": 2}
MIN_EFFICIENCY, MAX_EFFICIENCY = Decimal("1"), Decimal("200")


def default_time_zone():
    """The factory's time zone (settings.TIME_ZONE), read when a calendar is made, not frozen in a migration."""
    return settings.TIME_ZONE


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def minutes_of_day(value):
    return value.hour * 60 + value.minute


def window_minutes(start, end):
    """Length in minutes of a window from start to end; an end not after the start is the next day."""
    begin, finish = minutes_of_day(start), minutes_of_day(end)
    return finish - begin if finish > begin else finish + 24 * 60 - begin


class WorkCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone,
                                 help_text=_("Shift times are local times in this time zone."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("work calendar")
        verbose_name_plural = _("work calendars")

    def __str__(self):
        return self.name

    @property
    def weekly_hours(self):
        """Working hours in a normal week (uses prefetched shifts when there are)."""
        return Decimal(sum(shift.minutes for shift in self.shifts.all())) / 60


class CalendarShift(models.Model):
    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="shifts")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("An end before the start runs past midnight."))

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="shift_weekday_range"),
            models.CheckConstraint(condition=~Q(start=F("end")), name="shift_has_length"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def minutes(self):
        return window_minutes(self.start, self.end)

    @property
    def is_overnight(self):
        return self.end < self.start


class ExceptionKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no shifts that day)")
    CLOSURE = "closure", _("Closure (whole day or from start to end)")
    OVERTIME = "overtime", _("Overtime (extra working time)")


class CalendarException(models.Model):
    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    start = models.TimeField(_("start"), null=True, blank=True)
    end = models.TimeField(_("end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["calendar", "date", "start"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        constraints = [
            models.CheckConstraint(condition=Q(start__isnull=True, end__isnull=True)
                                   | Q(start__isnull=False, end__isnull=False),
                                   name="calendar_exception_times_paired"),
            models.CheckConstraint(condition=~Q(kind="overtime") | Q(start__isnull=False),
                                   name="calendar_exception_overtime_has_times"),
            models.CheckConstraint(condition=~Q(kind="holiday") | Q(start__isnull=True),
                                   name="calendar_exception_holiday_whole_day"),
            models.CheckConstraint(condition=Q(start__isnull=True) | ~Q(start=F("end")),
                                   name="calendar_exception_has_length"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"

    @property
    def is_whole_day(self):
        return self.start is None


class WorkCenter(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parallel_units = models.PositiveSmallIntegerField(
        _("parallel units"), default=1, help_text=_("Identical machines or crews that can work at the same time."))
    efficiency_percent = models.DecimalField(
        _("efficiency %"), **PERCENT, default=Decimal("100"),
        help_text=_("1 to 200. Run times are divided by it: at 80 % a run takes 1.25 times as long."))
    calendar = models.ForeignKey(WorkCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT,
                                 related_name="work_centers")
    cost_rate_per_hour = models.DecimalField(_("cost rate per hour"), **MONEY, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    is_active = models.BooleanField(_("active"), default=True)
    down_until = models.DateTimeField(_("down until"), null=True, blank=True,
                                      help_text=_("Out of order (e.g. a breakdown) until this time."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("work center")
        verbose_name_plural = _("work centers")
        permissions = [("import_workcenter", _("Can import work centers"))]
        constraints = [
            models.CheckConstraint(condition=Q(parallel_units__gte=1), name="work_center_units_positive"),
            models.CheckConstraint(condition=Q(efficiency_percent__gte=1) & Q(efficiency_percent__lte=200),
                                   name="work_center_efficiency_range"),
            models.CheckConstraint(condition=Q(cost_rate_per_hour__gte=0), name="work_center_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Routing(models.Model):
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="routings")
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("active"), default=False)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    note = StoredCharField(_("note"), max_length=300, blank=True)
    note_values = TextValuesField()
    max_batch_size = models.DecimalField(
        _("maximum batch size"), **QTY, null=True, blank=True,
        help_text=_("Planning splits a larger quantity into work orders (batches) of at most this size."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["item", "-version"]
        verbose_name = _("routing")
        verbose_name_plural = _("routings")
        permissions = [("import_routing", _("Can import routings"))]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="routing_version_unique"),
            models.UniqueConstraint(fields=["item"], condition=Q(is_active=True), name="routing_one_active_per_item"),
        ]

    def __str__(self):
        return f"{self.item.code} v{self.version}"


class RoutingOperation(models.Model):
    routing = models.ForeignKey(Routing, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveIntegerField(_("sequence"))
    work_center = models.ForeignKey(WorkCenter, verbose_name=_("work center"), on_delete=models.PROTECT,
                                    related_name="operations")
    alternative_work_center = models.ForeignKey(
        WorkCenter, verbose_name=_("alternative work center"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="alternative_operations")
    setup_minutes = models.DecimalField(_("setup (min)"), **MINUTES, default=Decimal("0"))
    run_minutes_per_unit = models.DecimalField(_("run per unit (min)"), **MINUTES)
    min_wait_minutes = models.DecimalField(
        _("minimum transfer/wait (min)"), **MINUTES, default=Decimal("0"),
        help_text=_("Calendar time before the next operation may start (cooling, drying, transport)."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    skill = models.ForeignKey("planning.Skill", verbose_name=_("skill"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="routing_operations")
    people_required = models.PositiveSmallIntegerField(
        _("people required"), default=0,
        help_text=_("People with the skill the operation needs besides its machine; 0: no people constraint."))

    class Meta:
        ordering = ["routing", "sequence"]
        verbose_name = _("routing operation")
        verbose_name_plural = _("routing operations")
        constraints = [
            models.UniqueConstraint(fields=["routing", "sequence"], name="routing_operation_sequence_unique"),
            models.CheckConstraint(condition=Q(sequence__gt=0), name="routing_operation_sequence_positive"),
            models.CheckConstraint(condition=Q(setup_minutes__gte=0), name="routing_operation_setup_not_negative"),
            models.CheckConstraint(condition=Q(run_minutes_per_unit__gt=0), name="routing_operation_run_positive"),
            models.CheckConstraint(condition=Q(min_wait_minutes__gte=0), name="routing_operation_wait_not_negative"),
            models.CheckConstraint(condition=~Q(alternative_work_center=F("work_center")),
                                   name="routing_operation_alternative_differs"),
            models.CheckConstraint(condition=Q(people_required=0) | Q(skill__isnull=False),
                                   name="routing_operation_people_need_a_skill"),
        ]

    def __str__(self):
        return f"{self.routing} #{self.sequence}"


# --- work orders -------------------------------------------------------------------------------
#
# A work order makes `quantity` of one item for one order: one per order line for the product's item,
# plus one per made-in-house component of its BOM (a sub-assembly work order, whose `parent` is the
# work order that consumes it; it must finish before the parent's first operation starts). Its
# operations are copied from the item's active routing when it is planned (planning.plans), so later
# routing changes do not move work that was already planned. Work orders are cancelled, never deleted.

class WorkOrderStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RELEASED = "released", _("Released")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


WO = WorkOrderStatus
OPEN_WORK_ORDER_STATUSES = [WO.PLANNED, WO.RELEASED, WO.IN_PROGRESS]


class WorkOrder(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("work order number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="work_orders")
    order_line = models.ForeignKey(OrderLine, verbose_name=_("order line"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="work_orders",
                                   help_text=_("Empty for a sub-assembly work order."))
    parent = models.ForeignKey("self", verbose_name=_("for work order"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="work_orders")
    quantity = models.DecimalField(_("quantity"), **QTY)
    batch_number = models.CharField(_("batch number"), max_length=40, blank=True)
    routing = models.ForeignKey(Routing, verbose_name=_("routing"), on_delete=models.PROTECT,
                                related_name="work_orders")
    earliest_start = models.DateTimeField(
        _("earliest start"), null=True, blank=True,
        help_text=_("When its bought materials can be in stock: the order's approval plus the longest purchase "
                    "lead time of the bought components."))
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    split_from = models.ForeignKey("self", verbose_name=_("split from"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="splits")
    status = fsm.FSMField(_("status"), max_length=20, choices=WorkOrderStatus.choices, default=WO.PLANNED,
                          protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="work_order_quantity_positive"),
        ]
        indexes = [models.Index(fields=["order", "status"], name="work_order_order_status")]

    def __str__(self):
        return self.number

    # Transitions declare source and target only; planning.plans does the work and writes the event.
    @fsm.transition(status, source=WO.PLANNED, target=WO.RELEASED)
    def release(self):
        pass

    @fsm.transition(status, source=WO.RELEASED, target=WO.IN_PROGRESS)
    def start(self):
        pass

    @fsm.transition(status, source=WO.IN_PROGRESS, target=WO.DONE)
    def finish(self):
        pass

    @fsm.transition(status, source=[WO.PLANNED, WO.RELEASED], target=WO.CANCELLED)
    def cancel(self):
        pass


class WorkOrderAction(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REPLANNED = "replanned", _("Re-planned")
    RELEASE = "release", _("Released")
    START = "start", _("Started")
    FINISH = "finish", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")
    QUANTITY_CHANGED = "quantity_changed", _("Quantity changed")
    OPERATION_MOVED = "operation_moved", _("Operation moved")
    WORK_CENTER_CHANGED = "work_center_changed", _("Work center changed")
    OPERATION_LOCKED = "operation_locked", _("Operation locked")
    OPERATION_UNLOCKED = "operation_unlocked", _("Operation unlocked")
    SPLIT = "split", _("Split")
    SPLIT_FROM = "split_from", _("Split off another work order")
    OPTIMISED = "optimised", _("Optimised schedule accepted")
    OUTSOURCED = "outsourced", _("Operation outsourced")


class WorkOrderEvent(Event):
    """Append-only log of a work order's status changes (who, when, from, to, why)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=WorkOrderAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=WorkOrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=WorkOrderStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")

    def __str__(self):
        return f"{self.work_order_id} {self.action}"


def _something_reported(operation):
    return operation.good_quantity + operation.scrap_quantity > 0


class WorkOrderOperation(fsm.FSMModelMixin, models.Model):
    """One routing step of a work order, with the times copied from the routing when it was planned and
    the scheduler's placement (work center, unit 0-based, start, end). A locked operation keeps its
    placement when the plan is recalculated."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveIntegerField(_("sequence"))
    routing_operation = models.ForeignKey(RoutingOperation, verbose_name=_("routing operation"), null=True,
                                          on_delete=models.SET_NULL, related_name="+")
    work_center = models.ForeignKey(WorkCenter, verbose_name=_("work center"), on_delete=models.PROTECT,
                                    related_name="work_order_operations")
    alternative_work_center = models.ForeignKey(
        WorkCenter, verbose_name=_("alternative work center"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="alternative_work_order_operations")
    setup_minutes = models.DecimalField(_("setup (min)"), **MINUTES, default=Decimal("0"))
    run_minutes_per_unit = models.DecimalField(_("run per unit (min)"), **MINUTES)
    min_wait_minutes = models.DecimalField(_("minimum transfer/wait (min)"), **MINUTES, default=Decimal("0"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    skill = models.ForeignKey("planning.Skill", verbose_name=_("skill"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="work_order_operations")
    people_required = models.PositiveSmallIntegerField(_("people required"), default=0)
    quantity = models.DecimalField(_("quantity"), **QTY)
    # Shop-floor progress (written by production/ services), read by the Gantt and the order page.
    good_quantity = models.DecimalField(_("good quantity"), **QTY, default=Decimal("0"))
    scrap_quantity = models.DecimalField(_("scrap quantity"), **QTY, default=Decimal("0"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    paused = models.BooleanField(_("paused"), default=False)
    planned_work_center = models.ForeignKey(WorkCenter, verbose_name=_("planned work center"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")
    planned_unit = models.PositiveSmallIntegerField(_("planned unit"), null=True, blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    status = fsm.FSMField(_("status"), max_length=20, choices=WorkOrderStatus.choices, default=WO.PLANNED,
                          protected=True, db_index=True)

    class Meta:
        ordering = ["work_order", "sequence"]
        verbose_name = _("work order operation")
        verbose_name_plural = _("work order operations")
        constraints = [
            models.UniqueConstraint(fields=["work_order", "sequence"], name="work_order_operation_sequence_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="work_order_operation_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.work_order_id} #{self.sequence}"

    # Released and cancelled with their work order, all its operations in one conditional UPDATE under the
    # work order's lock (config.transitions.take_in_update); started and finished one by one on the shop
    # floor (production.services, the row locked).
    @fsm.transition(status, source=WO.PLANNED, target=WO.RELEASED)
    def release(self):
        pass

    @fsm.transition(status, source=WO.RELEASED, target=WO.IN_PROGRESS, permission="orders.produce_order")
    def start(self):
        pass

    @fsm.transition(status, source=WO.IN_PROGRESS, target=WO.DONE, conditions=[_something_reported],
                    permission="orders.produce_order")
    def finish(self):
        pass

    @fsm.transition(status, source=[WO.PLANNED, WO.RELEASED], target=WO.CANCELLED)
    def cancel(self):
        pass


class OptimisationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


OS = OptimisationStatus
OPTIMISE = "orders.plan_order"


class OptimisationRun(fsm.ConcurrentTransitionMixin, models.Model):
    """One run of the CP-SAT optimiser over all open work (a Celery task). The proposal is kept as
    placements beside the schedule it started from; it is applied only when the planner accepts it
    and the open work has not changed since (`basis` fingerprint)."""

    status = fsm.FSMField(_("status"), max_length=12, choices=OptimisationStatus.choices,
                          default=OptimisationStatus.QUEUED, db_index=True, protected=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    time_limit_seconds = models.PositiveIntegerField(_("time limit (s)"), default=30)
    progress_percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    basis = models.CharField(_("basis"), max_length=64, blank=True)
    current_tardiness_minutes = models.BigIntegerField(_("current tardiness (min)"), null=True, blank=True)
    proposed_tardiness_minutes = models.BigIntegerField(_("proposed tardiness (min)"), null=True, blank=True)
    current_makespan_minutes = models.BigIntegerField(_("current makespan (min)"), null=True, blank=True)
    proposed_makespan_minutes = models.BigIntegerField(_("proposed makespan (min)"), null=True, blank=True)
    proposal = models.JSONField(_("proposal"), default=dict, blank=True)
    # Why the run failed: a system text (message id + values, read in the reader's language) or the error's text.
    error = StoredTextField(_("error"), blank=True)
    error_values = TextValuesField()
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("optimisation run")
        verbose_name_plural = _("optimisation runs")

    def __str__(self):
        return f"{self.pk} {self.status}"

    # The worker's steps are conditional UPDATEs (config.transitions.take_in_update, planning.optimisation):
    # the solver runs with no row lock held. The planner's decision is taken on the locked row.
    @fsm.transition(status, source=OS.QUEUED, target=OS.RUNNING)
    def start(self):
        pass

    @fsm.transition(status, source=OS.RUNNING, target=OS.DONE)
    def finish(self):
        pass

    @fsm.transition(status, source=[OS.QUEUED, OS.RUNNING], target=OS.FAILED)  # an error, or a lost worker
    def fail(self):
        pass

    @fsm.transition(status, source=OS.DONE, target=OS.APPLIED, permission=OPTIMISE)
    def apply(self):
        pass

    @fsm.transition(status, source=OS.DONE, target=OS.DISCARDED, permission=OPTIMISE)
    def discard(self):
        pass


# --- plan approval and work instructions: their own modules, imported here because Django finds an app's
# models in its models module.
from .approval_models import (  # noqa: E402, F401
    PlanSubmission,
    PlanSubmissionAction,
    PlanSubmissionEvent,
    PlanSubmissionStatus,
)
from .crew_models import Crew, CrewSkill, Skill  # noqa: E402, F401
from .instruction_models import WorkInstruction, WorkInstructionAttachment  # noqa: E402, F401
