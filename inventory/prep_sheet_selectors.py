"""Reads of the material preparation pages: an order's materials panel, prep sheet lists and pages,
and the progress of a day's print batch. Fixed query counts whatever the number of lines."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from documents.models import DocumentStatus
from orders.models import OrderStatus
from orders.selectors import orders_visible_to

from .filters import PrepSheetFilter, day_range
from .models import (
    PR_LIVE,
    Location,
    Lot,
    MaterialPrepSheet,
    MaterialPrepSheetEvent,
    MaterialPrepSheetLine,
    PrepSheetMove,
    PrepSheetPrintBatch,
    PrepSheetStatus,
    PurchaseRequest,
)
from .prep_sheets import OPEN_SHEET
from .requirements import order_requirements


def order_for_materials(user, pk):
    qs = orders_visible_to(user) if user.has_perm("inventory.view_stockbalance") else orders_visible_to(user).none()
    return get_object_or_404(qs.select_related("customer"), pk=pk)


def order_materials(order):
    """What the order's materials panel shows: requirements, its sheets, its live purchase requests."""
    return {
        "requirements": order_requirements(order),
        "sheets": list(MaterialPrepSheet.objects.filter(order=order).order_by("-created_at")),
        "open_sheet": MaterialPrepSheet.objects.filter(order=order, status__in=OPEN_SHEET).first(),
        "requests": list(PurchaseRequest.objects.filter(order=order, status__in=PR_LIVE).select_related("item")
                         .order_by("item__code")),
    }


def sheets_visible_to(user):
    if not user.has_perm("inventory.view_materialprepsheet"):
        return MaterialPrepSheet.objects.none()
    return MaterialPrepSheet.objects.filter(order__in=orders_visible_to(user))


def prep_sheet_list(user, filters=None):
    qs = sheets_visible_to(user).select_related("order__customer", "created_by").annotate(
        line_count=Count("lines"), short_count=Count("lines", filter=Q(lines__location__isnull=True)),
        open_count=Count("lines", filter=Q(lines__issued_quantity__lt=F("lines__required_quantity")
                                           + F("lines__returned_quantity"))))
    return PrepSheetFilter(filters or {}, qs).qs


def sheets_to_accept(user=None):
    """Sheets with issued material production has not accepted yet, for planned orders (the only ones
    whose material can still be accepted): production's acceptance queue, rush orders and the oldest first.
    Without a user: every such sheet (the home page's count)."""
    qs = sheets_visible_to(user) if user is not None else MaterialPrepSheet.objects.all()
    waiting = MaterialPrepSheetLine.objects.filter(
        sheet=OuterRef("pk"), issued_quantity__gt=F("returned_quantity") + F("accepted_quantity"))
    return (qs.filter(status__in=[PrepSheetStatus.PARTIALLY_ISSUED, PrepSheetStatus.ISSUED],
                      order__status=OrderStatus.PLANNED)
            .filter(Exists(waiting)))


def acceptance_queue(user):
    lines = Prefetch("lines", queryset=MaterialPrepSheetLine.objects.select_related("item", "substitute_item", "lot")
                     .order_by("line_no"))
    sheets = list(sheets_to_accept(user).select_related("order__customer")
                  .prefetch_related(lines).order_by("-order__priority", "order__requested_date", "created_at", "pk"))
    for sheet in sheets:
        sheet.pending = [line for line in sheet.lines.all() if line.to_accept > 0]
    return sheets


def sheets_of_day(user, day):
    start, end = day_range(day)
    return list(sheets_visible_to(user).filter(created_at__gte=start, created_at__lt=end)
                .exclude(status=PrepSheetStatus.CANCELLED).select_related("order").order_by("pk"))


def prep_sheet_detail(user, pk):
    lines = Prefetch("lines", queryset=MaterialPrepSheetLine.objects.select_related(
        "item", "lot", "location", "substitute_item", "substitute_approved_by", "accepted_by", "discrepancy_by")
        .order_by("line_no"))
    moves = Prefetch("lines__moves", queryset=PrepSheetMove.objects.select_related("item", "lot", "location", "actor")
                     .order_by("created_at", "pk"))
    events = Prefetch("events", queryset=MaterialPrepSheetEvent.objects.select_related("actor").order_by(
        "created_at", "pk"))
    qs = sheets_visible_to(user).select_related("order__customer", "created_by", "accepted_by")
    return get_object_or_404(qs.prefetch_related(lines, moves, events), pk=pk)


def print_batch(user, pk):
    qs = PrepSheetPrintBatch.objects.all() if user.has_perm("inventory.view_materialprepsheet") else \
        PrepSheetPrintBatch.objects.none()
    return get_object_or_404(qs.select_related("requested_by"), pk=pk)


def batch_progress(batch):
    """(documents with their sheets, ready count, failed count, total)."""
    documents = list(batch.documents.order_by("pk"))
    sheets = {sheet.pk: sheet for sheet in batch.sheets.select_related("order")}
    for document in documents:
        document.sheet = sheets.get(document.object_id)
    ready = sum(1 for d in documents if d.status == DocumentStatus.READY)
    failed = sum(1 for d in documents if d.status == DocumentStatus.FAILED)
    return {"documents": documents, "ready": ready, "failed": failed, "total": len(documents),
            "done": ready + failed == len(documents)}


def prep_sheet_line(sheet_pk, line_pk):
    return get_object_or_404(MaterialPrepSheetLine.objects.select_related("sheet", "item"), pk=line_pk,
                             sheet_id=sheet_pk)


def location_by_code(code):
    return Location.objects.filter(code=code.strip()).first()


def line_lot(line, number):
    """The lot with this number of the line's item (or of its substitute), or None."""
    return Lot.objects.filter(number=number.strip(), item_id__in=[line.item_id, line.substitute_item_id]).first()
