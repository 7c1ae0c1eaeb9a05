"""Directory sign-in settings (LDAP / Active Directory, OpenID Connect) read from the environment.

Kept apart from settings.py so that both the settings and the tests build them from one function (tests
pass their own environment to `ldap_settings` / `oidc_settings` and apply the result with
override_settings). Nothing here is on unless its variable is set: without `PROSEDUR_LDAP_URI` python-ldap
is never imported, without `PROSEDUR_OIDC_CLIENT_ID` the SSO button and its URLs are absent.
Secrets (bind password, client secret) come only from the environment. Every mistake in a setting is an
ImproperlyConfigured naming the variable, Indonesian first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .roles import Role  # no model import: safe while the settings load

ROLE_NAMES = tuple(r.value for r in Role)
LOCAL_BACKEND = "django.contrib.auth.backends.ModelBackend"
LDAP_BACKEND = "prosedur_web.accounts.directory.ProsedurLDAPBackend"
OIDC_BACKEND = "prosedur_web.accounts.directory.ProsedurOIDCBackend"

# Prosedur field -> default directory attributes / claims (first one present wins)
LDAP_ATTRS = {"full_name": "displayName,cn", "email": "mail", "nip": "employeeNumber", "position": "title",
              "unit": ""}
OIDC_CLAIMS = {"username": "preferred_username", "full_name": "name", "email": "email", "nip": "",
               "position": "", "unit": ""}


def _bad(name: str, why_id: str, why_en: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}: {why_id} / {name}: {why_en}")


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise _bad(name, f"harus bilangan bulat, bukan {value!r}", f"must be a whole number, not {value!r}") from None


def parse_role_map(value: str, name: str) -> dict[str, list[str]]:
    """`penyusun=cn=penyusun,ou=groups,dc=x;pemeriksa=cn=...` -> {role: [group, ...]}.

    Entries are separated by `;`, the role is before the first `=`; a role may appear more than once (any of
    its groups grants it). Group names are kept as written (DNs are compared case-insensitively later)."""
    out: dict[str, list[str]] = {}
    for raw in value.split(";"):
        entry = raw.strip()
        if not entry:
            continue
        role, sep, group = entry.partition("=")
        role, group = role.strip(), group.strip()
        if not sep or not group:
            raise _bad(name, f"entri {entry!r} harus berbentuk peran=grup", f"entry {entry!r} must read role=group")
        if role not in ROLE_NAMES:
            raise _bad(name, f"peran {role!r} tidak dikenal (dikenal: {', '.join(ROLE_NAMES)})",
                       f"unknown role {role!r} (known: {', '.join(ROLE_NAMES)})")
        out.setdefault(role, []).append(group)
    return out


def _field_map(env: Mapping[str, str], prefix: str, defaults: dict[str, str]) -> dict[str, list[str]]:
    out = {}
    for field, default in defaults.items():
        value = env.get(f"{prefix}{field.upper()}", default)
        out[field] = [a.strip() for a in value.split(",") if a.strip()]
    return out


def ldap_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The AUTH_LDAP_* settings of django-auth-ldap and Prosedur's own PROSEDUR_LDAP_* ones; {} when off."""
    uri = (env.get("PROSEDUR_LDAP_URI") or "").strip()
    if not uri:
        return {"PROSEDUR_LDAP_ENABLED": False}
    import ldap
    from django_auth_ldap import config

    if not uri.startswith(("ldap://", "ldaps://", "ldapi://")):
        raise _bad("PROSEDUR_LDAP_URI", "harus diawali ldap://, ldaps:// atau ldapi://",
                   "must start with ldap://, ldaps:// or ldapi://")
    user_base = (env.get("PROSEDUR_LDAP_USER_BASE") or "").strip()
    if not user_base:
        raise _bad("PROSEDUR_LDAP_USER_BASE", "wajib diisi bila PROSEDUR_LDAP_URI disetel",
                   "is required when PROSEDUR_LDAP_URI is set")
    user_filter = (env.get("PROSEDUR_LDAP_USER_FILTER") or "(sAMAccountName=%(user)s)").strip()
    if "%(user)s" not in user_filter:
        raise _bad("PROSEDUR_LDAP_USER_FILTER", "harus memuat %(user)s", "must contain %(user)s")

    group_type_name = (env.get("PROSEDUR_LDAP_GROUP_TYPE") or "groupOfNames").strip()
    group_types = {
        "groupOfNames": (config.GroupOfNamesType, "(objectClass=groupOfNames)"),
        "nestedGroupOfNames": (config.NestedGroupOfNamesType, "(objectClass=groupOfNames)"),
        "groupOfUniqueNames": (config.GroupOfUniqueNamesType, "(objectClass=groupOfUniqueNames)"),
        "posixGroup": (config.PosixGroupType, "(objectClass=posixGroup)"),
        "activeDirectory": (config.ActiveDirectoryGroupType, "(objectClass=group)"),
        "nestedActiveDirectory": (config.NestedActiveDirectoryGroupType, "(objectClass=group)"),
    }
    if group_type_name not in group_types:
        raise _bad("PROSEDUR_LDAP_GROUP_TYPE", f"{group_type_name!r} tidak dikenal (dikenal: {', '.join(group_types)})",
                   f"unknown {group_type_name!r} (known: {', '.join(group_types)})")
    group_type, default_group_filter = group_types[group_type_name]
    role_groups = parse_role_map(env.get("PROSEDUR_LDAP_ROLE_GROUPS", ""), "PROSEDUR_LDAP_ROLE_GROUPS")
    group_base = (env.get("PROSEDUR_LDAP_GROUP_BASE") or "").strip()
    require_group = (env.get("PROSEDUR_LDAP_REQUIRE_GROUP") or "").strip()
    if (role_groups or require_group) and not group_base:
        raise _bad("PROSEDUR_LDAP_GROUP_BASE", "wajib diisi bila PROSEDUR_LDAP_ROLE_GROUPS atau "
                   "PROSEDUR_LDAP_REQUIRE_GROUP disetel",
                   "is required when PROSEDUR_LDAP_ROLE_GROUPS or PROSEDUR_LDAP_REQUIRE_GROUP is set")

    timeout = _int(env, "PROSEDUR_LDAP_TIMEOUT", 10)
    options: dict[Any, Any] = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: timeout, ldap.OPT_TIMEOUT: timeout}
    require_cert = (env.get("PROSEDUR_LDAP_TLS_REQUIRE_CERT") or "demand").strip().lower()
    levels = {"demand": ldap.OPT_X_TLS_DEMAND, "hard": ldap.OPT_X_TLS_HARD, "try": ldap.OPT_X_TLS_TRY,
              "allow": ldap.OPT_X_TLS_ALLOW, "never": ldap.OPT_X_TLS_NEVER}
    if require_cert not in levels:
        raise _bad("PROSEDUR_LDAP_TLS_REQUIRE_CERT", f"{require_cert!r} tidak dikenal (dikenal: {', '.join(levels)})",
                   f"unknown {require_cert!r} (known: {', '.join(levels)})")
    options[ldap.OPT_X_TLS_REQUIRE_CERT] = levels[require_cert]
    ca_file = (env.get("PROSEDUR_LDAP_CA_FILE") or "").strip()
    if ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
    options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: makes the TLS options above take effect

    out: dict[str, Any] = {
        "PROSEDUR_LDAP_ENABLED": True,
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env.get("PROSEDUR_LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("PROSEDUR_LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": _bool(env, "PROSEDUR_LDAP_START_TLS", False),
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_USER_SEARCH": config.LDAPSearch(user_base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_USER_ATTR_MAP": {},  # Prosedur maps attributes itself (directory.apply_profile)
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,  # group memberships are read at every sign-in
        "AUTH_LDAP_NO_NEW_USERS": not _bool(env, "PROSEDUR_LDAP_CREATE_USERS", True),
        "PROSEDUR_LDAP_ATTRS": _field_map(env, "PROSEDUR_LDAP_ATTR_", LDAP_ATTRS),
        "PROSEDUR_LDAP_ROLE_GROUPS": role_groups,
    }
    if group_base:
        group_filter = (env.get("PROSEDUR_LDAP_GROUP_FILTER") or default_group_filter).strip()
        out["AUTH_LDAP_GROUP_SEARCH"] = config.LDAPSearch(group_base, ldap.SCOPE_SUBTREE, group_filter)
        out["AUTH_LDAP_GROUP_TYPE"] = group_type()
    if require_group:
        out["AUTH_LDAP_REQUIRE_GROUP"] = require_group
    return out


def oidc_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The OIDC_* settings of mozilla-django-oidc and Prosedur's PROSEDUR_OIDC_* ones; off without a client id."""
    client_id = (env.get("PROSEDUR_OIDC_CLIENT_ID") or "").strip()
    if not client_id:
        return {"PROSEDUR_OIDC_ENABLED": False}
    endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "PROSEDUR_OIDC_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT": "PROSEDUR_OIDC_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT": "PROSEDUR_OIDC_USERINFO_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT": "PROSEDUR_OIDC_JWKS_ENDPOINT",
    }
    out: dict[str, Any] = {"PROSEDUR_OIDC_ENABLED": True}
    insecure_ok = _bool(env, "PROSEDUR_OIDC_ALLOW_HTTP", False)  # tests and a provider on loopback only
    for setting, name in endpoints.items():
        value = (env.get(name) or "").strip()
        if not value:
            raise _bad(name, "wajib diisi bila PROSEDUR_OIDC_CLIENT_ID disetel",
                       "is required when PROSEDUR_OIDC_CLIENT_ID is set")
        if not value.startswith("https://") and not (insecure_ok and value.startswith("http://")):
            raise _bad(name, "harus alamat https://", "must be an https:// address")
        out[setting] = value
    secret = env.get("PROSEDUR_OIDC_CLIENT_SECRET", "")
    if not secret:
        raise _bad("PROSEDUR_OIDC_CLIENT_SECRET", "wajib diisi (dari lingkungan saja)",
                   "is required (from the environment only)")
    algo = (env.get("PROSEDUR_OIDC_SIGN_ALGO") or "RS256").strip()
    if algo not in {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"}:
        raise _bad("PROSEDUR_OIDC_SIGN_ALGO", f"{algo!r}: hanya RS256/384/512 atau ES256/384/512",
                   f"{algo!r}: only RS256/384/512 or ES256/384/512")
    out |= {
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": secret,
        "OIDC_RP_SIGN_ALGO": algo,
        "OIDC_RP_SCOPES": (env.get("PROSEDUR_OIDC_SCOPES") or "openid email profile").strip(),
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": _bool(env, "PROSEDUR_OIDC_USE_PKCE", True),
        "OIDC_CREATE_USER": _bool(env, "PROSEDUR_OIDC_CREATE_USERS", True),
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        "OIDC_TIMEOUT": _int(env, "PROSEDUR_OIDC_TIMEOUT", 10),
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "PROSEDUR_OIDC_ISSUER": (env.get("PROSEDUR_OIDC_ISSUER") or "").strip(),
        "PROSEDUR_OIDC_LABEL": (env.get("PROSEDUR_OIDC_LABEL") or "").strip(),
        "PROSEDUR_OIDC_CLAIMS": _field_map(env, "PROSEDUR_OIDC_CLAIM_", OIDC_CLAIMS),
        "PROSEDUR_OIDC_ROLES_CLAIM": (env.get("PROSEDUR_OIDC_ROLES_CLAIM") or "groups").strip(),
        "PROSEDUR_OIDC_ROLE_MAP": parse_role_map(env.get("PROSEDUR_OIDC_ROLE_MAP", ""), "PROSEDUR_OIDC_ROLE_MAP"),
    }
    return out


def backends(ldap_on: bool, oidc_on: bool) -> list[str]:
    """The directory first, local accounts (ModelBackend) always, so the admin keeps signing in."""
    return ([LDAP_BACKEND] if ldap_on else []) + ([OIDC_BACKEND] if oidc_on else []) + [LOCAL_BACKEND]
