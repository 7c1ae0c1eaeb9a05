"""Directory sign-in: LDAP / Active Directory (django-auth-ldap) and OpenID Connect (mozilla-django-oidc).

Both are off unless configured (directory_settings.py). What they share, and why:

- **The directory owns the profile and the mapped roles.** At every sign-in the name, e-mail, NIP, position
  and (when an attribute or claim is named) the unit are copied from the directory, and each role that the
  role map names is granted or taken away to match the directory's groups: a group removed there removes
  the role here at the next sign-in. Roles the map does not name stay as the people pages set them. Every
  change is audited (`directory_sync`).
- **Prosedur still decides who may come in.** A person deactivated here cannot sign in whatever the
  directory says; an account with a local password (the admin, accounts made with a password on the people
  pages) is never taken over by a directory account of the same name, it keeps signing in locally.
- **Nothing is matched by e-mail** (mozilla-django-oidc's default): an e-mail address can be reused or
  typed by anyone at some providers; the account is the username claim, as the LDAP account is the login.
- **The id token is checked fully**: signature (JWKS), nonce (by the library), and here issuer, audience
  and expiry, which mozilla-django-oidc leaves to the application.

The login throttle and the login audit apply to LDAP as to local passwords (the login form calls
`authenticate`); OIDC sign-ins are audited by the callback view.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from prosedur_web.audit.services import audit_append
from prosedur_web.common.client import client_ip

from .models import Unit, User
from .people import NIP, USERNAME

log = logging.getLogger(__name__)
PROFILE_FIELDS = ("full_name", "email", "nip", "position")


def _clean(value: str, limit: int) -> str:
    """One line of directory text as a field keeps it: control, zero-width and bidi characters removed."""
    kept = "".join(ch for ch in value if ch.isprintable() and ch not in "\u200b\u200c\u200d\u2060\ufeff")
    return " ".join(kept.split())[:limit]


def apply_profile(user: User, values: Mapping[str, str], via: str) -> dict[str, Any]:
    """Copy the directory's values onto `user` (unsaved); returns what changed. Empty values change nothing
    (a directory that lacks an attribute does not wipe what the people pages set); a NIP that is not 18
    digits is ignored with a warning; an unknown unit code too."""
    changed: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        raw = values.get(name) or ""
        value = _clean(str(raw), User._meta.get_field(name).max_length or 200)
        if not value:
            continue
        if name == "nip" and not NIP.match(value):
            log.warning("%s: NIP %r of %s is not 18 digits; kept %r", via, value, user.username, user.nip)
            continue
        if getattr(user, name) != value:
            changed[name] = value
            setattr(user, name, value)
    code = _clean(str(values.get("unit") or ""), 64)
    if code:
        unit = Unit.objects.filter(code__iexact=code).first()
        if unit is None:
            log.warning("%s: unit %r of %s is not a Prosedur unit; unit kept", via, code, user.username)
        elif user.unit_id != unit.pk:
            changed["unit"] = unit.code
            user.unit = unit
    return changed


def mirror_roles(user: User, granted: Iterable[str], managed: Iterable[str]) -> dict[str, list[str]]:
    """Make the `managed` role groups of `user` exactly the `granted` ones; other groups are untouched."""
    managed_set, granted_set = set(managed), set(granted) & set(managed)
    have = set(user.groups.filter(name__in=managed_set).values_list("name", flat=True))
    added, removed = sorted(granted_set - have), sorted(have - granted_set)
    for name in added:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if added or removed:
        user.__dict__.pop("_prosedur_roles", None)
    return {k: v for k, v in (("added", added), ("removed", removed)) if v}


def _sync(user: User, values: Mapping[str, str], granted: set[str], managed: set[str], via: str,
          ip: str) -> None:
    with transaction.atomic():
        changed = apply_profile(user, values, via)
        if changed:
            user.save(update_fields=list(changed))
        roles = mirror_roles(user, granted, managed)
        if changed or roles:
            audit_append(actor=user, action="directory_sync", target=user, ip=ip,
                         data={"via": via, "changed": changed, "roles": roles})


def may_take_over(user: User | None) -> bool:
    """Whether a directory sign-in may use this Prosedur account: not a deactivated one, not one with a
    local password (the admin; see the module docstring)."""
    return user is None or (user.is_active and not user.has_usable_password())


# -- LDAP / Active Directory ------------------------------------------------------------------------------
def _first(attrs: Mapping[str, list[str]], names: Iterable[str]) -> str:
    lower = {k.lower(): v for k, v in attrs.items()}
    for name in names:
        values = lower.get(name.lower())
        if values and str(values[0]).strip():
            return str(values[0])
    return ""


try:
    from django_auth_ldap.backend import LDAPBackend as _LDAPBase
except ImportError:  # the `directory` extra is not installed: LDAP cannot be configured (settings import ldap)
    _LDAPBase = object


class ProsedurLDAPBackend(_LDAPBase):  # type: ignore[misc]
    """django-auth-ldap with Prosedur's rules: refuses deactivated and local accounts, copies the profile
    and mirrors the mapped roles after each successful bind."""

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and not may_take_over(user):
            raise ldap_user.AuthenticationFailed("inactive or local account")
        if built and not USERNAME.match(username):
            raise ldap_user.AuthenticationFailed("username not usable in Prosedur")
        if built:
            user.full_name = username  # until the directory's name is copied (a required field)
        return user, built

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> User | None:
        user: User | None = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        attrs = ldap_user.attrs or {}
        names: dict[str, list[str]] = settings.PROSEDUR_LDAP_ATTRS
        values = {field: _first(attrs, names.get(field, [])) for field in (*PROFILE_FIELDS, "unit")}
        role_groups: dict[str, list[str]] = settings.PROSEDUR_LDAP_ROLE_GROUPS
        member_of = {dn.lower() for dn in (ldap_user.group_dns if role_groups else set())}
        granted = {role for role, dns in role_groups.items() if any(dn.lower() in member_of for dn in dns)}
        request = getattr(ldap_user, "_request", None)
        _sync(user, values, granted, set(role_groups), "ldap", client_ip(request) if request else "")
        return user


# -- OpenID Connect ---------------------------------------------------------------------------------------
try:
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend as _OIDCBase
    from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
except ImportError:
    _OIDCBase = object
    OIDCAuthenticationCallbackView = OIDCAuthenticationRequestView = object


def _claim(claims: Mapping[str, Any], names: Iterable[str]) -> str:
    for name in names:
        value = claims.get(name)
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        if value not in (None, ""):
            return str(value)
    return ""


class ProsedurOIDCBackend(_OIDCBase):  # type: ignore[misc]
    """mozilla-django-oidc matched by the username claim (never by e-mail), with issuer, audience and expiry
    checked, Prosedur's take-over rules, and the profile and mapped roles mirrored at each sign-in."""

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        import jwt

        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as exc:  # expired, not yet valid ...: the library lets these through as a 500
            raise SuspiciousOperation(f"OIDC id_token: {exc}") from None
        issuer = settings.PROSEDUR_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("OIDC id_token: wrong issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("OIDC id_token: not issued to this client")
        if not isinstance(payload.get("exp"), int | float) or payload["exp"] < time.time() - 60:
            raise SuspiciousOperation("OIDC id_token: expired or without expiry")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The userinfo claims, which must be about the id token's subject (OIDC Core 5.3.2); the id token's
        own claims fill what userinfo leaves out."""
        info: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("OIDC userinfo: another subject than the id_token's")
        return payload | info

    def _username(self, claims: Mapping[str, Any]) -> str:
        return _claim(claims, settings.PROSEDUR_OIDC_CLAIMS.get("username", [])).strip()

    def verify_claims(self, claims: Mapping[str, Any]) -> bool:
        return bool(USERNAME.match(self._username(claims)))

    def filter_users_by_claims(self, claims: Mapping[str, Any]) -> Any:
        return User.objects.filter(username__iexact=self._username(claims))

    def create_user(self, claims: Mapping[str, Any]) -> User:
        user = User(username=self._username(claims), full_name=self._username(claims))
        user.set_unusable_password()
        user.save()
        return self.update_user(user, claims)

    def update_user(self, user: User, claims: Mapping[str, Any]) -> User:
        if not may_take_over(user):
            raise SuspiciousOperation("inactive or local account")
        names: dict[str, list[str]] = settings.PROSEDUR_OIDC_CLAIMS
        values = {field: _claim(claims, names.get(field, [])) for field in (*PROFILE_FIELDS, "unit")}
        role_map: dict[str, list[str]] = settings.PROSEDUR_OIDC_ROLE_MAP
        raw = claims.get(settings.PROSEDUR_OIDC_ROLES_CLAIM) or []
        have = {str(g) for g in (raw if isinstance(raw, list | tuple) else [raw])}
        granted = {role for role, groups in role_map.items() if have & set(groups)}
        _sync(user, values, granted, set(role_map), "oidc", client_ip(self.request))
        return user


class _OIDCStart(OIDCAuthenticationRequestView):  # type: ignore[misc]
    pass


class _OIDCCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    @property
    def failure_url(self) -> str:
        return str(resolve_url(settings.LOGIN_URL))

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        audit_append(actor=self.user, action="login", ip=client_ip(self.request), data={"via": "oidc"})
        return response

    def login_failure(self) -> HttpResponse:
        from django.contrib import messages

        from prosedur_web.common.labels import label

        messages.error(self.request, label("sso_failed"))
        response: HttpResponse = super().login_failure()
        return response


def oidc_start(request: HttpRequest) -> HttpResponse:
    """"Masuk dengan SSO": to the provider's authorize endpoint with a fresh state and nonce (and PKCE)."""
    if not getattr(settings, "PROSEDUR_OIDC_ENABLED", False):  # SSO not configured (any more): the login form
        return redirect(settings.LOGIN_URL)
    response: HttpResponse = _OIDCStart.as_view()(request)
    return response


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code and the state; a state this session did not
    start is refused (400)."""
    if not getattr(settings, "PROSEDUR_OIDC_ENABLED", False):
        return redirect(settings.LOGIN_URL)
    response: HttpResponse = _OIDCCallback.as_view()(request)
    return response


def backend_via(user: Any) -> str:
    """"ldap" / "oidc" / "" (local password) from the backend `authenticate` recorded on the user."""
    backend = getattr(user, "backend", "") or ""
    return {"ProsedurLDAPBackend": "ldap", "ProsedurOIDCBackend": "oidc"}.get(backend.rsplit(".", 1)[-1], "")

