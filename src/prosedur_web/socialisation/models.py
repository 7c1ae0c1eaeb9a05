"""Acknowledgements: a reader states "telah membaca dan memahami" an effective revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Acknowledgement(models.Model):
    revision = models.ForeignKey("procedures.Revision", on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["revision", "user"], name="one_ack_per_user")]
