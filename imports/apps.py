from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Tabular imports: reading CSV/XLSX uploads, mapping their columns, checking every row, and the
    preview → confirm pages. Imports no stage app; each stage describes its own imports with it."""

    name = "imports"
    verbose_name = _("Tabular imports")
