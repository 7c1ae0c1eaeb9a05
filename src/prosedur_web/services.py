"""Integration points with the core (`prosedur`), in one place.

Views and app services call these functions instead of importing the core themselves, so the web
app's whole dependency on the core (loader, linter, lifecycle table, integrity, renderers) is one
file to read. No domain rule is restated here: each function delegates to the core.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from prosedur import integrity as _integrity
from prosedur import workflow as _workflow
from prosedur.integrity import content_hash as _core_content_hash
from prosedur.lint import Severity as _Severity
from prosedur.lint import lint_procedure as _lint_procedure
from prosedur.load import MAX_BYTES as SOURCE_MAX_BYTES  # noqa: F401  (the editor's limit)
from prosedur.load import load_procedure_text, parse_yaml
from prosedur.model import Library, LibraryInfo, Procedure, Status
from prosedur.places import place as _place
from prosedur.render.document import document_view as _document_view
from prosedur.render.svg import render_flowchart_single as _render_svg
from prosedur.text import substitute as substitute  # re-exported for short step previews

from .common.errors import ActionRefused


def inline_html(text: Any) -> SafeString:
    """Free text with inline emphasis as HTML: each span escaped by the core, <em>/<strong> around it."""
    from prosedur.render.inline import inline_html as _inline

    return mark_safe(str(_inline(text)))  # noqa: S308 - built from escaped spans by the core


def plain_text(text: Any) -> str:
    """Free text without its inline emphasis markers."""
    from prosedur.text import plain

    return plain(None if text is None else str(text))


# -- source ---------------------------------------------------------------------------------------
def parse_source(text: str, name: str = "<sumber>") -> Procedure:
    """YAML source -> Procedure; raises `prosedur.errors.SourceError` listing every problem."""
    return load_procedure_text(text, name)


def content_hash(proc: Procedure) -> str:
    """The canonical content hash a signature covers (`prosedur.integrity.content_hash`)."""
    return str(_core_content_hash(proc))


def described_revisions(proc: Procedure) -> list[int]:
    """Revisions whose change-history row says what changed: what the lifecycle counts as an entry."""
    return [h.revision for h in proc.history if h.change.strip()]


def fresh_revision(proc: Procedure, number: int) -> Procedure:
    """The source of a new revision: control facts emptied, an empty change-history row (core rule)."""
    from prosedur.record import fresh_revision as _fresh

    return _fresh(proc, number)


def serialize_procedure(proc: Procedure) -> str:
    from prosedur.serialize import serialize_procedure as _serialize

    return _serialize(proc)


def record_digest(content_hash: str, record: Any) -> str:
    """What a signature of record binds: the content hash and the control record (core)."""
    from prosedur.record import record_digest as _digest

    return _digest(content_hash, record)


def set_top_level(text: str, key: str, value: str) -> str:
    """Rewrite one top-level scalar (`revision: 2`) keeping comments and layout; append if absent."""
    pattern = re.compile(rf"^{re.escape(key)}:[^\n]*$", re.MULTILINE)
    if pattern.search(text):
        return pattern.sub(f"{key}: {value}", text, count=1)
    return text.rstrip("\n") + f"\n{key}: {value}\n"


def library_info(yaml_text: str | None) -> LibraryInfo:
    """The library file (pustaka.yaml) as stored, or an empty library when none was imported."""
    if yaml_text:
        data, _ = parse_yaml(yaml_text, "pustaka.yaml")
        return LibraryInfo.model_validate(data)
    return LibraryInfo(organisation="-")


def library_for(info: LibraryInfo, procedures: list[Procedure]) -> Library:
    return Library(root=settings.PROSEDUR_LIBRARY, info=info, procedures=procedures)


# -- checks and views of a procedure ---------------------------------------------------------------
@dataclass(frozen=True)
class LintLine:
    severity: str
    code: str
    message: str
    line: int
    path: str
    where: str = ""
    """The place in words ("Langkah 6 › Cabang 2 › Label cabang"), for screens."""


def lint_findings(proc: Procedure, library: Library, lang: str = "id") -> list[LintLine]:
    out = []
    for f in _lint_procedure(proc, library):
        message = f.message(lang) if hasattr(f, "message") else f.msg_id
        out.append(LintLine(str(f.severity), f.code, message, f.line, f.path, _place(f.path, lang) if f.path else ""))
    return out


def lint_error_count(proc: Procedure, library: Library) -> int:
    return sum(1 for f in _lint_procedure(proc, library) if f.severity == _Severity.ERROR)


def flowchart_svg(proc: Procedure, library: Library, lang: str = "id") -> str | None:
    """The swimlane flowchart as SVG text. The core escapes every user text it writes into it."""
    if not proc.steps:
        return None
    try:
        return str(_render_svg(proc, library, lang=lang))
    except Exception:  # a half-written draft may not lay out; the page still shows the text
        return None


def cached_fragment(kind: str, key_parts: Sequence[object], build: Callable[[], str]) -> SafeString:
    """Rendered markup of immutable content (an effective or obsolete revision), from Django's cache.

    The key is everything the markup depends on (content hash, status, language, library
    fingerprint...), so an entry is never invalidated, only no longer asked for. `build` renders with
    autoescaping; the cache only keeps its result, hence `mark_safe` on the way out.
    """
    digest = hashlib.sha256("\x1f".join(str(p) for p in key_parts).encode()).hexdigest()
    key = f"prosedur:fragment:v1:{kind}:{digest}"
    html = cache.get(key)
    if html is None:
        html = str(build())
        cache.set(key, html, settings.PROSEDUR_FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 - markup rendered (and escaped) by our own templates


# -- lifecycle --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    revision: int
    old: str | None
    new: str
    action: str


def lifecycle_plan(revisions: Mapping[int, str], revision: int, action: str, **facts: Any) -> list[Change]:
    """Every status change `action` causes, or `ActionRefused` with every reason (core table)."""
    try:
        changes = _workflow.plan({n: Status(s) for n, s in revisions.items()}, revision,
                                 _workflow.Action(action), **facts)
    except _workflow.TransitionRefused as exc:
        raise ActionRefused([r.message for r in exc.reasons]) from None
    return [Change(c.revision, str(c.old) if c.old else None, str(c.new), str(c.action)) for c in changes]


def lifecycle_blockers(revisions: Mapping[int, str], revision: int, action: str, **facts: Any) -> list[Any]:
    """Every reason `action` would be refused now (callables taking `lang`), for a disabled button."""
    try:
        lifecycle_plan(revisions, revision, action, **facts)
    except ActionRefused as exc:
        return exc.reasons
    return []


def document(proc: Procedure, library: Library, lang: str = "id", content_hash: str | None = None,
             record: Any = None, controlled: bool = True) -> Any:
    """The core's resolved view of the document (parameters substituted, roles named, control record)."""
    return _document_view(proc, library, lang=lang, content_hash=content_hash, record=record,
                          controlled=controlled)


# -- signatures -------------------------------------------------------------------------------------


def signature_of_record(*, name: str, position: str, nip: str, signed_at: dt.datetime, content_hash: str,
                        meaning: str = "disahkan") -> Any:
    """Validate a signature the core's way (aware time, SHA-256, name and position present)."""
    return _integrity.Signature(name=name, position=position, nip=nip or None, signed_at=signed_at,
                                content_hash=content_hash, meaning=_integrity.SignatureMeaning(meaning))


def signature_text(sig: Any, lang: str = "id") -> str:
    """"Disahkan secara elektronik oleh …, pada 25 November 2026 pukul 20.55.00 WIB (UTC+07:00)"."""
    return str(_integrity.signature_text(sig, lang))


def carry_acknowledgements(*, minor: bool, acknowledged: list[str]) -> set[str]:
    """Who still counts as having read the procedure when a new revision takes effect."""
    if _workflow is None:  # pragma: no cover
        return set(acknowledged) if minor else set()
    kind = _workflow.RevisionKind.MINOR if minor else _workflow.RevisionKind.MAJOR
    return set(_workflow.carry_acknowledgements(kind, acknowledged))


# -- downloads and distribution ----------------------------------------------------------------------
DOWNLOAD_FORMATS: dict[str, tuple[str, str]] = {
    # format -> (file extension, media type)
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "sop-pdf": ("pdf", "application/pdf"),
    "sop-html": ("html", "text/html; charset=utf-8"),
    "sop-docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "svg": ("svg", "image/svg+xml"),
}


def with_status(proc: Procedure, status: str) -> Procedure:
    """The procedure carrying the revision's real status (the source may still say `draft` after approval),
    so the core prints the right watermark (DRAF, KEDALUWARSA) and control marks."""
    return proc.model_copy(update={"status": Status(status)})


def render_download(proc: Procedure, library: Library, *, fmt: str, lang: str, controlled: bool,
                    content_hash: str | None, verify_url: str | None, record: Any = None) -> bytes:
    """One downloadable rendering by the core; every renderer escapes the user text it writes."""
    from prosedur.render.docx import render_docx
    from prosedur.render.pdf import render_pdf
    from prosedur.render.sop import render_sop_html, render_sop_pdf
    from prosedur.render.svg import render_flowchart_single

    if fmt == "pdf":
        return render_pdf(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                          verify_url=verify_url, record=record)
    if fmt == "docx":
        return render_docx(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                           verify_url=verify_url, record=record)
    if fmt == "sop-pdf":
        return render_sop_pdf(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                              verify_url=verify_url, record=record)
    if fmt == "sop-html":
        return render_sop_html(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                               verify_url=verify_url, record=record).encode()
    if fmt == "sop-docx":
        from prosedur.render.sop_docx import render_sop_docx

        return render_sop_docx(proc, library, lang=lang, controlled=controlled, content_hash=content_hash,
                               verify_url=verify_url, record=record)
    if fmt == "svg":
        return render_flowchart_single(proc, library, lang=lang).encode()
    raise ValueError(f"unknown download format {fmt!r}")


def distribution_units(library: Library) -> dict[str, list[str]]:
    """Document number -> the unit codes it is distributed to (owner first), from the core's
    distribution list (Daftar Distribusi) of the procedures in force."""
    from prosedur.iso20000.registers import distribution_list

    out: dict[str, list[str]] = {}
    for row in distribution_list(library).rows:
        units = out.setdefault(row.procedure, [])
        if row.unit is not None and row.unit not in units:
            units.append(row.unit)
    return out


# -- scaffolding a new procedure (the wizard) ------------------------------------------------------
from prosedur.scaffold import ScaffoldError as ScaffoldError  # noqa: E402
from prosedur.scaffold import StepDraft as StepDraft  # noqa: E402
from prosedur.scaffold import next_free_number as next_free_number  # noqa: E402
from prosedur.scaffold import scaffold_procedure as scaffold_procedure  # noqa: E402


# -- importing signed SOP files (PDF; DOCX once the core reads it) ----------------------------------
def sop_limits() -> tuple[int, int]:
    """(largest file in bytes, most pages) the core's importer reads: the upload refuses the same."""
    from prosedur.importer.pdf import MAX_BYTES, MAX_PAGES

    return MAX_BYTES, MAX_PAGES


def sop_reads_docx() -> bool:
    """Whether the core's importer reads Word files yet (its DOCX reader is a module of the importer)."""
    import importlib.util

    return importlib.util.find_spec("prosedur.importer.docx") is not None


def sop_clean_docx(path: Any) -> Any:
    """A Word original without external links, OLE objects, ActiveX, macros (`importer.docx_clean`)."""
    from prosedur.importer.docx_clean import clean_docx

    return clean_docx(path)


def sop_read_all(paths: Sequence[Any], *, jobs: int = 2, max_pages: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[tuple[str, Any, tuple[str, str] | None]]:
    """Read SOP files in worker processes (`importer.run.read_all`): (path, sheet or None, (id, en) error).
    Always in a worker, even for one file: there a file has a time limit, and a crash fails only that file."""
    from prosedur.importer.run import read_all

    return read_all(list(paths), jobs, sop_limits()[1] if max_pages is None else max_pages, progress, pool=True)


def sop_source_data(sheet: Any, owner: str | None) -> dict[str, Any]:
    """What was read, as plain procedure data (`importer.source.to_procedure_data`)."""
    from prosedur.importer.source import to_procedure_data

    return to_procedure_data(sheet, owner)


def sop_issue_lines(sheet: Any) -> list[dict[str, Any]]:
    """The report's lines for one file: page, row and the text in both languages."""
    return [{"page": i.page, "row": i.row, "id": i.text("id"), "en": i.text("en")} for i in sheet.issues]


def sop_summary(sheet: Any) -> dict[str, Any]:
    """The report's head line for one file (`importer.run.report_text` prints the same facts)."""
    return {"number": sheet.number, "title": sheet.title, "pages": sheet.pages, "paper": sheet.paper,
            "orientation": sheet.orientation, "activities": len(sheet.rows),
            "symbols": sum(len(r.symbols) for r in sheet.rows), "actors": len(sheet.lanes),
            "mutu": list(sheet.mutu_headings)}


def procedure_from_data(data: Mapping[str, Any]) -> Procedure:
    return Procedure.model_validate(dict(data))


def sop_message(msg_id: str, **params: Any) -> tuple[str, str]:
    """One of the importer's messages (`importer.messages`), Indonesian and English."""
    from prosedur.importer.messages import render

    return render(msg_id, params, "id"), render(msg_id, params, "en")
