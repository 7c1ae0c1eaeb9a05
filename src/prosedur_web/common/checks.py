"""System checks of the signing certificate (`manage.py check`, and at every runserver/migrate start).

* A certificate that is set up but cannot sign — file missing or unreadable, not PKCS#12, wrong
  passphrase, no private key, expired or not yet valid — is an Error (`prosedur.E001`) with the reason:
  approvals would be refused and issued copies could not be downloaded.
* No certificate at all (`PROSEDUR_SIGNING_P12` unset and no demo certificate written by `seed_demo`)
  is a Warning (`prosedur.W001`); the demo certificate outside DEBUG is a Warning too (`prosedur.W002`).
* Under `manage.py check --deploy`, the demo certificate or none at all is an Error (`prosedur.E010`).
* Trust roots that are configured but cannot be read: Error (`prosedur.E002`); a certificate expiring
  within 30 days: Warning (`prosedur.W003`).

Messages are Indonesian first, then English, in one line (the console has one language for both).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from prosedur import pades

from . import signing

HINT = ("Setel PROSEDUR_SIGNING_P12 dan PROSEDUR_SIGNING_PASSPHRASE (docs/deploy.md) / "
        "Set PROSEDUR_SIGNING_P12 and PROSEDUR_SIGNING_PASSPHRASE (docs/deploy.md)")
EXPIRY_WARNING_DAYS = 30


def _both(exc: pades.SigningError) -> str:
    return f"{exc.message('id')} / {exc.message('en')}"


@register(Tags.security)
def signing_certificate(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    out: list[Any] = []
    if not signing.is_configured():
        out.append(Warning(
            "Belum ada sertifikat penandatangan: pengesahan ditolak dan salinan terkendali tidak dapat diunduh "
            "/ No signing certificate: approvals are refused and controlled copies cannot be downloaded",
            hint=HINT + "; demo: manage.py seed_demo", id="prosedur.W001"))
        return out
    problem = signing.identity_problem()
    if problem is not None:
        out.append(Error(_both(problem), hint=HINT, id="prosedur.E001"))
    else:
        identity = signing.signing_identity()
        left = identity.not_after - dt.datetime.now(dt.UTC)
        if left < dt.timedelta(days=EXPIRY_WARNING_DAYS):
            out.append(Warning(
                f"Sertifikat penandatangan {signing.p12_path().name} kedaluwarsa dalam {left.days} hari "
                f"/ The signing certificate {signing.p12_path().name} expires in {left.days} days",
                hint="Mintalah sertifikat baru ke penyelenggara sertifikasi / Ask the certification authority for a "
                     "new certificate", id="prosedur.W003"))
    if signing.is_demo() and not settings.DEBUG:
        out.append(Warning(
            "Sertifikat demo (dibuat seed_demo) dipakai untuk menandatangani PDF; hanya untuk demonstrasi "
            "/ The demo certificate (made by seed_demo) signs the PDFs; for demonstration only",
            hint=HINT, id="prosedur.W002"))
    trust = signing.trust_problem()
    if trust is not None:
        out.append(Error(_both(trust), hint="PROSEDUR_SIGNING_TRUST (docs/deploy.md)", id="prosedur.E002"))
    return out


@register(Tags.security, deploy=True)
def signing_certificate_deploy(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if signing.is_demo():
        return [Error(
            "PROSEDUR_SIGNING_P12 tidak disetel: tanpa sertifikat organisasi (sertifikat demo hanya untuk "
            "demonstrasi) / PROSEDUR_SIGNING_P12 is not set: no organisation certificate (the demo certificate "
            "is for demonstration only)", hint=HINT, id="prosedur.E010")]
    return []
