from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import Currency

from .models import CompensationKind, DelayCause


class DelayForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    cause = forms.ChoiceField(label=_("Cause"), choices=[("", "—")] + DelayCause.choices)
    detail = forms.CharField(label=_("What happened"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    new_eta = forms.DateField(label=_("New arrival date"), widget=forms.DateInput(attrs={"type": "date"}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("How it was resolved"), max_length=500, widget=forms.TextInput(
        attrs={"placeholder": _("e.g. goods arrived, signed by the customer")}))


class CompensationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Compensation"), choices=CompensationKind.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=0.01)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    description = forms.CharField(label=_("Description"), max_length=300,
                                  widget=forms.TextInput(attrs={"placeholder": _("e.g. 50 yuan off the next order")}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Reason / note"), required=False, max_length=300)


SCORES = [(str(n), str(n)) for n in range(5, 0, -1)]


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(label=_("Overall, how satisfied are you with this order?"), choices=SCORES,
                                          coerce=int, widget=forms.RadioSelect)
    quality = forms.TypedChoiceField(label=_("How good is the product quality?"), choices=SCORES, coerce=int,
                                     widget=forms.RadioSelect)
    on_time = forms.TypedChoiceField(label=_("Did the goods arrive when we promised?"),
                                     choices=[("yes", _("Yes")), ("no", _("No"))],
                                     coerce=lambda value: value == "yes", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything we should do better?"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
