from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SystemTextConfig(AppConfig):
    name = "systemtext"
    verbose_name = _("System texts")
