"""The process exception form (制程异常申报单; 《紧急订单制程异常申报单》 when it hits a rush order),
registered with the document pipeline from ProductionConfig.ready(): the report in writing for the
production office ("制程异常时,必须立即书面上报生产办") — what happened, where, the operations and orders
it hits, who reported, acknowledged and resolved it and when, and the action taken — with RUSH / 急单
stamped when an affected order is a rush order, and boxes to sign. Internal: the requester's language."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from documents import registry
from orders.models import Order
from planning.models import WorkOrderOperation

from .models import ExceptionReport

KIND = "exception_report"
PERMISSION = "production.view_exceptionreport"


def reports_visible_to(user):
    return ExceptionReport.objects.all() if user.has_perm(PERMISSION) else ExceptionReport.objects.none()


def build_exception_report(report, language):
    operations = Prefetch("affected_operations", queryset=WorkOrderOperation.objects.select_related(
        "work_order__order", "work_order__item").order_by("work_order__number", "sequence"))
    orders = Prefetch("affected_orders", queryset=Order.objects.select_related("customer").order_by("number"))
    report = (ExceptionReport.objects.select_related("work_center", "reported_by", "acknowledged_by", "resolved_by",
                                                     "operation__work_order")
              .prefetch_related(operations, orders).get(pk=report.pk))
    affected_orders = list(report.affected_orders.all())
    rush = any(order.is_rush for order in affected_orders)
    return registry.DocumentContent(
        template_name="production/pdf/exception_report.html",
        context={"report": report, "orders": affected_orders, "operations": list(report.affected_operations.all()),
                 "rush": rush, "printed_at": timezone.localtime()},
        filename=f"{report.number}-process-exception.pdf",
    )


registry.register(KIND, label=gettext_lazy("Process exception form"), model=ExceptionReport,
                  builder=build_exception_report, permission=PERMISSION, visible_to=reports_visible_to)
