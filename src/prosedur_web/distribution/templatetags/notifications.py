"""`{% unread_notifications %}`: the unread count shown in the navigation."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    from prosedur_web.distribution.services import unread_count

    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user=user)


@register.simple_tag(takes_context=True)
def can_see_socialisation(context: dict[str, Any]) -> bool:
    from prosedur_web.accounts.roles import can_view_socialisation_overview

    return can_view_socialisation_overview(getattr(context.get("request"), "user", None))


@register.inclusion_tag("procedures/_downloads.html", takes_context=True)
def download_links(context: dict[str, Any], revision: Any) -> dict[str, Any]:
    """Download links of a revision, shown only to users who may download it (roles.can_download)."""
    from prosedur_web import services as core
    from prosedur_web.accounts.roles import can_download

    user = getattr(context.get("request"), "user", None)
    lang = context.get("lang", "id")
    return {"revision": revision, "allowed": can_download(user, revision), "formats": list(core.DOWNLOAD_FORMATS),
            "lang": lang, "other_lang": "id" if lang == "en" else "en"}
