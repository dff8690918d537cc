"""Stock pages: on hand by item and by location/lot, an item's stock and ledger, a lot's
traceability, the manual stock move form, reversal, cycle count, the opening balance import, and
warehouses/locations. The warehouse posts; everyone with the view permissions reads. Views stay thin:
parse, call a selector or a service, render or redirect."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.permissions import require
from imports.views import import_page, upload_size_limited
from inputs.redirects import local_redirect
from orders.quantities import understood_text
from record_pages.views import ACTIVE_ACTIONS, add_service_errors, paginate, save_form, toggle_active

from . import reservations, stock_importing, stock_selectors, stock_services, value_selectors, warehouse_services
from .ledger import DocumentRef, describe_moves
from .models import MoveKind
from .purchasing_forms import new_entry_key
from .stock_forms import (
    BalanceFilterForm,
    CountFilterForm,
    ItemStockFilterForm,
    LedgerFilterForm,
    LocationFilterForm,
    LocationForm,
    LotStatusForm,
    MasterDataFilterForm,
    ReasonForm,
    StockMoveForm,
    WarehouseForm,
    count_inputs,
)
from .stock_services import CountLine
from .units import format_quantity

# A count sheet shows at most this many rows (narrow it by warehouse or location).
COUNT_SHEET_ROWS = 200
MAX_LOCATION_OPTIONS = 2000


def _show_errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


def _back(request, fallback):
    return local_redirect(request, request.POST.get("next") or "", fallback)


# --- on hand ---------------------------------------------------------------------------------------

@login_required
@permission_required("inventory.view_stockbalance", raise_exception=True)
def stock_list(request):
    """On hand by item: totals, usable stock, reorder point and shortfall."""
    form = ItemStockFilterForm(request.GET or None)
    user = request.user
    return render(request, "inventory/stock/item_list.html", {
        "form": form, **paginate(request, stock_selectors.stock_by_item(user, request.GET)),
        "can_post": user.has_perm("inventory.post_stockmove"), "can_count": user.has_perm("inventory.count_stock"),
        "can_import": user.has_perm("inventory.import_opening_balance"),
    })


@login_required
@permission_required("inventory.view_stockbalance", raise_exception=True)
def balance_list(request):
    """On hand by location and lot."""
    form = BalanceFilterForm(request.GET or None)
    return render(request, "inventory/stock/balance_list.html", {
        "form": form, **paginate(request, stock_selectors.stock_balances(request.user, request.GET)),
        "today": timezone.localdate(),
    })


@login_required
@permission_required("inventory.view_stockbalance", raise_exception=True)
def stock_item(request, pk):
    """An item's stock per location and lot, its active reservations and its ledger with the running
    balance (of the filtered rows: a location's, a lot's)."""
    user = request.user
    item = stock_selectors.item_stock_detail(user, pk)
    form = LedgerFilterForm(request.GET or None)
    moves = stock_selectors.item_moves(user, item, request.GET)
    pager = paginate(request, moves)
    total = stock_selectors.ledger_total(item, request.GET, moves)
    rows = describe_moves(stock_selectors.with_running_balance(pager["page"].object_list, moves, total))
    return render(request, "inventory/stock/item.html", {
        "item": item, "form": form, **pager, "rows": rows,
        "reversed_ids": stock_selectors.reversed_move_ids(rows),
        "balances": list(stock_selectors.stock_balances(user, {}, item=item)),
        "reservations": stock_selectors.active_reservations(item),
        "warnings": value_selectors.open_warnings_of(item) if user.has_perm("inventory.view_stockwarning") else (),
        "can_post": user.has_perm("inventory.post_stockmove"),
        "can_reverse": user.has_perm("inventory.reverse_stockmove"),
        "can_release": user.has_perm("inventory.change_reservation"),
        "reverse_form": ReasonForm(),
    })


# --- lots ------------------------------------------------------------------------------------------

@login_required
@permission_required("inventory.view_lot", raise_exception=True)
def lot_detail(request, pk):
    """Where a lot came from and where it went; quarantine, block or release it."""
    user = request.user
    lot = stock_selectors.lot_detail(user, pk)
    can_change = user.has_perm("inventory.change_lot")
    status_form = LotStatusForm(initial={"status": lot.status})
    if request.method == "POST":
        require(user, "inventory.change_lot")
        status_form = LotStatusForm(request.POST)
        if status_form.is_valid():
            try:
                stock_services.set_lot_status(actor=user, lot=lot, status=status_form.cleaned_data["status"],
                                              reason=status_form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(status_form, exc)
            else:
                messages.success(request, _("Lot %(lot)s is now %(status)s.")
                                 % {"lot": lot.number, "status": status_form.cleaned_data["status"]})
                return redirect("inventory:lot_detail", pk=lot.pk)
    trace = stock_selectors.lot_trace(user, lot)
    describe_moves(trace.came_from + trace.went_to)
    return render(request, "inventory/stock/lot.html", {
        "trace": trace, "lot": lot, "status_form": status_form,
        "can_change": can_change, "can_view_orders": user.has_perm("orders.view_order"),
    })


# --- postings ----------------------------------------------------------------------------------------

def _manual_move(data):
    """The manual move form's fields as the service's input."""
    number = (data.get("document_number") or "").strip()
    return stock_services.ManualMove(
        kind=data["kind"], item=data["item"], location=data["location"], quantity=data["quantity"],
        unit=data.get("unit") or "", lot=data.get("lot_object"), lot_input=data.get("lot_input"),
        to_location=data.get("to_location"), remove=data.get("direction") == "remove",
        reason=data.get("reason", ""), document=DocumentRef("manual", None, number) if number else None)


def _posted_message(posting):
    if posting.duplicate:
        return _("This entry was already posted; nothing more was posted: %(what)s.") % {
            "what": _posting_summary(posting)}
    return _("Posted: %(what)s.") % {"what": _posting_summary(posting)}


@login_required
@permission_required("inventory.post_stockmove", raise_exception=True)
def move_create(request):
    """Post a receipt, issue, transfer, adjustment, return or scrap by hand."""
    kind = request.POST.get("kind") or request.GET.get("kind") or MoveKind.RECEIPT
    if kind not in dict(StockMoveForm.base_fields["kind"].choices):
        kind = MoveKind.RECEIPT
    if request.method == "POST":
        form = StockMoveForm(request.POST)
        posting = save_form(request, form, lambda: stock_services.post_manual_move(
            actor=request.user, move=_manual_move(form.cleaned_data), entry_key=form.cleaned_data["entry_key"]),
            _posted_message)
        if posting:
            return redirect("inventory:stock_item", pk=posting.moves[0].item_id)
    else:
        initial = {"kind": kind}
        for name in ("item", "location", "lot"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        form = StockMoveForm(initial={**initial, "entry_key": new_entry_key()})
    return render(request, "inventory/stock/move_form.html", {
        "form": form, "kind": kind, "kinds": dict(StockMoveForm.base_fields["kind"].choices),
        "fields": form.visible_fields_for(kind),
        "locations": stock_selectors.location_list(request.user, {})[:MAX_LOCATION_OPTIONS],
    })


def _posting_summary(posting):
    return ", ".join(f"{m.get_kind_display()} {format_quantity(m.quantity, m.item.unit)} {m.item.code} "
                     f"@ {m.location.code}" for m in posting.moves)


@login_required
@permission_required("inventory.reverse_stockmove", raise_exception=True)
def move_reverse(request, pk):
    """Reverse the posting a ledger row belongs to (POST only)."""
    move = stock_selectors.stock_move(request.user, pk)
    fallback = reverse("inventory:stock_item", args=[move.item_id])
    if request.method != "POST":
        return redirect(fallback)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a reason for the reversal."))
        return _back(request, fallback)
    try:
        stock_services.reverse_stock_move(actor=request.user, move=move, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("The posting was reversed by new ledger rows."))
    return _back(request, fallback)


@login_required
@permission_required("inventory.change_reservation", raise_exception=True)
def reservation_release(request, pk):
    reservation = stock_selectors.reservation(pk)
    fallback = reverse("inventory:stock_item", args=[reservation.item_id])
    if request.method != "POST":
        return redirect(fallback)
    try:
        reservations.release_reservation(actor=request.user, reservation=reservation,
                                         reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("The reservation was released."))
    return _back(request, fallback)


# --- cycle count -------------------------------------------------------------------------------------

@login_required
@permission_required("inventory.count_stock", raise_exception=True)
def cycle_count(request):
    """A count sheet: pick the rows (warehouse, location prefix, item), type what was counted,
    review the differences, then confirm them as adjustment moves (reason “cycle count”)."""
    source = request.POST if request.method == "POST" else request.GET
    filter_form = CountFilterForm(source or None)
    balances = stock_selectors.count_sheet(request.user, source, limit=COUNT_SHEET_ROWS)
    truncated = len(balances) > COUNT_SHEET_ROWS
    balances = balances[:COUNT_SHEET_ROWS]
    counts, errors, review, reason = {}, {}, [], ""
    if request.method == "POST":
        counts, errors = count_inputs(request.POST, balances)
        reason = request.POST.get("reason", "").strip()[:200]
        by_pk = {b.pk: b for b in balances}
        lines = [CountLine(balance=by_pk[pk], counted=c, expected=e) for pk, (c, e) in counts.items()]
        if not lines and not errors:
            messages.error(request, _("Enter at least one counted quantity."))
        elif not errors and request.POST.get("step") == "confirm":
            try:
                posting = stock_services.count_stock(actor=request.user, lines=lines, reason=reason)
            except ValidationError as exc:
                _show_errors(request, exc)
            else:
                changed = len(posting.moves) if posting else 0
                messages.success(request, _("Count recorded: %(n)s row(s) counted, %(changed)s adjusted.")
                                 % {"n": len(lines), "changed": changed})
                return redirect(reverse("inventory:cycle_count") + "?" + request.GET.urlencode())
        review = [(line, difference) for line, difference in stock_services.count_differences(lines)]
    sheet = [{"balance": b,
              "counted": understood_text(request.POST.get(f"count-{b.pk}", "")) if request.method == "POST" else "",
              "error": errors.get(b.pk), "difference": next((d for line, d in review if line.balance.pk == b.pk), None)}
             for b in balances]
    return render(request, "inventory/stock/count.html", {
        "filter_form": filter_form, "sheet": sheet, "truncated": truncated, "limit": COUNT_SHEET_ROWS,
        "reviewing": request.method == "POST" and not errors and bool(counts), "review": review, "reason": reason,
        "counted": len(counts),
    })


# --- opening balances ---------------------------------------------------------------------------------

@upload_size_limited
@login_required
@permission_required("inventory.import_opening_balance", raise_exception=True)
def opening_balance_import(request):
    list_url = reverse("inventory:balance_list")
    return import_page(request, stock_importing.OPENING_BALANCE_IMPORT, list_url=list_url,
                       import_url=reverse("inventory:opening_balance_import"), done_url=list_url + "?sort=location")


# --- warehouses and locations ------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordPages:
    """What differs between the warehouse pages and the location pages; the steps are shared."""

    name: str  # "warehouse" or "location": permission codenames, URL names, templates
    list_form: type
    form_class: type
    select_list: Callable
    create: Callable  # (actor, fields) -> record
    update: Callable  # (actor, record, fields) -> record
    extra: Callable = lambda request, record: {}

    def perm(self, action):
        return f"inventory.{action}_{self.name}"


def _record_list(request, pages: RecordPages):
    form = pages.list_form(request.GET or None)
    return render(request, f"inventory/stock/{pages.name}_list.html", {
        "form": form, **paginate(request, pages.select_list(request.user, request.GET)),
        "can_add": request.user.has_perm(pages.perm("add")),
        "can_change": request.user.has_perm(pages.perm("change")),
    })


def _record_page(request, pages: RecordPages, record):
    """The create/edit page of a warehouse or location (the same steps as the other master data)."""
    actor = request.user
    perm_change = pages.perm("change" if record is not None else "add")
    url_name = f"inventory:{pages.name}_edit"
    if request.method == "POST":
        require(actor, perm_change)
        if record is not None and request.POST.get("action") in ACTIVE_ACTIONS:
            what = capfirst(record._meta.verbose_name)
            toggle_active(request, set_active=lambda active: pages.update(actor, record, {"is_active": active}),
                          activated_message=_("%(what)s %(code)s is active again.") % {"what": what,
                                                                                        "code": record.code},
                          deactivated_message=_("%(what)s %(code)s was deactivated.") % {"what": what,
                                                                                          "code": record.code})
            return redirect(url_name, pk=record.pk)
        form = pages.form_class(request.POST, instance=record)
        saved = save_form(request, form, lambda: pages.create(actor, form.service_fields()) if record is None
                          else pages.update(actor, record, form.service_fields()),
                          lambda r: _("%(code)s was saved.") % {"code": r.code})
        if saved:
            return redirect(url_name, pk=saved.pk)
    else:
        form = pages.form_class(instance=record)
    return render(request, f"inventory/stock/{pages.name}_form.html", {
        "form": form, pages.name: record, "record": record,
        "can_change": record is None or actor.has_perm(perm_change), **pages.extra(request, record)})


def _stock_at(request, location):
    return {"balances": stock_selectors.stock_at(request.user, location)}


WAREHOUSE_PAGES = RecordPages(
    name="warehouse", list_form=MasterDataFilterForm, form_class=WarehouseForm,
    select_list=stock_selectors.warehouse_list,
    create=lambda actor, fields: warehouse_services.create_warehouse(actor=actor, **fields),
    update=lambda actor, record, fields: warehouse_services.update_warehouse(actor=actor, warehouse=record, **fields))
LOCATION_PAGES = RecordPages(
    name="location", list_form=LocationFilterForm, form_class=LocationForm,
    select_list=stock_selectors.location_list,
    create=lambda actor, fields: warehouse_services.create_location(actor=actor, **fields),
    update=lambda actor, record, fields: warehouse_services.update_location(actor=actor, location=record, **fields),
    extra=_stock_at)


@login_required
@permission_required("inventory.view_warehouse", raise_exception=True)
def warehouse_list(request):
    return _record_list(request, WAREHOUSE_PAGES)


@login_required
@permission_required("inventory.add_warehouse", raise_exception=True)
def warehouse_create(request):
    return _record_page(request, WAREHOUSE_PAGES, None)


@login_required
@permission_required("inventory.view_warehouse", raise_exception=True)
def warehouse_edit(request, pk):
    return _record_page(request, WAREHOUSE_PAGES, stock_selectors.warehouse_detail(request.user, pk))


@login_required
@permission_required("inventory.view_location", raise_exception=True)
def location_list(request):
    return _record_list(request, LOCATION_PAGES)


@login_required
@permission_required("inventory.add_location", raise_exception=True)
def location_create(request):
    return _record_page(request, LOCATION_PAGES, None)


@login_required
@permission_required("inventory.view_location", raise_exception=True)
def location_edit(request, pk):
    return _record_page(request, LOCATION_PAGES, stock_selectors.location_detail(request.user, pk))
