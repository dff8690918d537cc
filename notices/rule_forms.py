"""The form of the customer notice rule page (notices.rule_services checks and writes)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import OrderAction


def event_choices(rule=None):
    """Every order event, and any other event the rule already names (kept until a manager unticks it)."""
    choices = list(OrderAction.choices)
    known = set(OrderAction.values)
    choices += [(action, _("Event no order step records (%(code)s)") % {"code": action})
                for action in (rule.order_actions if rule else []) if action not in known]
    return choices


class NoticeRuleForm(forms.Form):
    order_actions = forms.MultipleChoiceField(
        label=_("Order events that send it"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("No event ticked: this notice is only sent by hand or by its own step (e.g. a logistics "
                    "delay)."))
    by_email = forms.BooleanField(label=_("By e-mail"), required=False)
    by_sms = forms.BooleanField(label=_("By SMS (contacts with a mobile number)"), required=False)
    only_rush = forms.BooleanField(label=_("Only for rush orders"), required=False)

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order_actions"].choices = event_choices(rule)
        if not self.is_bound:
            self.initial.update({"order_actions": rule.order_actions or [], "by_email": rule.by_email,
                                 "by_sms": rule.by_sms, "only_rush": rule.only_rush})

    def service_fields(self):
        data = self.cleaned_data
        return {"order_actions": data.get("order_actions", []), "by_email": data.get("by_email", False),
                "by_sms": data.get("by_sms", False), "only_rush": data.get("only_rush", False)}
