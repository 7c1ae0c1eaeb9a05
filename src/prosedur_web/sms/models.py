"""Evidence of a periodic review that found nothing to change (no new revision is made)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReviewRecord(models.Model):
    """"Ditinjau, tidak ada perubahan": who reviewed which effective revision, when, and what they noted.

    The latest record restarts the review interval (see `prosedur.iso20000.calendar`); the record itself
    is also an audit entry, so it cannot be quietly removed.
    """

    revision = models.ForeignKey("procedures.Revision", on_delete=models.PROTECT, related_name="review_records")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    note = models.TextField(max_length=2000)
    next_due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.revision} ditinjau {self.reviewed_on.isoformat()}"
