"""Append-only, hash-chained audit entries.

Blocked three times over: the queryset refuses update/delete, the model refuses re-saving and
deleting, and database triggers (migration 0002) refuse UPDATE/DELETE on SQLite and PostgreSQL, so
even raw SQL cannot quietly rewrite history. Any edit that gets past all three still breaks the
chain, which `manage.py verify_audit` reports.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """Who did what to which object, when and from where; `hash` chains it to the entry before."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditHead(models.Model):
    """A single row locked while appending, so concurrent appends form one chain on any database."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class AuditCheckpoint(models.Model):
    """How far the chain has been verified: the page re-verifies only the entries after `seq`.

    One row (pk=1). `seq`/`hash` advance after every successful check, incremental or full;
    `full_at`/`full_by` record the last walk of the whole chain, and `broken_seq`/`broken_reason` what
    that walk found, so a break in old entries stays on the page until a full walk passes again. The
    row lives in the database an attacker may control, so it only saves work: the daily
    `verify_audit` walks the whole chain against the signed anchors outside the database.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    verified_at = models.DateTimeField(null=True, blank=True)
    full_at = models.DateTimeField(null=True, blank=True)
    full_by = models.CharField(max_length=150, blank=True)
    broken_seq = models.PositiveBigIntegerField(null=True, blank=True)
    broken_reason = models.CharField(max_length=300, blank=True)
