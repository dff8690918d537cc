from django.db import models
from django.utils.translation import gettext_lazy as _


class OperationsAccess(models.Model):
    """No table: only the permission to see the operations page and retry failed background work (given to
    managers; administrators have every permission)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_operations", _("See the system status page and retry failed background work"))]

    def __str__(self):
        return "operations access"
