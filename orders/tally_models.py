"""The maintained order aggregates (orders/tallies.py): small tables read by home pages and the credit
check instead of sums over every order."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderTally(models.Model):
    """How many orders, and their value in cents, per status, priority and currency."""

    # The orders' status, counted here (not a workflow of its own).
    order_status = models.CharField(max_length=20)
    priority = models.CharField(max_length=10)
    currency = models.CharField(max_length=3)
    orders = models.BigIntegerField(default=0)
    value_cents = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("order tally")
        verbose_name_plural = _("order tallies")
        constraints = [models.UniqueConstraint(fields=["order_status", "priority", "currency"], name="order_tally_key")]

    def __str__(self):
        return f"{self.order_status} {self.priority} {self.currency}: {self.orders}"


class CustomerExposure(models.Model):
    """The value, in cents, of a customer's orders open for credit (submitted until shipped)."""

    customer = models.OneToOneField("orders.Customer", primary_key=True, on_delete=models.CASCADE, related_name="+")
    open_cents = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("customer exposure")
        verbose_name_plural = _("customer exposures")

    def __str__(self):
        return f"{self.customer_id}: {self.open_cents}"
