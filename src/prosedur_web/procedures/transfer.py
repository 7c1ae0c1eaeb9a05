"""The library as a .zip: export (the library folder and the whole record beside it), import, restore.

The export is `restore.export_record` zipped: pustaka.yaml and the current revision of each
procedure, laid out as a library folder `prosedur lint` reads, and `record/` with every revision,
review, signature, acknowledgement and the audit trail. Importing it back has two meanings:

- a plain import (anyone who may transfer the library): the YAML sources only, every new revision a
  draft whatever status its file names (approval goes through review and signing), `record/`
  ignored; a pustaka.yaml that adds, renames or re-parents units needs the admin's confirmation of
  the listed changes (`library_units`);
- a restore (the admin, into an empty instance): the whole record, see `restore.py`.

An uploaded archive is hostile until proven otherwise. Before anything is stored: entry count,
declared sizes, compression ratio and path of every entry are checked (zip bombs, zip slip:
`../`, absolute paths, backslashes, drive letters, symlinks, invisible or bidi characters in
names); YAML entries are then read in chunks counting the real bytes, never trusting the
declared size; every file is parsed; and only then is everything stored in one transaction, so
an error anywhere leaves the database as it was. Nothing is ever written to disk.
"""

from __future__ import annotations

import io
import stat
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from prosedur.errors import SourceError
from prosedur.load import decode_source
from prosedur.model import LIBRARY_FILE
from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.audit.services import audit_append
from prosedur_web.common.client import client_ip
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label
from prosedur_web.common.views import lang_of, require

from . import selectors, services
from .library_units import UnitChangesRefused
from .models import Procedure, Revision

MAX_UPLOAD = 20 * 1024 * 1024  # the .zip itself
MAX_ENTRIES = 2000  # every entry counts, ignored ones too
MAX_ENTRY_SIZE = 1024 * 1024  # one YAML file (the core's loader refuses bigger sources anyway)
MAX_TOTAL = 50 * 1024 * 1024  # all entries together, uncompressed
MAX_RATIO = 100  # uncompressed : compressed; YAML compresses about 4:1
RATIO_FLOOR = 64 * 1024  # tiny entries may have any ratio: they cannot blow anything up
CHUNK = 64 * 1024
YAML_SUFFIXES = (".yaml", ".yml")

Message = Callable[[str], str]


class TransferError(Exception):
    """An archive refused, with every reason (translated when shown); nothing was stored."""

    def __init__(self, reasons: list[Message]):
        self.reasons = reasons
        super().__init__("; ".join(r("en") for r in reasons))

    def messages(self, lang: str = "id") -> list[str]:
        return [r(lang) for r in self.reasons]


def _msg(key: str, **params: Any) -> Message:
    return lambda lang: label(key, lang, **params)


def _source_msg(problem: Any) -> Message:
    return lambda lang: str(problem.text(lang, with_file=True))


@dataclass(frozen=True)
class ImportResult:
    created: int
    kept: int
    ignored: int
    drafted: tuple[tuple[str, str], ...] = ()
    """(file name, status its source names) of each source that named another status than draft and
    was imported as a draft."""
    unit_changes: int = 0
    record: bool = False
    """The archive was a whole-record export, whose `record/` folder a plain import ignores."""


# -- export ------------------------------------------------------------------------------------------------
def zip_files(files: dict[str, bytes]) -> bytes:
    """`files` as a .zip (deflated, plain file modes, today's time)."""
    buffer = io.BytesIO()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def library_export_zip(*, actor: Any = None, ip: str = "") -> bytes:
    """The whole export (`restore.export_record`) as a .zip; a library folder once unpacked. Audited."""
    from .restore import export_record

    return zip_files(export_record(actor=actor, ip=ip, via="web").files)


# -- import: the archive -------------------------------------------------------------------------------------
INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}


def name_problem(name: str, info: zipfile.ZipInfo | None = None) -> str | None:
    """Why an entry name is refused (a `zip_why_*` label key), or None when it is a plain relative path."""
    if info is not None and stat.S_ISLNK(info.external_attr >> 16):
        return "zip_why_symlink"
    if any(unicodedata.category(c) == "Cf" or c in INVISIBLE for c in name):
        return "zip_why_invisible"  # bidi overrides and zero-width characters are all format (Cf) characters
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "zip_why_control"
    if "\\" in name:
        return "zip_why_backslash"
    if name.startswith("/"):
        return "zip_why_absolute"
    if len(name) >= 2 and name[1] == ":" or ":" in name.split("/")[0]:
        return "zip_why_drive"
    if any(part == ".." for part in name.split("/")):
        return "zip_why_parent"
    return None


def _shown(name: str) -> str:
    """An entry name safe to show in a message: control, format and bidi characters made visible."""
    return "".join(f"U+{ord(c):04X}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in name)[:200]


def read_archive(data: bytes) -> tuple[dict[str, str], int]:
    """The YAML entries of an archive as {name: text}, and how many other entries were ignored.

    Raises `TransferError` with every problem of the archive's table first (all entries are checked,
    even the ignored ones: a bomb or a `../` name is refused, not skipped), then of the contents.
    """
    raw, ignored = read_archive_files(data, accept=lambda name: name.lower().endswith(YAML_SUFFIXES))
    texts: dict[str, str] = {}
    problems: list[Message] = []
    for name, content in raw.items():
        try:
            texts[name] = decode_source(content, name)
        except SourceError as exc:
            problems.extend(_source_msg(p) for p in exc.problems)
    if problems:
        raise TransferError(problems)
    return texts, ignored


def read_archive_files(data: bytes, *, accept: Callable[[str], bool], max_upload: int | None = None,
                       max_entry: int | None = None, max_total: int | None = None) -> tuple[dict[str, bytes], int]:
    """The entries `accept` wants as {name: bytes}, and how many other files were ignored, with every
    check of `read_archive` (the limits default to the upload's)."""
    max_upload = MAX_UPLOAD if max_upload is None else max_upload
    max_entry = MAX_ENTRY_SIZE if max_entry is None else max_entry
    max_total = MAX_TOTAL if max_total is None else max_total
    if len(data) > max_upload:
        raise TransferError([_msg("zip_err_upload_size", limit=max_upload)])
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise TransferError([_msg("zip_err_not_zip")]) from None
    if len(infos) > MAX_ENTRIES:
        raise TransferError([_msg("zip_err_entries", count=len(infos), limit=MAX_ENTRIES)])
    problems: list[Message] = []
    declared_total = 0
    wanted: list[zipfile.ZipInfo] = []
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        why = name_problem(name, info)
        if why is not None:
            problems.append(_path_msg(name, why))
            continue
        declared_total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            problems.append(_msg("zip_err_ratio", name=_shown(name), ratio=info.file_size // max(info.compress_size, 1),
                                 limit=MAX_RATIO))
            continue
        if info.is_dir() or not accept(name):
            continue
        if info.flag_bits & 0x1:
            problems.append(_msg("zip_err_encrypted", name=_shown(name)))
            continue
        if info.file_size > max_entry:
            problems.append(_msg("zip_err_entry_size", name=_shown(name), limit=max_entry))
            continue
        if name in seen:
            problems.append(_msg("zip_err_duplicate", name=_shown(name)))
            continue
        seen.add(name)
        wanted.append(info)
    if declared_total > max_total:
        problems.append(_msg("zip_err_total", limit=max_total))
    if problems:
        raise TransferError(problems)
    out: dict[str, bytes] = {}
    total = 0
    for info in wanted:
        raw = _read_entry(zf, info, max_entry)
        total += len(raw)
        if total > max_total:
            raise TransferError([_msg("zip_err_total", limit=max_total)])
        out[info.filename] = raw
    ignored = sum(1 for i in infos if not i.is_dir()) - len(wanted)
    return out, ignored


def _path_msg(name: str, why: str) -> Message:
    return lambda lang: label("zip_err_path", lang, name=_shown(name), why=label(why, lang))


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_entry: int = MAX_ENTRY_SIZE) -> bytes:
    """The entry's bytes, counted while inflating: more than declared (a lying header) or more than
    the per-entry limit stops at once, so a bomb never fills memory."""
    limit = min(info.file_size, max_entry)
    out = bytearray()
    try:
        with zf.open(info) as stream:
            while chunk := stream.read(CHUNK):
                out += chunk
                if len(out) > limit:
                    raise TransferError([_msg("zip_err_size_lied", name=_shown(info.filename))])
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        raise TransferError([_msg("zip_err_size_lied", name=_shown(info.filename))]) from None
    if len(out) != info.file_size:
        raise TransferError([_msg("zip_err_size_lied", name=_shown(info.filename))])
    return bytes(out)


def _split(texts: dict[str, str]) -> tuple[tuple[str, str] | None, dict[str, str]]:
    """(pustaka.yaml entry, procedure entries). The library file may sit at the root or inside one
    top folder (an archive of the folder itself); procedure files are the YAML files under the
    library's procedures folder, or any other YAML file when that folder is absent. The `record/`
    folder of an export (every revision of the record) is never a source to import."""
    library_names = sorted((n for n in texts if n.rsplit("/", 1)[-1] == LIBRARY_FILE), key=lambda n: n.count("/"))
    if not library_names:
        return None, texts
    lib_name = library_names[0]
    prefix = lib_name[: -len(LIBRARY_FILE)]
    try:
        folder = core.library_info(texts[lib_name]).procedures_dir.strip("/")
    except Exception:  # noqa: BLE001 - the library file's own errors are reported when it is parsed
        folder = ""
    texts = {n: t for n, t in texts.items() if not n.startswith(f"{prefix}record/")}
    inside = {n: t for n, t in texts.items() if n != lib_name and n.startswith(f"{prefix}{folder}/")}
    if not inside:
        inside = {n: t for n, t in texts.items() if n != lib_name}
    return (lib_name, texts[lib_name]), inside


# -- import: the database -------------------------------------------------------------------------------------
def library_import_zip(*, data: bytes, user: Any, ip: str = "", confirm_units: str | None = None) -> ImportResult:
    """Import an uploaded library archive, all or nothing. Raises `TransferError` listing every problem,
    or `UnitChangesRefused` when its pustaka.yaml changes units (see `services.library_import`)."""
    if not roles.can_transfer_library(user):
        raise TransferError([_msg("forbidden")])
    texts, ignored = read_archive(data)
    record = any(n == "record/manifest.json" or n.endswith("/record/manifest.json") for n in texts)
    library, procedures = _split(texts)
    problems: list[Message] = []
    if library is None and selectors.library_source_text() is None:
        problems.append(_msg("zip_err_no_library"))
    if library is not None:
        try:
            core.library_info(library[1])
        except SourceError as exc:
            problems.extend(_source_msg(p) for p in exc.problems)
        except Exception as exc:  # noqa: BLE001 - a validation error of the library file
            problems.append(lambda lang, exc=exc: f"{library[0]}: {exc}")  # type: ignore[misc]
    parsed: dict[tuple[str, int], str] = {}
    ordered: list[tuple[str, str, Any]] = []
    for name in sorted(procedures):
        try:
            proc = core.parse_source(procedures[name], name)
        except SourceError as exc:
            problems.extend(_source_msg(p) for p in exc.problems)
            continue
        key = (proc.number, proc.revision)
        if key in parsed:
            problems.append(_msg("zip_err_duplicate_number", name=_shown(name), number=proc.number,
                                 revision=proc.revision, other=_shown(parsed[key])))
            continue
        parsed[key] = name
        ordered.append((name, procedures[name], proc))
    if problems:
        raise TransferError(problems)
    result = _store(library, ordered, ignored, user=user, ip=ip, confirm_units=confirm_units)
    return ImportResult(result.created, result.kept, result.ignored, result.drafted, result.unit_changes, record)


@transaction.atomic
def _store(library: tuple[str, str] | None, ordered: list[tuple[str, str, Any]], ignored: int, *,
           user: Any, ip: str, confirm_units: str | None) -> ImportResult:
    from .library_units import unit_changes

    changed = 0
    if library is not None:
        changed = len(unit_changes(library[1]))
        services.library_import(yaml_source=library[1], actor=user, ip=ip, confirm_units=confirm_units)
    created = kept = 0
    drafted: list[tuple[str, str]] = []
    for name, text, proc in sorted(ordered, key=lambda item: (item[2].number, item[2].revision)):
        if Revision.objects.filter(procedure__number=proc.number, number=proc.revision).exists():
            kept += 1
            continue
        try:
            with transaction.atomic():
                rev = services.procedure_import(yaml_source=text, actor=user, ip=ip)
        except ActionRefused as exc:
            raise TransferError([lambda lang, name=name, proc=proc, exc=exc: label(
                "zip_err_conflict", lang, name=_shown(name), number=proc.number, revision=proc.revision,
                why="; ".join(exc.messages(lang)))]) from None
        except IntegrityError as exc:
            raise TransferError([_msg("zip_err_conflict", name=_shown(name), number=proc.number,
                                      revision=proc.revision, why=str(exc)[:120])]) from None
        if str(proc.status) != rev.status:
            drafted.append((name, str(proc.status)))
        created += 1
    audit_append(actor=user, action="library_import_zip", ip=ip,
                 data={"created": created, "kept": kept, "ignored": ignored,
                       "as_draft": [name for name, _status in drafted], "unit_changes": changed})
    return ImportResult(created, kept, ignored, tuple(drafted), changed)


# -- views ------------------------------------------------------------------------------------------------------
def _page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    from .restore import may_restore

    context = {"has_library": selectors.library_source_text() is not None, "procedures": Procedure.objects.count(),
               "max_upload": MAX_UPLOAD, "can_restore": may_restore(request.user), **extra}
    return render(request, "procedures/library_transfer.html", context, status=status)


@login_required
def library_transfer(request: HttpRequest) -> HttpResponse:
    require(roles.can_transfer_library(request.user))
    return _page(request)


@login_required
def library_export(request: HttpRequest) -> HttpResponse:
    require(roles.can_transfer_library(request.user))
    try:
        data = library_export_zip(actor=request.user, ip=client_ip(request))
    except TransferError as exc:
        for m in exc.messages(lang_of(request)):
            messages.error(request, m)
        return redirect("procedures:library_transfer")
    response = HttpResponse(data, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="pustaka-prosedur-{stamp}.zip"'
    return response


@login_required
@require_POST
def library_import(request: HttpRequest) -> HttpResponse:
    """A plain import (sources as drafts; a confirm step for the admin when units change), or, with
    `mode=restore`, the admin's restore of a whole-record export into this empty instance."""
    require(roles.can_transfer_library(request.user))
    lang = lang_of(request)
    upload = request.FILES.get("archive")
    restoring = request.POST.get("mode") == "restore"
    failed = label("restore_failed" if restoring else "transfer_failed", lang)
    if upload is None:
        return _page(request, status=400, errors=[failed, label("zip_err_not_zip", lang)])
    if upload.size is not None and upload.size > MAX_UPLOAD:
        return _page(request, status=400, errors=[failed, label("zip_err_upload_size", lang, limit=MAX_UPLOAD)])
    data = upload.read(MAX_UPLOAD + 1)
    if restoring:
        return _restore(request, data)
    try:
        result = library_import_zip(data=data, user=request.user, ip=client_ip(request),
                                    confirm_units=request.POST.get("confirm_units") or None)
    except UnitChangesRefused as exc:
        if exc.needs_confirmation:  # the admin sees every change first, and confirms exactly this list
            return _page(request, unit_changes=[c.text(lang) for c in exc.changes], confirm_token=exc.token)
        return _page(request, status=400, errors=[failed, *exc.messages(lang)])
    except TransferError as exc:
        return _page(request, status=400, errors=[failed, *exc.messages(lang)])
    messages.success(request, label("transfer_done", lang, created=result.created, kept=result.kept,
                                    ignored=result.ignored))
    for name, status in result.drafted:
        messages.warning(request, label("import_as_draft", lang, name=_shown(name), status=status))
    if result.unit_changes:
        messages.info(request, label("units_changed", lang, n=result.unit_changes))
    if result.record:
        messages.info(request, label("import_record_ignored", lang))
    return redirect("procedures:library_transfer")


def _restore(request: HttpRequest, data: bytes) -> HttpResponse:
    from . import restore

    lang = lang_of(request)
    if not restore.may_restore(request.user):
        return _page(request, status=403, errors=[label("restore_failed", lang), label("restore_err_forbidden", lang)])
    try:
        report = restore.library_restore(restore.read_zip(data), actor=request.user, ip=client_ip(request))
    except TransferError as exc:
        return _page(request, status=400, errors=[label("restore_failed", lang), *exc.messages(lang)])
    messages.success(request, report.text(lang))
    for name in report.anchor_problems:
        messages.warning(request, label("restore_anchor_not_written", lang, name=_shown(name)))
    return redirect("procedures:library_transfer")
