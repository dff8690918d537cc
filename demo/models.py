from django.db import models


class DemoSeedRun(models.Model):
    """One completed run of every demo seed. `fingerprint` hashes the seeds' source, so a changed seed
    runs again (they are all safe to repeat) and an unchanged one is skipped in one query."""

    fingerprint = models.CharField(max_length=64, unique=True)
    finished_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"demo seeds {self.fingerprint[:12]} at {self.finished_at:%Y-%m-%d %H:%M}"
