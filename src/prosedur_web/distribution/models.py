"""Notifications: one row per person and event, shown in the app and e-mailed by the task queue.

The text is composed when shown (in the recipient's language) from the revision, the kind, who acted
(`actor`) and the reason given (`note`), so no wording is stored. The delivery of its e-mail is recorded on
the row: `emailed` once the mail server took it; `attempts`, `attempted_at` and `last_error` for each try;
`email_failed` when the retries are used up (then it is listed as failed, never silently dropped).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Kind(models.TextChoices):
        DISTRIBUTED = "distributed"
        WITHDRAWN = "withdrawn"
        """The procedure was withdrawn (dicabut): told to everyone it had been distributed to."""
        REVIEW_REQUESTED = "review_requested"
        REVIEW_AGREED = "review_agreed"
        CHANGES_REQUESTED = "changes_requested"
        SIGNATURE_WAITING = "signature_waiting"
        SENT_BACK = "sent_back"
        APPROVED = "approved"
        EFFECTIVE = "effective"
        ACK_REMINDER = "ack_reminder"
        REVIEW_REMINDER = "review_reminder"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    revision = models.ForeignKey("procedures.Revision", on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.DISTRIBUTED)
    # what makes an event of the same kind a new one: the review round, the reviewer, the day of a reminder
    key = models.CharField(max_length=64, blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    note = models.TextField(blank=True, default="")
    unit = models.ForeignKey("accounts.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    attempted_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    email_failed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread"),
                   models.Index(fields=["emailed", "email_failed"], name="notification_undelivered")]
        constraints = [
            models.UniqueConstraint(fields=["user", "revision", "kind", "key"], name="one_notification_per_event"),
        ]
