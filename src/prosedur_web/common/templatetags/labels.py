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
