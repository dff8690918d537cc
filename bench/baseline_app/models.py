from django.conf import settings
from django.db import models


class BaselineRow(models.Model):
    """One row per baseline request."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=100, blank=True)

    def __str__(self):
        return f"baseline row {self.pk}"


class BenchDataset(models.Model):
    """Marks a database as made by bench/run.py and records the size it was seeded with, so that a
    later run reuses it (same size) or rebuilds it (other size), and never touches a database that
    the bench did not make."""

    orders = models.PositiveIntegerField()
    seeded_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)

    def __str__(self):
        return f"bench data set of {self.orders} orders"
