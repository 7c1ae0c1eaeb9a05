"""Signed SOP files (PDF; Word once the core reads it) brought in as drafts, in a background batch.

The upload (`batch_create`) only checks what it can from the bytes and stores them: the count and total of
the batch, each file's size against the core's limit, its type by content (`%PDF-`, or a Word file: a
zip whose table passes the zip import's checks), never by name or Content-Type. A .zip of SOP files is
unpacked with the zip import's checks (`transfer.read_archive_files`: entry count, sizes, ratio, paths).
The task (`tasks.import_batch`) reads the files with the core's importer in a process pool
(`services.sop_read_all`: page count, encryption, scans, not an SOP are the core's refusals) and turns each
readable file into a draft through `procedures.services.procedure_import`, in its own transaction:

- an unknown number: a new procedure (revision as read, status draft);
- a known number: its next revision (control facts emptied as for a started revision, earlier
  change-history rows kept), never touching the revision in force; refused when the procedure already
  has a revision in progress (draft, in review, approved): that draft is not clobbered.

A refused file keeps only its name and message; its bytes are dropped. A draft keeps its original as the
evidence of where it came from (served only to who may see the draft), and the report's lines for it.
Page images are rendered the first time they are looked at (`page_png`: `pdftoppm` in a subprocess with
a timeout and a memory cap, so a hostile file cannot hang or crash the app; poppler runs no JavaScript and
fetches nothing). A Word original is first rewritten by the core without anything outside it or anything
that runs (`importer.docx_clean`: external relationships, OLE objects, embedded packages, ActiveX,
altChunks, outside fields dropped; pictures kept), then laid out to PDF by LibreOffice headless in a private
temporary profile, under a timeout and a memory cap, its whole process group stopped when it overruns;
all its pages are drawn at once (one conversion) and kept. Without LibreOffice a Word original has no page
image and is offered for download, as before; a conversion that fails leaves its reason on the file
(`summary["page_images"]`), shown beside the draft.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from prosedur.errors import SourceError
from prosedur_web import services as core
from prosedur_web.accounts.models import Unit
from prosedur_web.audit.services import audit_append
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label
from prosedur_web.procedures import transfer
from prosedur_web.procedures.models import Procedure, Revision
from prosedur_web.procedures.services import IN_PROGRESS, procedure_import

from .models import ImportBatch, ImportFile, ImportPage

log = logging.getLogger(__name__)

MAX_FILES = int(settings.DATA_UPLOAD_MAX_NUMBER_FILES or 400)  # one batch (Django's own cap on a request's files)
MAX_TOTAL = transfer.MAX_TOTAL  # the zip import's total: all files of a batch together
PAGE_DPI = 110  # small print of a Legal page still legible when the image is opened full size
RENDER_TIMEOUT = 20  # seconds for one page image
RENDER_MEMORY = 1536 * 1024 * 1024  # address space of the renderer (bytes)
CONVERT_TIMEOUT = 30  # seconds for LibreOffice to lay out one Word original (a 4-page SOP: ~2.5 s cold);
# with the drawing of its pages (at most RENDER_TIMEOUT) it stays inside gunicorn's 60 s (docs/deploy.md)
CONVERT_MEMORY = 2048 * 1024 * 1024  # address space of LibreOffice (a 4-page SOP converts under 1 GB: margin)
CONVERT_OUTPUT = 64 * 1024 * 1024  # largest file LibreOffice may write (prlimit --fsize)
SUFFIX = {"pdf": ".pdf", "docx": ".docx"}


def max_file() -> int:
    """The largest file the core's importer reads."""
    return core.sop_limits()[0]


def max_pages() -> int:
    return core.sop_limits()[1]


def jobs() -> int:
    return max(1, int(getattr(settings, "PROSEDUR_IMPORT_JOBS", 2)))


class BatchRefused(Exception):
    """The upload as a whole is refused (no file, too many, too large together); nothing was stored."""

    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params
        super().__init__(label(key, "en", **params))

    def message(self, lang: str = "id") -> str:
        return label(self.key, lang, **self.params)


@dataclass
class Upload:
    name: str
    data: bytes


def _both(key: str, **params: Any) -> tuple[str, str]:
    return label(key, "id", **params), label(key, "en", **params)


def sniff(data: bytes) -> str:
    """The file's type by its content: 'pdf', 'zip' (a Word file or an archive of files) or '' (neither)."""
    if data[:4] == b"PK\x03\x04":  # first: a zip whose first entry is a stored PDF has %PDF- near its start
        return "zip"
    if b"%PDF-" in data[:1024]:  # as the core's check: some writers put a few bytes before the header
        return "pdf"
    return ""


def _zip_names(data: bytes) -> set[str]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename for i in zf.infolist()}


def _checked(name: str, data: bytes) -> tuple[str, tuple[str, str] | None, list[Upload]]:
    """(kind, refusal, files inside an archive) for one uploaded file."""
    if len(data) == 0:
        return "", core.sop_message("not_pdf"), []
    kind = sniff(data)
    if kind == "pdf":
        if len(data) > max_file():
            return kind, core.sop_message("too_large", size=round(len(data) / 1e6, 1), limit=max_file() // 1_000_000), []
        return kind, None, []
    if kind == "zip":
        try:
            transfer.read_archive_files(data, accept=lambda n: False, max_upload=max(MAX_TOTAL, max_file()))
            names = _zip_names(data)
        except transfer.TransferError as exc:
            return "zip", ("; ".join(exc.messages("id")), "; ".join(exc.messages("en"))), []
        except Exception:  # noqa: BLE001 - a table the checks let through but zipfile cannot list
            return "zip", _both("sop_err_type"), []
        if "word/document.xml" in names:
            if not core.sop_reads_docx():
                return "docx", _both("sop_err_docx_later"), []
            if len(data) > max_file():
                return "docx", core.sop_message("too_large", size=round(len(data) / 1e6, 1),
                                                limit=max_file() // 1_000_000), []
            return "docx", None, []
        try:
            raw, _ = transfer.read_archive_files(
                data, accept=lambda n: n.lower().endswith((".pdf", ".docx")) and not n.startswith("__MACOSX/"),
                max_upload=MAX_TOTAL, max_entry=max_file(), max_total=MAX_TOTAL)
        except transfer.TransferError as exc:
            return "zip", ("; ".join(exc.messages("id")), "; ".join(exc.messages("en"))), []
        if not raw:
            return "zip", _both("sop_err_zip_empty"), []
        return "zip", None, [Upload(f"{name}/{inner}", body) for inner, body in sorted(raw.items())]
    return "", _both("sop_err_type"), []


@transaction.atomic
def batch_create(*, user: Any, uploads: list[Upload], lang: str = "id", ip: str = "",
                 fallback_unit: Unit | None = None) -> ImportBatch:
    """Store the uploaded files as a queued batch and enqueue its task after commit.

    Refused as a whole (`BatchRefused`) when there is no file, too many, or more than `MAX_TOTAL` bytes;
    a single file refused by its size or type is kept as a failed line of the batch, without its bytes."""
    from prosedur_web.accounts import roles

    if not roles.can_import_sops(user):
        raise ActionRefused.of("forbidden")
    if not uploads:
        raise BatchRefused("sop_err_no_file")
    if sum(len(u.data) for u in uploads) > MAX_TOTAL:
        raise BatchRefused("sop_err_total", limit=core_size(MAX_TOTAL))
    lines: list[tuple[Upload, str, tuple[str, str] | None]] = []
    for up in uploads:
        kind, refusal, inside = _checked(up.name, up.data)
        if inside:
            for inner in inside:
                ikind, irefusal, _ = _checked(inner.name, inner.data)
                if ikind == "zip" and irefusal is None:
                    irefusal = _both("sop_err_type")  # no archives inside archives
                lines.append((inner, ikind, irefusal))
        else:
            lines.append((up, kind, refusal))
    if len(lines) > MAX_FILES:
        raise BatchRefused("sop_err_count", count=len(lines), limit=MAX_FILES)
    batch = ImportBatch.objects.create(user=user, total=len(lines), lang=lang, fallback_unit=fallback_unit)
    for order, (up, kind, refusal) in enumerate(lines):
        f = ImportFile(batch=batch, order=order, name=_name(up.name), kind=kind if kind != "zip" else "",
                       size=len(up.data), sha256=hashlib.sha256(up.data).hexdigest())
        if refusal is None:
            f.data = up.data
        else:
            f.status = ImportFile.Status.FAILED
            f.message_id, f.message_en = refusal
        f.save()
    batch.read = sum(1 for _, _, r in lines if r is not None)
    batch.save(update_fields=["read"])
    audit_append(actor=user, action="sop_upload", ip=ip,
                 data={"batch": batch.pk, "files": [f.name for f in batch.files.all()][:MAX_FILES],
                       "refused": batch.read})
    from .tasks import import_batch

    transaction.on_commit(lambda: import_batch.enqueue(batch.pk))
    return batch


def core_size(n: int) -> str:
    from prosedur_web.common.labels import size_text

    return size_text(n)


def _name(name: str) -> str:
    """The name as shown: the last parts of the path, control and bidi characters made visible."""
    return transfer._shown(name.replace("\\", "/"))[:255]


# -- the task's work ------------------------------------------------------------------------------------------
def batch_run(batch_id: int, *, chunk: int | None = None) -> ImportBatch:
    """Read the batch's queued files in a process pool, a few at a time so the page shows each file's
    outcome as it is stored, and turn each into a draft."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state == ImportBatch.State.DONE:
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING, started_at=timezone.now())
    queued = list(batch.files.filter(status=ImportFile.Status.QUEUED).order_by("order"))
    size = chunk or jobs() * 4
    refused_before = batch.read
    with tempfile.TemporaryDirectory(prefix="prosedur-sop-") as tmp:
        for start in range(0, len(queued), size):
            part = queued[start:start + size]
            paths = []
            for f in part:
                p = Path(tmp) / f"{f.order:05d}{SUFFIX.get(f.kind, '.pdf')}"
                p.write_bytes(bytes(f.data or b""))
                paths.append(p)

            def progress(done: int, _total: int, base: int = refused_before + start) -> None:
                ImportBatch.objects.filter(pk=batch.pk).update(read=base + done)

            results = core.sop_read_all(paths, jobs=jobs(), max_pages=max_pages(), progress=progress)
            for f, (_path, sheet, err) in zip(part, results, strict=True):
                try:
                    store_file(f, sheet, err, user=batch.user)
                except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the batch
                    log.exception("import of %s failed", f.name)
                    _fail(f, _both("sop_err_internal", error=type(exc).__name__))
            for p in paths:
                p.unlink(missing_ok=True)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.DONE, read=batch.total,
                                                   finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


def _fail(f: ImportFile, message: tuple[str, str]) -> None:
    f.status = ImportFile.Status.FAILED
    f.message_id, f.message_en = message
    f.data = None  # nothing kept of a file that made no draft
    f.revision = None
    f.save()


def _owner(sheet: Any, user: Any, chosen: Unit | None) -> tuple[str | None, tuple[str, str] | None]:
    """The owner unit's code: the unit the SOP prints, by name; else the unit chosen at the upload, else the
    uploader's unit (noted)."""
    name = " ".join(sheet.unit).strip()
    if name:
        unit = Unit.objects.filter(name__iexact=name).first() or Unit.objects.filter(code__iexact=name).first()
        if unit is not None:
            return unit.code, None
    fallback = chosen or getattr(user, "unit", None)
    if fallback is None:
        return None, _both("sop_note_no_unit", unit=name or "-", fallback="-")
    return fallback.code, _both("sop_note_no_unit", unit=name or "-", fallback=fallback.name)


def store_file(f: ImportFile, sheet: Any, err: tuple[str, str] | None, *, user: Any) -> ImportFile:
    """One read file -> a draft (or a refusal), in its own transaction."""
    if err is not None or sheet is None:
        _fail(f, err or ("?", "?"))
        return f
    sheet.file = f.name
    # the number the source will carry (the core's stand-in when the SOP prints none), read from a copy:
    # making the data notes issues on the sheet, which must be noted once
    number = core.sop_source_data(copy.deepcopy(sheet), None)["number"]
    with transaction.atomic():
        existing = Procedure.objects.select_for_update().filter(number=number).first()
        notes: list[tuple[str, str]] = []
        if existing is not None:
            busy = existing.revisions.filter(status__in=IN_PROGRESS).order_by("-number").first()
            if busy is not None:
                params = {"number": existing.number, "revision": busy.number}
                _fail(f, (label("sop_err_draft_exists", "id", status=label(f"status_{busy.status}", "id"), **params),
                          label("sop_err_draft_exists", "en", status=label(f"status_{busy.status}", "en"), **params)))
                return f
            owner: str | None = existing.owner_unit.code
        else:
            owner, note = _owner(sheet, user, f.batch.fallback_unit)
            if note:
                notes.append(note)
        try:
            data = core.sop_source_data(sheet, owner)
            data["status"] = "draft"  # what was signed elsewhere is signed again here, after review
            proc = core.procedure_from_data(data)
            if existing is not None:
                proc = _next_revision(existing, proc)
                # the revision number comes from the procedure here, not from a Tanggal Revisi
                sheet.issues = [i for i in sheet.issues if i.msg_id != "revision_date"]
            text = core.serialize_procedure(proc)
            core.parse_source(text, f.name)  # round trip through the loader: the draft opens in the editor
            rev = procedure_import(yaml_source=text, actor=user)
        except ActionRefused as exc:
            _fail(f, ("; ".join(exc.messages("id")), "; ".join(exc.messages("en"))))
            return f
        except (SourceError, ValueError) as exc:
            _fail(f, _both("sop_err_source", error=str(exc)[:300]))
            return f
        lines = core.sop_issue_lines(sheet)
        lines = [{"page": 0, "row": None, "id": i, "en": e} for i, e in notes] + lines
        f.revision = rev
        f.new_procedure = existing is None
        f.pages = sheet.pages
        f.summary = core.sop_summary(sheet)
        f.issues = lines
        f.status = ImportFile.Status.WARNINGS if lines else ImportFile.Status.OK
        f.message_id = f.message_en = ""
        f.save()
        audit_append(actor=user, action="sop_import", target=rev,
                     data={"file": f.name, "sha256": f.sha256, "batch": f.batch_id, "pages": f.pages,
                           "revision": rev.number, "new_procedure": f.new_procedure, "report_lines": len(lines)})
    return f


def _next_revision(procedure: Procedure, proc: Any) -> Any:
    """The imported content as the procedure's next revision: control facts emptied (signing here fills
    them), the change-history rows of the revisions before it kept from the latest one stored."""
    latest = procedure.revisions.order_by("-number").first()
    number = (latest.number + 1) if latest else proc.revision
    earlier = []
    if latest is not None:
        try:
            earlier = [h for h in core.parse_source(latest.yaml_source, procedure.number).history
                       if h.revision < number]
        except SourceError:
            earlier = []
    return core.fresh_revision(proc.model_copy(update={"history": earlier}), number)


# -- page images ------------------------------------------------------------------------------------------------
_converting = threading.Lock()  # one LibreOffice at a time per process: the first page request draws all pages


def soffice() -> str | None:
    """LibreOffice's command, if installed (without it a Word original is offered for download only)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def page_numbers(f: ImportFile) -> list[int]:
    """The pages the editor shows beside the draft: a PDF's pages; a Word original's once laid out (before
    that, the reader's count of its page breaks), none without LibreOffice or after a failed conversion."""
    if f.kind == "pdf":
        return list(range(1, f.pages + 1))
    if f.kind != "docx" or soffice() is None or (f.summary or {}).get("page_images"):
        return []
    drawn = sorted(ImportPage.objects.filter(file=f).values_list("number", flat=True))
    return drawn or list(range(1, f.pages + 1))


def page_images_refused(f: ImportFile, lang: str = "id") -> str:
    """Why a Word original has no page images ('' when it has them or was never tried)."""
    why = (f.summary or {}).get("page_images") or {}
    return why.get(lang) or why.get("id") or ""


def _limited(command: list[str], *, memory: int, output: int | None = None) -> list[str]:
    if not shutil.which("prlimit"):
        return command
    return ["prlimit", f"--as={memory}", *([f"--fsize={output}"] if output else []), *command]


def _run(command: list[str], timeout: float, **kw: Any) -> subprocess.CompletedProcess[bytes]:
    """`command` in its own process group, the whole group killed when it overruns (LibreOffice starts
    soffice.bin under oosplash: killing the first alone would leave the second running)."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **kw)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, command, out, err)
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def docx_to_pdf(data: bytes, tmp: Path) -> Path:
    """The Word file `data`, cleaned by the core and laid out by LibreOffice, as a PDF in `tmp`.

    Raises `subprocess.TimeoutExpired` (it overran `CONVERT_TIMEOUT`), `subprocess.CalledProcessError` or
    `OSError` (it failed or ran out of memory/output), `FileNotFoundError` (it wrote no PDF), or the core's
    refusal of the package."""
    src = tmp / "original.docx"
    src.write_bytes(data)
    cleaned = core.sop_clean_docx(src)
    log.info("page images of a Word original: %d external and %d embedded relationships, %d parts, %d markup "
             "items dropped", cleaned.external, cleaned.relationships, len(cleaned.parts), cleaned.elements)
    clean = tmp / "clean.docx"
    clean.write_bytes(cleaned.data)
    src.unlink()
    profile, out = tmp / "profile", tmp / "out"
    command = [soffice() or "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
               "--norestore", "--nolockcheck", "--nodefault", "--nologo", "--convert-to", "pdf",
               "--outdir", str(out), str(clean)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp), "LANG": "C.UTF-8",
           "SAL_USE_VCLPLUGIN": "svp"}
    _run(_limited(command, memory=CONVERT_MEMORY, output=CONVERT_OUTPUT), CONVERT_TIMEOUT, env=env, cwd=tmp)
    pdf = out / "clean.pdf"
    if not pdf.is_file():
        raise FileNotFoundError("LibreOffice wrote no PDF")
    return pdf


def _pdf_pages(pdf: Path, first: int, last: int, out: Path) -> list[tuple[int, bytes]]:
    """Pages first..last of a PDF as PNG, by pdftoppm under the page limits (`RENDER_TIMEOUT` for them all)."""
    command = ["pdftoppm", "-q", "-f", str(first), "-l", str(last), "-r", str(PAGE_DPI), "-png", str(pdf), str(out)]
    _run(_limited(command, memory=RENDER_MEMORY), RENDER_TIMEOUT)
    drawn = []
    for png in out.parent.glob(f"{out.name}-*.png"):
        drawn.append((int(png.stem.rsplit("-", 1)[1]), png.read_bytes()))
    return sorted(drawn)


def _refuse_images(f: ImportFile, key: str, **params: Any) -> None:
    ident, en = _both(key, **params)
    summary = dict(f.summary or {})
    summary["page_images"] = {"id": ident, "en": en}
    f.summary = summary
    ImportFile.objects.filter(pk=f.pk).update(summary=summary)


def _docx_pages(f: ImportFile) -> None:
    """Lay out a Word original once and keep all its pages (up to the importer's page limit)."""
    with _converting, tempfile.TemporaryDirectory(prefix="prosedur-page-") as tmp:
        f.summary = ImportFile.objects.filter(pk=f.pk).values_list("summary", flat=True).first() or {}
        if ImportPage.objects.filter(file=f).exists() or f.summary.get("page_images"):
            return  # drawn (or refused) by the request before this one
        try:
            pdf = docx_to_pdf(bytes(f.data), Path(tmp))
            pages = _pdf_pages(pdf, 1, max_pages(), Path(tmp) / "page")
        except subprocess.TimeoutExpired as exc:
            log.warning("laying out %s overran %d s: stopped", f.name, exc.timeout)
            _refuse_images(f, "sop_img_timeout", seconds=round(exc.timeout))
            return
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("page images of %s could not be drawn: %s", f.name, exc)
            _refuse_images(f, "sop_img_failed", error=type(exc).__name__)
            return
        except Exception as exc:  # noqa: BLE001 - the core's refusal of the package (checked at upload too)
            log.warning("page images of %s refused: %s", f.name, exc)
            _refuse_images(f, "sop_img_failed", error=str(exc)[:200])
            return
        if not pages:
            _refuse_images(f, "sop_img_failed", error="0 pages")
            return
        for number, png in pages:
            ImportPage.objects.get_or_create(file=f, number=number, defaults={"png": png})


def page_png(f: ImportFile, number: int) -> bytes | None:
    """Page `number` of the original as PNG (rendered once, then kept); None when it cannot be drawn."""
    cached = ImportPage.objects.filter(file=f, number=number).values_list("png", flat=True).first()
    if cached is not None:
        return bytes(cached)
    if f.kind == "docx" and f.data and soffice() is not None and not (f.summary or {}).get("page_images") \
            and 1 <= number <= max_pages():
        _docx_pages(f)
        cached = ImportPage.objects.filter(file=f, number=number).values_list("png", flat=True).first()
        return bytes(cached) if cached is not None else None
    if f.kind != "pdf" or not f.data or not 1 <= number <= max(f.pages, 1):
        return None
    with tempfile.TemporaryDirectory(prefix="prosedur-page-") as tmp:
        src = Path(tmp) / "original.pdf"
        src.write_bytes(bytes(f.data))
        try:
            drawn = _pdf_pages(src, number, number, Path(tmp) / "page")
        except (OSError, subprocess.SubprocessError):
            log.warning("page %d of %s could not be rendered", number, f.name)
            return None
    if not drawn:
        return None
    png = drawn[0][1]
    ImportPage.objects.get_or_create(file=f, number=number, defaults={"png": png})
    return png


def origin_of(revision: Revision) -> ImportFile | None:
    """The uploaded file a draft was made from (the latest, if it was imported more than once)."""
    return ImportFile.objects.filter(revision=revision).defer("data").order_by("-pk").first()
