"""Review requests (one per reviewer per round) and comments anchored to a section or step."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Decision(models.TextChoices):
    PENDING = ""
    AGREE = "agree"
    CHANGES = "changes"


class ReviewAssignment(models.Model):
    """One reviewer's part in one review round. `order` 0 = parallel; 1..n = in that order."""

    revision = models.ForeignKey("procedures.Revision", on_delete=models.PROTECT, related_name="assignments")
    round = models.PositiveIntegerField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING, blank=True)
    note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "round", "reviewer"], name="one_assignment_per_round")
        ]


class Comment(models.Model):
    """A comment on a revision; `anchor` is a section key or a step id, `parent` makes it a reply."""

    revision = models.ForeignKey("procedures.Revision", on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    anchor = models.CharField(max_length=64, blank=True)
    text = models.TextField(max_length=5000)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
