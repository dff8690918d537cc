"""The daily production plan page (/planning/daily-plan/?day=YYYY-MM-DD&center=CODE): one work center or
all of them, printable on A4 landscape, with the production plan PDF through the document pipeline."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from .crew_load import crew_load
from .daily_plan import daily_plan, day_bounds, today
from .documents import KIND, PERMISSION, DailyPlanSheet
from .models import WorkCenter


class DailyPlanForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), required=False, input_formats=["%Y-%m-%d"],
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": gettext_lazy("That is not a date: enter it as YYYY-MM-DD.")})
    center = forms.ModelChoiceField(
        label=gettext_lazy("Work center"), required=False, to_field_name="code",
        queryset=WorkCenter.objects.select_related("calendar").order_by("-is_active", "code"),
        empty_label=gettext_lazy("All work centers"),
        error_messages={"invalid_choice": gettext_lazy("There is no work center “%(value)s”.")})

    def clean_day(self):
        # The range of days is the one every date field has (inputs.validators.date_within_horizon).
        return self.cleaned_data["day"] or today()


def _link(day, center):
    params = {"day": day.isoformat()}
    if center is not None:
        params["center"] = center.code
    return f"{reverse('planning:daily_plan')}?{urlencode(params)}"


@login_required
@permission_required(PERMISSION, raise_exception=True)
def daily_plan_page(request):
    form = DailyPlanForm(request.GET or {"day": today().isoformat()})
    context = {"form": form, "document_kind": KIND}
    if form.is_valid():
        day, center = form.cleaned_data["day"], form.cleaned_data["center"]
        plan = daily_plan(day, center)
        tz = ZoneInfo(settings.TIME_ZONE)
        context.update({
            "people": crew_load(*day_bounds(day, tz), tz, approved_only=settings.PLAN_APPROVAL_REQUIRED),
            "plan": plan,
            "center": center,
            "sheet": DailyPlanSheet(day, center),
            "previous_url": _link(day - timedelta(days=1), center),
            "next_url": _link(day + timedelta(days=1), center),
            "today_url": _link(today(), center),
            "next_planned_url": _link(plan.next_planned_day, center) if plan.next_planned_day else "",
        })
    return render(request, "planning/daily_plan.html", context)
