from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from prosedur_web.common.client import client_ip
from prosedur_web.common.labels import label

from . import services


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing early when the username or address is locked out."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = label("username")
        self.fields["password"].label = label("password")

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        ip = client_ip(self.request) if self.request is not None else ""
        if services.login_is_locked(username=username, ip=ip):
            raise forms.ValidationError(label("login_locked"), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failure_record(username=username, ip=ip)
            raise forms.ValidationError(label("login_failed"), code="invalid_login") from None
        services.login_failures_clear(username=username)
        return cleaned
