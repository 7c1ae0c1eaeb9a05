"""Helpers every view uses: object permission checks and the client address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import translation


def require(allowed: bool) -> None:
    """Per-object permission: 403 unless the check passed (login is checked before, with a redirect)."""
    if not allowed:
        raise PermissionDenied


def lang_of(request: HttpRequest) -> str:
    return (translation.get_language() or "id")[:2]


Check = Callable[[Any, Any], bool]
