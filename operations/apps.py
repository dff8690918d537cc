from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Health for load balancers and compose (/healthz, /readyz) and the operations page for managers:
    background work, the worker's heartbeat, and failed documents, alerts and webhooks to retry."""

    name = "operations"
    verbose_name = _("System status")
