"""The customer's classes (seed 001 "客户分类、信用等级"): its grade and its credit standing. Part of orders'
models (re-exported by orders.models)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerGrade(models.TextChoices):
    """The customer's class (seed 001 "客户分类"): A key customers, B regular, C occasional."""

    A = "A", _("A (key customer)")
    B = "B", _("B (regular customer)")
    C = "C", _("C (occasional customer)")


class CreditGrade(models.TextChoices):
    """The customer's credit standing (seed 001 "信用等级")."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
