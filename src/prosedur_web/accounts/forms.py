from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from prosedur_web.common.client import client_ip
from prosedur_web.common.labels import label

from . import services


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form behind `services.login_throttle`: while a delay runs for this name from this
    address the password is not checked; failures and successes are counted (and failures audited in
    summary) by the services."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = label("username")
        self.fields["password"].label = label("password")

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "").strip()
        ip = client_ip(self.request) if self.request is not None else ""
        if not username or not self.cleaned_data.get("password"):
            return self.cleaned_data  # the fields' own errors (required, too long): no password was checked
        throttle = services.login_throttle(username=username, ip=ip)
        if throttle.wait:  # refused unchecked, and not counted: a refusal costs no write
            raise forms.ValidationError(label("login_wait", seconds=throttle.wait), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failure_record(username=username, ip=ip)
            raise forms.ValidationError(label("login_failed"), code="invalid_login") from None
        if self.user_cache is not None:
            services.login_success_record(username=username, ip=ip)
        return cleaned
