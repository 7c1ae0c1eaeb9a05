"""Downloads of a revision (PDF, DOCX, SOP PDF/HTML/DOCX, flowchart SVG), rendered by the core and cached.

Rendering a PDF takes seconds, so each rendering is kept in Django's storage (`default_storage`,
`MEDIA_ROOT` = `var/files/` by default) under a name made of what determines its bytes: the content
hash, the format, the language, controlled or not, the revision status (watermark) and the library
file version (role and unit names). A second request for the same file is served from storage.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.audit.services import audit_append
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.views import lang_of, require

from . import records, selectors
from .models import LibrarySource, Revision, RevisionStatus

CACHE_DIR = "unduhan"


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    data: bytes
    cached: bool


def verify_url_for(content_hash: str, base_url: str) -> str:
    """The absolute `/verifikasi/<hash>/` link the PDF's QR code carries; `PROSEDUR_SITE_URL` wins
    over the request's host so every cached copy carries the public address."""
    site = (getattr(settings, "PROSEDUR_SITE_URL", "") or base_url).rstrip("/")
    return site + reverse("procedures:revision_verify", kwargs={"content_hash": content_hash})


def _cache_name(rev: Revision, fmt: str, lang: str, controlled: bool, ext: str, record_key: str) -> str:
    library = LibrarySource.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    mark = "terkendali" if controlled else "tak-terkendali"
    return f"{CACHE_DIR}/{rev.content_hash}/{fmt}-{lang}-{mark}-{rev.status}-pustaka{library}-r{record_key}.{ext}"


class IntegrityRefused(Exception):
    """The stored revision no longer matches what was signed: nothing is issued (and it is audited)."""

    def __init__(self, problems: list[str]):
        super().__init__(", ".join(problems))
        self.problems = problems


def _filename(rev: Revision, fmt: str, lang: str, ext: str) -> str:
    number = "".join(c if c.isalnum() else "-" for c in rev.procedure.number).strip("-").lower()
    kind = "sop-" if fmt.startswith("sop") else "diagram-alir-" if fmt == "svg" else ""
    return f"{kind}{number}-rev{rev.number}-{lang}.{ext}"


def revision_download(*, revision: Revision, fmt: str, lang: str, base_url: str = "") -> Download:
    """The file `fmt` of `revision` in `lang`, from the cache or rendered by the core and stored."""
    if fmt not in core.DOWNLOAD_FORMATS:
        raise ValueError(f"unknown download format {fmt!r}")
    lang = "en" if lang == "en" else "id"
    ext, content_type = core.DOWNLOAD_FORMATS[fmt]
    rev = revision
    if not rev.content_hash:  # very old rows: compute once, it names the cache entry
        rev.content_hash = core.content_hash(core.parse_source(rev.yaml_source, rev.procedure.number))
        rev.save(update_fields=["content_hash"])
    problems = records.integrity_problems(rev)
    if problems:  # recomputed from the stored source on every issue, cached or not
        audit_append(actor=None, action="integrity_mismatch", target=rev, data={"problems": problems, "format": fmt})
        raise IntegrityRefused(problems)
    controlled = rev.status == RevisionStatus.EFFECTIVE
    record = records.revision_record(rev, verify_url=verify_url_for(rev.content_hash, base_url))
    record_key = core.record_digest(rev.content_hash, record)[:16]
    signed = controlled and fmt in ("pdf", "sop-pdf")
    if signed:  # a renewed certificate makes new signed copies instead of serving the old ones
        import hashlib

        from cryptography.hazmat.primitives.serialization import Encoding

        from prosedur_web.common import signing

        cert = signing.signing_identity().certificate.public_bytes(Encoding.DER)
        record_key += "-c" + hashlib.sha256(cert).hexdigest()[:12]
    name = _cache_name(rev, fmt, lang, controlled, ext, record_key)
    filename = _filename(rev, fmt, lang, ext)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as fh:
            return Download(filename, content_type, fh.read(), cached=True)
    proc = core.with_status(core.parse_source(rev.yaml_source, rev.procedure.number), rev.status)
    library = selectors.library_with(proc)
    data = core.render_download(proc, library, fmt=fmt, lang=lang, controlled=controlled,
                                content_hash=rev.content_hash, verify_url=record.verify_url, record=record)
    if signed:  # an issued copy carries the organisation's PAdES signature
        data = signing.sign_issued_pdf(data, rev.content_hash)
    if not default_storage.exists(name):  # two first requests at once: keep one copy
        default_storage.save(name, ContentFile(data))
    return Download(filename, content_type, data, cached=False)


@login_required
def revision_download_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    rev = get_object_or_404(Revision.objects.select_related("procedure__owner_unit"), pk=pk)
    require(roles.can_download(request.user, rev))
    if fmt not in core.DOWNLOAD_FORMATS:
        raise Http404
    lang = request.GET.get("lang") or lang_of(request)
    try:
        download = revision_download(revision=rev, fmt=fmt, lang=lang, base_url=request.build_absolute_uri("/"))
    except IntegrityRefused:
        return render(request, "procedures/integrity_refused.html", {"revision": rev, "procedure": rev.procedure},
                      status=409)
    except ActionRefused as exc:  # the signing certificate cannot sign: no unsigned "controlled" copy
        return render(request, "procedures/signing_refused.html", {"revision": rev, "procedure": rev.procedure,
                      "problems": exc.messages(lang_of(request))}, status=503)
    response = HttpResponse(download.data, content_type=download.content_type)
    inline = fmt in ("sop-html", "svg", "pdf", "sop-pdf") and request.GET.get("inline") == "1"
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{download.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    if fmt in ("sop-html", "svg"):  # opened alone, the files run nothing and load only themselves
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response
