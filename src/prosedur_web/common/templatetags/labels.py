"""`{% t "key" %}` and `{{ value|status_label }}`: labels in the active language (autoescaped)."""

from __future__ import annotations

from typing import Any

from django import template

from prosedur_web.common.labels import audit_action_label, label

register = template.Library()


@register.simple_tag
def t(key: str, **params: Any) -> str:
    return label(key, **params)


@register.filter
def status_label(status: str) -> str:
    return label(f"status_{status}")


@register.filter
def decision_label(decision: str) -> str:
    return label(f"decision_{decision or 'pending'}")


@register.filter
def action_label(action: str) -> str:
    return audit_action_label(action)


@register.filter
def inline(text: Any) -> Any:
    """Free text of a procedure with its `*miring*` / `**tebal**` as <em>/<strong>: the core escapes
    every span (`prosedur.render.inline`), only those tags are markup."""
    from prosedur_web import services as core

    return core.inline_html(text)


@register.filter
def plain(text: Any) -> str:
    """The same text without its emphasis markers (attributes, titles)."""
    from prosedur_web import services as core

    return core.plain_text(text)
