"""Order pages. Views stay thin: parse the request, call a selector or a service, render."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.replica import reads_from_replica
from imports.views import import_page, upload_size_limited
from record_pages.views import keyset_paginate

from . import exports, order_importing, payment_terms, rules, search, selectors, services
from .forms import OrderFilterForm, OrderForm, OrderLineFormSet, PaymentTermsForm, ReasonForm
from .models import OrderStatus, Priority
from .services import ACTION_LABELS, REASON_REQUIRED, OrderActionRefused


@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_list(request):
    form = OrderFilterForm(request.GET or None)  # shown with its messages; the selector filters by the same
    return render(request, "orders/list.html", {
        "form": form, **keyset_paginate(request, selectors.order_list(request.user, request.GET)),
        "short_search": search.is_short(request.GET.get("q")),
        "can_export": request.user.has_perm("orders.export_order"),
        "can_import": request.user.has_perms(["orders.add_order", "orders.submit_order"]),
    })


@upload_size_limited
@login_required
@permission_required(["orders.add_order", "orders.submit_order"], raise_exception=True)
def order_import(request):
    """A customer's order file: upload, preview per row, confirm all orders or none (orders.order_importing)."""
    return import_page(request, order_importing.ORDER_IMPORT, list_url=reverse("orders:list"),
                       import_url=reverse("orders:order_import"), done_url=reverse("orders:list") + "?mine=on")


@login_required
@permission_required("orders.export_order", raise_exception=True)
@reads_from_replica
def order_export(request, fmt):
    orders = selectors.order_list(request.user, request.GET)
    return exports.orders_export(orders, fmt)


@login_required
@permission_required("orders.review_order", raise_exception=True)
def review_queue(request):
    page = Paginator(selectors.review_queue(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "orders/review_queue.html", {"page": page})


@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_detail(request, pk, *, terms_form=None, status=200):
    order = selectors.order_detail(request.user, pk)
    actions = services.available_actions(order, request.user, among=USER_ACTIONS)
    user = request.user
    return render(request, "orders/detail.html", {
        # The review page shows the credit check with its parts (issue 18 item 3).
        "credit": _credit(order) if order.status == OrderStatus.SUBMITTED else None,
        "can_set_terms": order.status not in payment_terms.FINAL
        and any(user.has_perm(p) for p in payment_terms.SET_TERMS),
        "terms_form": terms_form or PaymentTermsForm(initial={"terms": order.effective_payment_terms,
                                                              "reason": order.payment_terms_reason}),
        "order": order,
        "lines": order.lines.all(),
        "timeline": _timeline(order.events.all()),
        "actions": [{"name": a, "label": ACTION_LABELS.get(a, a), "needs_reason": a in REASON_REQUIRED}
                    for a in actions if a in USER_ACTIONS],
        "can_edit": order.is_editable and order.created_by_id == request.user.id
        and request.user.has_perm("orders.change_order"),
        "reason_form": ReasonForm(),
    }, status=status)


def _credit(order):
    customer = order.customer
    if not customer.credit_limit:
        return None
    return {"exposure": rules.credit_exposure(customer, exclude_order_id=order.pk), "limit": customer.credit_limit,
            "currency": customer.currency, "order_total": order.total_amount}


@login_required
@require_POST
def order_payment_terms(request, pk):
    """The order's own payment terms, with the reason (orders.payment_terms)."""
    order = selectors.order_detail(request.user, pk)
    form = PaymentTermsForm(request.POST)
    if form.is_valid():
        try:
            payment_terms.set_payment_terms(actor=request.user, order=order, terms=form.cleaned_data["terms"],
                                            reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The payment terms of order %(number)s are saved.") % {"number": order.number})
            return redirect("orders:detail", pk=pk)
    for message in form.non_field_errors():
        messages.error(request, message)
    return order_detail(request, pk, terms_form=form, status=400)


def _timeline(events):
    """The order's events as display rows, prepared once here: per-event template filters, lazy
    translations and get_FOO_display() calls dominated the page time for orders with hundreds of
    events. Times use the language's DATETIME_FORMAT, which has no month names (config/formats)."""
    status_labels = {value: str(label) for value, label in OrderStatus.choices}
    action_labels = {action: str(label) for action, label in ACTION_LABELS.items()}
    tz = timezone.get_current_timezone()
    datetime_format = formats.get_format("DATETIME_FORMAT")
    system = _("system")
    rows = []
    for e in events:
        actor = e.actor
        rows.append({
            "action": e.action, "label": action_labels.get(e.action, e.action), "note": e.get_note_display(),
            "moved": e.from_status != e.to_status,
            "from_label": status_labels.get(e.from_status, "—"), "to_label": status_labels.get(e.to_status, ""),
            "when": dateformat.format(e.created_at.astimezone(tz), datetime_format),
            "who": (actor.get_full_name() or actor.username) if actor else system,
        })
    return rows


def _promised_date(data):
    """The approve form's promised date (pre-filled by the planning promise); empty: approve_order asks
    the promise provider itself."""
    return forms.DateField(required=False).clean(data.get("promised_date"))


# Transitions taken from the order page in this stage; later stages act from their own pages.
USER_ACTIONS = ["submit", "approve", "reject", "hold", "resume", "cancel", "cancel_held"]


@login_required
@require_POST
def order_action(request, pk, action):
    if action not in USER_ACTIONS:
        return HttpResponseBadRequest(_("Unknown action."))
    order = selectors.order_detail(request.user, pk)
    note = request.POST.get("reason", "")
    expected = request.POST.get("expected_status") or None
    try:
        if action == "submit":
            services.submit_order(actor=request.user, order=order, note=note, expected_status=expected)
        elif action == "approve":
            services.approve_order(actor=request.user, order=order, note=note, expected_status=expected,
                                   acknowledge_credit=request.POST.get("acknowledge_credit") == "1",
                                   promised_date=_promised_date(request.POST))
        elif action in ("cancel", "cancel_held"):
            services.cancel_order(actor=request.user, order=order, reason=note, expected_status=expected)
        else:
            services.transition_order(actor=request.user, order=order, action=action, note=note,
                                      expected_status=expected)
    except OrderActionRefused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(action)s: done for order %(number)s.")
                         % {"action": ACTION_LABELS[action], "number": order.number})
    return redirect("orders:detail", pk=order.pk)


def _entry_context(request, form, formset, order=None):
    return {"form": form, "formset": formset, "order": order,
            "totals": _totals(form, formset, order), "max_lines": 200}


def _save_entry(request, save):
    """Validate the posted entry form and its lines, then save with `save(**content)`. Returns the
    redirect after saving, or (form, formset) with the messages to show again."""
    form = OrderForm(request.POST)
    formset = OrderLineFormSet(request.POST, prefix="lines")
    if form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        content = {
            "customer": data["customer"], "requested_date": data["requested_date"],
            "lines": formset.lines(customer=data["customer"], currency=data["currency"] or None),
            "channel": data["channel"], "customer_po": data["customer_po"], "priority": data["priority"],
            "rush_reason": data["rush_reason"], "currency": data["currency"] or None,
            "internal_notes": data["internal_notes"], "customer_notes": data["customer_notes"],
        }
        try:
            return _after_save(request, save(**content, entry_key=data["entry_key"]))
        except ValidationError as exc:
            form.add_error(None, exc)
        except OrderActionRefused as exc:
            form.add_error(None, exc.message)
    return form, formset


@login_required
@permission_required("orders.add_order", raise_exception=True)
def order_create(request):
    if request.method == "POST":
        # "Save and submit" enters the order submitted in one transaction; a role that may not submit saves
        # a draft (_after_save says so).
        submit = request.POST.get("action") == "submit" and request.user.has_perm("orders.submit_order")
        result = _save_entry(request, lambda **content: services.create_order(actor=request.user, submit=submit,
                                                                               **content))
        if not isinstance(result, tuple):
            return result
        form, formset = result
    else:
        form = OrderForm(initial={"entry_key": uuid.uuid4()})
        formset = OrderLineFormSet(prefix="lines", initial=[{}])
    return render(request, "orders/entry.html", _entry_context(request, form, formset))


@login_required
@permission_required("orders.change_order", raise_exception=True)
def order_edit(request, pk):
    order = selectors.editable_order(request.user, pk)
    if not order.is_editable:
        messages.error(request, _("Order %(number)s is %(status)s and can no longer be edited.")
                       % {"number": order.number, "status": order.get_status_display()})
        return redirect("orders:detail", pk=order.pk)
    if request.method == "POST":
        def update(entry_key, **content):  # an edit keeps the order's own entry key
            return services.update_order(actor=request.user, order=order, **content)

        result = _save_entry(request, update)
        if not isinstance(result, tuple):
            return result
        form, formset = result
    else:
        form = OrderForm(initial={
            "customer": order.customer.code, "customer_po": order.customer_po, "channel": order.channel,
            "requested_date": order.requested_date, "currency": order.currency, "priority": order.priority,
            "rush_reason": order.rush_reason, "internal_notes": order.internal_notes,
            "customer_notes": order.customer_notes})
        formset = OrderLineFormSet(prefix="lines", initial=[
            {"product": ln.product.sku, "quantity": ln.quantity, "unit_price": ln.unit_price,
             "requested_date": ln.requested_date} for ln in order.lines.all()])
    return render(request, "orders/entry.html", _entry_context(request, form, formset, order))


def _after_save(request, order):
    """Save as draft, or save and submit in one go ("action" button). A replayed entry (the same form sent
    twice: a double click, a reload, a retry after a lost answer) is answered with what actually happened to
    the order the first sending created; it is submitted only if it is still a draft."""
    wants_submit = request.POST.get("action") == "submit"
    if wants_submit and not getattr(order, "replayed", False) and order.status == OrderStatus.SUBMITTED:
        messages.success(request, _("Order %(number)s was submitted for review.") % {"number": order.number})
    elif getattr(order, "replayed", False) and not (wants_submit and order.status == OrderStatus.DRAFT):
        messages.info(request, _("This entry was already saved as order %(number)s; nothing was saved twice. "
                                 "The order is now “%(status)s”.")
                      % {"number": order.number, "status": order.get_status_display()})
    elif wants_submit:
        try:
            services.submit_order(actor=request.user, order=order)
        except (OrderActionRefused, ValidationError) as exc:
            order.refresh_from_db()
            if getattr(order, "replayed", False) and order.status == OrderStatus.SUBMITTED:
                # The first sending submitted it between our read and our submit.
                messages.success(request, _("Order %(number)s was submitted for review.") % {"number": order.number})
            else:
                msg = exc.message if isinstance(exc, OrderActionRefused) else " ".join(exc.messages)
                messages.error(request, _("Saved as draft, but not submitted: %(why)s") % {"why": msg})
        except PermissionDenied:
            messages.error(request, _("Saved as draft; your role may not submit it."))
        else:
            messages.success(request, _("Order %(number)s was submitted for review.") % {"number": order.number})
    else:
        messages.success(request, _("Order %(number)s was saved as a draft.") % {"number": order.number})
    return redirect("orders:detail", pk=order.pk)


def _totals(form, formset, order=None):
    """What the entry form shows beside the lines, from whatever was typed so far (the rules are in
    orders.rules.entry_preview; here only the request's raw values are gathered). `order`: the order
    being edited, left out of its own duplicate-PO and credit checks."""
    if not form.is_bound:
        return rules.entry_preview(lines=[], requested_date=None, is_rush=False)
    def typed_date(field, value):
        try:
            return field.clean(value)
        except ValidationError:
            return None

    lines = [rules.TypedLine(key=f.prefix, sku=f.data.get(f.add_prefix("product"), "").split(" — ", 1)[0].strip(),
                             quantity=f.data.get(f.add_prefix("quantity"), ""),
                             unit_price=f.data.get(f.add_prefix("unit_price"), ""),
                             removed=bool(f.data.get(f.add_prefix("DELETE"))),
                             requested_date=typed_date(f.fields["requested_date"],
                                                       f.data.get(f.add_prefix("requested_date"))))
             for f in formset.forms]
    requested = typed_date(form.fields["requested_date"], form.data.get("requested_date"))
    return rules.entry_preview(
        lines=lines, requested_date=requested, is_rush=form.data.get("priority") == Priority.RUSH,
        customer_code=form.data.get("customer", "").split(" — ", 1)[0].strip(),
        customer_po=form.data.get("customer_po", ""), order_id=order.pk if order else None)


def _edited_order(request):
    """The order the entry page edits (its hidden `editing_order`), if the user may see it."""
    pk = request.POST.get("editing_order", "")
    if not pk.isdigit():
        return None
    return selectors.orders_visible_to(request.user).filter(pk=int(pk)).first()


@login_required
@permission_required("orders.add_order", raise_exception=True)
@require_POST
def entry_totals(request):
    form = OrderForm(request.POST)
    formset = OrderLineFormSet(request.POST, prefix="lines")
    try:
        formset.total_form_count()
    except ValidationError:
        return HttpResponseBadRequest(_("The line data is incomplete; reload the page."))
    totals = _totals(form, formset, _edited_order(request))
    return render(request, "orders/_entry_totals.html", {"totals": totals, "credit": totals["credit"],
                                                          "duplicate_po": totals["duplicate_po"]})


@login_required
@permission_required("orders.add_order", raise_exception=True)
@require_GET
def entry_line(request):
    """One empty line row for the entry table (htmx adds it in place)."""
    try:
        index = int(request.GET.get("index", "0"))
    except ValueError:
        return HttpResponseBadRequest(_("Bad line number."))
    if not 0 <= index < 200:
        return HttpResponseBadRequest(_("An order can have at most 200 lines."))
    formset = OrderLineFormSet(prefix="lines")
    return render(request, "orders/_entry_line.html", {"line": formset._construct_form(index), "amount": None})


@login_required
@require_GET
def customer_options(request):
    if not request.user.has_perm("orders.view_customer"):
        raise PermissionDenied
    return render(request, "orders/_customer_options.html",
                  {"customers": selectors.customer_search(request.GET.get("customer", request.GET.get("q")))})


@login_required
@require_GET
def product_options(request):
    if not request.user.has_perm("orders.view_product"):
        raise PermissionDenied
    q = request.GET.get("q")
    if q is None:  # htmx sends the line's own input, named lines-N-product
        q = next((v for k, v in request.GET.items() if k.endswith("-product")), "")
    return render(request, "orders/_product_options.html", {"products": selectors.product_search(q)})
