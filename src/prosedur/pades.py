"""PAdES signatures on issued PDFs, and the check that tells a genuine issued copy from a forged one.

Why
---
The content hash printed on every page and in the QR code says *which* revision a PDF claims to be,
but anyone can print those characters on a PDF they edited. A cryptographic signature makes the claim
checkable: the organisation's signing certificate (issued by its certification authority, e.g. BSrE
as a PKCS#12 file) signs the bytes of the file, so a copy whose text was changed — re-rendered, edited
in place, or extended with an incremental update — no longer verifies, even if it kept the hash text.

What
----
* `load_identity(path, passphrase)` reads the PKCS#12 file once and refuses, with a bilingual
  `SigningError` naming the file, what cannot sign: a missing or unreadable file, not PKCS#12, a wrong
  passphrase, no private key, a key that does not match the certificate, a certificate expired or not
  yet valid (against a passed-in `now`, so tests use a fixed clock).
* `sign_pdf(...)` appends one incremental update to the PDF: the document info dictionary gains
  `/ProsedurContentHash` (the 64-hex canonical content hash, `prosedur.integrity.content_hash`) and an
  invisible signature field holds a PAdES baseline signature (`/ETSI.CAdES.detached`, certified with
  "no changes allowed"). The info dictionary is written in the same revision the signature covers, so a
  verifier reads the hash back from the signed bytes, not from the page text. With `timestamp_url`
  an RFC 3161 time-stamp server countersigns the signature (PAdES B-T); that path needs the network.
* `check_pdf(data, trust_roots)` never raises: garbage, truncated or oversized input comes back as a
  `PdfCheck` saying so. Each embedded signature is validated with pyHanko against the given trust
  roots only (no fetching, no operating-system trust list); the check reports whether the file is
  signed, intact (digest matches), valid (signature correct and the certificate chains to a trust
  root at the time of checking), whether the last signature covers the whole file (anything appended
  after signing makes a copy not genuine), who signed, when, the certificate's SHA-256 fingerprint
  and the content hash read from the signed revision. Whether that hash names a revision that was in
  force is for the caller (the web app's verification page) to decide.
* `make_demo_identity(...)` writes a self-signed demo CA and a signing certificate issued by it, for
  tests and the demo (`manage.py seed_demo`); it is not a substitute for a real certificate.

Messages are bilingual through this module's own small catalogue (`message`), like `prosedur.i18n`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import io
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import tsp as asn1_tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from .errors import ProsedurError, display_path

__all__ = [
    "CONTENT_HASH_KEY",
    "DEMO_PASSPHRASE",
    "MAX_PDF_BYTES",
    "CheckProblem",
    "PdfCheck",
    "SignatureReport",
    "SigningError",
    "SigningIdentity",
    "check_pdf",
    "load_identity",
    "load_trust_roots",
    "make_demo_identity",
    "message",
    "require_valid",
    "sign_pdf",
]

CONTENT_HASH_KEY = "/ProsedurContentHash"
"""Key of the document info dictionary that carries the content hash, inside the signed revision."""
SIGNATURE_FIELD = "TandaTanganProsedur"
MAX_PDF_BYTES = 32 * 1024 * 1024
"""The largest PDF `check_pdf` reads; an issued procedure is well under 1 MB."""
DEMO_PASSPHRASE = "demo-prosedur-bukan-rahasia"
"""Passphrase of the demo PKCS#12 file: written here on purpose, the demo certificate is not a secret."""
DEMO_CA_NAME = "demo-ca.pem"
DEMO_P12_NAME = "demo-signing.p12"

_HEX = frozenset("0123456789abcdef")

# key -> (Indonesian, English); placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # loading the signing identity and the trust roots
    "signing_file_missing": ("Berkas sertifikat penandatangan {file} tidak ditemukan.",
                             "Signing certificate file {file} not found."),
    "signing_file_unreadable": ("Berkas sertifikat penandatangan {file} tidak dapat dibaca ({detail}).",
                                "Signing certificate file {file} cannot be read ({detail})."),
    "signing_file_too_big": ("Berkas sertifikat penandatangan {file} terlalu besar untuk berkas PKCS#12.",
                             "Signing certificate file {file} is too large for a PKCS#12 file."),
    "signing_not_pkcs12": ("Berkas {file} bukan berkas PKCS#12 (.p12/.pfx).", "File {file} is not a PKCS#12 (.p12/.pfx) file."),
    "signing_bad_passphrase": ("Kata sandi berkas sertifikat {file} salah, atau berkasnya rusak.",
                               "Wrong passphrase for certificate file {file}, or the file is damaged."),
    "signing_no_key": ("Berkas {file} tidak berisi kunci privat.", "File {file} holds no private key."),
    "signing_no_certificate": ("Berkas {file} tidak berisi sertifikat penandatangan.", "File {file} holds no signing certificate."),
    "signing_key_unsupported": ("Jenis kunci di berkas {file} tidak didukung (hanya RSA atau EC).",
                                "The key type in file {file} is not supported (RSA or EC only)."),
    "signing_key_mismatch": ("Kunci privat di berkas {file} bukan pasangan sertifikatnya.",
                             "The private key in file {file} does not belong to its certificate."),
    "signing_expired": ("Sertifikat penandatangan di berkas {file} ({subject}) sudah kedaluwarsa sejak {date}.",
                        "The signing certificate in file {file} ({subject}) expired on {date}."),
    "signing_not_yet_valid": ("Sertifikat penandatangan di berkas {file} ({subject}) baru berlaku mulai {date}.",
                              "The signing certificate in file {file} ({subject}) is not valid before {date}."),
    "trust_file_missing": ("Berkas sertifikat akar terpercaya {file} tidak ditemukan.", "Trust root file {file} not found."),
    "trust_file_unreadable": ("Berkas sertifikat akar terpercaya {file} tidak dapat dibaca ({detail}).",
                              "Trust root file {file} cannot be read ({detail})."),
    "trust_file_empty": ("Berkas {file} tidak berisi sertifikat (PEM atau DER).", "File {file} holds no certificate (PEM or DER)."),
    "signing_failed": ("PDF tidak dapat ditandatangani: {detail}", "The PDF cannot be signed: {detail}"),
    "signing_bad_hash": ("Sidik isi harus 64 karakter heksadesimal SHA-256.", "The content hash must be 64 hex characters of SHA-256."),
    "timestamp_failed": ("Server cap waktu {url} tidak memberi jawaban yang sah ({detail}).",
                         "The time-stamp server {url} gave no valid answer ({detail})."),
    # checking a PDF
    "pdf_empty": ("Berkas kosong.", "The file is empty."),
    "pdf_too_big": ("Berkas terlalu besar ({size} bita; batas {limit} bita).", "The file is too large ({size} bytes; limit {limit} bytes)."),
    "pdf_not_pdf": ("Berkas ini bukan PDF.", "This file is not a PDF."),
    "pdf_unreadable": ("PDF tidak dapat dibaca ({detail}).", "The PDF cannot be read ({detail})."),
    "pdf_unsigned": ("PDF ini tidak memuat tanda tangan elektronik.", "This PDF carries no electronic signature."),
    "sig_unreadable": ("Tanda tangan ke-{n} tidak dapat diperiksa ({detail}).", "Signature {n} cannot be checked ({detail})."),
    "sig_not_intact": (
        "Isi berkas telah diubah setelah ditandatangani: sidik bagian yang ditandatangani tidak cocok (tanda tangan ke-{n}).",
        "The file was changed after signing: the digest of the signed bytes does not match (signature {n}).",
    ),
    "sig_invalid": ("Tanda tangan ke-{n} tidak sah secara kriptografis.", "Signature {n} is not cryptographically valid."),
    "sig_untrusted": (
        "Sertifikat penandatangan ({subject}) tidak berantai ke sertifikat akar terpercaya organisasi ({why}).",
        "The signer's certificate ({subject}) does not chain to the organisation's trust roots ({why}).",
    ),
    "sig_not_whole_file": (
        "Ada perubahan yang ditambahkan ke berkas setelah ditandatangani; tanda tangan tidak mencakup seluruh berkas.",
        "Changes were appended to the file after it was signed; the signature does not cover the whole file.",
    ),
    "hash_missing": ("Bagian yang ditandatangani tidak memuat sidik isi prosedur.",
                     "The signed part of the file carries no procedure content hash."),
    "no_trust_roots": ("Belum ada sertifikat akar terpercaya yang dikonfigurasi untuk pemeriksaan.",
                       "No trust roots are configured for checking."),
    # reasons a certificate does not chain (pyHanko's AdES sub-indications)
    "why_no_chain": ("tidak ada rantai ke akar terpercaya", "no chain to a trust root"),
    "why_expired": ("sertifikat kedaluwarsa saat diperiksa", "certificate expired at the time of checking"),
    "why_not_yet_valid": ("sertifikat belum berlaku", "certificate not yet valid"),
    "why_revoked": ("sertifikat dicabut", "certificate revoked"),
    "why_key_usage": ("penggunaan kunci sertifikat tidak mengizinkan tanda tangan", "the certificate's key usage does not allow signing"),
    "why_other": ("{detail}", "{detail}"),
}


def message(key: str, lang: str = "id", /, **params: Any) -> str:
    """Translate `key` into `lang` (Indonesian unless "en"); unknown keys come back as themselves."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


class SigningError(ProsedurError):
    """The signing identity or the trust roots cannot be used, or a PDF cannot be signed."""

    def __init__(self, key: str, file: str | Path | None = None, **params: Any):
        self.key = key
        self.file = display_path(file) if file is not None else ""
        self.params = {"file": self.file, **params}
        super().__init__(self.message("id"))

    def message(self, lang: str = "id") -> str:
        return message(self.key, lang, **self.params)


# -- identity ------------------------------------------------------------------------------------------
def _utc(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    if value.tzinfo is None:
        raise ValueError("a time with its zone (aware datetime) is required")
    return value.astimezone(dt.UTC)


def _name_part(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _subject_text(cert: x509.Certificate) -> str:
    cn = _name_part(cert.subject, NameOID.COMMON_NAME)
    org = _name_part(cert.subject, NameOID.ORGANIZATION_NAME)
    return ", ".join(p for p in (cn, org) if p) or cert.subject.rfc4514_string()


@dataclass(frozen=True)
class SigningIdentity:
    """A signing certificate with its private key and the chain that came with it in the PKCS#12 file."""

    path: Path
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    signer: Any = field(repr=False)  # pyhanko.sign.signers.SimpleSigner

    @property
    def common_name(self) -> str:
        return _name_part(self.certificate.subject, NameOID.COMMON_NAME)

    @property
    def organisation(self) -> str:
        return _name_part(self.certificate.subject, NameOID.ORGANIZATION_NAME)

    @property
    def not_before(self) -> dt.datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), lower-case hex: what the verification page shows."""
        return self.certificate.fingerprint(hashes.SHA256()).hex()


MAX_P12_BYTES = 1024 * 1024


def _require_valid(cert: x509.Certificate, file: Path, now: dt.datetime | None) -> None:
    moment = _utc(now)
    if moment >= cert.not_valid_after_utc:
        raise SigningError("signing_expired", file, subject=_subject_text(cert),
                           date=cert.not_valid_after_utc.strftime("%Y-%m-%d %H:%M UTC"))
    if moment < cert.not_valid_before_utc:
        raise SigningError("signing_not_yet_valid", file, subject=_subject_text(cert),
                           date=cert.not_valid_before_utc.strftime("%Y-%m-%d %H:%M UTC"))


def require_valid(identity: SigningIdentity, now: dt.datetime | None = None) -> None:
    """`SigningError` unless `identity`'s certificate is valid at `now`: for an identity loaded earlier and kept."""
    _require_valid(identity.certificate, identity.path, now)


@functools.cache
def _kept_key_signer() -> type:
    """pyHanko's SimpleSigner, keeping the loaded private key: its own `sign_raw` re-reads the key from DER
    on every signature, and cryptography's RSA key check makes that ~60 ms of the ~100 ms a signature costs."""
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.signers.pdf_cms import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(SimpleSigner):
        def __init__(self, private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, **kwargs: Any):
            super().__init__(**kwargs)
            self._private_key = private_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            digest = get_pyca_cryptography_hash(digest_algorithm)
            key = self._private_key
            if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
                return key.sign(data, PKCS1v15(), digest)
            if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, ec.ECDSA(digest))
            return bytes(super().sign_raw(data, digest_algorithm))  # PSS and the rest: pyHanko's own way

    return KeptKeySigner


def load_identity(path: str | Path, passphrase: str | bytes | None, *,
                  now: dt.datetime | None = None) -> SigningIdentity:
    """The signing identity in the PKCS#12 file `path`, or `SigningError` saying what is wrong with it."""
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    file = Path(path)
    if not file.is_file():
        raise SigningError("signing_file_missing", file)
    try:
        if file.stat().st_size > MAX_P12_BYTES:
            raise SigningError("signing_file_too_big", file)
        data = file.read_bytes()
    except OSError as exc:
        raise SigningError("signing_file_unreadable", file, detail=exc.strerror or type(exc).__name__) from None
    try:  # a PFX structure at all? (cryptography reports a wrong passphrase and garbage alike)
        asn1_pkcs12.Pfx.load(data, strict=True).native  # noqa: B018 - parsing is the check
    except Exception:  # noqa: BLE001 - asn1crypto raises ValueError, TypeError, ... on garbage
        raise SigningError("signing_not_pkcs12", file) from None
    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, secret or None)
    except (ValueError, TypeError):
        raise SigningError("signing_bad_passphrase", file) from None
    if key is None:
        raise SigningError("signing_no_key", file)
    if cert is None:
        raise SigningError("signing_no_certificate", file)
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise SigningError("signing_key_unsupported", file)
    der = serialization.Encoding.DER
    if key.public_key().public_bytes(der, serialization.PublicFormat.SubjectPublicKeyInfo) != \
            cert.public_key().public_bytes(der, serialization.PublicFormat.SubjectPublicKeyInfo):
        raise SigningError("signing_key_mismatch", file)
    _require_valid(cert, file, now)
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    chain = tuple(others)
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    store.register_multiple([asn1_x509.Certificate.load(c.public_bytes(der)) for c in chain])
    signer = _kept_key_signer()(key, signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
                                signing_key=key_info, cert_registry=store)
    return SigningIdentity(path=file, certificate=cert, chain=chain, signer=signer)


def load_trust_roots(paths: Iterable[str | Path]) -> list[x509.Certificate]:
    """Every certificate in the PEM (one or more certificates) or DER files `paths`."""
    out: list[x509.Certificate] = []
    for path in paths:
        file = Path(path)
        if not file.is_file():
            raise SigningError("trust_file_missing", file)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise SigningError("trust_file_unreadable", file, detail=exc.strerror or type(exc).__name__) from None
        try:
            certs = (x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data
                     else [x509.load_der_x509_certificate(data)])
        except ValueError:
            certs = []
        if not certs:
            raise SigningError("trust_file_empty", file)
        out.extend(certs)
    return out


# -- signing ---------------------------------------------------------------------------------------------
class _UrllibTimeStamper:
    """RFC 3161 over HTTP(S) with the standard library (pyHanko's own client needs `requests`)."""

    def __new__(cls, url: str, timeout: float = 10) -> Any:
        from pyhanko.sign.timestamps.api import TimeStamper
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError, set_tsp_headers

        if not url.lower().startswith(("http://", "https://")):
            raise SigningError("timestamp_failed", None, url=url, detail="http(s) only")

        class UrllibTimeStamper(TimeStamper):
            async def async_request_tsa_response(self, req: asn1_tsp.TimeStampReq) -> asn1_tsp.TimeStampResp:
                def post() -> asn1_tsp.TimeStampResp:
                    request = urllib.request.Request(url, data=req.dump(), method="POST",  # noqa: S310 - scheme checked
                                                     headers=set_tsp_headers({}))
                    try:
                        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                            if response.headers.get("Content-Type") != "application/timestamp-reply":
                                raise TimestampRequestError("not a time-stamp reply")
                            return asn1_tsp.TimeStampResp.load(response.read(256 * 1024))
                    except (OSError, urllib.error.URLError) as exc:
                        raise TimestampRequestError(str(exc)) from exc

                return await asyncio.to_thread(post)

        return UrllibTimeStamper()  # type: ignore[no-untyped-call]


def _set_content_hash(writer: Any, content_hash: str) -> None:
    """`/ProsedurContentHash` in the document info dictionary, written in this (the signed) revision."""
    from pyhanko.pdf_utils import generic

    ref = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if isinstance(ref, generic.IndirectObject):
        info = ref.get_object()  # type: ignore[no-untyped-call]
        info[generic.NameObject(CONTENT_HASH_KEY)] = generic.TextStringObject(content_hash)
        writer.mark_update(ref)
    else:
        info = generic.DictionaryObject(  # type: ignore[no-untyped-call]
            {generic.NameObject(CONTENT_HASH_KEY): generic.TextStringObject(content_hash)})
        if isinstance(ref, generic.DictionaryObject):
            info.update({k: v for k, v in ref.items() if k != CONTENT_HASH_KEY})
        writer.set_info(writer.add_object(info))


def sign_pdf(data: bytes, identity: SigningIdentity, *, content_hash: str, reason: str, location: str | None,
             timestamp_url: str | None = None, when: dt.datetime | None = None, timestamper: Any = None) -> bytes:
    """`data` with one incremental update: the content hash in the info dictionary and a PAdES signature
    over the whole file (invisible field, certification with no changes allowed).

    `when` is the signing time written into the signature (default now); `timestamp_url` adds an
    RFC 3161 time-stamp (network). `timestamper` lets a test pass pyHanko's own TimeStamper instead.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    content_hash = content_hash.lower()
    if len(content_hash) != 64 or not set(content_hash) <= _HEX:
        raise SigningError("signing_bad_hash")
    stamper = timestamper or (_UrllibTimeStamper(timestamp_url) if timestamp_url else None)
    moment = when.astimezone(dt.UTC) if when is not None else None

    class ClockedSigner(signers.PdfSigner):
        """PdfSigner whose signing time is `when` (pyHanko takes the local clock otherwise)."""

        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            if moment is not None:
                session.system_time = moment
            return session

    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason[:500], location=(location or None), name=identity.common_name or None,
        certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    der_total = len(identity.certificate.public_bytes(serialization.Encoding.DER)) + sum(
        len(c.public_bytes(serialization.Encoding.DER)) for c in identity.chain)
    # the CMS blob is written as hex: twice its DER size; a time-stamp token brings the TSA's chain
    reserved = 2 * (4096 + der_total + (12288 if stamper is not None else 0))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        _set_content_hash(writer, content_hash)
        pdf_signer = ClockedSigner(meta, identity.signer, timestamper=stamper,
                                   new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, box=None))
        out = pdf_signer.sign_pdf(writer, bytes_reserved=reserved)
    except SigningError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on a PDF it cannot update
        if type(exc).__name__ == "TimestampRequestError" or "timestamp" in type(exc).__module__:
            raise SigningError("timestamp_failed", None, url=timestamp_url or "", detail=str(exc)[:200]) from exc
        raise SigningError("signing_failed", None, detail=f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    return bytes(out.getvalue())


# -- checking ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckProblem:
    """One reason a PDF is not (or cannot be shown to be) a genuine signed copy; translatable."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        params = dict(self.params)
        why = params.get("why")
        if isinstance(why, CheckProblem):
            params["why"] = why.message(lang)
        return message(self.key, lang, **params)


@dataclass(frozen=True)
class SignatureReport:
    """One embedded signature as pyHanko judged it."""

    field_name: str
    intact: bool
    valid: bool  # cryptographically correct and chained to a trust root
    covers_whole_file: bool
    signer_name: str
    signer_organisation: str
    signed_at: dt.datetime | None
    timestamped: bool
    cert_fingerprint: str
    content_hash: str | None


@dataclass(frozen=True)
class PdfCheck:
    """What `check_pdf` found. `ok` is the signature side of "genuine issued copy": signed, intact,
    valid, covering the whole file, carrying a content hash. The caller matches the hash to a revision."""

    signed: bool = False
    intact: bool = False
    valid: bool = False
    covers_whole_file: bool = False
    signer_name: str = ""
    signer_organisation: str = ""
    signed_at: dt.datetime | None = None
    cert_fingerprint: str = ""
    content_hash: str | None = None
    problems: tuple[CheckProblem, ...] = ()
    signatures: tuple[SignatureReport, ...] = ()

    @property
    def ok(self) -> bool:
        return (self.signed and self.intact and self.valid and self.covers_whole_file
                and self.content_hash is not None and not self.problems)

    def messages(self, lang: str = "id") -> list[str]:
        return [p.message(lang) for p in self.problems]


def _asn1(cert: x509.Certificate | asn1_x509.Certificate) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _why_untrusted(status: Any) -> CheckProblem:
    indic = getattr(status, "trust_problem_indic", None)
    name = getattr(indic, "name", "") or ""
    if name in {"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"}:
        return CheckProblem("why_expired")
    if name == "NOT_YET_VALID":
        return CheckProblem("why_not_yet_valid")
    if name.startswith("REVOKED"):
        return CheckProblem("why_revoked")
    if name in {"NO_CERTIFICATE_CHAIN_FOUND", "CERTIFICATE_CHAIN_GENERAL_FAILURE", ""}:
        return CheckProblem("why_no_chain")
    if name in {"SIG_CONSTRAINTS_FAILURE", "CHAIN_CONSTRAINTS_FAILURE"}:
        return CheckProblem("why_key_usage")
    return CheckProblem("why_other", {"detail": name.lower().replace("_", " ")})


def _hash_in_revision(reader: Any, revision: int) -> str | None:
    """`/ProsedurContentHash` of the info dictionary as it stood in `revision` (the signed one)."""
    from pyhanko.pdf_utils import generic

    try:
        past = reader.get_historical_resolver(revision)
        ref = past.trailer_view.raw_get("/Info") if "/Info" in past.trailer_view else None
        # resolved through the historical resolver, not the reference's own (the latest revision)
        info = past.get_object(ref.reference) if isinstance(ref, generic.IndirectObject) else ref
        value = info.get(CONTENT_HASH_KEY) if isinstance(info, generic.DictionaryObject) else None
    except Exception:  # noqa: BLE001 - a broken info dictionary is "no hash", not a crash
        return None
    text = str(value).strip().lower() if value is not None else ""
    return text if len(text) == 64 and set(text) <= _HEX else None


def _check_one(n: int, sig: Any, reader: Any, context_for: Any, problems: list[CheckProblem]) -> SignatureReport:
    from pyhanko.sign.validation import SignatureCoverageLevel as Coverage
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    status = validate_pdf_signature(sig, context_for(), key_usage_settings=usage)
    cert = status.signing_cert
    subject = cert.subject.native if cert is not None else {}
    name, org = (", ".join(v) if isinstance(v, list) else str(v or "")
                 for v in (subject.get("common_name"), subject.get("organization_name")))
    trusted = bool(status.valid and status.intact and status.trust_problem_indic is None
                   and status.validation_path is not None)
    whole = status.coverage == Coverage.ENTIRE_FILE
    ts: Any = getattr(status, "timestamp_validity", None)
    stamped = ts is not None and bool(ts.trusted)  # an untrusted token's time is only the signer's claim
    when = ts.timestamp if stamped else status.signer_reported_dt
    if not status.intact:
        problems.append(CheckProblem("sig_not_intact", {"n": n}))
    elif not status.valid:
        problems.append(CheckProblem("sig_invalid", {"n": n}))
    elif not trusted:
        problems.append(CheckProblem("sig_untrusted", {"subject": ", ".join(p for p in (name, org) if p) or "?",
                                                       "why": _why_untrusted(status)}))
    return SignatureReport(
        field_name=str(sig.field_name or ""), intact=bool(status.intact), valid=trusted, covers_whole_file=whole,
        signer_name=name, signer_organisation=org, signed_at=when, timestamped=stamped,
        cert_fingerprint=hashlib.sha256(cert.dump()).hexdigest() if cert is not None else "",
        content_hash=_hash_in_revision(reader, sig.signed_revision),
    )


def check_pdf(data: bytes, trust_roots: Sequence[x509.Certificate | asn1_x509.Certificate], *,
              now: dt.datetime | None = None, limit: int = MAX_PDF_BYTES) -> PdfCheck:
    """Every embedded signature of `data` validated against `trust_roots` only. Never raises."""
    size = len(data)
    if size == 0:
        return PdfCheck(problems=(CheckProblem("pdf_empty"),))
    if size > limit:
        return PdfCheck(problems=(CheckProblem("pdf_too_big", {"size": size, "limit": limit}),))
    if b"%PDF-" not in data[:1024]:
        return PdfCheck(problems=(CheckProblem("pdf_not_pdf"),))
    try:
        return _check(data, trust_roots, now)
    except RecursionError:
        return PdfCheck(problems=(CheckProblem("pdf_unreadable", {"detail": "structure too deep"}),))
    except Exception as exc:  # noqa: BLE001 - whatever the parser meets, the answer is "cannot be read"
        return PdfCheck(problems=(CheckProblem("pdf_unreadable", {"detail": type(exc).__name__}),))


def _check(data: bytes, trust_roots: Sequence[x509.Certificate | asn1_x509.Certificate],
           now: dt.datetime | None) -> PdfCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator import ValidationContext

    roots = [_asn1(c) for c in trust_roots]
    moment = _utc(now) if now is not None else None

    def context_for() -> Any:
        kwargs: dict[str, Any] = {"trust_roots": roots, "allow_fetching": False}
        if moment is not None:
            kwargs["moment"] = moment
        return ValidationContext(**kwargs)

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001
        return PdfCheck(problems=(CheckProblem("pdf_unreadable", {"detail": type(exc).__name__}),))
    if not embedded:
        return PdfCheck(problems=(CheckProblem("pdf_unsigned"),))
    problems: list[CheckProblem] = []
    if not roots:
        problems.append(CheckProblem("no_trust_roots"))
    reports: list[SignatureReport] = []
    for n, sig in enumerate(embedded, start=1):
        try:
            reports.append(_check_one(n, sig, reader, context_for, problems))
        except Exception as exc:  # noqa: BLE001 - one unreadable signature makes the file not genuine
            problems.append(CheckProblem("sig_unreadable", {"n": n, "detail": type(exc).__name__}))
    if not reports:
        return PdfCheck(signed=True, problems=tuple(problems))
    last = reports[-1]  # pyHanko lists signatures in file order: the last one signed the latest revision
    covers = last.covers_whole_file and len(reports) == len(embedded)
    if not covers:
        problems.append(CheckProblem("sig_not_whole_file"))
    if last.content_hash is None:
        problems.append(CheckProblem("hash_missing"))
    return PdfCheck(
        signed=True, intact=all(r.intact for r in reports) and len(reports) == len(embedded),
        valid=all(r.valid for r in reports) and len(reports) == len(embedded), covers_whole_file=covers,
        signer_name=last.signer_name, signer_organisation=last.signer_organisation, signed_at=last.signed_at,
        cert_fingerprint=last.cert_fingerprint, content_hash=last.content_hash,
        problems=tuple(problems),
        signatures=tuple(reports),
    )


# -- demo identity ----------------------------------------------------------------------------------------
def make_demo_identity(folder: str | Path, organisation: str, *, now: dt.datetime | None = None, days: int = 730,
                       passphrase: str = DEMO_PASSPHRASE) -> tuple[Path, Path, str]:
    """A self-signed demo CA (`demo-ca.pem`) and a signing certificate it issued, with its key, in
    `demo-signing.p12` (mode 600). Valid from a day before `now` for `days` days. For tests and the demo."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    start = _utc(now) - dt.timedelta(days=1)
    end = start + dt.timedelta(days=days + 1)
    org = (organisation or "Organisasi Demo").strip()[:64]
    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, "CA Demo Prosedur (bukan untuk produksi)"),
    ])
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, f"Penerbit Dokumen {org}"[:64]),
    ])
    no = {"content_commitment": False, "key_encipherment": False, "data_encipherment": False,
          "key_agreement": False, "encipher_only": False, "decipher_only": False}
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, key_cert_sign=True, crl_sign=True, **no), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False,
                                     **{**no, "content_commitment": True}), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = folder / DEMO_CA_NAME
    p12_path = folder / DEMO_P12_NAME
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    blob = pkcs12.serialize_key_and_certificates(b"prosedur-demo", key, cert, [ca],
                                                 serialization.BestAvailableEncryption(passphrase.encode()))
    tmp = p12_path.with_suffix(".tmp")
    tmp.touch(mode=0o600)
    tmp.write_bytes(blob)
    tmp.replace(p12_path)
    return ca_path, p12_path, passphrase
