"""Purchasing pages: suppliers, purchase requests, purchase orders (list, new, detail with receipts and
timeline) and the goods receipt form. Views stay thin: parse, call a selector or a service, render or
redirect; every page checks its permission on the server."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from orders.quantities import format_number
from record_pages.views import add_service_errors, paginate, record_list, save_form

from . import goods_receipts, purchasing, purchasing_selectors
from .goods_receipts import LineReceipt, ReceiptInput, ReceiptRefused
from .purchasing import PurchaseLineInput
from .purchasing_forms import (
    PurchaseOrderFilterForm,
    PurchaseOrderForm,
    PurchaseOrderLineFormSet,
    PurchaseRequestFilterForm,
    PurchaseRequestForm,
    ReasonForm,
    ReceiptForm,
    ReceiptLineForm,
    SupplierFilterForm,
    SupplierForm,
    WholeReceiptForm,
    new_entry_key,
)
from .requirement_views import show_errors
from .stock_selectors import location_list
from .units import quantity_text

# --- suppliers ---------------------------------------------------------------------------------------

@login_required
@permission_required("inventory.view_supplier", raise_exception=True)
def supplier_list(request):
    return record_list(request, "inventory/purchasing/supplier_list.html", form_class=SupplierFilterForm,
                       records=purchasing_selectors.supplier_list, model="inventory.supplier", actions=("add",))


def _supplier_fields(form):
    return {name: form.cleaned_data[name] for name in SupplierForm.Meta.fields}


@login_required
@permission_required("inventory.add_supplier", raise_exception=True)
def supplier_create(request):
    form = SupplierForm(request.POST or None)
    if request.method == "POST":
        supplier = save_form(request, form, lambda: purchasing.create_supplier(actor=request.user,
                                                                               **_supplier_fields(form)),
                             lambda s: _("Supplier %(code)s saved.") % {"code": s.code})
        if supplier:
            return redirect("inventory:supplier_list")
    return render(request, "inventory/purchasing/supplier_form.html", {"form": form})


@login_required
@permission_required("inventory.change_supplier", raise_exception=True)
def supplier_edit(request, pk):
    supplier = purchasing_selectors.supplier_detail(pk)
    # The form edits its own copy: `supplier` keeps the saved values for the page.
    form = SupplierForm(request.POST or None, instance=purchasing_selectors.supplier_detail(pk))
    form.fields["code"].disabled = True
    if request.method == "POST":
        if request.POST.get("action") in ("activate", "deactivate"):
            purchasing.update_supplier(actor=request.user, supplier=supplier,
                                       is_active=request.POST["action"] == "activate")
            messages.success(request, _("Supplier %(code)s updated.") % {"code": supplier.code})
            return redirect("inventory:supplier_edit", pk=pk)
        fields = {name: value for name, value in (_supplier_fields(form) if form.is_valid() else {}).items()
                  if name != "code"}
        saved = save_form(request, form, lambda: purchasing.update_supplier(actor=request.user, supplier=supplier,
                                                                            **fields),
                          lambda s: _("Supplier %(code)s saved.") % {"code": s.code})
        if saved:
            return redirect("inventory:supplier_list")
    return render(request, "inventory/purchasing/supplier_form.html", {"form": form, "supplier": supplier})


# --- purchase requests -------------------------------------------------------------------------------

@login_required
@permission_required("inventory.view_purchaserequest", raise_exception=True)
def purchase_request_list(request):
    user = request.user
    form = PurchaseRequestFilterForm(request.GET or None)
    new_form = PurchaseRequestForm(request.POST or None) if user.has_perm("inventory.add_purchaserequest") else None
    if request.method == "POST":
        if new_form is None:
            raise PermissionDenied(_("Your role may not do this."))
        made = save_form(request, new_form, lambda: purchasing.create_purchase_request(
            actor=user, item=new_form.cleaned_data["item"], quantity=new_form.cleaned_data["quantity"],
            needed_by=new_form.cleaned_data["needed_by"], order=new_form.cleaned_data.get("order"),
            note=new_form.cleaned_data["note"]),
            lambda r: _("Purchase request %(number)s made. Next: %(next)s.") % {"number": r.number,
                                                                                "next": r.next_step})
        if made:
            return redirect("inventory:purchase_request_list")
    return render(request, "inventory/purchasing/request_list.html", {
        "form": form, **paginate(request, purchasing_selectors.purchase_request_list(user, request.GET)),
        "new_form": new_form, "can_decide": user.has_perm("inventory.approve_purchaserequest"),
        "can_order": user.has_perm("inventory.add_purchaseorder"),
    })


REQUEST_ACTIONS = {
    "approve": lambda actor, request, reason: purchasing.approve_purchase_request(actor=actor, request=request,
                                                                                 note=reason),
    "reject": lambda actor, request, reason: purchasing.reject_purchase_request(actor=actor, request=request,
                                                                               reason=reason),
    "cancel": lambda actor, request, reason: purchasing.cancel_purchase_request(actor=actor, request=request,
                                                                               reason=reason),
}


def _reason_action(request, actions, action, record):
    """Run `actions[action](actor, record, reason)` with the typed reason; its refusal is shown as a
    message. The record after the action, or None when it was refused."""
    if action not in actions:
        raise Http404(_("Unknown action."))
    form = ReasonForm(request.POST)
    try:
        return actions[action](request.user, record, form.cleaned_data["reason"] if form.is_valid() else "")
    except ValidationError as exc:
        show_errors(request, exc)
        return None


@login_required
@permission_required("inventory.view_purchaserequest", raise_exception=True)
@require_POST
def purchase_request_action(request, pk, action):
    done = _reason_action(request, REQUEST_ACTIONS, action, purchasing_selectors.purchase_request(pk))
    if done is not None:
        messages.success(request, _("Purchase request %(number)s: %(status)s.")
                         % {"number": done.number, "status": done.get_status_display()})
    return redirect("inventory:purchase_request_list")


# --- purchase orders ---------------------------------------------------------------------------------

@login_required
@permission_required("inventory.view_purchaseorder", raise_exception=True)
def purchase_order_list(request):
    form = PurchaseOrderFilterForm(request.GET or None)
    return render(request, "inventory/purchasing/order_list.html", {
        "form": form, **paginate(request, purchasing_selectors.purchase_order_list(request.user, request.GET)),
        "can_add": request.user.has_perm("inventory.add_purchaseorder"),
    })


def _request_ids(request):
    ids = []
    for value in request.GET.getlist("requests"):
        ids += [int(part) for part in value.split(",") if part.strip().isdigit()]
    return ids[:200]


def _initial_lines(requests):
    return [{"item": r.item.code, "quantity": r.quantity, "unit": r.item.unit, "expected_date": r.needed_by,
             "request": r.pk} for r in requests]


@login_required
@permission_required("inventory.add_purchaseorder", raise_exception=True)
def purchase_order_create(request):
    """A new purchase order; `?requests=1,2` starts it from approved purchase requests."""
    if request.method == "POST":
        form = PurchaseOrderForm(request.POST)
        lines = PurchaseOrderLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            inputs = [PurchaseLineInput(item=f.cleaned_data["item"], quantity=f.cleaned_data["quantity"],
                                        unit=f.cleaned_data.get("unit") or "", unit_price=f.cleaned_data["unit_price"],
                                        expected_date=f.cleaned_data["expected_date"],
                                        request=f.cleaned_data.get("request"))
                      for f in lines.forms if f.cleaned_data]
            try:
                po = purchasing.create_purchase_order(actor=request.user, supplier=form.cleaned_data["supplier"],
                                                      lines=inputs, note=form.cleaned_data["note"],
                                                      entry_key=form.cleaned_data["entry_key"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Purchase order %(number)s saved as a draft.") % {"number": po.number})
                return redirect("inventory:purchase_order_detail", pk=po.pk)
    else:
        requests = purchasing_selectors.approved_requests(_request_ids(request))
        form = PurchaseOrderForm(initial={"entry_key": new_entry_key()})
        lines = PurchaseOrderLineFormSet(prefix="lines", initial=_initial_lines(requests))
    return render(request, "inventory/purchasing/order_form.html", {
        "form": form, "lines": lines, "suppliers": purchasing_selectors.supplier_options()})


@login_required
@permission_required("inventory.view_purchaseorder", raise_exception=True)
def purchase_order_detail(request, pk):
    user = request.user
    po = purchasing_selectors.purchase_order_detail(user, pk)
    events = list(po.events.all())
    return render(request, "inventory/purchasing/order_detail.html", {
        "po": po, "lines": list(po.lines.all()), "events": events,
        "can_change": user.has_perm("inventory.change_purchaseorder"),
        "can_receive": user.has_perm("inventory.receive_purchaseorder") and po.is_open,
        "reason_form": ReasonForm(),
    })


PO_ACTIONS = {
    "send": lambda actor, po, reason: purchasing.send_purchase_order(actor=actor, purchase_order=po, note=reason),
    "cancel": lambda actor, po, reason: purchasing.cancel_purchase_order(actor=actor, purchase_order=po,
                                                                        reason=reason),
    "close": lambda actor, po, reason: purchasing.close_purchase_order(actor=actor, purchase_order=po,
                                                                      reason=reason),
}


@login_required
@permission_required("inventory.change_purchaseorder", raise_exception=True)
@require_POST
def purchase_order_action(request, pk, action):
    po = purchasing_selectors.purchase_order_detail(request.user, pk)
    done = _reason_action(request, PO_ACTIONS, action, po)
    if done is not None:
        messages.success(request, _("Purchase order %(number)s is now %(status)s.")
                         % {"number": done.number, "status": done.get_status_display()})
    return redirect("inventory:purchase_order_detail", pk=pk)


# --- goods receipt -----------------------------------------------------------------------------------

def _receipt_message(result, line):
    receipt = result.receipt
    text = _("Received %(quantity)s %(unit)s of %(code)s into lot %(lot)s at %(location)s (%(number)s).") % {
        "quantity": format_number(receipt.quantity), "unit": receipt.unit, "code": line.item.code,
        "lot": receipt.lot.number, "location": receipt.location.code, "number": receipt.number}
    if receipt.quarantined:
        text += " " + _("The lot is in quarantine until quality control releases it.")
    if result.duplicate:
        text = _("This receipt was already recorded: %(number)s.") % {"number": receipt.number}
    return text


@login_required
@permission_required("inventory.receive_purchaseorder", raise_exception=True)
def purchase_order_receive(request, pk):
    """Receive a delivery on one page: a row per open line (quantity, unit, lots), one submit for all of them;
    a bad line is shown with its error and nothing is received."""
    po = purchasing_selectors.purchase_order_detail(request.user, pk)
    # Open lines, and on a post also the lines it names (the same page sent again after it was received:
    # the service recognises its one-time key and receives nothing twice).
    open_lines = [line for line in po.lines.all()
                  if line.open_quantity > 0 or request.POST.get(f"line-{line.pk}-quantity", "").strip()]
    head = WholeReceiptForm(request.POST or None, initial={"entry_key": new_entry_key()})
    rows = [ReceiptLineForm(request.POST or None, line=line) for line in open_lines]
    if request.method == "POST" and po.is_open:
        if head.is_valid() and all([row.is_valid() for row in rows]):
            results = _receive_whole(request, po, head, rows)
            if results is not None:
                return redirect("inventory:purchase_order_detail", pk=po.pk)
        elif not head.non_field_errors():
            head.add_error(None, _("Some lines are not filled in correctly: nothing was received. Correct them and "
                                   "send again."))
    for row in rows:
        row.open_quantity = str(quantity_text(row.line.open_quantity, row.line.item.unit))
    return render(request, "inventory/purchasing/receive_order.html", {
        "po": po, "head": head, "rows": rows, "can_receive": po.is_open,
        "locations": location_list(request.user, {})[:2000],
    }, status=400 if request.method == "POST" else 200)


def _receive_whole(request, po, head, rows):
    data = head.cleaned_data
    receipts = [LineReceipt(row.line, ReceiptInput(
        quantity=row.cleaned_data["quantity"], location=data["location"], unit=row.cleaned_data["unit"] or "",
        lot_number=row.cleaned_data["lot_number"], supplier_lot=row.cleaned_data["supplier_lot"],
        expiry_date=row.cleaned_data["expiry_date"], note=data["note"]))
        for row in rows if row.cleaned_data["quantity"] is not None]
    try:
        results = goods_receipts.receive_purchase_order(actor=request.user, purchase_order=po, receipts=receipts,
                                                    entry_key=data["entry_key"])
    except ReceiptRefused as exc:
        head.add_error(None, exc.messages)
        for row in rows:
            if row.line.pk in exc.line_errors:
                add_service_errors(row, exc.line_errors[row.line.pk])
        return None
    except ValidationError as exc:
        add_service_errors(head, exc)
        return None
    if results and results[0].duplicate:
        messages.info(request, _("This delivery was already recorded: %(numbers)s.")
                      % {"numbers": ", ".join(r.receipt.number for r in results)})
        return results
    messages.success(request, ngettext("%(n)s line received: %(numbers)s.", "%(n)s lines received: %(numbers)s.",
                                       len(results)) % {"n": len(results),
                                                         "numbers": ", ".join(r.receipt.number for r in results)})
    if any(r.receipt.quarantined for r in results):
        messages.info(request, _("Lots of items that need incoming inspection are in quarantine until quality "
                                 "control releases them."))
    ready = {requirements.order.number for r in results for requirements in r.ready_orders or ()}
    for number in sorted(ready):
        messages.success(request, _("Order %(number)s now has all its materials.") % {"number": number})
    return results


@login_required
@permission_required("inventory.receive_purchaseorder", raise_exception=True)
def goods_receipt_create(request, line_pk):
    line = purchasing_selectors.purchase_line(request.user, line_pk)
    if request.method == "POST":
        form = ReceiptForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = goods_receipts.receive_goods(actor=request.user, line=line, entry_key=data["entry_key"], data=(
                    ReceiptInput(quantity=data["quantity"], location=data["location"], unit=data["unit"] or "",
                                 lot_number=data["lot_number"], supplier_lot=data["supplier_lot"],
                                 production_date=data["production_date"], expiry_date=data["expiry_date"],
                                 note=data["note"])))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _receipt_message(result, line))
                for requirements in result.ready_orders or ():
                    messages.success(request, _("Order %(number)s now has all its materials.")
                                     % {"number": requirements.order.number})
                return redirect("inventory:purchase_order_detail", pk=line.purchase_order_id)
    else:
        form = ReceiptForm(initial={"entry_key": new_entry_key()})
    return render(request, "inventory/purchasing/receipt_form.html", {
        "form": form, "line": line, "po": line.purchase_order,
        "open_quantity": str(quantity_text(line.open_quantity, line.item.unit)),
        "locations": location_list(request.user, {})[:2000],
    })
