"""Public verification pages: is the document with this fingerprint in force, who signed it, and is *this*
PDF a genuine issued copy?

`/verifikasi/<hash>/` (the link in every PDF's QR code) shows the record of a revision that was effective
or obsolete: number, title, revision, status, effective date, the signatures of record (name, position,
NIP, time with zone), the reviewers who agreed, and for an obsolete revision the one that replaced it.
Drafts and revisions in review are never disclosed: their hash is "unknown", like a made-up one.

Both that page and `/verifikasi/` accept an uploaded PDF (anonymous, CSRF-protected POST). It is a
**genuine issued copy** when its PAdES signature is intact and valid, comes from the organisation's
certificate (chains to `signing.trust_roots()`), covers the whole file, and the content hash embedded in
the signed revision names a revision that was effective or obsolete. Anything else — an unsigned
rendering, a re-rendered or edited copy that kept the hash text, an update appended after signing, a
signature by another certificate — is "not genuine", with the reasons in words.

The upload is bounded before it is read: a `Content-Length` over `PROSEDUR_VERIFY_MAX_BYTES` is refused
without touching the body, and an upload handler stops keeping bytes past the limit for a body that did not
say its length. CSRF is checked after that (the `csrf_exempt` outer view installs the handler, the
`csrf_protect` inner view does the work), as Django's documentation prescribes for upload handlers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from prosedur import pades
from prosedur_web.common import signing
from prosedur_web.common.labels import label
from prosedur_web.common.limits import body_limit
from prosedur_web.common.views import lang_of

from .models import Revision, RevisionStatus

PUBLIC_STATUSES = (RevisionStatus.EFFECTIVE, RevisionStatus.OBSOLETE)
FIELD = "pdf"


@dataclass
class Verdict:
    """The answer to an uploaded PDF: genuine issued copy or not, and why (in the page's language)."""

    genuine: bool
    reasons: list[str] = field(default_factory=list)
    check: pades.PdfCheck | None = None
    revision: Revision | None = None
    notes: list[str] = field(default_factory=list)


def public_revision(content_hash: str) -> Revision | None:
    """The newest effective or obsolete revision with this content hash; drafts are never disclosed."""
    digest = content_hash.strip().lower()[:64]
    return (Revision.objects.select_related("procedure")
            .filter(content_hash=digest, status__in=PUBLIC_STATUSES).order_by("-number").first())


def replaced_by(rev: Revision) -> Revision | None:
    """For an obsolete revision: the next revision of the procedure that took effect (effective or obsolete now)."""
    if rev.status != RevisionStatus.OBSOLETE:
        return None
    return (Revision.objects.filter(procedure_id=rev.procedure_id, number__gt=rev.number, status__in=PUBLIC_STATUSES)
            .exclude(content_hash="").order_by("number").first())


def _tampered(rev: Revision, during: str) -> bool:
    """The stored revision no longer hashes to what was signed: said on the page, and recorded."""
    from prosedur_web.audit.services import audit_append

    from .records import integrity_problems

    problems = integrity_problems(rev)
    if problems:
        audit_append(actor=None, action="integrity_mismatch", target=rev, data={"problems": problems, "during": during})
    return bool(problems)


def record_context(rev: Revision, lang: str) -> dict[str, Any]:
    from prosedur_web.reviews.models import Decision, ReviewAssignment

    reviewers = list(ReviewAssignment.objects.filter(revision=rev, round=rev.review_round, decision=Decision.AGREE)
                     .select_related("reviewer").order_by("order", "decided_at", "pk"))
    return {
        "revision": rev, "procedure": rev.procedure,
        "title": (rev.procedure.title_en or rev.procedure.title) if lang == "en" else rev.procedure.title,
        "signatures": [(sig, sig.text(lang)) for sig in rev.signatures.all()],
        "reviewers": reviewers,
        "replaced_by": replaced_by(rev),
    }


def verify_pdf(data: bytes, lang: str, *, page_hash: str | None = None) -> Verdict:
    """Check an uploaded PDF against the organisation's trust roots and the revisions that were in force."""
    check = signing.check_pdf(data)
    reasons = check.messages(lang)
    problem = signing.trust_problem()
    if problem is not None and check.signed:
        reasons.append(problem.message(lang))
    rev = public_revision(check.content_hash) if check.content_hash else None
    if check.content_hash and rev is None:
        reasons.append(label("verify_hash_unknown", lang))
    if rev is not None and _tampered(rev, "verification_upload"):
        reasons.append(label("verify_tampered", lang))
    genuine = check.ok and rev is not None and not reasons
    notes: list[str] = []
    if genuine and rev is not None:
        if rev.status == RevisionStatus.OBSOLETE:
            notes.append(label("verify_genuine_but_obsolete", lang))
        if page_hash and rev.content_hash != page_hash.strip().lower()[:64]:
            notes.append(label("verify_other_revision", lang))
    return Verdict(genuine=genuine, reasons=reasons, check=check, revision=rev, notes=notes)


class LimitedUpload(FileUploadHandler):
    """Keeps the uploaded file in memory up to `limit` bytes; past it, the file is dropped (and flagged)."""

    def __init__(self, request: HttpRequest, limit: int):
        super().__init__(request)
        self.limit = limit
        self.size = 0
        self.chunks: list[bytes] = []
        self.too_big = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.size = 0
        self.chunks = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        if self.size > self.limit:
            self.too_big = True
            self.chunks = []
            raise SkipFile
        self.chunks.append(raw_data)
        return None

    def file_complete(self, file_size: int) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile(self.file_name or "upload.pdf", b"".join(self.chunks),
                                  self.content_type or "application/octet-stream")


FORM_OVERHEAD = 64 * 1024  # the multipart envelope around the file


def _limit() -> int:
    return int(settings.PROSEDUR_VERIFY_MAX_BYTES)


def _declared_too_big(request: HttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return declared > _limit() + FORM_OVERHEAD


def _upload_page(request: HttpRequest, template: str, context: dict[str, Any], *, page_hash: str | None) -> HttpResponse:
    lang = lang_of(request)
    context.update({"limit_mb": _limit() // (1024 * 1024), "verdict": None, "upload_error": None})
    status = 200
    if request.method == "POST":
        handler = getattr(request, "_prosedur_upload", None)
        upload = request.FILES.get(FIELD)
        if handler is not None and handler.too_big:
            context["upload_error"] = label("verify_too_big", lang, mb=context["limit_mb"])
            status = 413
        elif upload is None:
            context["upload_error"] = label("verify_no_file", lang)
            status = 400
        else:
            data = upload.read(_limit() + 1)
            if len(data) > _limit():
                context["upload_error"] = label("verify_too_big", lang, mb=context["limit_mb"])
                status = 413
            else:
                context["verdict"] = verify_pdf(data, lang, page_hash=page_hash)
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _too_big_response(request: HttpRequest) -> HttpResponse:
    lang = lang_of(request)
    mb = _limit() // (1024 * 1024)
    return render(request, "procedures/verify_upload.html",
                  {"limit_mb": mb, "verdict": None, "upload_error": label("verify_too_big", lang, mb=mb)}, status=413)


def _with_upload_limit(request: HttpRequest) -> HttpResponse | None:
    """Before the body is read (CSRF not checked yet): refuse a declared oversize body, install the handler."""
    if request.method != "POST":
        return None
    if _declared_too_big(request):
        return _too_big_response(request)
    handler = LimitedUpload(request, _limit())
    request.upload_handlers = [handler]
    request._prosedur_upload = handler  # type: ignore[attr-defined]
    return None


@body_limit(lambda: _limit() + FORM_OVERHEAD)
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def revision_verify(request: HttpRequest, content_hash: str) -> HttpResponse:
    """Public: the record of the revision with this fingerprint, and the check of an uploaded copy."""
    return _with_upload_limit(request) or _revision_verify(request, content_hash)


@csrf_protect
def _revision_verify(request: HttpRequest, content_hash: str) -> HttpResponse:
    lang = lang_of(request)
    digest = content_hash.strip().lower()[:64]
    rev = public_revision(digest)
    context: dict[str, Any] = {"revision": rev, "state": rev.status if rev is not None else "unknown",
                               "content_hash": digest}
    if rev is not None:
        context.update(record_context(rev, lang))
        if _tampered(rev, "verification_page"):
            context["state"] = "tampered"
    return _upload_page(request, "procedures/revision_verify.html", context, page_hash=digest)


@body_limit(lambda: _limit() + FORM_OVERHEAD)
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Public: upload a PDF and learn whether it is a genuine issued copy."""
    return _with_upload_limit(request) or _verify_upload(request)


@csrf_protect
def _verify_upload(request: HttpRequest) -> HttpResponse:
    return _upload_page(request, "procedures/verify_upload.html", {}, page_hash=None)
