"""The "Materials" section of the order page (loaded into it with hx-get: orders imports no later
stage) and its actions: reserve, request all shortages, generate the prep sheet. Thin: parse, call a
selector or a service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from orders.models import OrderStatus

from . import prep_sheet_selectors, prep_sheets, purchasing
from .requirements import OPEN_FOR_MATERIALS


def show_errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


@login_required
@permission_required("inventory.view_stockbalance", raise_exception=True)
@require_GET
def order_materials(request, pk):
    user = request.user
    order = prep_sheet_selectors.order_for_materials(user, pk)
    waiting = order.status in OPEN_FOR_MATERIALS
    response = render(request, "inventory/prep_sheets/_order_materials.html", {
        "order": order, **prep_sheet_selectors.order_materials(order), "waiting": waiting,
        "can_reserve": waiting and user.has_perm("inventory.add_reservation"),
        "can_request": waiting and user.has_perm("inventory.add_purchaserequest"),
        "can_generate": order.status == OrderStatus.PLANNED and user.has_perm("inventory.add_materialprepsheet"),
    })
    response["Cache-Control"] = "no-store"
    return response


def _act(request, pk, action):
    """Run `action(order)` for a visible order: its refusal is shown on the order page, else the
    response it returns."""
    order = prep_sheet_selectors.order_for_materials(request.user, pk)
    try:
        return action(order)
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect("orders:detail", pk=order.pk)


def _back_to_order(request, order, message):
    messages.success(request, message)
    return redirect("orders:detail", pk=order.pk)


@login_required
@permission_required("inventory.add_reservation", raise_exception=True)
@require_POST
def order_materials_reserve(request, pk):
    def reserve(order):
        made = prep_sheets.reserve_order_materials(actor=request.user, order=order)
        return _back_to_order(request, order, ngettext("%(n)s reservation made for order %(number)s.",
                                                       "%(n)s reservations made for order %(number)s.", len(made))
                              % {"n": len(made), "number": order.number})

    return _act(request, pk, reserve)


@login_required
@permission_required("inventory.add_purchaserequest", raise_exception=True)
@require_POST
def order_materials_request(request, pk):
    def request_all(order):
        made = purchasing.request_order_shortages(actor=request.user, order=order)
        return _back_to_order(request, order, _("Purchase requests made: %(numbers)s. Next: %(next)s.")
                              % {"numbers": ", ".join(f"{r.number} ({r.item.code})" for r in made),
                                 "next": made[0].next_step})

    return _act(request, pk, request_all)


@login_required
@permission_required("inventory.add_materialprepsheet", raise_exception=True)
@require_POST
def prep_sheet_generate(request, pk):
    def generate(order):
        sheet = prep_sheets.generate_prep_sheet(actor=request.user, order=order)
        messages.success(request, _("Prep sheet %(number)s made.") % {"number": sheet.number})
        return redirect("inventory:prep_sheet_detail", pk=sheet.pk)

    return _act(request, pk, generate)
