from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")

    def ready(self):
        from orders import stage_hooks

        from . import schema  # noqa: F401 - the API key in the OpenAPI schema
        from .webhooks import on_order_transition

        stage_hooks.register_on_transition(on_order_transition)  # order status changes → subscribed webhooks
