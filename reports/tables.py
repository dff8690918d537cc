"""The standard reports: each a title, a header and the rows for the period filters (a queryset of
tuples, so the page paginates it in SQL and the export streams it). Same period rules as the dashboard
(reports.dashboard): orders by receipt, deliveries by delivery day, inspections by signing, production
by the time it was reported."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from orders.models import OrderStatus, Priority
from planning.models import WorkCenter
from production.models import ExceptionReport, OperationLog
from quality.models import Disposition, Inspection, InspectionSource, InspectionStatus, Verdict

from .dashboard import _order_scope, delivered_facts, received_orders
from .models import DeliveredOrderFact


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    header: list
    rows: Callable
    description: str = ""
    labels: tuple = ()  # (column index, choices) shown as their labels
    money: tuple = ()  # indexes of amounts (their currency is in a column of its own)

    def present(self, rows):
        """The rows with coded values (status, priority, ...) as their translated labels and yes/no for
        booleans, on the page and in the CSV/XLSX export alike (never a raw code or True/False)."""
        maps = [(index, {value: str(label) for value, label in choices}) for index, choices in self.labels]
        yes, no = str(_("Yes")), str(_("No"))
        for row in rows:
            row = [(yes if value else no) if isinstance(value, bool) else value for value in row]
            for index, labels in maps:
                row[index] = labels.get(row[index], row[index])
            yield row

    def on_page(self, rows):
        """present() for the page: amounts with the reader's thousands separators (exports keep numbers)."""
        for row in self.present(rows):
            for index in self.money:
                if row[index] is not None:
                    row[index] = number_format(row[index], 2, use_l10n=True, force_grouping=True)
            yield row


def order_status_rows(filters):
    return received_orders(filters).order_by("-received_at", "-id").values_list(
        "number", "customer__code", "customer__name", "status", "priority", "requested_date", "promised_date",
        "total_amount", "currency", "at_risk")


def delivery_rows(filters):
    return delivered_facts(filters).order_by("-delivered_date", "order__number").values_list(
        "order__number", "order__customer__code", "priority", "due_date", "delivered_date", "on_time",
        "lead_time_hours")


def rush_rows(filters):
    fact = DeliveredOrderFact.objects.filter(order_id=OuterRef("pk"))
    return (received_orders(filters).filter(priority=Priority.RUSH)
            .annotate(delivered=Subquery(fact.values("delivered_date")[:1]),
                      on_time=Subquery(fact.values("on_time")[:1]),
                      due=Coalesce("promised_date", "requested_date"))
            .order_by("-received_at", "-id")
            .values_list("number", "customer__code", "rush_reason", "status", "due", "delivered", "on_time",
                         "at_risk"))


def quality_rows(filters):
    qs = Inspection.objects.filter(signed_at__gte=filters.start, signed_at__lt=filters.end)
    qs = _order_scope(qs, filters, prefix="order__") if (filters.customer or filters.priority) else qs
    if filters.product:
        qs = qs.filter(product=filters.product)
    return qs.order_by("-signed_at", "-id").values_list(
        "number", "source", "order__number", "product__sku", "lot_quantity", "status", "verdict",
        "accepted_quantity", "ncr__number", "ncr__disposition", "ncr__quantity")


def production_rows(filters):
    """Per work center: good and scrap reported in the period, scrap %, and exception reports raised."""
    logs = OperationLog.objects.filter(created_at__gte=filters.start, created_at__lt=filters.end)
    logs = _order_scope(logs, filters, prefix="operation__work_order__order__")
    center = Coalesce("operation__planned_work_center_id", "operation__work_center_id")
    qty = DecimalField(max_digits=20, decimal_places=3)

    def sums(field):
        return Subquery(logs.annotate(center=center).filter(center=OuterRef("pk")).values("center")
                        .annotate(total=Sum(field)).values("total")[:1], output_field=qty)

    exceptions = (ExceptionReport.objects.filter(reported_at__gte=filters.start, reported_at__lt=filters.end,
                                                 work_center_id=OuterRef("pk"))
                  .values("work_center_id").annotate(n=Count("id")).values("n")[:1])
    return (WorkCenter.objects.annotate(good=Coalesce(sums("good_quantity"), 0, output_field=qty),
                                        scrap=Coalesce(sums("scrap_quantity"), 0, output_field=qty),
                                        exceptions=Coalesce(Subquery(exceptions), 0))
            .filter(Q(good__gt=0) | Q(scrap__gt=0) | Q(exceptions__gt=0))
            .order_by("code")
            .values_list("code", "name", "good", "scrap", F("exceptions")))


REPORTS = {r.key: r for r in [
    Report("order_status", _("Order status"),
           [_("Order"), _("Customer code"), _("Customer"), _("Status"), _("Priority"), _("Requested date"),
            _("Promised date"), _("Total"), _("Currency"), _("At risk")], order_status_rows,
           _("Orders received in the period with their current stage."),
           ((3, OrderStatus.choices), (4, Priority.choices)), money=(7,)),
    Report("delivery", _("Delivery performance"),
           [_("Order"), _("Customer code"), _("Priority"), _("Due date"), _("Delivered"), _("On time"),
            _("Lead time (h)")], delivery_rows,
           _("Orders delivered in the period: due date (promised, else requested), delivery day, on time."),
           ((2, Priority.choices),)),
    Report("rush", _("Rush orders"),
           [_("Order"), _("Customer code"), _("Rush reason"), _("Status"), _("Due date"), _("Delivered"),
            _("On time"), _("At risk")], rush_rows, _("Rush orders received in the period."),
           ((3, OrderStatus.choices),)),
    Report("quality", _("Quality"),
           [_("Inspection"), _("Kind"), _("Order"), _("Product"), _("Lot quantity"), _("Status"), _("Verdict"),
            _("Accepted"), _("NCR"), _("Disposition"), _("Nonconforming quantity")], quality_rows,
           _("Inspections signed in the period with their nonconformance reports."),
           ((1, InspectionSource.choices), (5, InspectionStatus.choices), (6, Verdict.choices),
            (9, Disposition.choices))),
    Report("production", _("Production"),
           [_("Work center"), _("Name"), _("Good"), _("Scrap"), _("Exception reports")], production_rows,
           _("Output, scrap and exception reports per work center in the period.")),
]}


# Issue 17.5 and 17.9: delay responsibility and the rush completion summaries (reports.delay_tables).
from rush.models import DelayCause, Department  # noqa: E402

from .delay_tables import delay_cause_rows, delay_department_rows, rush_monthly_rows  # noqa: E402

REPORTS.update({r.key: r for r in [
    Report("delay_cause", _("Delays by cause"),
           [_("Cause"), _("Late orders"), _("of them rush"), _("Days late in total")], delay_cause_rows,
           _("Late orders whose cause was recorded in the period, per cause."), ((0, DelayCause.choices),)),
    Report("delay_department", _("Delays by department"),
           [_("Responsible department"), _("Late orders"), _("of them rush"), _("Days late in total")],
           delay_department_rows,
           _("Late orders whose cause was recorded in the period, per responsible department."),
           ((0, Department.choices),)),
    Report("rush_monthly", _("Monthly rush report"),
           [_("Month"), _("Rush orders delivered"), _("On time"), _("Days late in total"), _("Work-center hours"),
            _("Overtime hours"), _("First-pass yield %"), _("NCRs"), _("Other orders moved"),
            _("Delay caused (h)"), _("Cost of expediting"), _("Currency")], rush_monthly_rows,
           _("From the completion summaries of the rush orders delivered in the period, per month."), money=(10,)),
]})
