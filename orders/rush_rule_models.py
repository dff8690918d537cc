"""Rush criteria kept as data (seed 003 "紧急订单的识别": a date shorter than the normal lead time, a large
order value, a key customer or a special product). Besides the documented lead-time rule (orders.rules),
each active RushRule proposes an order as rush when it matches; the manager keeps them
(orders.rush_criteria, /orders/rush-rules/)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Currency, CustomerGrade


class RushCriterion(models.TextChoices):
    ORDER_VALUE = "order_value", _("Order value at or above a threshold")
    CUSTOMER_GRADE = "customer_grade", _("Customer grade")
    PRODUCT = "product", _("Product")
    SHORT_DATE = "short_date", _("Requested within a number of days")


class RushRule(models.Model):
    name = models.CharField(_("name"), max_length=100)
    criterion = models.CharField(_("criterion"), max_length=20, choices=RushCriterion.choices)
    min_amount = models.DecimalField(_("order value from"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    customer_grade = models.CharField(_("customer grade"), max_length=1, choices=CustomerGrade.choices, blank=True)
    product = models.ForeignKey("orders.Product", verbose_name=_("product"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    within_days = models.PositiveIntegerField(_("requested within (days)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("last changed by"))
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now)

    class Meta:
        ordering = ["criterion", "id"]
        verbose_name = _("rush rule")
        verbose_name_plural = _("rush rules")
        constraints = [
            models.CheckConstraint(
                name="rush_rule_fields_match_criterion",
                condition=(Q(criterion="order_value", min_amount__gt=0) & ~Q(currency=""))
                | Q(criterion="customer_grade", customer_grade__in=["A", "B", "C"])
                | Q(criterion="product", product__isnull=False)
                | Q(criterion="short_date", within_days__gt=0)),
        ]

    def __str__(self):
        return self.name
