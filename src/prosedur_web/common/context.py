"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from prosedur_web.accounts.roles import can_view_audit


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"lang": (translation.get_language() or "id")[:2], "perms_audit": can_view_audit(user)}
