"""Pages that change a plan by hand: the routing's maximum batch size (how plan_order splits quantities
into batches) and the plan adjustments (planning.adjustments) in one dialog per operation.

The dialog is an htmx fragment opened from a Gantt bar or the plan page (static/js/orderflow.js puts it
in a <dialog>); without JavaScript the same URL is a normal page. Its forms post to one view per
adjustment. A refused adjustment shows its message in the dialog and changes nothing; a done one goes
back to the page the planner came from (htmx: HX-Redirect), with the orders whose finish changed as
messages. Thin views: parse, call the service, render or redirect.

The adjustment forms live here with their views: they exist only for this dialog.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from inventory.forms import plain_decimal

from . import adjustments, routing_services, selectors
from .adjustments import ADJUSTABLE, center_choices, factory_time, operation_version, work_order_version
from .forms import RoutingBatchSizeForm
from .gantt_selectors import adjustable_operation, splittable_work_order
from .models import WorkOrderStatus
from .plan_selectors import duration_text
from .work_order_split import split_work_order

ADJUST = "orders.plan_order"
MAX_FINISH_MESSAGES = 10


@login_required
@permission_required("planning.change_routing", raise_exception=True)
@require_POST
def routing_batch_size(request, item_pk):
    item = selectors.routing_item(request.user, item_pk)
    form = RoutingBatchSizeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        size = form.cleaned_data["max_batch_size"]
        routing_services.set_routing_batch_size(actor=request.user, item=item, max_batch_size=size)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if size is None:
            messages.success(request, _("%(code)s is made in one work order per order line (no batch size).")
                             % {"code": item.code})
        else:
            messages.success(request, _("%(code)s is planned in batches of at most %(size)s.")
                             % {"code": item.code, "size": plain_decimal(size)})
    return redirect("planning:routing_edit", item_pk=item.pk)


# --- forms -----------------------------------------------------------------------------------------

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class _Versioned(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)


def _center_field(operation, label):
    choices = [(center.pk, center.code if center.is_active else _("%(code)s (inactive)") % {"code": center.code})
               for center in center_choices(operation)]
    return forms.TypedChoiceField(label=label, coerce=int, choices=choices)


class MoveForm(_Versioned):
    start = forms.DateTimeField(
        label=gettext_lazy("New start"), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        error_messages={"required": gettext_lazy("Enter the new start."),
                        "invalid": gettext_lazy("Enter the new start as a date and time.")})
    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_center"] = _center_field(operation, _("Work center"))
        units = max(center.parallel_units for center in center_choices(operation))
        self.fields["unit"].choices = [("", _("any free unit"))] + [(n, str(n + 1)) for n in range(units)]
        self.order_fields(["start", "work_center", "unit", "version"])


class WorkCenterForm(_Versioned):
    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_center"] = _center_field(operation, _("Work center"))


class LockForm(_Versioned):
    locked = forms.BooleanField(label=gettext_lazy("Locked at its place"), required=False)


class SplitForm(_Versioned):
    quantity = forms.CharField(label=gettext_lazy("Quantity kept in this work order"), max_length=30,
                               required=False, widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                                             "autocomplete": "off"}))


MAX_SHIFT_MINUTES = 366 * 24 * 60
SHIFT_STEP = 5  # a dragged bar proposes starts on five-minute steps


def _shifted_start(op, text):
    """The start a drag on the Gantt proposes: the planned start moved by `text` minutes, on a five-minute
    step; None without a (sensible) shift."""
    try:
        minutes = int(text)
    except (TypeError, ValueError):
        return None
    if op.planned_start is None or abs(minutes) > MAX_SHIFT_MINUTES:
        return None
    moved = timezone.localtime(op.planned_start + timedelta(minutes=minutes))
    steps = round((moved.hour * 60 + moved.minute) / SHIFT_STEP) * SHIFT_STEP
    return moved.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(minutes=steps)


def _operation_forms(op, data=None, which=None, initial_start=None, initial_unit=None):
    """The dialog's three operation forms; the one posted (`which`) is bound to `data`."""
    version = operation_version(op)
    start = initial_start or op.planned_start
    center = op.planned_work_center_id or op.work_center_id
    initial = {
        "move": {"start": timezone.localtime(start) if start else None, "work_center": center,
                 "unit": op.planned_unit if initial_unit is None else initial_unit, "version": version},
        "center": {"work_center": center, "version": version},
        "lock": {"locked": op.locked, "version": version},
    }
    classes = {"move": MoveForm, "center": WorkCenterForm, "lock": LockForm}
    built = {}
    for name, form_class in classes.items():
        options = {"operation": op} if name in ("move", "center") else {}
        bound = data if name == which else None
        built[name] = form_class(bound, initial=initial[name], prefix=name, **options)
    return built


def _split_form(work_order, data=None):
    return SplitForm(data, initial={"version": work_order_version(work_order)}, prefix="split")


# --- the dialog ------------------------------------------------------------------------------------

def _back(request, fallback):
    """Where to go after an adjustment: the page the dialog was opened from (when it is ours), else `fallback`."""
    for candidate in (request.POST.get("next"), request.GET.get("next"),
                      request.htmx.current_url if request.htmx else None, request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure()):
            return candidate
    return fallback


def _gantt_of(op):
    moment = op.planned_start if op is not None and op.planned_start else timezone.now()
    day = timezone.localtime(moment).date()
    return f"{reverse('planning:gantt')}?{urlencode({'date': day.isoformat(), 'zoom': 'week'})}"


def _render_dialog(request, *, op=None, work_order, forms_=None, split_form=None, errors=(), back=None):
    work_order = work_order if op is None else op.work_order
    adjustable = op is not None and work_order.status in ADJUSTABLE and op.status in ADJUSTABLE \
        and op.started_at is None
    context = {
        "op": op, "wo": work_order, "errors": errors, "back": back or _back(request, _gantt_of(op)),
        "adjustable": adjustable, "can_split": work_order.status == WorkOrderStatus.PLANNED,
        "forms": forms_ or (_operation_forms(op) if op is not None else None),
        "split_form": split_form or _split_form(work_order),
        "planned_place": adjustments.placement_text(op) if op is not None else "",
        "time_zone": timezone.get_current_timezone_name(),
    }
    template = "planning/_adjust_dialog.html" if request.htmx else "planning/_adjust_page.html"
    return render(request, template, context)


def _form_errors(form):
    return [message for errors in form.errors.values() for message in errors]


def _announce(request, result):
    messages.success(request, result.summary)
    changes = result.finish_changes
    for change in changes[:MAX_FINISH_MESSAGES]:
        names = {"order": change.order_number, "before": factory_time(change.before),
                 "after": factory_time(change.after)}
        delay = change.delay_minutes
        if delay is None or delay == 0:
            text = _("Planned finish of %(order)s: %(before)s → %(after)s.") % names
        elif delay > 0:
            text = _("Planned finish of %(order)s: %(before)s → %(after)s (later by %(delta)s).") % {
                **names, "delta": duration_text(delay)}
        else:
            text = _("Planned finish of %(order)s: %(before)s → %(after)s (earlier by %(delta)s).") % {
                **names, "delta": duration_text(-delay)}
        messages.info(request, text)
    if len(changes) > MAX_FINISH_MESSAGES:
        messages.info(request, _("… and %(n)s more orders whose planned finish changed.")
                      % {"n": len(changes) - MAX_FINISH_MESSAGES})
    if not changes:
        messages.info(request, _("No order's planned finish changed."))
    for late in result.late_orders:
        messages.warning(request, _("Order %(number)s will be late by %(late)s.")
                         % {"number": late.order.number, "late": duration_text(late.late_minutes)})
    for conflict in result.conflicts:
        messages.warning(request, conflict)


def _done(request, back):
    return HttpResponseClientRedirect(back) if request.htmx else redirect(back)


@login_required
@permission_required(ADJUST, raise_exception=True)
def operation_adjust(request, pk):
    """The dialog of one operation: move, change work center, lock, and split its work order."""
    op = adjustable_operation(request.user, pk)
    initial_unit = request.GET.get("unit", "")
    forms_ = _operation_forms(op, initial_start=_shifted_start(op, request.GET.get("shift")),
                              initial_unit=int(initial_unit) if initial_unit.isdigit() else None)
    return _render_dialog(request, op=op, work_order=op.work_order, forms_=forms_)


def _operation_action(request, pk, which, apply):
    op = adjustable_operation(request.user, pk)
    back = _back(request, _gantt_of(op))
    forms_ = _operation_forms(op, data=request.POST, which=which)
    form = forms_[which]
    if not form.is_valid():
        return _render_dialog(request, op=op, work_order=op.work_order, forms_=forms_, errors=_form_errors(form),
                              back=back)
    try:
        result = apply(op, form.cleaned_data)
    except ValidationError as exc:
        return _render_dialog(request, op=op, work_order=op.work_order, forms_=forms_, errors=exc.messages,
                              back=back)
    _announce(request, result)
    return _done(request, back)


def _center_of(op, pk):
    return next(center for center in center_choices(op) if center.pk == pk)


@login_required
@permission_required(ADJUST, raise_exception=True)
@require_POST
def operation_move(request, pk):
    return _operation_action(request, pk, "move", lambda op, data: adjustments.move_operation(
        actor=request.user, operation=op, start=data["start"], unit=data["unit"],
        work_center=_center_of(op, data["work_center"]), expected_version=data["version"]))


@login_required
@permission_required(ADJUST, raise_exception=True)
@require_POST
def operation_work_center(request, pk):
    return _operation_action(request, pk, "center", lambda op, data: adjustments.change_work_center(
        actor=request.user, operation=op, work_center=_center_of(op, data["work_center"]),
        expected_version=data["version"]))


@login_required
@permission_required(ADJUST, raise_exception=True)
@require_POST
def operation_lock(request, pk):
    return _operation_action(request, pk, "lock", lambda op, data: adjustments.set_operation_lock(
        actor=request.user, operation=op, locked=data["locked"], expected_version=data["version"]))


@login_required
@permission_required(ADJUST, raise_exception=True)
def work_order_split(request, pk):
    """The split form of a work order (GET), and the split (POST)."""
    work_order = splittable_work_order(request.user, pk)
    if request.method != "POST":
        return _render_dialog(request, work_order=work_order)
    back = _back(request, _gantt_of(None))
    form = _split_form(work_order, request.POST)
    errors = _form_errors(form) if not form.is_valid() else []
    if not errors:
        try:
            result = split_work_order(actor=request.user, work_order=work_order,
                                      quantity=form.cleaned_data["quantity"],
                                      expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            errors = exc.messages
        else:
            _announce(request, result)
            return _done(request, back)
    op = None
    if request.POST.get("operation", "").isdigit():  # posted from an operation's dialog: show that dialog again
        op = adjustable_operation(request.user, int(request.POST["operation"]))
        op = op if op.work_order_id == work_order.pk else None
    return _render_dialog(request, op=op, work_order=work_order, split_form=form, errors=errors, back=back)
