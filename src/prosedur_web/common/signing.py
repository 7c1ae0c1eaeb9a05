"""The organisation's signing certificate for issued PDFs, as the web app uses it (the core: `prosedur.pades`).

This module is the web app's one door into `prosedur.pades`, as `prosedur_web/services.py` is for the rest
of the core: the settings (`PROSEDUR_SIGNING_*`) are read here and nowhere else.

* `signing_identity()` loads the PKCS#12 file once per process and keeps it until the file changes
  (size or modification time) or the passphrase setting does; its validity is re-checked on every call,
  so a certificate that expires while the server runs is refused from that moment. Any problem is an
  `ActionRefused` the views show: approving is refused before anything is stored, a download of an
  issued copy answers 503 instead of handing out an unsigned "controlled" copy.
* `sign_issued_pdf(data, content_hash)` signs a controlled PDF (PAdES, content hash inside).
* `trust_roots()` is what uploaded copies are verified against: the configured PEM files, else (the
  demo) the demo CA next to the demo PKCS#12 file, else the signing certificate itself — the narrowest
  choice; a national root (BSrE) as trust root would accept any certificate it ever issued.
* `identity_problem()` / `trust_problem()` are for the system checks (`common/checks.py`).

`PROSEDUR_SIGNING_P12` unset means the demo certificate under `PROSEDUR_SIGNING_DEMO_DIR`, whose passphrase
is `prosedur.pades.DEMO_PASSPHRASE`; `manage.py seed_demo` makes it.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from django.conf import settings

from prosedur import pades

from .errors import ActionRefused
from .labels import label

_TIME_KEYS = frozenset({"signing_expired", "signing_not_yet_valid"})
_lock = threading.Lock()
_identity: dict[str, tuple[tuple[Any, ...], pades.SigningIdentity | pades.SigningError]] = {}
_roots: dict[str, tuple[tuple[Any, ...], list[Any] | pades.SigningError]] = {}


def p12_path() -> Path:
    return Path(settings.PROSEDUR_SIGNING_P12)


def demo_p12_path() -> Path:
    return Path(settings.PROSEDUR_SIGNING_DEMO_DIR) / pades.DEMO_P12_NAME


def is_demo() -> bool:
    """The demo certificate is in use: `PROSEDUR_SIGNING_P12` is not set to a file of the agency's own."""
    return p12_path().absolute() == demo_p12_path().absolute()


def is_configured() -> bool:
    """A certificate is set up: the agency's own (even a broken one: that is an error, not "none"), or the
    demo one once `seed_demo` wrote it."""
    return not is_demo() or demo_p12_path().is_file()


def passphrase() -> str:
    return settings.PROSEDUR_SIGNING_PASSPHRASE or (pades.DEMO_PASSPHRASE if is_demo() else "")


def _stamp(path: Path) -> tuple[Any, ...]:
    try:
        st = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_mtime_ns, st.st_size)


def _load() -> pades.SigningIdentity:
    """The identity, loaded or from the per-process cache; `pades.SigningError` when it cannot sign."""
    path = p12_path()
    secret = passphrase()
    key = (*_stamp(path), hashlib.sha256(secret.encode()).hexdigest())
    with _lock:
        cached = _identity.get("current")
        if cached is None or cached[0] != key:
            try:
                loaded: pades.SigningIdentity | pades.SigningError = pades.load_identity(path, secret)
            except pades.SigningError as exc:
                loaded = exc
            cached = (key, loaded)
            if not (isinstance(loaded, pades.SigningError) and loaded.key in _TIME_KEYS):
                _identity["current"] = cached  # a not-yet-valid certificate is tried again next time
    result = cached[1]
    if isinstance(result, pades.SigningError):
        raise result
    pades.require_valid(result)
    return result


def identity_problem() -> pades.SigningError | None:
    """What stops signing now, or None (system checks and refusals)."""
    try:
        _load()
    except pades.SigningError as exc:
        return exc
    return None


def _refusal(exc: pades.SigningError) -> ActionRefused:
    return ActionRefused([lambda lang: label("err_signing_unavailable", lang, reason=exc.message(lang))])


def signing_identity() -> pades.SigningIdentity:
    """The loaded, currently valid signing identity; `ActionRefused` (with the reason) otherwise."""
    try:
        return _load()
    except pades.SigningError as exc:
        raise _refusal(exc) from None


def sign_issued_pdf(data: bytes, content_hash: str) -> bytes:
    """A controlled PDF signed with the organisation's certificate; `ActionRefused` if it cannot be."""
    identity = signing_identity()
    reason = f"Salinan terkendali yang diterbitkan / Issued controlled copy; sidik isi {content_hash}"
    try:
        return pades.sign_pdf(data, identity, content_hash=content_hash, reason=reason,
                              location=settings.PROSEDUR_SIGNING_LOCATION or None,
                              timestamp_url=settings.PROSEDUR_SIGNING_TSA_URL or None)
    except pades.SigningError as exc:
        raise _refusal(exc) from None


def trust_files() -> list[Path]:
    configured = [Path(p) for p in settings.PROSEDUR_SIGNING_TRUST]
    if configured:
        return configured
    if is_demo():
        return [Path(settings.PROSEDUR_SIGNING_DEMO_DIR) / pades.DEMO_CA_NAME]
    return []


def _trust() -> list[Any]:
    files = trust_files()
    if not files:  # the signing certificate itself
        try:
            return [_load().certificate]
        except pades.SigningError:
            return []
    key = tuple(_stamp(f) for f in files)
    with _lock:
        cached = _roots.get("current")
        if cached is None or cached[0] != key:
            try:
                loaded: list[Any] | pades.SigningError = pades.load_trust_roots(files)
            except pades.SigningError as exc:
                loaded = exc
            cached = (key, loaded)
            _roots["current"] = cached
    result = cached[1]
    if isinstance(result, pades.SigningError):
        raise result
    return list(result)


def trust_problem() -> pades.SigningError | None:
    try:
        _trust()
    except pades.SigningError as exc:
        return exc
    return None


def trust_roots() -> list[Any]:
    """Certificates uploaded copies must chain to; empty when none can be loaded (nothing verifies then)."""
    try:
        return _trust()
    except pades.SigningError:
        return []


def check_pdf(data: bytes) -> pades.PdfCheck:
    """`prosedur.pades.check_pdf` against `trust_roots()`, with the upload limit of the settings."""
    return pades.check_pdf(data, trust_roots(), limit=settings.PROSEDUR_VERIFY_MAX_BYTES)


def forget() -> None:
    """Drop the cached identity and trust roots (tests that switch certificates)."""
    with _lock:
        _identity.clear()
        _roots.clear()
