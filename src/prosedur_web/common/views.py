"""Helpers every view uses: object permission checks and the client address."""

from __future__ import annotations

import re
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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def posted_text(request: HttpRequest, field: str, limit: int) -> str:
    """A free-text form field as stored: control characters (NUL, which PostgreSQL refuses, ESC …) and
    undecodable bytes removed, line breaks and tabs kept, cut to `limit` characters."""
    value = request.POST.get(field, "")
    value = value.encode("utf-8", "replace").decode("utf-8")  # lone surrogates from a bad body
    return _CONTROL.sub("", value)[:limit]
