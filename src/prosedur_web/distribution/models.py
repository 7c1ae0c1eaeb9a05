"""Distribution of an effective revision: one in-app notification per person who must follow it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """"P.SMLTI 19 Rev. 1 berlaku: baca dan pahami" for one user; `read_at` empty while unread.

    The text is composed when shown (in the reader's language) from the revision, so only the kind is stored.
    """

    class Kind(models.TextChoices):
        DISTRIBUTED = "distributed"
        WITHDRAWN = "withdrawn"
        """The procedure was withdrawn (dicabut): told to everyone it had been distributed to."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    revision = models.ForeignKey("procedures.Revision", on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.DISTRIBUTED)
    unit = models.ForeignKey("accounts.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(fields=["user", "revision", "kind"], name="one_notification_per_revision"),
        ]
