from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Currency, CustomerGrade, Product, RushCriterion


class RushRuleForm(forms.Form):
    """Every field of a rush rule; the service (orders.rush_criteria.save_rule) decides which the chosen
    criterion needs and refuses what is missing or wrong."""

    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    criterion = forms.ChoiceField(label=_("Criterion"), choices=[("", "—"), *RushCriterion.choices], required=False)
    min_amount = forms.CharField(label=_("Order value from"), required=False, max_length=20)
    currency = forms.ChoiceField(label=_("Currency"), choices=[("", "—"), *Currency.choices], required=False)
    customer_grade = forms.ChoiceField(label=_("Customer grade"), choices=[("", "—"), *CustomerGrade.choices],
                                       required=False)
    product = forms.ModelChoiceField(label=_("Product"), required=False,
                                     queryset=Product.objects.filter(is_active=True).order_by("sku"))
    within_days = forms.IntegerField(label=_("Requested within (days)"), required=False)

    @classmethod
    def of(cls, rule):
        return cls(initial={"name": rule.name, "criterion": rule.criterion, "min_amount": rule.min_amount or "",
                            "currency": rule.currency, "customer_grade": rule.customer_grade,
                            "product": rule.product_id, "within_days": rule.within_days})
