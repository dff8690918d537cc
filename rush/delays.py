"""Who answers for a delay (seed 003 "紧急订单因某一部门在执行过程中不及时，导致客户交期延迟，追究相关部门负责人
责任"; issue 17.5), for rush orders and every other order.

An order is late when it was delivered after its date (the promised date, else the requested date), or is
still open (submitted up to shipped, or on hold) after that date. The order desk or a manager records,
once per late order, the cause (material, process, quality, logistics, planning, customer), the department
that answers for it and the evidence: one of the order's process exception reports, the material delays
that put it at risk, or its NCRs. The late orders without a recorded cause are listed at
/rush/delays/; the reports "Delays by cause" and "Delays by department" (reports.delay_tables) count them.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.permissions import require
from inventory.models import MaterialDelay
from orders.models import Order, OrderEvent, OrderStatus
from production.models import ExceptionReport
from quality.ncr_models import Nonconformance

from .delay_models import DelayCause, DelayResponsibility, Department

RECORD = "rush.add_delayresponsibility"
OPEN_LATE = [OrderStatus.SUBMITTED, OrderStatus.APPROVED, OrderStatus.PLANNED, OrderStatus.MATERIALS_READY,
             OrderStatus.IN_PRODUCTION, OrderStatus.AWAITING_QC, OrderStatus.QC_PASSED, OrderStatus.SHIPPED,
             OrderStatus.ON_HOLD]
DONE = [OrderStatus.DELIVERED, OrderStatus.CLOSED]
# The evidence an order's delay can be linked to: (model, its label).
EVIDENCE = {"exception": ExceptionReport, "material_delay": MaterialDelay, "ncr": Nonconformance}


def with_lateness(queryset, *, today=None):
    """`queryset` of orders with `due` (promised, else requested date) and `delivered_on` (the local day of
    its first delivery event) annotated, and `is_late`-filtered by late_filter()."""
    delivered = (OrderEvent.objects.filter(order=OuterRef("pk"), to_status=OrderStatus.DELIVERED)
                 .order_by("created_at").values("created_at")[:1])
    return queryset.annotate(due=Coalesce("promised_date", "requested_date"),
                             delivered_on=TruncDate(Subquery(delivered), tzinfo=timezone.get_current_timezone(),
                                                    output_field=DateField()))


def late_filter(today=None):
    today = today or timezone.localdate()
    return (Q(status__in=OPEN_LATE, due__lt=today)
            | Q(status__in=DONE, delivered_on__isnull=False, delivered_on__gt=F("due")))


def late_orders(*, today=None):
    return with_lateness(Order.objects.all()).filter(late_filter(today))


def late_orders_without_cause(*, today=None):
    recorded = DelayResponsibility.objects.filter(order=OuterRef("pk"))
    return (late_orders(today=today).filter(~Exists(recorded)).select_related("customer")
            .order_by("due", "number"))


def days_late(order, *, today=None):
    end = order.delivered_on if order.status in DONE and order.delivered_on else (today or timezone.localdate())
    return max((end - order.due).days, 0)


def evidence_options(order):
    """[(key "kind:pk", label)] of what the order's delay can be linked to."""
    options = []
    for report in ExceptionReport.objects.filter(affected_orders=order).order_by("reported_at"):
        options.append((f"exception:{report.pk}", _("Process exception %(number)s: %(type)s")
                        % {"number": report.number, "type": report.get_type_display()}))
    for delay in MaterialDelay.objects.filter(affected_orders=order).select_related("item").order_by("created_at"):
        options.append((f"material_delay:{delay.pk}", _("Material delay %(number)s: %(item)s, new date %(date)s")
                        % {"number": delay.number, "item": delay.item.code,
                           "date": date_format(delay.new_expected_date)}))
    for ncr in Nonconformance.objects.filter(order=order).order_by("created_at"):
        options.append((f"ncr:{ncr.pk}", _("Nonconformance %(number)s") % {"number": ncr.number}))
    return options


def _evidence(order, key):
    if not key:
        return None
    if key not in dict(evidence_options(order)):
        raise ValidationError({"evidence": _("Choose evidence that belongs to order %(order)s.")
                               % {"order": order.number}})
    kind, pk = key.split(":", 1)
    return EVIDENCE[kind].objects.get(pk=int(pk))


def record_delay(*, actor, order, cause, department, evidence="", note=""):
    """Record why the late `order` was late and who answers for it. Refused, with nothing written, for an
    order that is not late, one already recorded, an unknown cause or department, or evidence that is not
    the order's."""
    require(actor, RECORD)
    errors = {}
    if cause not in DelayCause.values:
        errors["cause"] = _("Choose the cause of the delay.")
    if department not in Department.values:
        errors["department"] = _("Choose the department that answers for the delay.")
    try:
        linked = _evidence(order, evidence)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        linked = None
    if errors:
        raise ValidationError(errors)
    current = late_orders().filter(pk=order.pk).first()
    if current is None:
        raise ValidationError(_("Order %(order)s is not late: nothing to answer for.") % {"order": order.number})
    try:
        with transaction.atomic():
            return DelayResponsibility.objects.create(
                order=order, due_date=current.due, finished_on=current.delivered_on if current.status in DONE else None,
                days_late=days_late(current), cause=cause, department=department,
                evidence_type=ContentType.objects.get_for_model(linked) if linked else None,
                evidence_id=linked.pk if linked else None, evidence_number=linked.number if linked else "",
                note=(note or "").strip(), recorded_by=actor)
    except IntegrityError:
        raise ValidationError(_("The cause of order %(order)s's delay was already recorded.")
                              % {"order": order.number}) from None


def recorded_causes():
    """The causes recorded, the latest first (the late orders page)."""
    return DelayResponsibility.objects.select_related("order__customer", "recorded_by")
