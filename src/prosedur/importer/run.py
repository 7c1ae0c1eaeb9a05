"""Import a batch: read PDF and Word SOPs in a process pool, write one source per SOP into a library, and a report.

Nothing is written for a file that cannot be read (`ImportError_`), and a written source is loaded back
through the loader before it is kept, so every imported file round-trips.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..load import load_procedure_text
from ..model import LIBRARY_FILE, LibraryInfo
from ..paper import PAPERS
from ..serialize import serialize_procedure
from .docx import read_docx
from .pdf import MAX_PAGES, ImportError_, read_pdf
from .sheet import Issue, ReadSheet
from .source import mutu_field, slug, to_procedure

__all__ = ["FileResult", "import_files", "pdf_files", "read_file", "report_json", "report_text", "source_files"]

SUFFIXES = (".pdf", ".docx", ".docm")  # what a folder is searched for; a file given is judged by its content


@dataclass
class FileResult:
    file: str
    sheet: ReadSheet | None = None
    error: str | None = None
    error_en: str | None = None
    written: str | None = None
    notes: list[str] = field(default_factory=list)


def source_files(paths: Iterable[Path]) -> list[Path]:
    """Files given, and the PDF and Word files inside folders given (sorted; a .docm is listed to be refused)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUFFIXES))
        else:
            out.append(p)
    return out


pdf_files = source_files  # the earlier name


def read_file(path: Path, max_pages: int = MAX_PAGES) -> ReadSheet:
    """Read a PDF or a Word SOP, told apart by content (the first bytes), never by the file's name."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" in head:
        return read_pdf(path, max_pages)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return read_docx(path, max_pages)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportError_("docx_legacy")
    if path.suffix.lower() in (".docx", ".docm"):
        raise ImportError_("docx_damaged", error="not a ZIP package")
    raise ImportError_("not_pdf" if path.suffix.lower() == ".pdf" else "not_sop_file")


FILE_SECONDS = 120  # one file's reading time in a worker; a file that overruns is refused, the batch goes on


class _Overran(BaseException):  # not an Exception: the readers turn those into "damaged"
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Overran


def _read_one(args: tuple[str, int, float]) -> tuple[str, ReadSheet | None, tuple[str, str] | None]:
    path, max_pages, seconds = args
    if seconds:  # only in a pool worker, where this is the main thread: the alarm interrupts a runaway parse
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return path, read_file(Path(path), max_pages), None
    except ImportError_ as exc:
        return path, None, (exc.message("id"), exc.message("en"))
    except OSError as exc:
        return path, None, (f"berkas tidak dapat dibuka: {exc.strerror}", f"cannot open the file: {exc.strerror}")
    except _Overran:
        err = ImportError_("overran", seconds=f"{seconds:g}")
        return path, None, (err.message("id"), err.message("en"))
    finally:
        if seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)


def read_all(files: list[Path], jobs: int = 2, max_pages: int = MAX_PAGES,
             progress: Callable[[int, int], None] | None = None, *, pool: bool = False,
             seconds: float = FILE_SECONDS, grace: float = 30.0, reader: Callable[..., Any] | None = None,
             ) -> list[tuple[str, ReadSheet | None, tuple[str, str] | None]]:
    """(path, sheet or None, (id, en) error) per file, in order.

    One file (or jobs=1) is read in this process unless `pool` asks for a worker anyway, as a server does: in
    a worker a file gets `seconds` to be read, and a worker that dies (a crash, the kernel's OOM killer) fails
    its file with a message instead of leaving the batch waiting. Workers come from a fork server, never
    from a fork of this process: a server process has threads (its database connection, a mail sink, a
    browser test's live server), and a fork taken while one of them holds a lock can deadlock the child.
    `grace`: the backstop's time for starting workers.
    `reader` replaces what reads one file in a worker (a module-level function; tests pass one that crashes)."""
    if not pool and (jobs <= 1 or len(files) <= 1):
        results = []
        for f in files:
            results.append(_read_one((str(f), max_pages, 0)))
            if progress:
                progress(len(results), len(files))
        return results
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    if os.name == "posix":
        ctx.set_forkserver_preload([__name__])  # each worker starts with the readers imported
    out: list[tuple[str, ReadSheet | None, tuple[str, str] | None] | None] = [None] * len(files)
    workers = max(1, min(jobs, len(files)))
    # a backstop past the workers' own alarms (which a parse stuck inside C code would not hear): every file's
    # time as if each waited for a worker, and a little more; then the workers are killed
    budget = seconds * -(-len(files) // workers) + grace if seconds else None
    ex = ProcessPoolExecutor(workers, mp_context=ctx)
    try:
        futures = {ex.submit(reader or _read_one, (str(f), max_pages, seconds)): i for i, f in enumerate(files)}
        try:
            for fut in as_completed(futures, timeout=budget):
                i = futures[fut]
                try:
                    out[i] = fut.result()
                except BrokenProcessPool:
                    err = ImportError_("worker_died")
                    out[i] = (str(files[i]), None, (err.message("id"), err.message("en")))
                if progress:
                    progress(sum(r is not None for r in out), len(files))
        except FuturesTimeout:
            for p in list(getattr(ex, "_processes", {}).values()):  # stuck workers: no other way to stop them
                p.kill()
            err = ImportError_("overran", seconds=f"{seconds:g}")
            for i, f in enumerate(files):
                if out[i] is None:
                    out[i] = (str(f), None, (err.message("id"), err.message("en")))
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
    return [r for r in out if r is not None]


_DEFAULT_HEADINGS = {"requirements": "kelengkapan", "input": "input", "time": "waktu", "output": "output"}


def _columns(sheet: ReadSheet) -> list[Any] | None:
    """The sheet's Mutu Baku columns as `sop.quality_columns` (short form where the heading is the default);
    None when a heading has no step field of its own (it goes to notes) or two share one field."""
    fields = [mutu_field(h) for h in sheet.mutu_headings]
    if not fields or "notes" in fields or len(set(fields)) != len(fields):
        return None
    return [f if " ".join(h.lower().split()) == _DEFAULT_HEADINGS[f] else {"field": f, "heading": " ".join(h.split())}
            for f, h in zip(fields, sheet.mutu_headings, strict=True)]


def _agree(sheets: list[ReadSheet], value: Callable[[ReadSheet], Any], msg_id: str,
           show: Callable[[ReadSheet], str]) -> Any:
    """The value every sheet has, or None, with an issue on each sheet that differs from the most common."""
    values = [value(s) for s in sheets]
    keys = [repr(v) for v in values]
    if len(set(keys)) <= 1:
        return values[0] if values else None
    common = max(set(keys), key=keys.count)
    other = show(sheets[keys.index(common)])
    for s, k in zip(sheets, keys, strict=True):
        if k != common:
            s.issues.append(Issue(msg_id, 0, None, {"have": show(s), "other": other}))
    return None


def _library(into: Path, sheets: list[ReadSheet]) -> tuple[LibraryInfo, dict[str, str]]:
    """The target library's info (written when absent) and unit name → unit id.

    A new library takes what the imported SOPs print: the organisation lines, the Mutu Baku columns under
    their headings, the Keterangan heading, the paper, no "(Revisi n)" suffix the originals do not print,
    empty identity cells left blank (`sop.empty_cell: ""`) when every empty one is blank rather than "-".
    A setting the files disagree on is left at its default and the differences are reported per file."""
    info_file = into / LIBRARY_FILE
    if info_file.exists():
        data = yaml.safe_load(info_file.read_text(encoding="utf-8")) or {}
        info = LibraryInfo.model_validate(data)
        want = [c.field for c in info.sop.quality_columns]
        for s in sheets:
            have = [mutu_field(h) for h in s.mutu_headings]
            if have and have != want:
                s.issues.append(Issue("library_columns_existing", 0, None,
                                      {"have": " | ".join(s.mutu_headings), "other": ", ".join(want)}))
    else:
        first = next((s for s in sheets if s.organisation), None)
        org: Any = list(first.organisation) if first else "Instansi"
        unit = " ".join(first.unit) if first and first.unit else None
        patterns = [re.sub(r"\d+", "{n}", s.number) for s in sheets if s.number]
        pattern = max(set(patterns), key=patterns.count) if patterns else "{n}"
        data = {"organisation": org, "profile": "permenpan", "numbering": {"procedure": pattern, "form": "{n}"}}
        if unit:
            data["unit"] = unit  # as printed, so the SOP prints it once (the owner unit has the same name)
        papers = [s for s in sheets if s.paper in PAPERS]
        paper = _agree(papers, lambda s: s.paper, "library_paper", lambda s: s.paper)
        if paper:
            data["paper"] = paper
        sop: dict[str, Any] = {}
        tabled = [s for s in sheets if s.mutu_headings]
        columns = _agree(tabled, _columns, "library_columns", lambda s: " | ".join(s.mutu_headings))
        if columns:
            sop["quality_columns"] = columns
        if tabled and all(s.notes_heading is None for s in tabled):
            sop["notes_column"] = False
        heads = {" ".join(s.notes_heading.split()) for s in tabled if s.notes_heading}
        if len(heads) == 1 and (head := heads.pop()).lower() != "keterangan":
            sop["notes_heading"] = head
        marks = [m for s in sheets for m in s.empty_marks]
        if marks and all(m == "" for m in marks):
            sop["empty_cell"] = ""  # the originals leave an empty identity cell blank, not "-"
        if sheets and not any(re.search(r"revisi", s.number, re.IGNORECASE) for s in sheets):
            sop["revision_suffix"] = False  # the originals print the number as it is, revised or not
        if sop:
            data["sop"] = sop
        units: dict[str, Any] = {}
        for s in sheets:
            name = " ".join(s.unit)
            if name:
                units.setdefault(slug(name, "unit"), {"name": name})
        if units:
            data["units"] = units
        info = LibraryInfo.model_validate(data)
        into.mkdir(parents=True, exist_ok=True)
        info_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    by_name = {u.name.lower(): uid for uid, u in info.units.items()}
    return info, by_name


def import_files(paths: Iterable[Path], into: Path, *, jobs: int = 2, force: bool = False,
                 max_pages: int = MAX_PAGES, progress: Callable[[int, int], None] | None = None) -> list[FileResult]:
    files = source_files(paths)
    results: list[FileResult] = []
    read = read_all(files, jobs, max_pages, progress)
    sheets = [s for _, s, _ in read if s is not None]
    info, units = _library(into, sheets) if sheets else (None, {})
    folder = into / (info.procedures_dir if info else "prosedur")
    for path, sheet, err in read:
        res = FileResult(Path(path).name, sheet)
        results.append(res)
        if err is not None or sheet is None:
            res.error, res.error_en = err or ("?", "?")
            continue
        owner = units.get(" ".join(sheet.unit).lower()) if sheet.unit else None
        proc = to_procedure(sheet, owner)
        text = serialize_procedure(proc)
        load_procedure_text(text, path)  # round trip through the loader: raises if the source would not load
        target = folder / f"{slug(proc.number, 'sop')}.yaml"
        if target.exists() and not force:
            res.notes.append(f"{target} sudah ada, tidak ditimpa (pakai --force)")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        res.written = str(target)
    return results


def report_text(results: list[FileResult], lang: str = "id") -> str:
    en = lang == "en"
    lines: list[str] = []
    for r in results:
        if r.error:
            lines.append(f"{r.file}: {'NOT IMPORTED' if en else 'TIDAK DIIMPOR'}: {r.error_en if en else r.error}")
            continue
        s = r.sheet
        assert s is not None
        nsym = sum(len(row.symbols) for row in s.rows)
        head = (f"{r.file}: {s.number or '?'} — {s.pages} {'pages' if en else 'hlm.'}, {s.paper} {s.orientation}; "
                + (f"{len(s.rows)} activities, {nsym} symbols, {len(s.lanes)} actors" if en else
                   f"{len(s.rows)} kegiatan, {nsym} simbol, {len(s.lanes)} pelaksana")
                + (f"; Mutu Baku: {' | '.join(s.mutu_headings)}" if s.mutu_headings else ""))
        lines.append(head)
        if r.written:
            lines.append(f"  → {r.written}")
        lines.extend(f"  {n}" for n in r.notes)
        lines.extend(f"  - {i.text(lang)}" for i in s.issues)
    ok = sum(1 for r in results if r.written)
    bad = sum(1 for r in results if r.error)
    issues = sum(len(r.sheet.issues) for r in results if r.sheet)
    lines.append(f"{ok} imported, {bad} refused, {issues} items not read or noted" if en else
                 f"{ok} diimpor, {bad} ditolak, {issues} butir tidak terbaca atau dicatat")
    return "\n".join(lines)


def report_json(results: list[FileResult], lang: str = "id") -> str:
    out = []
    for r in results:
        entry: dict[str, Any] = {"file": r.file, "written": r.written, "error": r.error_en if lang == "en" else r.error,
                                 "notes": r.notes}
        if r.sheet is not None:
            entry["read"] = r.sheet.as_dict(lang)
        out.append(entry)
    return json.dumps(out, ensure_ascii=False, indent=2)
