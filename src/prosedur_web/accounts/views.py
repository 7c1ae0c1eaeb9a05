from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from prosedur_web.audit.services import audit_append
from prosedur_web.common.client import client_ip

from .directory import backend_via
from .forms import ThrottledAuthenticationForm


class UserLoginView(auth_views.LoginView):
    """Django's login (fresh session key on success) with throttling. A success is audited here; failures
    are counted and audited in summary by `services.login_failure_record` (not one entry each)."""

    template_name = "accounts/user_login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["sso_enabled"] = getattr(settings, "PROSEDUR_OIDC_ENABLED", False)
        context["sso_label"] = getattr(settings, "PROSEDUR_OIDC_LABEL", "")
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        via = backend_via(user)
        audit_append(actor=user, action="login", ip=client_ip(self.request), data={"via": via} if via else None)
        return response


class UserLogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_append(actor=request.user, action="logout", ip=client_ip(request))
        return super().post(request, *args, **kwargs)
