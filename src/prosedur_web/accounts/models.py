"""People and organisation units. Roles are Django groups (see roles.py)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Unit(models.Model):
    """A work unit (unit kerja); `code` is the id used in pustaka.yaml and procedure `owner`."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def ancestors_and_self(self) -> list[Unit]:
        chain: list[Unit] = []
        unit: Unit | None = self
        while unit is not None and unit not in chain:
            chain.append(unit)
            unit = unit.parent
        return chain


class User(AbstractUser):
    """A person who signs: full name, NIP and position appear on the signature of record."""

    full_name = models.CharField(max_length=200)
    nip = models.CharField("NIP", max_length=32, blank=True)
    position = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    # the language of the e-mails and notifications this person receives (the screens follow the switch)
    language = models.CharField(max_length=2, choices=[("id", "Bahasa Indonesia"), ("en", "English")], default="id")

    def __str__(self) -> str:
        return self.full_name or self.username


class LoginThrottle(models.Model):
    """Failed password checks (login or signing) of one account name from one address, and when that pair
    last succeeded: what the growing delays of `services.login_throttle` are worked out from. The name is
    stored lower-cased and need not belong to an account."""

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=64, db_index=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["username", "ip"], name="one_throttle_per_name_address")]
