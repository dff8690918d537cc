from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The change log of master data: who created, changed or deleted which record, with old and new
    values. Cross-cutting: imports no stage app; the stages' services and admins write to it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("Change log")
