"""The "Optimise" pages (planners only): the request form with the recent runs, and a run's page — a
progress bar polled by htmx every second while the run is queued or running, then the current plan
beside the proposal with Accept and Discard. Thin views over planning.optimisation and
planning.optimisation_selectors."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from record_pages.views import paginate

from . import optimisation, optimisation_selectors
from .models import OptimisationStatus

PERMISSION = optimisation.PERMISSION


class OptimiseForm(forms.Form):
    time_limit_seconds = forms.CharField(
        label=gettext_lazy("Time limit (seconds)"), initial=optimisation.DEFAULT_TIME_LIMIT,
        required=False, widget=forms.NumberInput(attrs={"min": optimisation.MIN_TIME_LIMIT,
                                                        "max": optimisation.MAX_TIME_LIMIT}))

    def clean_time_limit_seconds(self):
        return optimisation.parse_time_limit(self.cleaned_data["time_limit_seconds"])


class RunFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All"))] + list(OptimisationStatus.choices))


@login_required
@permission_required(PERMISSION, raise_exception=True)
def optimise(request):
    """GET: the form and the recent runs. POST: request a run and go to its page."""
    form = OptimiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = optimisation.request_optimisation(actor=request.user,
                                                    time_limit_seconds=form.cleaned_data["time_limit_seconds"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Optimisation %(run)s is queued.") % {"run": run.pk})
            return redirect("planning:optimisation_run", pk=run.pk)
    filters = RunFilterForm(request.GET or None)
    runs = optimisation_selectors.recent_runs(request.user)
    if filters.is_valid() and filters.cleaned_data["status"]:
        runs = runs.filter(status=filters.cleaned_data["status"])
    return render(request, "planning/optimisation.html", {
        "form": form, "filters": filters, "in_flight": optimisation_selectors.has_run_in_flight(),
        **paginate(request, runs),
    }, status=400 if form.errors else 200)


def _run_context(run):
    reviewed = (OptimisationStatus.DONE, OptimisationStatus.APPLIED, OptimisationStatus.DISCARDED)
    review = optimisation_selectors.run_review(run) if run.status in reviewed else None
    elapsed = None
    if run.started_at is not None:
        elapsed = int(((run.finished_at or timezone.now()) - run.started_at).total_seconds())
    charts = optimisation_selectors.comparison_charts(
        run, order_url=lambda pk: reverse("planning:plan_detail", args=[pk])) if review else None
    return {"run": run, "review": review, "charts": charts, "elapsed_seconds": elapsed,
            "in_flight": run.status in optimisation.IN_FLIGHT}


@login_required
@permission_required(PERMISSION, raise_exception=True)
def optimisation_run(request, pk):
    run = optimisation_selectors.run_detail(request.user, pk)
    return render(request, "planning/optimisation_run.html", _run_context(run))


@login_required
@permission_required(PERMISSION, raise_exception=True)
def optimisation_panel(request, pk):
    """The part of the run page that changes (polled by htmx while the run is queued or running)."""
    run = optimisation_selectors.run_detail(request.user, pk)
    return render(request, "planning/_optimisation_panel.html", _run_context(run))


def _decision(request, pk, decide, done_message):
    run = optimisation_selectors.run_detail(request.user, pk)
    try:
        decide(actor=request.user, run=run)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message % {"run": run.pk})
    return redirect("planning:optimisation_run", pk=run.pk)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def optimisation_accept(request, pk):
    return _decision(request, pk, optimisation.apply_optimisation,
                     _("Optimisation %(run)s was applied: the plan now follows its proposal."))


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def optimisation_discard(request, pk):
    return _decision(request, pk, optimisation.discard_optimisation,
                     _("Optimisation %(run)s was discarded; the plan is unchanged."))
