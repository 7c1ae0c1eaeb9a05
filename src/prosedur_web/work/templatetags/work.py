"""`{% work_counts as counts %}`: the header's "Tugas saya" badge, from the one selector."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def work_counts(context: dict[str, Any]) -> dict[str, int]:
    from prosedur_web.work.selectors import work_counts as counts

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"total": 0}
    cached: dict[str, int] | None = getattr(request, "_work_counts", None)
    if cached is None:
        cached = counts(user)
        request._work_counts = cached  # type: ignore[union-attr]
    return cached
