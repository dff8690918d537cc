"""Planning master data pages: work centers (list, create/edit, deactivate), calendars (list, create,
and one page to edit the weekly shift grid and the exceptions), routings (list of items made in
house, and the routing editor per item with its versions), and the CSV/XLSX imports of work centers
and routing operations. Views stay thin: parse, call a selector or a service, render or redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.history import history, history_of
from imports.views import import_page, upload_size_limited
from orders.services import OrderActionRefused
from record_pages.views import (
    ACTIVE_ACTIONS,
    add_service_errors,
    edit_record_post,
    paginate,
    record_list,
    save_form,
    save_version,
    show_refusal,
    shown_version,
    version_action,
)

from . import (
    approval_selectors,
    importing,
    plan_selectors,
    plans,
    replan,
    routing_services,
    selectors,
    services,
    work_instructions,
)
from .approval_forms import SubmitPlanForm
from .forms import (
    CalendarForm,
    ExceptionForm,
    OperationFormSet,
    RoutingFilterForm,
    RoutingHeaderForm,
    ShiftGridForm,
    WorkCenterFilterForm,
    WorkCenterForm,
    operation_initial,
)
from .models import Routing

# --- work centers ------------------------------------------------------------------------------


@login_required
@permission_required("planning.view_workcenter", raise_exception=True)
def work_center_list(request):
    return record_list(request, "planning/work_center_list.html", form_class=WorkCenterFilterForm,
                       records=selectors.work_center_list, model="planning.workcenter", now=timezone.now())


def _work_center_page(request, form, center=None, can_change=True):
    return render(request, "planning/work_center_form.html",
                  {"form": form, "center": center, "can_change": can_change, "now": timezone.now(),
                   "history": history_of(center) if center else None})


@login_required
@permission_required("planning.add_workcenter", raise_exception=True)
def work_center_create(request):
    form = WorkCenterForm(request.POST) if request.method == "POST" else WorkCenterForm()
    if form.is_bound:
        center = save_form(request, form,
                           lambda: services.create_work_center(actor=request.user, **form.service_fields()),
                           lambda c: _("Work center %(code)s was created.") % {"code": c.code})
        if center:
            return redirect("planning:work_center_edit", pk=center.pk)
    return _work_center_page(request, form)


@login_required
@permission_required("planning.view_workcenter", raise_exception=True)
def work_center_edit(request, pk):
    """Everyone who may see work centers sees this page; only those who may change them get a form."""
    center = selectors.work_center_detail(request.user, pk)
    can_change = request.user.has_perm("planning.change_workcenter")
    if request.method == "POST":
        form = WorkCenterForm(request.POST, instance=center)
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: services.update_work_center(actor=request.user, center=center, **form.service_fields()),
                saved_message=_("Work center %(code)s was saved.") % {"code": center.code},
                set_active=lambda active: services.set_work_center_active(actor=request.user, center=center,
                                                                          active=active),
                activated_message=_("Work center %(code)s is active again.") % {"code": center.code},
                deactivated_message=_("Work center %(code)s was deactivated: routings can no longer use it; "
                                      "its history is kept.") % {"code": center.code}):
            return redirect("planning:work_center_edit", pk=center.pk)
        center.refresh_from_db()
    else:
        form = WorkCenterForm(instance=center)
    return _work_center_page(request, form, center, can_change)


# --- calendars ---------------------------------------------------------------------------------

@login_required
@permission_required("planning.view_workcalendar", raise_exception=True)
def calendar_list(request):
    query = request.GET.get("q", "")
    user = request.user
    return render(request, "planning/calendar_list.html", {
        **paginate(request, selectors.calendar_list(user, {"q": query})), "q": query,
        "can_add": user.has_perm("planning.add_workcalendar"),
    })


@login_required
@permission_required("planning.add_workcalendar", raise_exception=True)
def calendar_create(request):
    form = CalendarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            calendar = services.create_calendar(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Calendar %(name)s was created: now give it its shifts.")
                             % {"name": calendar.name})
            return redirect("planning:calendar_edit", pk=calendar.pk)
    return render(request, "planning/calendar_create.html", {"form": form})


@login_required
@permission_required("planning.view_workcalendar", raise_exception=True)
def calendar_edit(request, pk):
    """One page for a calendar: its name and time zone, the weekly shift grid, and the exceptions.
    Each part is its own form (named by `action`); the others keep what is saved."""
    user = request.user
    calendar = selectors.calendar_detail(user, pk)
    can_change = user.has_perm("planning.change_workcalendar")
    shifts = list(calendar.shifts.all())
    header = CalendarForm(instance=calendar)
    grid = ShiftGridForm(shifts=shifts)
    exception_form = ExceptionForm()
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role may not do this."))
        action = request.POST.get("action")
        if action == "header":
            header = CalendarForm(request.POST, instance=selectors.calendar_detail(user, pk))
            if header.is_valid():
                try:
                    services.update_calendar(actor=user, calendar=calendar, **header.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(header, exc)
                else:
                    messages.success(request, _("Calendar %(name)s was saved.") % {"name": header.cleaned_data["name"]})
                    return redirect("planning:calendar_edit", pk=calendar.pk)
        elif action == "shifts":
            grid = ShiftGridForm(request.POST, shifts=shifts)
            if grid.is_valid():
                try:
                    services.set_calendar_shifts(actor=user, calendar=calendar, shifts=grid.shifts())
                except ValidationError as exc:
                    grid.add_error(None, exc)
                else:
                    messages.success(request, _("The shifts of %(name)s were saved.") % {"name": calendar.name})
                    return redirect("planning:calendar_edit", pk=calendar.pk)
        elif action == "add_exception":
            exception_form = ExceptionForm(request.POST)
            if exception_form.is_valid():
                try:
                    services.add_calendar_exception(actor=user, calendar=calendar, **exception_form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(exception_form, exc)
                else:
                    messages.success(request, _("The exception was added."))
                    return redirect(reverse("planning:calendar_edit", args=[calendar.pk]) + "#exceptions")
        else:
            return redirect("planning:calendar_edit", pk=calendar.pk)
    return render(request, "planning/calendar_edit.html", {
        "calendar": calendar, "can_change": can_change, "header": header, "grid": grid,
        "exception_form": exception_form,
    })


@require_POST
@login_required
@permission_required("planning.change_workcalendar", raise_exception=True)
def calendar_exception_remove(request, pk, exception_pk):
    calendar = selectors.calendar_detail(request.user, pk)
    exception = selectors.calendar_exception(calendar, exception_pk)
    services.remove_calendar_exception(actor=request.user, exception=exception)
    messages.success(request, _("The exception on %(date)s was removed.") % {"date": date_format(exception.date)})
    return redirect(reverse("planning:calendar_edit", args=[calendar.pk]) + "#exceptions")


# --- routings ----------------------------------------------------------------------------------

@login_required
@permission_required("planning.view_routing", raise_exception=True)
def routing_list(request):
    return record_list(request, "planning/routing_list.html", form_class=RoutingFilterForm,
                       records=selectors.routing_list, model="planning.routing", actions=("change", "import"))


@login_required
@permission_required("planning.view_routing", raise_exception=True)
def routing_edit(request, item_pk):
    """The routing of an item: edit its operations (a new version), see and reactivate versions."""
    user = request.user
    item = selectors.routing_item(user, item_pk)
    can_change = user.has_perm("planning.change_routing")
    active = selectors.active_routing(item)
    header = RoutingHeaderForm()
    formset = OperationFormSet(prefix="ops", initial=operation_initial(active))
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role may not do this."))
        action = request.POST.get("action")
        if action in ACTIVE_ACTIONS:
            return _routing_version_action(request, item, action)
        header = RoutingHeaderForm(request.POST)
        formset = OperationFormSet(request.POST, prefix="ops")
        if save_version(
                request, header=header, formset=formset, active=active,
                save=lambda **header_fields: routing_services.save_routing(
                    actor=user, item=item, operations=formset.operations(), **header_fields),
                unchanged_message=lambda routing: _("Nothing changed: the routing is still version %(version)s.")
                % {"version": routing.version},
                saved_message=lambda routing: _("Version %(version)s of the routing of %(code)s is saved and "
                                                "active.") % {"version": routing.version, "code": item.code}):
            return redirect("planning:routing_edit", item_pk=item.pk)
    shown = shown_version(request, lambda number: selectors.routing_version(item, number))
    versions = selectors.routing_versions(item)
    return render(request, "planning/routing_edit.html", {
        "item": item, "active": active, "header": header, "formset": formset, "can_change": can_change,
        "versions": versions, "shown": shown, "history": history(Routing, [v.pk for v in versions]),
        "work_centers": selectors.work_center_options() if can_change else [],
        "skills": selectors.skill_options() if can_change else [],
        "instruction_rows": _instruction_rows(item, active),
    })


def _instruction_rows(item, active):
    """(routing operation, its current work instruction or None) for the active routing's operations."""
    operations = list(active.operations.all()) if active else []
    current = work_instructions.current_instructions((item.pk, op.sequence) for op in operations)
    return [(op, current.get((item.pk, op.sequence))) for op in operations]


def _routing_version_action(request, item, action):
    def activate():
        version = request.POST.get("version", "")
        routing = selectors.routing_version(item, int(version) if version.isdigit() else 0)
        routing_services.activate_routing(actor=request.user, routing=routing)
        return _("Version %(version)s is the active routing again.") % {"version": routing.version}

    def deactivate():
        routing_services.deactivate_routing(actor=request.user, item=item)
        return _("%(code)s has no active routing now; its versions are kept.") % {"code": item.code}

    version_action(request, action, activate=activate, deactivate=deactivate)
    return redirect("planning:routing_edit", item_pk=item.pk)


# --- imports -----------------------------------------------------------------------------------

@upload_size_limited
@login_required
@permission_required("planning.import_workcenter", raise_exception=True)
def work_center_import(request):
    list_url = reverse("planning:work_center_list")
    return import_page(request, importing.WORK_CENTER_IMPORT, list_url=list_url,
                       import_url=reverse("planning:work_center_import"),
                       done_url=list_url + "?status=all&sort=-updated")


@upload_size_limited
@login_required
@permission_required("planning.import_routing", raise_exception=True)
def routing_import(request):
    list_url = reverse("planning:routing_list")
    return import_page(request, importing.ROUTING_IMPORT, list_url=list_url,
                       import_url=reverse("planning:routing_import"), done_url=list_url + "?routing=with")


# --- plan review -------------------------------------------------------------------------------


@login_required
@permission_required("orders.plan_order", raise_exception=True)
def plan_list(request):
    """Approved orders waiting for planning or release, rush first."""
    context = paginate(request, plan_selectors.plan_queue(request.user))
    plan_selectors.with_lateness(context["page"].object_list)
    return render(request, "planning/plan_list.html", context)


@login_required
@permission_required("orders.plan_order", raise_exception=True)
def plan_detail(request, pk):
    order = plan_selectors.order_plan(request.user, pk)
    return render(request, "planning/plan_detail.html", {
        "order": order, "approval_required": settings.PLAN_APPROVAL_REQUIRED,
        "submission": approval_selectors.open_submission(order), "submit_form": SubmitPlanForm()})


@login_required
@permission_required("orders.plan_order", raise_exception=True)
@require_POST
def plan_order(request, pk):
    order = plan_selectors.order_plan(request.user, pk)
    try:
        result = plans.plan_order(actor=request.user, order=order)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("planning:plan_detail", pk=order.pk)
    messages.success(request, _("Order %(number)s was planned: %(count)s work orders, finishing %(finish)s.") % {
        "number": order.number, "count": len(result.work_orders),
        "finish": date_format(timezone.localtime(result.finish), "SHORT_DATETIME_FORMAT") if result.finish else "—"})
    for late in result.late_orders:
        messages.warning(request, _("Order %(number)s will be late by %(late)s.") % {
            "number": late.order.number, "late": plan_selectors.duration_text(late.late_minutes)})
    for conflict in result.conflicts:
        messages.warning(request, conflict)
    return redirect("planning:plan_detail", pk=order.pk)


@login_required
@permission_required("orders.plan_order", raise_exception=True)
@require_POST
def plan_release(request, pk):
    order = plan_selectors.order_plan(request.user, pk)
    try:
        plans.release_plan(actor=request.user, order=order)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("planning:plan_detail", pk=order.pk)
    except OrderActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("planning:plan_detail", pk=order.pk)
    messages.success(request, _("The plan of order %(number)s was released.") % {"number": order.number})
    return redirect("planning:plan_list")


@login_required
@permission_required("orders.plan_order", raise_exception=True)
def replan_everything(request):
    """GET: the impact of re-dispatching all open work; POST: apply it (if the plan is still the one shown)."""
    if request.method == "POST":
        try:
            result = replan.replan_everything(actor=request.user, digest=request.POST.get("digest", ""))
        except ValidationError as exc:
            show_refusal(request, exc)
            return redirect("planning:replan")
        messages.success(request, _("All open work was replanned."))
        for late in result.late_orders:
            messages.warning(request, _("Order %(number)s will be late by %(late)s.") % {
                "number": late.order.number, "late": plan_selectors.duration_text(late.late_minutes)})
        return redirect("planning:gantt")
    return render(request, "planning/replan.html", {"preview": replan.replan_preview()})
