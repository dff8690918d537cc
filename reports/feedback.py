"""The customer feedback report (客户反馈): answers to the satisfaction form linked from the delivery message
(notices), over a period: average scores, the share delivered when promised, month by month, the comments."""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices.selectors import feedback_report


class FeedbackPeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


@login_required
@permission_required("reports.view_reports", raise_exception=True)
def customer_feedback(request):
    form = FeedbackPeriodForm(request.GET or None)
    end = timezone.localdate()
    start = end - timedelta(days=365)
    if form.is_valid():
        start = form.cleaned_data["date_from"] or start
        end = form.cleaned_data["date_to"] or end
    return render(request, "reports/customer_feedback.html", {"form": form, "start": start, "end": end,
                                                              **feedback_report(start, end)},
                  status=400 if form.is_bound and not form.is_valid() else 200)
