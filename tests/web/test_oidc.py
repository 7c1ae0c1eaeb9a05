"""OpenID Connect sign-in against a tiny provider the test runs in-process on loopback.

The provider does the authorization-code flow for real over HTTP: /authorize answers with a code bound to
the state, nonce and PKCE challenge it was given, /token checks the client secret and the PKCE verifier and
returns an RS256 id_token signed with a key made for the test run, /userinfo answers the access token, /jwks
publishes the public key. The browser's part is played by the Django test client and one plain HTTP GET.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from prosedur_web.accounts import directory_settings
from prosedur_web.accounts.models import User
from prosedur_web.audit.models import AuditEntry

from .conftest import World

jwt = pytest.importorskip("jwt", reason="PyJWT (with mozilla-django-oidc, the `directory` extra) is not installed")
rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")

CLIENT_ID, CLIENT_SECRET = "prosedur-uji", "rahasia-klien-uji"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Provider:
    """What the provider will say about the next person, and how the test may make it misbehave."""

    base: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    id_token_extra: dict[str, Any] = field(default_factory=dict)
    userinfo_extra: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    key: Any = None

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        payload = {"iss": self.base, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": grant["nonce"],
                   "sub": self.claims["sub"], **self.id_token_extra}
        return str(jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "uji-1"}))

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        size = (numbers.n.bit_length() + 7) // 8
        return {"keys": [{"kty": "RSA", "kid": "uji-1", "alg": "RS256", "use": "sig",
                          "n": _b64(numbers.n.to_bytes(size, "big")), "e": _b64(numbers.e.to_bytes(3, "big"))}]}


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _json(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/authorize":
                assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
                code = secrets.token_urlsafe(16)
                provider.codes[code] = query
                self.send_response(302)
                self.send_header("Location", query["redirect_uri"] + "?" + urlencode(
                    {"code": code, "state": query["state"]}))
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in provider.tokens:
                    self._json(401, {"error": "invalid_token"})
                    return
                self._json(200, {**provider.claims, **provider.userinfo_extra})
            else:
                self._json(404, {})

        def do_POST(self) -> None:
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
            grant = provider.codes.pop(form.get("code", ""), None)
            challenge = _b64(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
            if (self.path != "/token" or form.get("client_secret") != CLIENT_SECRET or grant is None
                    or grant.get("code_challenge") != challenge or form.get("redirect_uri") != grant["redirect_uri"]):
                self._json(400, {"error": "invalid_grant"})
                return
            access = secrets.token_urlsafe(16)
            provider.tokens[access] = grant
            self._json(200, {"access_token": access, "token_type": "Bearer", "expires_in": 300,
                             "id_token": provider.id_token(grant)})

    return Handler


@pytest.fixture(scope="module")
def _server() -> Iterator[Provider]:
    provider = Provider(key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def provider(_server: Provider, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Provider:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    base = _server.base
    values = directory_settings.oidc_settings({
        "PROSEDUR_OIDC_CLIENT_ID": CLIENT_ID, "PROSEDUR_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "PROSEDUR_OIDC_AUTHORIZATION_ENDPOINT": f"{base}/authorize", "PROSEDUR_OIDC_TOKEN_ENDPOINT": f"{base}/token",
        "PROSEDUR_OIDC_USERINFO_ENDPOINT": f"{base}/userinfo", "PROSEDUR_OIDC_JWKS_ENDPOINT": f"{base}/jwks",
        "PROSEDUR_OIDC_ISSUER": base, "PROSEDUR_OIDC_ALLOW_HTTP": "1",
        "PROSEDUR_OIDC_CLAIM_NIP": "nip", "PROSEDUR_OIDC_CLAIM_POSITION": "jabatan",
        "PROSEDUR_OIDC_CLAIM_UNIT": "unit_kerja", "PROSEDUR_OIDC_ROLES_CLAIM": "groups",
        "PROSEDUR_OIDC_ROLE_MAP": "penyusun=sop-penyusun;pemeriksa=sop-pemeriksa;pembaca=semua-pegawai",
    })
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = directory_settings.backends(False, True)
    _server.claims = {"sub": "a1b2c3", "preferred_username": "dewi", "name": "Dewi Lestari, S.T.",
                      "email": "dewi@contoh.go.id", "nip": "199002022015032002", "jabatan": "Analis Sistem",
                      "unit_kerja": "pusdatin", "groups": ["sop-penyusun", "semua-pegawai", "lain-lain"]}
    _server.id_token_extra, _server.userinfo_extra = {}, {}
    return _server


def _authorize(url: str) -> str:
    """GET the provider's authorize URL and return where it redirects (without following it)."""
    import http.client

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    conn.request("GET", f"{parts.path}?{parts.query}")
    response = conn.getresponse()
    location = response.getheader("Location") or ""
    response.read()
    conn.close()
    assert response.status == 302, response.status
    return location


def _flow(client: Client, *, state: str | None = None) -> Any:
    start = client.get(reverse("accounts:oidc_start"))
    assert start.status_code == 302
    back = urlsplit(_authorize(start["Location"]))
    assert back.path == reverse("accounts:oidc_callback")
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    if state is not None:
        query["state"] = state
    return client.get(back.path, query)


def test_the_sso_button_shows_only_when_configured(world: World, settings: Any) -> None:
    assert "Masuk dengan SSO" not in Client().get(reverse("accounts:login")).content.decode()
    response = Client().get(reverse("accounts:oidc_start"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")


def test_sso_creates_the_user_with_claims_and_roles_mapped(world: World, provider: Provider) -> None:
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "Masuk dengan SSO" in page and reverse("accounts:oidc_start") in page
    client = Client()
    start = client.get(reverse("accounts:oidc_start"))
    params = parse_qs(urlsplit(start["Location"]).query)
    assert params["scope"] == ["openid email profile"] and params["nonce"] and params["code_challenge"]
    response = _flow(client)
    assert response.status_code == 302, response.content[:500]
    dewi = User.objects.get(username="dewi")
    assert client.session["_auth_user_id"] == str(dewi.pk)
    assert (dewi.full_name, dewi.email, dewi.nip, dewi.position, dewi.unit) == (
        "Dewi Lestari, S.T.", "dewi@contoh.go.id", "199002022015032002", "Analis Sistem", world.own_unit)
    assert not dewi.has_usable_password()
    assert sorted(dewi.groups.values_list("name", flat=True)) == ["pembaca", "penyusun"]
    assert AuditEntry.objects.get(action="login", actor=dewi).data == {"via": "oidc"}
    # next sign-in: the provider took sop-penyusun away and gave sop-pemeriksa
    provider.claims["groups"] = ["sop-pemeriksa", "semua-pegawai"]
    assert _flow(Client()).status_code == 302
    assert sorted(dewi.groups.values_list("name", flat=True)) == ["pembaca", "pemeriksa"]


def test_a_tampered_state_is_refused(world: World, provider: Provider) -> None:
    client = Client()
    response = _flow(client, state="bukan-state-sesi-ini")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session and not User.objects.filter(username="dewi").exists()


def test_a_wrong_nonce_audience_or_issuer_is_refused(world: World, provider: Provider) -> None:
    for extra in ({"nonce": "nonce-lain"}, {"aud": "klien-lain"}, {"iss": "https://penyedia-lain.example"},
                  {"exp": int(time.time()) - 3600}):
        provider.id_token_extra = extra
        client = Client()
        response = _flow(client)
        assert response.status_code == 400, extra  # SuspiciousOperation: refused, never a 500
        assert "_auth_user_id" not in client.session, extra
    assert not User.objects.filter(username="dewi").exists()


def test_userinfo_about_another_subject_is_refused(world: World, provider: Provider) -> None:
    provider.userinfo_extra = {"sub": "orang-lain"}
    client = Client()
    response = _flow(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session and not User.objects.filter(username="dewi").exists()


def test_deactivated_and_local_accounts_are_not_signed_in_by_sso(world: World, provider: Provider) -> None:
    provider.claims["preferred_username"] = "admin"  # a local account with a password
    client = Client()
    assert _flow(client).status_code == 302 and "_auth_user_id" not in client.session
    provider.claims["preferred_username"] = "dewi"
    assert _flow(Client()).status_code == 302
    User.objects.filter(username="dewi").update(is_active=False)
    client = Client()
    response = _flow(client)
    assert response["Location"] == reverse("accounts:login") and "_auth_user_id" not in client.session
    assert "SSO gagal" in client.get(response["Location"]).content.decode()


def test_bad_oidc_settings_name_the_variable() -> None:
    with pytest.raises(Exception, match="PROSEDUR_OIDC_TOKEN_ENDPOINT"):
        directory_settings.oidc_settings({"PROSEDUR_OIDC_CLIENT_ID": "x", "PROSEDUR_OIDC_CLIENT_SECRET": "y",
                                          "PROSEDUR_OIDC_AUTHORIZATION_ENDPOINT": "https://a/authorize"})
    with pytest.raises(Exception, match="https://"):
        directory_settings.oidc_settings({"PROSEDUR_OIDC_CLIENT_ID": "x",
                                          "PROSEDUR_OIDC_AUTHORIZATION_ENDPOINT": "http://a/authorize"})
