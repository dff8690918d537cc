"""The factory's departments, one list for everything that names one: who holds a temporary drawing
(rush.drawings), which department answers for a delay (rush.delays). Seed 003 names them: 经营课 (the
business office), PMC, 采购, 仓库, 生产, 品管, 技术课, 物流; and the customer, who can cause a delay too."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.TextChoices):
    BUSINESS = "business", _("Business office (sales)")
    PMC = "pmc", _("PMC (planning and material control)")
    PURCHASING = "purchasing", _("Purchasing")
    WAREHOUSE = "warehouse", _("Warehouse")
    PRODUCTION = "production", _("Production")
    QUALITY = "quality", _("Quality control")
    TECHNICAL = "technical", _("Technical department")
    LOGISTICS = "logistics", _("Logistics and shipping")
    CUSTOMER = "customer", _("The customer")


# The departments people work in (a drawing is held in one of these, never by the customer).
INTERNAL_DEPARTMENTS = [(value, label) for value, label in Department.choices if value != Department.CUSTOMER]
