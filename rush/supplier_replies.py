"""The supplier's answer within one working day (seed 003 "一个工作日内给…到货或不到货的明确答复"; issue 17.6).

A purchase order with a line for a rush order asks its supplier for a confirmed date when it is sent. The
answer is due one working day later on the factory calendar: the same clock time on the next working
day after the day it was sent (sent Friday 10:00, due Monday 10:00; a holiday is skipped). The factory
calendar is the work calendar named by the FACTORY_CALENDAR setting, else the calendar most work centers
use; a working day has at least one shift and is not a holiday or a whole-day closure. Without any
calendar, Monday to Friday.

A rush purchase request (a request to buy for a rush order, seed 003 "下紧急订单…在一个工作日内给到货或不到货的
明确答复") is asked the same way from when it was made: it gets its row and deadline while it is open, the
purchasing answer (the confirmed arrival date) is recorded on the same page, and a request that is still open
and unanswered at the deadline raises the same alert (a rejected or cancelled request needs no answer: no
delivery; an ordered one is followed by its purchase order's own answer).

The beat task rush.tasks.watch_supplier_replies (every 5 minutes) gives each newly sent rush purchase
order its SupplierReply row (the deadline counted from when it was sent, so the beat's delay does not
move it) and raises "supplier_reply_overdue" once per purchase order whose answer is late: the planners
(purchasing) are told, and the alert rule escalates to the manager and then the general manager's office
when nobody acknowledges it (alerts.defaults). The planner records the supplier's confirmed date
(record_supplier_reply: who and when are kept); that settles the alert (rush.alert_subjects).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from alerts.services import create_alert
from inventory.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    PurchaseRequest,
    PurchaseRequestStatus,
)
from orders.models import Priority
from planning.models import CalendarException, ExceptionKind, WorkCalendar

from .delay_models import SupplierReply

RECORD = "rush.record_supplierreply"
ALERT_KIND = "supplier_reply_overdue"
LOOK_AHEAD_DAYS = 60


def factory_calendar():
    name = getattr(settings, "FACTORY_CALENDAR", "")
    if name:
        found = WorkCalendar.objects.filter(name=name).first()
        if found is not None:
            return found
    return (WorkCalendar.objects.annotate(n=Count("work_centers")).order_by("-n", "id").first())


def working_days_after(day: date, *, calendar=None, count=LOOK_AHEAD_DAYS):
    """The next `count` working days after `day` on the factory calendar (a list of dates)."""
    calendar = calendar if calendar is not None else factory_calendar()
    if calendar is None:
        weekdays = {0, 1, 2, 3, 4}
        closed = set()
    else:
        weekdays = set(calendar.shifts.values_list("weekday", flat=True)) or {0, 1, 2, 3, 4}
        closed = set(CalendarException.objects.filter(
            calendar=calendar, date__gt=day, date__lte=day + timedelta(days=count * 7 + 60),
            kind__in=[ExceptionKind.HOLIDAY, ExceptionKind.CLOSURE], start__isnull=True).values_list("date", flat=True))
    days, current = [], day
    while len(days) < count and current < day + timedelta(days=count * 7 + 60):
        current += timedelta(days=1)
        if current.weekday() in weekdays and current not in closed:
            days.append(current)
    return days


def reply_deadline(asked_at: datetime, *, calendar=None):
    """One working day after `asked_at`: the same local clock time on the next working day."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local = asked_at.astimezone(tz)
    days = working_days_after(local.date(), calendar=calendar, count=1)
    next_day = days[0] if days else local.date() + timedelta(days=1)
    return datetime.combine(next_day, local.timetz().replace(tzinfo=None), tzinfo=tz)


def rush_purchase_orders_without_reply():
    rush_line = PurchaseOrderLine.objects.filter(purchase_order=OuterRef("pk"), order__priority=Priority.RUSH)
    return (PurchaseOrder.objects.filter(sent_at__isnull=False, supplier_reply__isnull=True)
            .exclude(status__in=[PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.CANCELLED])
            .filter(Exists(rush_line)))


def rush_purchase_requests_without_reply():
    return PurchaseRequest.objects.filter(order__priority=Priority.RUSH, status=PurchaseRequestStatus.OPEN,
                                          supplier_reply__isnull=True)


def stamp_reply_deadlines():
    """Give every sent rush purchase order and open rush purchase request its reply deadline; returns how
    many were stamped."""
    calendar = factory_calendar()
    made = [SupplierReply(purchase_order=po, asked_at=po.sent_at,
                          reply_due_at=reply_deadline(po.sent_at, calendar=calendar))
            for po in rush_purchase_orders_without_reply()]
    made += [SupplierReply(purchase_request=pr, asked_at=pr.requested_at,
                           reply_due_at=reply_deadline(pr.requested_at, calendar=calendar))
             for pr in rush_purchase_requests_without_reply()]
    SupplierReply.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)


def alert_overdue_replies(now=None):
    """Raise the overdue alert once per rush purchase order whose supplier has not answered in time."""
    now = now or timezone.now()
    raised = []
    overdue = (SupplierReply.objects.filter(confirmed_date__isnull=True, reply_due_at__lt=now,
                                            overdue_alerted_at__isnull=True)
               .exclude(purchase_order__status__in=[PurchaseOrderStatus.CANCELLED, PurchaseOrderStatus.CLOSED,
                                                    PurchaseOrderStatus.RECEIVED])
               .exclude(purchase_request__status__in=[PurchaseRequestStatus.REJECTED, PurchaseRequestStatus.CANCELLED,
                                                      PurchaseRequestStatus.ORDERED])
               .select_related("purchase_order__supplier", "purchase_request__order", "purchase_request__item"))
    for reply in overdue:
        with transaction.atomic():
            claimed = SupplierReply.objects.filter(pk=reply.pk, overdue_alerted_at__isnull=True).update(
                overdue_alerted_at=now)
            if not claimed:
                continue  # another run took it
            if reply.purchase_order is not None:
                _alert_purchase_order(reply)
            else:
                _alert_purchase_request(reply)
        raised.append(reply.document.number)
    return raised


def _alert_purchase_order(reply):
    po = reply.purchase_order
    orders = sorted(set(po.lines.filter(order__priority=Priority.RUSH).values_list("order__number", flat=True)))
    create_alert(
        kind=ALERT_KIND,
        subject=gettext_noop("Supplier %(supplier)s has not confirmed rush purchase order %(po)s "
                             "(answer was due %(due)s)"),
        body=gettext_noop("For rush orders %(orders)s. Call the supplier and record the confirmed date."),
        params={"supplier": po.supplier.name, "po": po.number, "due": reply.reply_due_at,
                "orders": ", ".join(orders)},
        link=reverse("rush:supplier_reply", args=[reply.pk]), severity="high", roles=["planner"],
        dedupe_key=f"supplier-reply-overdue:{po.pk}", rush=True)


def _alert_purchase_request(reply):
    pr = reply.purchase_request
    create_alert(
        kind=ALERT_KIND,
        subject=gettext_noop("Rush purchase request %(pr)s has no answer on delivery (answer was due %(due)s)"),
        body=gettext_noop("%(code)s %(name)s for rush order %(order)s. Record whether and when it arrives."),
        params={"pr": pr.number, "due": reply.reply_due_at, "code": pr.item.code, "name": pr.item.name,
                "order": pr.order.number if pr.order_id else "—"},
        link=reverse("rush:supplier_reply", args=[reply.pk]), severity="high", roles=["planner"],
        dedupe_key=f"supplier-reply-overdue:pr:{pr.pk}", rush=True)


def record_supplier_reply(*, actor, reply, confirmed_date, note=""):
    """The planner types the date the supplier confirmed; who and when are kept. Refused (nothing written)
    for a missing date, a date before the order was sent, or an answer already recorded."""
    require(actor, RECORD)
    if not isinstance(confirmed_date, date):
        raise ValidationError({"confirmed_date": _("Enter the date the supplier confirmed.")})
    with transaction.atomic():
        current = (SupplierReply.objects.select_for_update(of=("self",))
                   .select_related("purchase_order", "purchase_request").get(pk=reply.pk))
        asked_day = timezone.localdate(current.asked_at)
        if confirmed_date < asked_day:
            raise ValidationError({"confirmed_date": _("The confirmed date %(date)s is before it was asked "
                                                       "(%(sent)s).")
                                   % {"date": date_format(confirmed_date), "sent": date_format(asked_day)}})
        if current.answered:
            raise ValidationError(_("The supplier's answer to %(po)s was already recorded.")
                                  % {"po": current.document.number})
        current.confirmed_date, current.note = confirmed_date, (note or "").strip()[:300]
        current.confirmed_by, current.confirmed_at = actor, timezone.now()
        current.save(update_fields=["confirmed_date", "note", "confirmed_by", "confirmed_at"])
    return current


def replies_for_page():
    return (SupplierReply.objects.select_related("purchase_order__supplier", "purchase_request__order",
                                                 "purchase_request__item", "confirmed_by")
            .order_by("confirmed_date", "reply_due_at", "id"))
