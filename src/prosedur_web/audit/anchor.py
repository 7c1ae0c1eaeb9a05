"""Signed anchors of the audit trail, kept outside the database (`manage.py anchor_audit`, daily).

Why
---
The hash chain shows any entry edited, inserted or removed in the middle, but cutting off the newest
entries leaves a shorter chain that is just as valid, and someone able to rewrite the audit table and
the signatures can recompute every hash. An anchor is a fact kept where the database's attacker cannot
quietly change it: once a day the head of the chain (its sequence number and hash) and a digest of
every approval signature are written to a file in `PROSEDUR_ANCHOR_DIR`, signed with the
organisation's signing key. `verify_audit` then checks the chain and the signatures against the
newest anchor whose signature is valid, and every anchor file's signature.

What an anchor holds (`anchor_body`)
------------------------------------
`format`, the organisation, `created` (local time with offset) and its `day`; `head` = {seq, hash};
`signatures` = {until, revisions, count, digest}: the signatures of record made up to `until`, the
number of revisions they sign and the SHA-256 of the sorted list of (procedure number, revision
number, content hash, record digest); `certificate` = {sha256, pem}. `until` lies `SETTLE` before
`created`, so a signature still in an open transaction at anchoring time cannot make tomorrow's
check disagree with today's anchor; it is counted by the next anchor.

The file is JSON: {"anchor": body, "signature": {"algorithm", "value"}}, the signature over
`prosedur.integrity.canonical_json(body)` (RSA PKCS#1 v1.5 or ECDSA, SHA-256). One file per day,
`jangkar-audit-YYYY-MM-DD.json`, created with a hard link so an existing file is never overwritten,
and left read-only.

Which certificate is trusted
----------------------------
The organisation's signing certificate, the one issued PDFs are signed with (`common.signing`:
`PROSEDUR_SIGNING_P12`, `PROSEDUR_SIGNING_PASSPHRASE`), or a certificate with the same subject issued
directly by a CA certificate that file carries or `PROSEDUR_SIGNING_TRUST` names (a renewal by the
same authority), so anchors signed before a renewal keep verifying. A certificate that merely came
inside the anchor file proves nothing by itself.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from prosedur.integrity import canonical_json

from .texts import text

ANCHOR_FORMAT = "prosedur-audit-anchor/1"
FILE_PREFIX = "jangkar-audit-"
FILE_SUFFIX = ".json"
SETTLE = dt.timedelta(minutes=10)
"""Signatures younger than this at anchoring time are left to the next anchor (see the docstring)."""
MAX_ANCHOR_BYTES = 64 * 1024
MAX_P12_BYTES = 1024 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^" + re.escape(FILE_PREFIX) + r"(\d{4}-\d{2}-\d{2})" + re.escape(FILE_SUFFIX) + r"$")

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class AnchorError(Exception):
    """The signing key cannot be used, or an anchor cannot be written; `message(lang)` says why."""

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "id") -> str:
        return text(self.key, lang, **self.params)


# -- the signing key ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnchorKey:
    private_key: PrivateKey = field(repr=False)
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def organisation(self) -> str:
        values = self.certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        return str(values[0].value) if values else ""


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate (DER), lower-case hex."""
    return cert.fingerprint(hashes.SHA256()).hex()


def load_key(path: str | Path, passphrase: str | bytes | None, *, valid_at: dt.datetime | None = None) -> AnchorKey:
    """The key and certificate in the PKCS#12 file `path`; with `valid_at`, the certificate must be valid then."""
    file = Path(path)
    try:
        if not file.is_file():
            raise AnchorError("key_missing", file=file)
        if file.stat().st_size > MAX_P12_BYTES:
            raise AnchorError("key_unreadable", file=file)
        data = file.read_bytes()
    except OSError:
        raise AnchorError("key_unreadable", file=file) from None
    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, secret or None)
    except (ValueError, TypeError):
        raise AnchorError("key_unreadable", file=file) from None
    if key is None or cert is None:
        raise AnchorError("key_incomplete", file=file)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise AnchorError("key_unsupported", file=file)
    der, spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(der, spki) != cert.public_key().public_bytes(der, spki):
        raise AnchorError("key_mismatch", file=file)
    if valid_at is not None and not cert.not_valid_before_utc <= valid_at <= cert.not_valid_after_utc:
        raise AnchorError("key_expired", file=file, date=valid_at.date().isoformat())
    return AnchorKey(key, cert, tuple(others))


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, stamp: tuple[int, int], passphrase: str | bytes | None) -> AnchorKey:
    return load_key(path, passphrase)


def configured_key(*, valid_at: dt.datetime | None = None) -> AnchorKey:
    """The organisation's signing key, from the file and passphrase `common.signing` reads from the settings
    (`PROSEDUR_SIGNING_P12`, `PROSEDUR_SIGNING_PASSPHRASE`, the demo certificate when unset); loaded once per
    file version, then cached. The CA certificates of `PROSEDUR_SIGNING_TRUST` join the file's own chain as
    issuers a renewed certificate may come from (`trusted`)."""
    from prosedur_web.common import signing

    if not signing.is_configured():
        raise AnchorError("key_not_configured")
    path = signing.p12_path()
    try:
        st = path.stat()
    except OSError:
        raise AnchorError("key_missing", file=path) from None
    key = _load_cached(str(path), (st.st_mtime_ns, st.st_size), signing.passphrase())
    roots = tuple(c for c in signing.trust_roots() if isinstance(c, x509.Certificate))
    if roots:
        key = AnchorKey(key.private_key, key.certificate, key.chain + roots)
    if valid_at is not None:
        cert = key.certificate
        if not cert.not_valid_before_utc <= valid_at <= cert.not_valid_after_utc:
            raise AnchorError("key_expired", file=path, date=valid_at.date().isoformat())
    return key


def trusted(cert: x509.Certificate, key: AnchorKey) -> bool:
    """Whether `cert` is the organisation's signing certificate, or its renewal by the same CA."""
    if fingerprint(cert) == key.fingerprint:
        return True
    if cert.subject != key.certificate.subject:
        return False
    for ca in key.chain:
        try:
            cert.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False


def _sign(key: PrivateKey, data: bytes) -> tuple[str, bytes]:
    if isinstance(key, rsa.RSAPrivateKey):
        return "RSA-PKCS1v15-SHA256", key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return "ECDSA-SHA256", key.sign(data, ec.ECDSA(hashes.SHA256()))


def _verifies(cert: x509.Certificate, signature: bytes, data: bytes) -> bool:
    public = cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


# -- the anchor (pure) ---------------------------------------------------------------------------------
SignatureRow = tuple[str, int, str, str]
"""(procedure number, revision number, content hash, record digest) of one signature."""


def signatures_digest(rows: Iterable[SignatureRow]) -> str:
    """SHA-256 over the sorted rows as canonical JSON: changes with any signature altered, added or removed."""
    return hashlib.sha256(canonical_json(sorted([list(r) for r in rows]))).hexdigest()


def anchor_body(*, organisation: str, created: dt.datetime, head_seq: int, head_hash: str, until: dt.datetime,
                revisions: int, signatures: int, digest: str, certificate: x509.Certificate) -> dict[str, Any]:
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    return {
        "format": ANCHOR_FORMAT,
        "organisation": organisation,
        "created": created.isoformat(timespec="seconds"),
        "day": created.date().isoformat(),
        "head": {"seq": head_seq, "hash": head_hash},
        "signatures": {"until": until.isoformat(timespec="seconds"), "revisions": revisions, "count": signatures,
                       "digest": digest},
        "certificate": {"sha256": fingerprint(certificate), "pem": pem},
    }


def sign_anchor(body: dict[str, Any], key: AnchorKey) -> bytes:
    """The anchor file: the body and its signature, as readable JSON (the signature covers the canonical form)."""
    algorithm, value = _sign(key.private_key, canonical_json(body))
    doc = {"anchor": body, "signature": {"algorithm": algorithm, "value": base64.b64encode(value).decode("ascii")}}
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def file_name(day: dt.date) -> str:
    return f"{FILE_PREFIX}{day.isoformat()}{FILE_SUFFIX}"


@dataclass(frozen=True)
class Anchor:
    """What one anchor file says, once read."""

    file: str
    day: dt.date
    created: dt.datetime
    seq: int
    hash: str
    until: dt.datetime
    revisions: int
    signatures: int
    digest: str
    fingerprint: str
    sha256: str
    """Of the file's bytes, as recorded in the audit entry that reports the anchor."""


@dataclass(frozen=True)
class AnchorFile:
    """One file of the anchor folder: its anchor when it could be read, and whether it verified."""

    name: str
    anchor: Anchor | None
    verified: bool
    problem: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        return text(self.problem, lang, file=self.name, **self.params)


def _aware(value: Any) -> dt.datetime:
    when = dt.datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise ValueError("time without its offset")
    return when


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("not a count")
    return value


def _hex(value: Any) -> str:
    if not isinstance(value, str) or not _HEX64.match(value):
        raise ValueError("not a SHA-256 hex digest")
    return value


def read_anchor(name: str, data: bytes, key: AnchorKey | None) -> AnchorFile:
    """Read and check one anchor file. Never raises: what is wrong comes back as the file's problem.

    Without a key the anchor is read but not `verified` (nothing to check its signature against)."""
    try:
        if len(data) > MAX_ANCHOR_BYTES:
            raise ValueError("too large")
        doc = json.loads(data.decode("utf-8"))
        body, sig = doc["anchor"], doc["signature"]
        if not isinstance(body, dict) or body.get("format") != ANCHOR_FORMAT:
            raise ValueError("not an anchor of this format")
        cert = x509.load_pem_x509_certificate(body["certificate"]["pem"].encode("ascii"))
        if fingerprint(cert) != body["certificate"]["sha256"]:
            raise ValueError("certificate fingerprint does not match the certificate")
        value = base64.b64decode(sig["value"], validate=True)
        created = _aware(body["created"])
        anchor = Anchor(
            file=name, day=dt.date.fromisoformat(body["day"]), created=created, seq=_int(body["head"]["seq"]),
            hash=_hex(body["head"]["hash"]), until=_aware(body["signatures"]["until"]),
            revisions=_int(body["signatures"]["revisions"]), signatures=_int(body["signatures"]["count"]),
            digest=_hex(body["signatures"]["digest"]), fingerprint=fingerprint(cert),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # JSON, base64, PEM and date errors are ValueErrors
        return AnchorFile(name, None, False, "anchor_unreadable", {"detail": str(exc)[:120] or type(exc).__name__})
    if key is None:
        return AnchorFile(name, anchor, False)
    if not _verifies(cert, value, canonical_json(body)):
        return AnchorFile(name, anchor, False, "anchor_bad_signature")
    if not trusted(cert, key):
        return AnchorFile(name, anchor, False, "anchor_untrusted", {"fingerprint": anchor.fingerprint})
    if name != file_name(anchor.day) or created.date() != anchor.day:
        return AnchorFile(name, anchor, False, "anchor_name", {"day": anchor.day.isoformat()})
    return AnchorFile(name, anchor, True)


# -- the folder ------------------------------------------------------------------------------------------
def anchor_dir() -> Path:
    """`PROSEDUR_ANCHOR_DIR`, by default `anchors/` in the app's var folder (`PROSEDUR_VAR_DIR`)."""
    from django.conf import settings

    configured = getattr(settings, "PROSEDUR_ANCHOR_DIR", None) or os.environ.get("PROSEDUR_ANCHOR_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "anchors"


def anchor_names(folder: Path) -> list[str]:
    """Names of the anchor files in `folder`, oldest first (the date is in the name)."""
    try:
        return sorted(p.name for p in folder.iterdir() if p.name.startswith(FILE_PREFIX) and p.is_file())
    except FileNotFoundError:
        return []


def read_file(folder: Path, name: str, key: AnchorKey | None) -> AnchorFile:
    try:
        with (folder / name).open("rb") as fh:
            data = fh.read(MAX_ANCHOR_BYTES + 1)
    except OSError as exc:
        return AnchorFile(name, None, False, "anchor_unreadable", {"detail": exc.strerror or type(exc).__name__})
    return read_anchor(name, data, key)


def read_all(folder: Path, key: AnchorKey | None) -> list[AnchorFile]:
    return [read_file(folder, name, key) for name in anchor_names(folder)]


def newest(files: Sequence[AnchorFile]) -> Anchor | None:
    valid = [f.anchor for f in files if f.verified and f.anchor is not None]
    return max(valid, key=lambda a: (a.created, a.seq)) if valid else None


def write_new(folder: Path, name: str, data: bytes) -> Path:
    """Create `folder/name` with `data`, whole or not at all, never replacing a file already there."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o750)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=FILE_SUFFIX)
    except OSError as exc:
        raise AnchorError("anchor_dir_error", dir=folder, detail=exc.strerror or type(exc).__name__) from None
    path = folder / name
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o440)
        try:
            os.link(tmp, path)  # fails if the name exists: never overwrites
        except FileExistsError:
            raise AnchorError("anchor_exists", path=path) from None
        except OSError as exc:
            raise AnchorError("anchor_dir_error", dir=folder, detail=exc.strerror or type(exc).__name__) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return path
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
    return path
