"""The material prep sheet PDF (物料准备单): registered with the document pipeline from InventoryConfig.ready().

An internal warehouse document, rendered in the requester's language (the pipeline's default when a
kind names none); RUSH / 急单 stamped for rush orders. Lines are printed in picking-walk order (the
location pick sequence; lines with nothing to pick from last), with empty "issued" and "remarks"
columns and signature boxes for the people who prepare, issue and receive the material.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import registry
from orders.models import OrderLine
from orders.selectors import orders_visible_to

from .models import MaterialDelay, MaterialPrepSheet, MaterialPrepSheetLine, PrepSheetStatus

KIND = "material_prep_sheet"
PERMISSION = "inventory.view_materialprepsheet"


def sheets_visible_to(user):
    return MaterialPrepSheet.objects.filter(order__in=orders_visible_to(user))


def prep_sheet_unavailable_reason(sheet):
    if sheet.status == PrepSheetStatus.CANCELLED:
        return _("Prep sheet %(number)s is cancelled.") % {"number": sheet.number}
    return None


def build_prep_sheet(sheet, language):
    lines = Prefetch("lines", queryset=MaterialPrepSheetLine.objects.select_related(
        "item", "lot", "location", "substitute_item").order_by("pick_sequence", "location__code", "item__code",
                                                               "line_no"))
    order_lines = Prefetch("order__lines", queryset=OrderLine.objects.select_related("product").order_by("line_no"))
    sheet = (MaterialPrepSheet.objects.select_related("order__customer", "created_by")
             .prefetch_related(lines, order_lines).get(pk=sheet.pk))
    order = sheet.order
    return registry.DocumentContent(
        template_name="inventory/pdf/prep_sheet.html",
        context={"sheet": sheet, "order": order, "customer": order.customer, "order_lines": list(order.lines.all()),
                 "lines": list(sheet.lines.all()), "rush": order.is_rush, "printed_at": timezone.localtime(),
                 "due_date": order.promised_date or order.requested_date},
        filename=f"{sheet.number}-material-prep-sheet.pdf",
    )


registry.register(
    KIND,
    label=gettext_lazy("Material prep sheet"),
    model=MaterialPrepSheet,
    builder=build_prep_sheet,
    permission=PERMISSION,
    visible_to=sheets_visible_to,
    unavailable_reason=prep_sheet_unavailable_reason,
)


# The material delay request form (材料交期延迟申请单): the request with the PMC head's decision, the orders it
# puts at risk (RUSH / 急单 when one of them is a rush order), and boxes to sign.
DELAY_KIND = "material_delay_request"
DELAY_PERMISSION = "inventory.view_materialdelay"


def delays_visible_to(user):
    return MaterialDelay.objects.all() if user.has_perm(DELAY_PERMISSION) else MaterialDelay.objects.none()


def build_material_delay(delay, language):
    delay = (MaterialDelay.objects.select_related("item", "purchase_order_line__purchase_order__supplier",
                                                  "created_by", "decided_by")
             .prefetch_related("affected_orders__customer").get(pk=delay.pk))
    orders = sorted(delay.affected_orders.all(), key=lambda order: order.number)
    return registry.DocumentContent(
        template_name="inventory/pdf/material_delay.html",
        context={"delay": delay, "orders": orders, "rush": any(order.is_rush for order in orders),
                 "printed_at": timezone.localtime()},
        filename=f"{delay.number}-material-delay-request.pdf",
    )


registry.register(DELAY_KIND, label=gettext_lazy("Material delay request form"), model=MaterialDelay,
                  builder=build_material_delay, permission=DELAY_PERMISSION, visible_to=delays_visible_to)
