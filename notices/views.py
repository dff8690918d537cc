from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.selectors import orders_visible_to
from shipping.selectors import shipments_visible_to

from . import logistics, selectors, services, texts
from .forms import CompensationForm, DecisionForm, DelayForm, FeedbackForm, ResolveForm
from .models import APPROVE_COMPENSATION, DELAY_PERMISSION, RESOLVE_PERMISSION, DelayStatus


@login_required
@permission_required(selectors.VIEW_DELAYS, raise_exception=True)
def home(request):
    """Customer service (客服): open logistics delays, compensation to decide, customer messages."""
    return render(request, "notices/home.html", selectors.workbench(request.user))


@login_required
@permission_required(DELAY_PERMISSION, raise_exception=True)
def delay_create(request, shipment_pk):
    shipment = get_object_or_404(shipments_visible_to(request.user).select_related("order__customer"), pk=shipment_pk)
    form = DelayForm(request.POST or None, initial={"carrier": shipment.carrier})
    if request.method == "POST" and form.is_valid():
        try:
            delay = logistics.record_delay(actor=request.user, shipment=shipment, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Delay %(number)s recorded; the customer is being told.")
                             % {"number": delay.number})
            return redirect("notices:delay", pk=delay.pk)
    return render(request, "notices/delay_form.html", {"shipment": shipment, "form": form})


def _delay(request, pk):
    try:
        return selectors.delay_for_page(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
@permission_required(selectors.VIEW_DELAYS, raise_exception=True)
def delay_detail(request, pk, *, compensation_form=None, resolve_form=None, status=200):
    delay = _delay(request, pk)
    user = request.user
    return render(request, "notices/delay_detail.html", {
        "delay": delay, "order": delay.shipment.order, "events": delay.events.select_related("actor"),
        "messages_sent": delay.shipment.order.customer_messages.filter(dedupe_key__startswith=f"delay:{delay.pk}:")
        .select_related("contact"),
        "compensations": delay.compensations.select_related("proposed_by", "decided_by"),
        "can_resolve": user.has_perm(RESOLVE_PERMISSION) and delay.status == DelayStatus.OPEN,
        "resolve_form": resolve_form or ResolveForm(),
        "can_propose": user.has_perm(logistics.PROPOSE_PERMISSION),
        "compensation_form": compensation_form or CompensationForm(
            initial={"currency": delay.shipment.order.currency}),
        "can_decide": user.has_perm(APPROVE_COMPENSATION), "decision_form": DecisionForm(),
    }, status=status)


@login_required
@require_POST
@permission_required(RESOLVE_PERMISSION, raise_exception=True)
def delay_resolve(request, pk):
    delay = _delay(request, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            logistics.resolve_delay(actor=request.user, delay=delay, resolution=form.cleaned_data["resolution"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Delay %(number)s resolved.") % {"number": delay.number})
            return redirect("notices:delay", pk=delay.pk)
    return delay_detail(request, pk, resolve_form=form, status=400)


@login_required
@require_POST
@permission_required(logistics.PROPOSE_PERMISSION, raise_exception=True)
def compensation_propose(request, pk):
    delay = _delay(request, pk)
    form = CompensationForm(request.POST)
    if form.is_valid():
        try:
            logistics.propose_compensation(actor=request.user, order=delay.shipment.order, delay=delay,
                                           **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Compensation proposed; a manager decides."))
            return redirect("notices:delay", pk=delay.pk)
    return delay_detail(request, pk, compensation_form=form, status=400)


@login_required
@require_POST
@permission_required(APPROVE_COMPENSATION, raise_exception=True)
def compensation_decide(request, pk):
    compensation = get_object_or_404(selectors.compensations_visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    target = redirect("notices:delay", pk=compensation.delay_id) if compensation.delay_id else redirect("notices:home")
    if not form.is_valid():
        messages.error(request, _("The reason has at most 300 characters."))
        return target
    try:
        logistics.decide_compensation(actor=request.user, compensation=compensation, approve=approve,
                                      note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Compensation approved.") if approve else _("Compensation rejected."))
    return target


@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_panel(request, order_pk):
    order = get_object_or_404(orders_visible_to(request.user), pk=order_pk)
    return render(request, "notices/_order_panel.html", {"order": order, **selectors.order_panel(request.user, order)})


# --- the customer's pages (no login; signed links) ---------------------------------------------------------

def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def unsubscribe(request, token):
    contact_id = texts.contact_id_for_unsubscribe(token)
    contact = selectors.contact_for_link(contact_id) if contact_id else None
    if contact is None:
        raise Http404
    with translation.override(contact.language):
        done = False
        if request.method == "POST":
            services.opt_out(contact=contact)
            done = True
        return _private(render(request, "notices/unsubscribe.html", {
            "contact": contact, "done": done or not contact.receives_updates, "language": contact.language}))


def feedback(request, token):
    ids = texts.ids_for_feedback(token)
    contact = selectors.contact_for_link(ids[1]) if ids else None
    order = selectors.contact_order(contact, ids[0]) if contact else None
    if order is None:
        raise Http404
    with translation.override(contact.language):
        form = FeedbackForm(request.POST or None)
        done = order.customer_feedback.filter(contact=contact).exists()
        if request.method == "POST" and not done and form.is_valid():
            try:
                services.record_feedback(order=order, contact=contact, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                done = True
        return _private(render(request, "notices/feedback.html", {
            "order": order, "contact": contact, "form": form, "done": done, "language": contact.language},
            status=400 if request.method == "POST" and not done else 200))
