"""PAdES: an issued PDF signed with the organisation's certificate verifies; any change to it does not.

The PDF is the real one the renderer makes (P.SMLTI 19); the certificates come from
`make_demo_identity` with a fixed clock, so expiry is tested without waiting for it.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from prosedur import pades
from prosedur.errors import ProsedurError
from prosedur.integrity import content_hash
from prosedur.model import Library, Procedure
from prosedur.render.pdf import render_pdf
from tests.forgery import appended_text

NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
ORG = "Pusat Data dan Informasi"


@pytest.fixture(scope="module")
def identity_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    return pades.make_demo_identity(tmp_path_factory.mktemp("ttd"), ORG, now=NOW - dt.timedelta(days=10))


@pytest.fixture(scope="module")
def identity(identity_files: tuple[Path, Path, str]) -> pades.SigningIdentity:
    _, p12, passphrase = identity_files
    return pades.load_identity(p12, passphrase, now=NOW)


@pytest.fixture(scope="module")
def roots(identity_files: tuple[Path, Path, str]) -> list[object]:
    return list(pades.load_trust_roots([identity_files[0]]))


@pytest.fixture(scope="module")
def the_hash(email: Procedure) -> str:
    return str(content_hash(email))


@pytest.fixture(scope="module")
def unsigned(email: Procedure, sample_library: Library, the_hash: str) -> bytes:
    return render_pdf(email, sample_library, content_hash=the_hash, verify_url=f"https://sop.example/verifikasi/{the_hash}/")


@pytest.fixture(scope="module")
def signed(unsigned: bytes, identity: pades.SigningIdentity, the_hash: str) -> bytes:
    return pades.sign_pdf(unsigned, identity, content_hash=the_hash, reason="Salinan terkendali P.SMLTI 19 Rev. 0",
                          location="Jakarta", when=NOW)


def check(data: bytes, roots: list[object]) -> pades.PdfCheck:
    return pades.check_pdf(data, roots, now=NOW + dt.timedelta(minutes=5))  # type: ignore[arg-type]


def test_signed_pdf_is_intact_valid_names_the_signer_and_carries_the_hash(
        signed: bytes, unsigned: bytes, identity: pades.SigningIdentity, roots: list[object], the_hash: str) -> None:
    assert signed.startswith(unsigned)  # an incremental update: the rendered bytes are kept as they were
    result = check(signed, roots)
    assert result.problems == ()
    assert (result.signed, result.intact, result.valid, result.covers_whole_file, result.ok) == (True,) * 5
    assert result.content_hash == the_hash
    assert result.signer_organisation == ORG and result.signer_name == identity.common_name
    assert result.cert_fingerprint == identity.fingerprint and len(result.cert_fingerprint) == 64
    assert result.signed_at == NOW
    assert len(result.signatures) == 1


def test_an_independent_verifier_agrees(signed: bytes, tmp_path: Path) -> None:
    if not shutil.which("pdfsig"):
        pytest.skip("poppler's pdfsig is not installed")
    path = tmp_path / "bertanda.pdf"
    path.write_bytes(signed)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out and "Total document signed" in out and "ETSI.CAdES.detached" in out


def test_the_unsigned_rendering_is_not_signed(unsigned: bytes, roots: list[object]) -> None:
    result = check(unsigned, roots)
    assert not result.signed and not result.ok
    assert [p.key for p in result.problems] == ["pdf_unsigned"]
    assert result.content_hash is None


def flipped(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def test_one_byte_changed_inside_the_signed_range_is_not_intact(signed: bytes, roots: list[object]) -> None:
    page_stream = signed.index(b"stream", 1000) + 100  # inside a compressed content stream of the rendering
    result = check(flipped(signed, page_stream), roots)
    assert result.signed and not result.intact and not result.ok
    assert "sig_not_intact" in [p.key for p in result.problems]


def test_the_embedded_hash_is_covered_by_the_signature(signed: bytes, roots: list[object], the_hash: str) -> None:
    at = signed.index(pades.CONTENT_HASH_KEY.encode() + b" (") + len(pades.CONTENT_HASH_KEY) + 2
    other = "0" if the_hash[0] != "0" else "1"
    forged = signed[:at] + other.encode() + signed[at + 1:]
    result = check(forged, roots)
    assert not result.intact and not result.ok


def test_an_update_appended_after_signing_is_not_genuine(signed: bytes, roots: list[object], the_hash: str,
                                                         tmp_path: Path) -> None:
    forged = appended_text(signed, b"Batas lampiran 100 MB")
    path = tmp_path / "palsu.pdf"
    path.write_bytes(forged)
    if shutil.which("pdftotext"):  # the forgery is visible to a reader of the file
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert "Batas lampiran 100 MB" in text
    result = check(forged, roots)
    assert result.signed and result.intact and result.valid  # the signed revision itself is untouched ...
    assert not result.covers_whole_file and not result.ok  # ... but the file is more than what was signed
    assert "sig_not_whole_file" in [p.key for p in result.problems]
    assert result.content_hash == the_hash  # read from the signed revision


def test_a_changed_hash_in_an_appended_update_is_not_believed(signed: bytes, roots: list[object], the_hash: str) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    ref = writer.trailer.raw_get("/Info")
    ref.get_object()[generic.NameObject(pades.CONTENT_HASH_KEY)] = generic.TextStringObject("cd" * 32)
    writer.mark_update(ref)
    out = io.BytesIO()
    writer.write(out)
    result = check(out.getvalue(), roots)
    assert not result.ok and result.content_hash == the_hash


def test_a_signature_by_another_certificate_is_not_valid(unsigned: bytes, roots: list[object], the_hash: str,
                                                         tmp_path: Path) -> None:
    _, p12, passphrase = pades.make_demo_identity(tmp_path / "lain", ORG, now=NOW)  # same names, other CA
    other = pades.load_identity(p12, passphrase, now=NOW)
    forged = pades.sign_pdf(unsigned, other, content_hash=the_hash, reason="palsu", location=None, when=NOW)
    result = check(forged, roots)
    assert result.signed and result.intact and not result.valid and not result.ok
    problem = next(p for p in result.problems if p.key == "sig_untrusted")
    assert "tidak berantai" in problem.message("id") and "does not chain" in problem.message("en")
    assert result.cert_fingerprint == other.fingerprint


def test_checked_after_the_certificate_expired_says_so(signed: bytes, roots: list[object],
                                                      identity: pades.SigningIdentity) -> None:
    later = identity.not_after + dt.timedelta(days=1)
    result = pades.check_pdf(signed, roots, now=later)  # type: ignore[arg-type]
    assert not result.valid and not result.ok
    assert any("kedaluwarsa" in m for m in result.messages("id"))


def test_no_trust_roots_means_not_valid(signed: bytes) -> None:
    result = pades.check_pdf(signed, [], now=NOW)
    assert not result.ok and "no_trust_roots" in [p.key for p in result.problems]


@pytest.mark.parametrize("data", [
    b"", b"hello", b"%PDF-1.7\n" + bytes(range(256)) * 4, b"%PDF-1.4\n%%EOF\n", b"\x00" * 5000,
    b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
])
def test_garbage_is_a_result_not_an_exception(data: bytes, roots: list[object]) -> None:
    result = check(data, roots)
    assert not result.signed and not result.ok and result.problems
    for lang in ("id", "en"):
        assert all(m and "{" not in m for m in result.messages(lang))


def test_truncated_and_mangled_copies_never_raise(signed: bytes, roots: list[object]) -> None:
    rng = random.Random(19)
    cases = [signed[: len(signed) // 2], signed[: len(signed) - 10], signed[:2000]]
    for _ in range(12):
        at = rng.randrange(len(signed))
        cases.append(signed[:at] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))) + signed[at + 40:])
    for data in cases:
        result = check(data, roots)
        assert not result.ok, "a mangled copy must not pass"


def test_size_is_bounded_before_parsing(signed: bytes, roots: list[object]) -> None:
    result = pades.check_pdf(signed, roots, limit=1000)  # type: ignore[arg-type]
    assert [p.key for p in result.problems] == ["pdf_too_big"] and not result.signed


def test_sign_refuses_a_malformed_content_hash(unsigned: bytes, identity: pades.SigningIdentity) -> None:
    with pytest.raises(pades.SigningError):
        pades.sign_pdf(unsigned, identity, content_hash="not-a-hash", reason="x", location=None)


def test_sign_refuses_what_is_not_a_pdf(identity: pades.SigningIdentity, the_hash: str) -> None:
    with pytest.raises(pades.SigningError) as info:
        pades.sign_pdf(b"bukan pdf", identity, content_hash=the_hash, reason="x", location=None)
    assert "tidak dapat ditandatangani" in info.value.message("id")


# -- loading the identity ---------------------------------------------------------------------------------
def test_loaded_identity_describes_its_certificate(identity: pades.SigningIdentity) -> None:
    assert identity.organisation == ORG and ORG in identity.common_name
    assert identity.not_before < NOW < identity.not_after
    assert len(identity.chain) == 1  # the demo CA came along in the PKCS#12 file


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "tidak-ada.p12"
    with pytest.raises(pades.SigningError) as info:
        pades.load_identity(missing, "x", now=NOW)
    assert isinstance(info.value, ProsedurError)
    assert info.value.key == "signing_file_missing"
    assert "tidak-ada.p12" in info.value.message("id") and "not found" in info.value.message("en")


def test_wrong_passphrase_names_the_file(identity_files: tuple[Path, Path, str]) -> None:
    _, p12, _ = identity_files
    with pytest.raises(pades.SigningError) as info:
        pades.load_identity(p12, "salah", now=NOW)
    assert info.value.key == "signing_bad_passphrase"
    assert p12.name in str(info.value) and "passphrase" in info.value.message("en")


def test_not_pkcs12_names_the_file(tmp_path: Path, identity_files: tuple[Path, Path, str]) -> None:
    for name, data in (("acak.p12", b"\x30\x82garbage" * 20), ("sertifikat.p12", identity_files[0].read_bytes())):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(pades.SigningError) as info:
            pades.load_identity(path, "x", now=NOW)
        assert info.value.key == "signing_not_pkcs12" and name in str(info.value)


def test_expired_and_not_yet_valid_certificates_are_refused(tmp_path: Path) -> None:
    _, p12, passphrase = pades.make_demo_identity(tmp_path / "lama", ORG, now=NOW - dt.timedelta(days=400), days=365)
    with pytest.raises(pades.SigningError) as info:
        pades.load_identity(p12, passphrase, now=NOW)
    assert info.value.key == "signing_expired"
    assert "demo-signing.p12" in info.value.message("id") and "kedaluwarsa" in info.value.message("id")
    assert "expired" in info.value.message("en")
    _, p12, passphrase = pades.make_demo_identity(tmp_path / "baru", ORG, now=NOW + dt.timedelta(days=30))
    with pytest.raises(pades.SigningError) as info:
        pades.load_identity(p12, passphrase, now=NOW)
    assert info.value.key == "signing_not_yet_valid"
    # the same files are fine at a time inside their validity
    assert pades.load_identity(p12, passphrase, now=NOW + dt.timedelta(days=31)).organisation == ORG


def test_trust_root_files_are_checked(tmp_path: Path) -> None:
    with pytest.raises(pades.SigningError) as info:
        pades.load_trust_roots([tmp_path / "akar.pem"])
    assert info.value.key == "trust_file_missing" and "akar.pem" in str(info.value)
    empty = tmp_path / "kosong.pem"
    empty.write_text("bukan sertifikat")
    with pytest.raises(pades.SigningError) as info:
        pades.load_trust_roots([empty])
    assert info.value.key == "trust_file_empty"


def test_every_message_has_both_languages() -> None:
    for key, (indonesian, english) in pades.MESSAGES.items():
        assert indonesian.strip() and english.strip(), key
        if key != "why_other":
            assert indonesian != english, key


def test_a_time_stamp_is_embedded_and_its_time_reported_only_when_trusted(
        unsigned: bytes, identity: pades.SigningIdentity, roots: list[object], the_hash: str) -> None:
    """The RFC 3161 path with pyHanko's in-process time-stamp authority (no network): the token fits in the
    reserved space, its time is reported when the TSA chains to a trust root, and is not believed otherwise."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA Uji")])
    start = NOW - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(start).not_valid_after(start + dt.timedelta(days=3650))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    der = serialization.Encoding.DER
    stamp_time = NOW + dt.timedelta(seconds=30)
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)), fixed_dt=stamp_time,
        tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                                                serialization.NoEncryption())))
    signed = pades.sign_pdf(unsigned, identity, content_hash=the_hash, reason="x", location=None, when=NOW,
                            timestamper=stamper)
    trusted = check(signed, [*roots, cert])
    assert trusted.ok and trusted.signatures[0].timestamped and trusted.signed_at == stamp_time
    untrusted = check(signed, roots)
    assert untrusted.ok and not untrusted.signatures[0].timestamped and untrusted.signed_at == NOW

    # the same authority behind HTTP on the loopback interface: the `timestamp_url` client of sign_pdf
    import asyncio
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from asn1crypto import tsp

    class Tsa(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            req = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            reply = asyncio.run(stamper.async_request_tsa_response(req)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Tsa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
        over_http = pades.sign_pdf(unsigned, identity, content_hash=the_hash, reason="x", location=None, when=NOW,
                                   timestamp_url=url)
    finally:
        server.shutdown()
        server.server_close()
    result = check(over_http, [*roots, cert])
    assert result.ok and result.signatures[0].timestamped and result.signed_at == stamp_time
    with pytest.raises(pades.SigningError) as info:  # nobody listens there any more
        pades.sign_pdf(unsigned, identity, content_hash=the_hash, reason="x", location=None, timestamp_url=url)
    assert info.value.key == "timestamp_failed" and "127.0.0.1" in info.value.message("en")
