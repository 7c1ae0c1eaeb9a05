"""Pages of the SOP import: the upload, the batch's progress (htmx polling every second while it runs),
the original file and its page images beside the draft's editor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from prosedur_web.accounts import roles
from prosedur_web.common.client import client_ip
from prosedur_web.common.labels import size_text
from prosedur_web.common.limits import body_limit
from prosedur_web.common.views import lang_of, posted_text, require

from . import services
from .models import ImportBatch, ImportFile

FORM_OVERHEAD = 256 * 1024  # multipart boundaries and headers of many files
WORKER_HINT_AFTER = dt.timedelta(seconds=30)  # a batch still queued then: no queue worker is running?


def _upload_page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    batches = ImportBatch.objects.filter(user=request.user).order_by("-pk")[:10]
    from prosedur_web.accounts.models import Unit

    context = {"batches": batches, "units": Unit.objects.order_by("name"), "max_file": size_text(services.max_file()), "max_pages": services.max_pages(),
               "max_total": size_text(services.MAX_TOTAL), "max_files": services.MAX_FILES, **extra}
    return render(request, "sopimport/upload.html", context, status=status)


@body_limit(lambda: services.MAX_TOTAL + FORM_OVERHEAD)
@login_required
def sop_upload(request: HttpRequest) -> HttpResponse:
    require(roles.can_import_sops(request.user))
    if request.method != "POST":
        return _upload_page(request)
    lang = lang_of(request)
    uploads = []
    for f in request.FILES.getlist("files"):
        if f.size is not None and f.size > services.MAX_TOTAL:
            return _upload_page(request, status=400, errors=[services.BatchRefused(
                "sop_err_total", limit=size_text(services.MAX_TOTAL)).message(lang)])
        uploads.append(services.Upload(f.name or "berkas", f.read(services.MAX_TOTAL + 1)))
    from prosedur_web.accounts.models import Unit

    chosen = posted_text(request, "unit", 64)  # NUL and bad bytes out: PostgreSQL refuses them in a query
    unit = Unit.objects.filter(code=chosen).first() if chosen else None
    try:
        batch = services.batch_create(user=request.user, uploads=uploads, lang=lang, ip=client_ip(request),
                                      fallback_unit=unit)
    except services.BatchRefused as exc:
        return _upload_page(request, status=400, errors=[exc.message(lang)])
    return redirect("sopimport:batch_detail", pk=batch.pk)


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch, pk=pk)
    require(roles.can_view_import_batch(request.user, batch))
    return batch


def _batch_context(batch: ImportBatch, lang: str) -> dict[str, Any]:
    files = list(batch.files.select_related("revision__procedure").defer("data"))
    done = sum(1 for f in files if f.status != ImportFile.Status.QUEUED)
    counts = {s: sum(1 for f in files if f.status == s) for s in ImportFile.Status.values}
    rows = [(f, f.message(lang), f.issue_lines(lang)) for f in files]
    waiting = batch.state == ImportBatch.State.QUEUED and timezone.now() - batch.created_at > WORKER_HINT_AFTER
    return {"batch": batch, "rows": rows, "done": done, "read": max(batch.read, done), "counts": counts,
            "finished": batch.state == ImportBatch.State.DONE, "waiting_for_worker": waiting}


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    return render(request, "sopimport/batch.html", _batch_context(batch, lang_of(request)))


@login_required
def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment: polls itself every second until the batch is done."""
    batch = _batch(request, pk)
    return render(request, "sopimport/htmx/batch_status.html", _batch_context(batch, lang_of(request)))


def _file(request: HttpRequest, pk: int) -> ImportFile:
    f = get_object_or_404(ImportFile.objects.select_related("revision__procedure__owner_unit"), pk=pk)
    require(roles.can_view_import_file(request.user, f))
    return f


@login_required
def file_original(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded original of a draft, as it was sent (evidence of where the draft came from)."""
    f = _file(request, pk)
    if not f.data:
        raise Http404
    media = "application/pdf" if f.kind == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(bytes(f.data), content_type=media)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f.name.rsplit("/", 1)[-1])[:120] or "asli"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def file_page(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    f = _file(request, pk)
    png = services.page_png(f, page)
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def editor_origin(revision: Any, lang: str) -> dict[str, Any] | None:
    """What the editor shows beside an imported draft: the original's pages and its report lines."""
    f = services.origin_of(revision)
    if f is None:
        return None
    return {"file": f, "pages": services.page_numbers(f), "images_refused": services.page_images_refused(f, lang),
            "lines": f.issue_lines(lang), "summary": f.summary}

