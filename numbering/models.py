from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """The last number used in a series (SO, WO, QI, NCR, PO, SH, …) in a year. Only
    numbering.services changes it, in one statement that locks the row until the caller's transaction
    ends."""

    series = models.CharField(_("series"), max_length=8)
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="numbering_counter_series_year")]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last}"
