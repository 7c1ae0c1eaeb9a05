from __future__ import annotations

from django.contrib.auth import views as auth_views

from .forms import ThrottledAuthenticationForm


class UserLoginView(auth_views.LoginView):
    template_name = "accounts/user_login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class UserLogoutView(auth_views.LogoutView):
    pass
