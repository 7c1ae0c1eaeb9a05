"""`prosedur build`: the library as a static site and a document set, in parallel and incrementally.

Layout of the output folder (Indonesian at the root, English under `en/`):

    index.html                    Daftar Induk Dokumen (master list) with search
    p/<slug>/index.html           procedure page: control data, flowchart, narrative, downloads
    p/<slug>/dokumen.html         the ISO/TR 10013 document (print stylesheet)
    p/<slug>/<slug>.pdf|.docx     the same document as PDF and Word
    p/<slug>/<slug>-sop.html|pdf|docx  the PermenPAN-RB 35/2012 SOP (pdf/docx when those formats are built too)
    p/<slug>/diagram-alir.svg     the swimlane flowchart
    assets/                       stylesheet, search script, logo
    .prosedur-build.json          manifest: per procedure and language, the hash its outputs were built from
    .prosedur-parsed.json         the procedures as validated JSON by source digest: unchanged files skip YAML
    .prosedur-png/                rasters by SVG digest (logos; the DOCX flowchart only on the PNG route)

A procedure is rebuilt only when its fingerprint changes: its own source bytes, the library file and logo,
the titles of the procedures it names (they are printed), and a digest of Prosedur's own code and templates
(so an upgrade rebuilds everything). Editing one procedure in a library of 500 therefore rebuilds one.
Work is spread over processes (`-j`); each worker loads the library once.

PDFs come from Chromium when it is installed (`pdf_engine="auto"`; render/chromium.py says why: about
a quarter of WeasyPrint's CPU per document), one browser per worker kept open for the whole build, else
from WeasyPrint. The engine is part of the fingerprint, so switching engines rebuilds.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..load import ParsedCache, load_library
from ..model import LIBRARY_FILE, Library, Procedure
from ..render.document import document_view
from ..render.inline import inline_html
from ..render.labels import labels
from ..render.raster import RasterCache
from ..shared import shared_work
from ..text import plain

ALL_FORMATS = ("html", "pdf", "docx", "sop")
PDF_ENGINES = ("auto", "chromium", "weasyprint")
PRINT_TIMEOUT = 180.0  # seconds for one Chromium print: a hung browser fails procedures, never the build's end
MANIFEST = ".prosedur-build.json"
PARSED_CACHE = ".prosedur-parsed.json"  # validated procedures by source digest (load.ParsedCache)
RASTERS = ".prosedur-png"  # DOCX flowchart pages by SVG digest (render.raster.RasterCache)
LANGS = ("id", "en")


def slug(number: str) -> str:
    """'P.SMLTI 19' -> 'p-smlti-19': safe as a folder and file name on every system."""
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in number)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-") or "prosedur"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the package's code and templates: outputs depend on them as much as on the source."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html", ".css", ".j2", ".svg", ".yaml", ".json") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(
    library: Library,
    proc: Procedure,
    formats: Iterable[str],
    lang: str,
    engine: str = "weasyprint",
    numbers: dict[str, Procedure] | None = None,
    shared: str | None = None,
) -> str:
    """What the outputs of `proc` in `lang` depend on, hashed. `numbers` (number -> procedure) and
    `shared` (`library_digest`) spare a lookup per cited number and two file reads per procedure
    when fingerprinting a whole library."""
    if numbers is None:
        numbers = {p.number: p for p in reversed(library.procedures)}
    digest = hashlib.sha256()
    digest.update(code_digest().encode())
    digest.update(",".join(sorted(formats)).encode() + lang.encode() + engine.encode())
    if proc.source_text is not None:
        digest.update(proc.source_text.encode("utf-8"))
    elif proc.source is not None:
        digest.update(proc.source.read_bytes())
    digest.update((shared or library_digest(library)).encode())
    for number in proc.related + [r.id for r in proc.references if r.id]:
        other = numbers.get(number)
        if other is not None:
            digest.update(f"{number}={other.title}|{other.title_en}|{other.revision}".encode())
    return digest.hexdigest()


def library_digest(library: Library) -> str:
    """The library file and its logo: printed on every page of every procedure."""
    digest = hashlib.sha256((library.root / LIBRARY_FILE).read_bytes())
    if library.info.logo and (library.root / library.info.logo).is_file():
        digest.update((library.root / library.info.logo).read_bytes())
    return digest.hexdigest()


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    out: Path = Path()
    pdf_engine: str = "weasyprint"
    notes: list[str] = field(default_factory=list)  # what the user should know, e.g. an engine fallback
    # Lint errors of the sources, by procedure number (or file, for a source that does not load): a
    # build goes on with them and says so; a strict build refuses (`refused`) and writes nothing.
    lint_errors: dict[str, int] = field(default_factory=dict)
    refused: bool = False


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("prosedur.site", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # compiled once per process (`render.html.template_env` says why)
    )
    env.filters["inline"] = inline_html  # free text with *miring* / **tebal**, each span escaped
    env.filters["plain"] = plain
    return env


def _lang_root(out: Path, lang: str) -> Path:
    return out if lang == "id" else out / lang


def resolve_engine(engine: str) -> str:
    """'auto' -> 'chromium' when a Chromium and Playwright are there, else 'weasyprint'."""
    from ..render.chromium import chromium_executable

    if engine not in PDF_ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r} (choose from {', '.join(PDF_ENGINES)})")
    if engine == "chromium" and not chromium_executable():
        raise ValueError("Chromium not found: install Debian's chromium-headless-shell or set PROSEDUR_CHROMIUM")
    if engine != "auto":
        return engine

    try:
        import playwright  # noqa: F401
    except ImportError:
        return "weasyprint"
    return "chromium" if chromium_executable() else "weasyprint"


# -- worker side ---------------------------------------------------------------------------------
_WORKER_LIBRARY: Library | None = None
_WORKER_ENGINE = "weasyprint"
_WORKER_AUTO = False  # the engine was chosen by "auto": a Chromium that cannot start means WeasyPrint
_WORKER_PRINTER: Any = None


def _worker_init(root: str, engine: str = "weasyprint", parsed: str | None = None, auto: bool = False,
                 forked: bool = False) -> None:
    """`forked`: this process is a fork of the coordinator, which set `_WORKER_LIBRARY` to the library it
    loaded: the worker has it already (loading it again took about a second per worker for 500 procedures)."""
    global _WORKER_LIBRARY, _WORKER_ENGINE, _WORKER_PRINTER, _WORKER_AUTO
    _WORKER_ENGINE, _WORKER_AUTO = engine, auto
    _WORKER_PRINTER = None  # never the coordinator's (its thread does not exist here)
    if engine == "chromium":
        _printer()  # Chromium starts on its own thread while the library loads
    if forked and _WORKER_LIBRARY is not None:
        return
    cache = ParsedCache(Path(parsed), code_digest()) if parsed else None  # the coordinator's, just saved
    _WORKER_LIBRARY, _ = load_library(root, cache=cache)


def _printer() -> Any:
    """This process's Chromium, started on first use and closed when the process ends."""
    global _WORKER_PRINTER
    if _WORKER_PRINTER is None:
        from multiprocessing import util

        from ..render.chromium import ChromiumPrinter

        _WORKER_PRINTER = ChromiumPrinter()
        # pool workers leave through os._exit (no atexit); multiprocessing's finalizers still run
        util.Finalize(None, _close_printer, exitpriority=10)
    return _WORKER_PRINTER


def _printer_error() -> str:
    """Why this process's Chromium did not start, in one line (workers' reasons are alike)."""
    failure = _WORKER_PRINTER.startup_error(timeout=5) if _WORKER_PRINTER is not None else None
    if failure is None:
        return "could not start in a build worker"
    return f"{type(failure).__name__}: {(str(failure).splitlines() or [''])[0][:200]}"


def _close_printer() -> None:
    global _WORKER_PRINTER
    if _WORKER_PRINTER is not None:
        printer, _WORKER_PRINTER = _WORKER_PRINTER, None
        printer.close()


Task = tuple[str, str, str, tuple[str, ...]]
Outcome = tuple[str, str, str | None, dict[str, Any] | None]


def _build_one(task: Task) -> Outcome:
    """Build one procedure in one language; also its master-list entry, so the coordinator
    does not compute it again after the (parallel) workers are done."""
    return _start_one(task)()


def _start_one(task: Task) -> Callable[[], Outcome]:
    """Queue the task's PDFs (Chromium) and return what finishes it: the coordinator starts every
    task of a small build first, so Chromium prints one language while the other's DOCX is made."""
    number, out, lang, formats = task
    library = _WORKER_LIBRARY
    assert library is not None
    proc = library.procedure(number)
    if proc is None:
        return lambda: (number, lang, "not found", None)

    def failed(exc: Exception) -> Callable[[], Outcome]:  # reported per procedure; the build goes on
        return lambda: (number, lang, f"{type(exc).__name__}: {exc}", None)

    try:
        printer = _printer() if _WORKER_ENGINE == "chromium" and "pdf" in formats else None
        rest = start_procedure(library, proc, Path(out), lang=lang, formats=formats, printer=printer,
                               fallback=_WORKER_AUTO)
    except Exception as exc:
        return failed(exc)

    def finish() -> Outcome:
        try:
            made = rest()
            entry = index_entry(library, proc, lang)
            entry["rasters"], entry["pdf_engine"] = made.rasters, made.pdf_engine
        except Exception as exc:
            return failed(exc)()
        return number, lang, None, entry

    return finish


@dataclass
class Made:
    """What building one procedure in one language used: the PNG cache keys and the PDF engine."""

    rasters: list[str]
    pdf_engine: str | None


def start_procedure(
    library: Library,
    proc: Procedure,
    out: Path,
    *,
    lang: str,
    formats: Iterable[str],
    printer: Any = None,
    fallback: bool = False,
) -> Callable[[], Made]:
    """Render every asked-for format of one procedure in one language into `out`, in two halves:
    queue the PDFs on `printer` (a ChromiumPrinter) now, make the rest when the returned function is
    called (without a printer, WeasyPrint prints then). With `fallback`, PDFs come from WeasyPrint
    when the printer's Chromium could not start."""
    from ..render.pdf import render_pdf
    from ..render.sop import render_sop_pdf

    formats = tuple(formats)
    name = slug(proc.number)
    folder = _lang_root(out, lang) / "p" / name
    engines: list[str] = []
    printing: list[tuple[Path, Callable[[], bytes]]] = []  # Chromium prints these while the DOCX is made

    def printed(future: Any, weasyprint: Callable[[], bytes]) -> Callable[[], bytes]:
        def get() -> bytes:
            try:
                data: bytes = future.result(timeout=PRINT_TIMEOUT)
            except Exception:
                if not (fallback and printer.startup_error(timeout=5) is not None):
                    raise
                engines.append("weasyprint")
                return weasyprint()
            engines.append("chromium")
            return data

        return get

    if printer is not None and "pdf" in formats:
        from ..render.pdf import submit_pdf
        from ..render.sop import submit_sop_pdf

        printing.append((folder / f"{name}.pdf", printed(
            submit_pdf(proc, library, printer, lang=lang), lambda: render_pdf(proc, library, lang=lang))))
        if "sop" in formats:
            printing.append((folder / f"{name}-sop.pdf", printed(
                submit_sop_pdf(proc, library, printer, lang=lang), lambda: render_sop_pdf(proc, library, lang=lang))))

    def rest() -> Made:
        rasters = RasterCache(out / RASTERS, code_digest())
        _finish_procedure(library, proc, folder, lang=lang, formats=formats, printing=printing, raster=rasters)
        if "pdf" not in formats:
            return Made(rasters.used, None)
        return Made(rasters.used, "weasyprint" if not printing or "weasyprint" in engines else "chromium")

    return rest


def _finish_procedure(
    library: Library,
    proc: Procedure,
    folder: Path,
    *,
    lang: str,
    formats: tuple[str, ...],
    printing: list[tuple[Path, Callable[[], bytes]]],
    raster: RasterCache,
) -> None:
    from ..render.narrative import view_narrative_html
    from ..render.svg import render_flowchart_single

    name = folder.name
    folder.mkdir(parents=True, exist_ok=True)
    view = document_view(proc, library, lang=lang)
    downloads: list[tuple[str, str]] = []
    if "html" in formats:
        from ..render.html import render_html

        (folder / "dokumen.html").write_text(render_html(proc, library, lang=lang), encoding="utf-8")
        downloads.append(("dokumen.html", "HTML"))
    if "pdf" in formats:
        if not printing:
            from ..render.pdf import render_pdf

            (folder / f"{name}.pdf").write_bytes(render_pdf(proc, library, lang=lang))
        downloads.append((f"{name}.pdf", "PDF"))
    if "docx" in formats:
        from ..render.docx import render_docx

        (folder / f"{name}.docx").write_bytes(render_docx(proc, library, lang=lang, raster=raster))
        downloads.append((f"{name}.docx", "DOCX"))
    if "sop" in formats:
        from ..render.sop import render_sop_html, render_sop_pdf

        (folder / f"{name}-sop.html").write_text(render_sop_html(proc, library, lang=lang), encoding="utf-8")
        downloads.append((f"{name}-sop.html", "SOP (HTML)"))
        if "pdf" in formats:
            if not printing:
                (folder / f"{name}-sop.pdf").write_bytes(render_sop_pdf(proc, library, lang=lang))
            downloads.append((f"{name}-sop.pdf", "SOP (PDF)"))
        if "docx" in formats:
            from ..render.sop_docx import render_sop_docx

            (folder / f"{name}-sop.docx").write_bytes(render_sop_docx(proc, library, lang=lang, raster=raster))
            downloads.append((f"{name}-sop.docx", "SOP (DOCX)"))
    for path, get in printing:
        path.write_bytes(get())
    # after the document's chart: one that came out as one sheet is this one too (`flow.layout.layout`)
    svg = render_flowchart_single(proc, library, lang=lang)
    (folder / "diagram-alir.svg").write_text(svg, encoding="utf-8")
    page = _env().get_template("procedure.html").render(
        L=labels(lang),
        lang=lang,
        v=view,
        svg=svg,
        narrative=view_narrative_html(view),
        downloads=downloads,
        root="../../",
        other_lang_href=_other_lang_href(lang, f"p/{name}/index.html"),
        organisation=view.organisation,
        logo=_logo_name(library),
    )
    (folder / "index.html").write_text(page, encoding="utf-8")


def _other_lang_href(lang: str, rel: str) -> str:
    depth = rel.count("/")
    up = "../" * depth
    return f"{up}en/{rel}" if lang == "id" else f"{up}../{rel}"


# -- coordinator ---------------------------------------------------------------------------------
def build(
    root: Path | str,
    out: Path | str,
    *,
    jobs: int = 1,
    formats: Iterable[str] = ALL_FORMATS,
    langs: Iterable[str] = LANGS,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    pdf_engine: str = "auto",
    strict: bool = False,
) -> BuildReport:
    """Build the site for the library at `root` into `out`; returns what was built, skipped and failed.

    The sources are linted first (the library's profile): lint errors are reported in `lint_errors` and
    the build goes on, unless `strict`, which refuses (`refused`) before anything is written.
    """
    engine = resolve_engine(pdf_engine)
    formats = tuple(f for f in ALL_FORMATS if f in set(formats))
    if engine == "chromium" and "pdf" in formats and not strict:
        _printer()  # starts on its own thread while the library loads; closed below
    try:
        with shared_work(), _lean_gc():  # one layout and document view per procedure for all its outputs
            return _build(Path(root), Path(out), jobs, formats, langs, force, progress, engine,
                          pdf_engine == "auto", strict)
    finally:
        _close_printer()


GC_THRESHOLD = (10_000, 50, 100)  # Python's default is (700, 10, 10)


@contextmanager
def _lean_gc() -> Iterator[None]:
    """Fewer garbage collections while a build runs: a layout makes a great many short-lived objects,
    and every collection of the oldest generation walks the whole loaded library (about a tenth of a
    500-procedure build went to the collector; a fiftieth with this). The library, once loaded, is
    frozen (`gc.freeze`): no collection here or in a worker forked from here walks it again, and a
    worker no longer copies the pages a collection would touch (Python's advice for a fork without
    exec). The thresholds and the frozen objects are given back when the build ends (the web app
    builds in a long-lived process)."""
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def lint_errors(library: Library, problems: list[Any]) -> dict[str, int]:
    """Lint errors per procedure number (per file for a source that did not load), in the library's profile."""
    from ..lint import Severity, lint
    from ..lint.core import proc_file

    numbers = {proc_file(p): p.number for p in library.procedures}
    out: dict[str, int] = {}
    for finding in lint(library, problems):
        if finding.severity == Severity.ERROR:
            name = numbers.get(finding.file, finding.file)
            out[name] = out.get(name, 0) + 1
    return out


def _build(
    root: Path,
    out: Path,
    jobs: int,
    formats: tuple[str, ...],
    langs: Iterable[str],
    force: bool,
    progress: Callable[[int, int], None] | None,
    engine: str,
    auto: bool = False,
    strict: bool = False,
) -> BuildReport:
    langs = tuple(lang for lang in LANGS if lang in set(langs))
    parsed = ParsedCache(out / PARSED_CACHE, code_digest())
    library, problems = load_library(root, cache=parsed)
    # a strict build lints before it writes; any other lints while the workers build (it only reports)
    errors = lint_errors(library, problems) if strict else None
    if strict and errors:
        return BuildReport(out=out, pdf_engine=engine, lint_errors=errors, refused=True)
    parsed.save()
    gc.freeze()  # the library: out of the collector's way from now on (`_lean_gc`)
    notes: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    old: dict[str, str] = {}
    if manifest_path.is_file() and not force:
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8")).get("outputs", {})
        except (ValueError, AttributeError):
            old = {}
    report = BuildReport(out=out, pdf_engine=engine, notes=notes, lint_errors=errors or {})
    new: dict[str, str] = {}
    tasks: list[tuple[str, str, str, tuple[str, ...]]] = []
    numbers = {p.number: p for p in reversed(library.procedures)}  # the first of a duplicate wins, as in .procedure()
    shared = library_digest(library)
    for proc in library.procedures:
        for lang in langs:
            key = f"{lang}:{proc.number}"
            fp = fingerprint(library, proc, formats, lang, engine if "pdf" in formats else "", numbers, shared)
            new[key] = fp
            index_file = _lang_root(out, lang) / "p" / slug(proc.number) / "index.html"
            if old.get(key) == fp and index_file.is_file():
                report.skipped.append(key)
            else:
                tasks.append((proc.number, str(out), lang, formats))
    total = len(tasks)
    done = 0
    built_entries: dict[str, Any] = {}
    if progress:
        progress(0, total)
    # A worker process loads the whole library first (about a second for 500 procedures), so a
    # handful of tasks, typically an edit of one procedure, is quicker done here.
    if len(tasks) > 2 * jobs and jobs > 1:
        # The workers print with browsers of their own. The coordinator's (started in case the build
        # was small) is closed first: a fork must not copy a process whose printer thread runs.
        _close_printer()
        _warm(langs, formats)
        context = multiprocessing.get_context("fork")
        global _WORKER_LIBRARY
        _WORKER_LIBRARY = library  # the forked workers' (`_worker_init`)
        with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init,
                                 initargs=(str(root), engine, str(parsed.path), auto, True), mp_context=context) as pool:
            results = pool.map(_build_one, tasks, chunksize=max(1, total // (jobs * 8) or 1))  # all queued now
            if errors is None:
                report.lint_errors = errors = lint_errors(library, problems)
            for number, lang, error, entry in results:
                _record(report, new, number, lang, error)
                if entry is not None:
                    built_entries[f"{lang}:{number}"] = entry
                done += 1
                if progress:
                    progress(done, total)
    else:
        global _WORKER_ENGINE, _WORKER_AUTO
        _WORKER_LIBRARY, _WORKER_ENGINE, _WORKER_AUTO = library, engine, auto
        for finish in [_start_one(task) for task in tasks]:  # every PDF queued before any DOCX
            number, lang, error, entry = finish()
            _record(report, new, number, lang, error)
            if entry is not None:
                built_entries[f"{lang}:{number}"] = entry
            done += 1
            if progress:
                progress(done, total)
    if errors is None:
        report.lint_errors = lint_errors(library, problems)
    fell_back = [key for key, entry in built_entries.items() if entry.get("pdf_engine") == "weasyprint"]
    if engine == "chromium" and fell_back:
        for key in fell_back:  # recorded as built by WeasyPrint: a working Chromium rebuilds them later
            lang, number = key.split(":", 1)
            fallen = library.procedure(number)
            if fallen is not None and key in new:
                new[key] = fingerprint(library, fallen, formats, lang, "weasyprint", numbers, shared)
        error = _printer_error()
        report.notes.append(f"Chromium: {error} -> WeasyPrint ({len(fell_back)} of {len(built_entries)})")
        if len(fell_back) == len(built_entries):
            report.pdf_engine = "weasyprint"
    _remove_stale(out, library, langs)
    entries = _index_entries(library, out, new, langs, built_entries)
    if "docx" in formats:  # flowchart PNGs no current DOCX was made from
        RasterCache(out / RASTERS, code_digest()).prune(
            {key for entry in entries.values() for key in entry.get("rasters", ())}
        )
    for lang in langs:
        _write_index(library, out, lang, problems_count=len(problems), entries=entries)
    _write_assets(library, out)
    manifest_path.write_text(
        json.dumps({"outputs": new, "formats": list(formats), "pdf_engine": engine}, indent=1, sort_keys=True), encoding="utf-8"
    )
    return report


def _warm(langs: Iterable[str], formats: tuple[str, ...]) -> None:
    """Load once, before the workers fork, what each of them would otherwise load for itself: the
    modules that render, their compiled templates and the hyphenation dictionaries (together about
    half a second of every worker's CPU; a forked worker shares them)."""
    from .. import hyphen
    from ..render.html import template_env
    from ..render.narrative import view_narrative_html  # noqa: F401
    from ..render.svg import render_flowchart_single  # noqa: F401

    if "pdf" in formats:
        from ..render import pdf  # noqa: F401
    if "docx" in formats:
        from ..render import docx  # noqa: F401
    if "sop" in formats:
        from ..render import sop  # noqa: F401

        template_env().get_template("sop.html")
    for name in ("procedure.html", "index.html"):
        _env().get_template(name)
    template_env().get_template("document.html")
    for lang in langs:
        hyphen.load(lang)


def _record(report: BuildReport, new: dict[str, str], number: str, lang: str, error: str | None) -> None:
    key = f"{lang}:{number}"
    if error:
        report.failed[key] = error
        new.pop(key, None)  # not built: try again next time
    else:
        report.built.append(key)


def _remove_stale(out: Path, library: Library, langs: Iterable[str]) -> None:
    """Drop pages of procedures that left the library, so the site never shows a withdrawn one."""
    keep = {slug(p.number) for p in library.procedures}
    for lang in langs:
        folder = _lang_root(out, lang) / "p"
        if folder.is_dir():
            for child in folder.iterdir():
                if child.is_dir() and child.name not in keep:
                    shutil.rmtree(child)


INDEX_CACHE = ".prosedur-index.json"
_ROW_FIELDS = ("number", "title", "revision", "issued", "effective", "status_label", "owner", "review_due")


def index_entry(library: Library, proc: Procedure, lang: str) -> dict[str, Any]:
    """What the master list and its search need from one procedure (JSON-safe, so it can be cached)."""
    view = document_view(proc, library, lang=lang)
    row: dict[str, Any] = {name: getattr(view, name) for name in _ROW_FIELDS}
    row["status"] = {"value": view.status.value}
    search = {
        "n": proc.number,
        "t": plain(view.title),
        "s": slug(proc.number),
        "x": plain(" ".join([view.purpose, *view.scope_includes, *(s.text for s in view.steps),
                             *view.clauses])).lower(),
    }
    return {"row": row, "search": search}


def _index_entries(
    library: Library, out: Path, fingerprints: dict[str, str], langs: Iterable[str], built: dict[str, Any]
) -> dict[str, Any]:
    """Index entries per `lang:number`: from this build's workers, else from the last build when the
    fingerprint is the same (a document view per procedure and language is most of an incremental
    build otherwise), else computed here."""
    path = out / INDEX_CACHE
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(cached, dict):
            cached = {}
    except (OSError, ValueError):
        cached = {}
    entries: dict[str, Any] = {}
    for lang in langs:
        for proc in library.procedures:
            key = f"{lang}:{proc.number}"
            fp = fingerprints.get(key)
            hit = cached.get(key)
            if key in built:
                entries[key] = built[key]
            elif fp and isinstance(hit, dict) and hit.get("fp") == fp and "entry" in hit:
                entries[key] = hit["entry"]
            else:
                entries[key] = index_entry(library, proc, lang)
    fresh = {key: {"fp": fingerprints[key], "entry": entry} for key, entry in entries.items() if key in fingerprints}
    path.write_text(json.dumps(fresh, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return entries


def _write_index(
    library: Library, out: Path, lang: str, problems_count: int, entries: dict[str, Any] | None = None
) -> None:
    from ..render.labels import label

    root = _lang_root(out, lang)
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    search: list[dict[str, Any]] = []
    for proc in library.procedures:
        entry = (entries or {}).get(f"{lang}:{proc.number}") or index_entry(library, proc, lang)
        rows.append((slug(proc.number), entry["row"]))
        search.append(entry["search"])
    index_js = "window.PROSEDUR_INDEX = " + json.dumps(search, ensure_ascii=False).replace("</", "<\\/") + ";\n"
    (root / "search-index.js").write_text(index_js, encoding="utf-8")
    page = _env().get_template("index.html").render(
        L=labels(lang),
        lang=lang,
        rows=rows,
        root="" if lang == "id" else "../",
        organisation=(library.info.organisation_en or library.info.organisation) if lang == "en" else library.info.organisation,
        unit=library.info.unit or "",
        other_lang_href="en/index.html" if lang == "id" else "../index.html",
        title=label("master_list", lang),
        problems_count=problems_count,
        logo=_logo_name(library),
    )
    (root / "index.html").write_text(page, encoding="utf-8")


def _logo_name(library: Library) -> str | None:
    return "logo" + Path(library.info.logo).suffix.lower() if library.info.logo else None


def _write_assets(library: Library, out: Path) -> None:
    assets = out / "assets"
    assets.mkdir(exist_ok=True)
    static = Path(__file__).resolve().parent / "static"
    for file in static.iterdir():
        if file.is_file():
            target = assets / file.name
            if not target.is_file() or target.read_bytes() != file.read_bytes():
                shutil.copyfile(file, target)
    if library.info.logo:
        logo = (library.root / library.info.logo).resolve()
        if logo.is_file() and logo.is_relative_to(library.root.resolve()):
            shutil.copyfile(logo, assets / str(_logo_name(library)))


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
