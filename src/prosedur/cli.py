"""The `prosedur` command: parse arguments, call the core, print. Nothing else lives here.

Help text is bilingual. Click fixes help strings when the commands are defined, so the language is
chosen once at import from `--lang` in `sys.argv` or `PROSEDUR_LANG` (see `_`); messages printed
while a command runs follow `--lang` as parsed. Other modules add commands to the `cli` group
(`@cli.command()`), using `_()` for their help and `current_lang()` for their output.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click
import yaml

from . import __version__
from .errors import ProsedurError, SourceError, display_path
from .i18n import LANGS, default_lang
from .lint import RULES, Severity, counts, format_findings, has_errors, lint
from .lint.core import PROFILES
from .load import load_library, load_procedure, procedure_files
from .model import LIBRARY_FILE, Library, LibraryInfo, Numbering, Procedure
from .scaffold import next_number, parse_step, scaffold_procedure
from .scaffold import slug as _slug
from .text import plain

F = TypeVar("F", bound=Callable[..., Any])


def _argv_lang(argv: list[str]) -> str:
    """The language asked for on the command line (`--lang en`, `--lang=en`), else the environment's."""
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGS:
            return value
    return default_lang()


HELP_LANG = _argv_lang(sys.argv[1:])


def _(id_text: str, en_text: str) -> str:
    """Help text in the language chosen at startup."""
    return en_text if HELP_LANG == "en" else id_text


def current_lang() -> str:
    """The language for messages printed by the running command."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        lang = ctx.meta.get("prosedur.lang")
        if lang:
            return str(lang)
        ctx = ctx.parent
    return default_lang()


def _msg(id_text: str, en_text: str) -> str:
    return en_text if current_lang() == "en" else id_text


class CliError(ProsedurError):
    """A user error found by the CLI itself (bad path, file exists); bilingual, exit code 2."""

    def __init__(self, id_text: str, en_text: str, exit_code: int = 2):
        self.texts = (id_text, en_text)
        self.exit_code = exit_code
        super().__init__(id_text)

    def message(self, lang: str = "id") -> str:
        return self.texts[1] if lang == "en" else self.texts[0]


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta["prosedur.lang"] = value


def lang_option(func: F) -> F:
    """`--lang id|en` on a command as well as on the group, so it can be written anywhere."""
    return click.option(
        "--lang", type=click.Choice(LANGS), default=None, expose_value=False, is_eager=True,
        callback=_set_lang, help=_("Bahasa keluaran (id/en); bawaan: PROSEDUR_LANG atau id.",
                                   "Output language (id/en); default: PROSEDUR_LANG or id."),
    )(func)


class ProsedurGroup(click.Group):
    """Turns every `ProsedurError` into its message on stderr and its exit code: no tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProsedurError as exc:
            click.echo(exc.message(current_lang()), err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=ProsedurGroup, help=_(
    "Prosedur kerja SMLTI dari satu sumber YAML: periksa, ringkas, buat baru.",
    "SMLTI work procedures from one YAML source: check, summarise, create.",
))
@click.version_option(__version__, "--version", prog_name="prosedur",
                      help=_("Tampilkan versi lalu keluar.", "Show the version and exit."))
@click.help_option("--help", "-h", help=_("Tampilkan bantuan ini lalu keluar.", "Show this help and exit."))
@lang_option
def cli() -> None:
    pass


# -- locating libraries ------------------------------------------------------------------------------
def find_library_root(path: Path) -> Path:
    """The library folder holding `path`: itself if it has pustaka.yaml, else the nearest parent that does."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if (folder / LIBRARY_FILE).is_file():
            return folder
    raise CliError(
        f"{display_path(path)}: bukan bagian dari pustaka prosedur ({LIBRARY_FILE} tidak ditemukan)",
        f"{display_path(path)}: not inside a procedure library ({LIBRARY_FILE} not found)",
    )


def _load(root: Path) -> tuple[Library, list[Any]]:
    return load_library(root)


def _targets(paths: Iterable[str]) -> dict[Path, list[Path] | None]:
    """Library root -> the procedure files asked for (None: the whole library)."""
    out: dict[Path, list[Path] | None] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise CliError(f"{raw}: tidak ditemukan", f"{raw}: not found")
        root = find_library_root(path).resolve()
        if path.is_dir() and path.resolve() == root:
            out[root] = None
        elif root not in out or out[root] is not None:
            files = [p for p in sorted(path.rglob("*")) if p.suffix in (".yaml", ".yml")] if path.is_dir() else [path]
            existing = out.get(root) or []
            out[root] = [*existing, *(p.resolve() for p in files if p.name != LIBRARY_FILE)]
    return out


def _include_outside_files(library: Library, problems: list[Any], files: list[Path]) -> None:
    """A procedure file inside the library but outside its procedures folder is linted in context too."""
    known = {f.resolve() for f in procedure_files(library.root, library.info)}
    for file in files:
        if file not in known:
            try:
                library.procedures.append(load_procedure(file))
            except SourceError as exc:
                problems.extend(exc.problems)


# -- lint ---------------------------------------------------------------------------------------------
@cli.command("lint", help=_(
    "Periksa prosedur: kelengkapan ISO/TR 10013, alur, nama dan rujukan, gaya PermenPAN-RB. PATH adalah "
    "folder pustaka atau berkas prosedur di dalam pustaka. Kode keluar: 0 tanpa galat, 1 ada galat, "
    "2 masukan tidak dapat dipakai.",
    "Check procedures: ISO/TR 10013 completeness, flow, names and references, PermenPAN-RB style. PATH is "
    "a library folder or a procedure file inside a library. Exit code: 0 no errors, 1 errors, 2 unusable "
    "input.",
))
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--format", "fmt", type=click.Choice(["text", "lines", "json"]), default="text",
              help=_("Format keluaran.", "Output format."))
@click.option("--strict", is_flag=True, help=_("Peringatan dihitung sebagai galat.", "Count warnings as errors."))
@click.option("--profile", type=click.Choice(list(PROFILES)), default=None,
              help=_("Profil pemeriksaan; bawaan: 'profile' di pustaka.yaml (iso10013 bila tidak ada).",
                     "Lint profile; default: 'profile' in pustaka.yaml (iso10013 when absent)."))
@lang_option
def lint_command(paths: tuple[str, ...], fmt: str, strict: bool, profile: str | None) -> None:
    lang = current_lang()
    findings = []
    checked = 0
    for root, files in _targets(paths).items():
        library, problems = _load(root)
        if files is not None:
            _include_outside_files(library, problems, files)
        findings.extend(lint(library, problems, only=files, profile=profile))
        checked += len(files) if files is not None else len(library.procedures) + len({p.file for p in problems})
    text = format_findings(findings, fmt, lang, files=checked)
    if text:
        click.echo(text)
    sys.exit(1 if has_errors(findings, strict=strict) else 0)


# -- rules --------------------------------------------------------------------------------------------
@cli.command("rules", help=_("Daftar aturan pemeriksaan beserta penjelasannya.", "List the lint rules with their explanations."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help=_("Format keluaran.", "Output format."))
@lang_option
def rules_command(fmt: str) -> None:
    from .i18n import t

    lang = current_lang()
    rules = sorted(RULES.values(), key=lambda r: r.code)
    if fmt == "json":
        data = [{"code": r.code, "slug": r.slug, "severity": str(r.severity), "explanation": r.explanation(lang),
                 "profiles": {name: str(sev) if sev else None for name, sev in r.profiles().items()}}
                for r in rules]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    import textwrap

    off = _msg("tidak diperiksa", "not checked")
    for r in rules:
        per = r.profiles()
        if len(set(per.values())) == 1:
            where = t(str(r.severity), lang)
        else:
            where = ", ".join(f"{name}: {t(str(sev), lang) if sev else off}" for name, sev in per.items())
        click.echo(f"{r.code} {r.slug} ({where})")
        click.echo(textwrap.fill(r.explanation(lang), width=100, initial_indent="    ", subsequent_indent="    "))
        click.echo()


# -- schema -------------------------------------------------------------------------------------------
SCHEMA_BASE = "https://prosedur.example/schema/"


def json_schema(library: bool = False) -> dict[str, Any]:
    """JSON Schema of the procedure source (or of pustaka.yaml), for editors' completion and checks."""
    model: type[Procedure] | type[LibraryInfo] = LibraryInfo if library else Procedure
    schema = model.model_json_schema()
    name = "pustaka" if library else "prosedur"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}{name}-{__version__}.json",
        **schema,
        "title": "Pustaka prosedur (pustaka.yaml)" if library else "Prosedur kerja",
    }


@cli.command("schema", help=_(
    "Cetak JSON Schema format sumber prosedur (atau pustaka.yaml dengan --library).",
    "Print the JSON Schema of the procedure source format (or of pustaka.yaml with --library).",
))
@click.option("--library", "for_library", is_flag=True,
              help=_("Skema pustaka.yaml, bukan skema prosedur.", "The pustaka.yaml schema, not the procedure's."))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Tulis ke berkas ini.", "Write to this file."))
@lang_option
def schema_command(for_library: bool, out: Path | None) -> None:
    text = json.dumps(json_schema(for_library), ensure_ascii=False, indent=2)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(_msg(f"skema ditulis ke {display_path(out)}", f"schema written to {display_path(out)}"))


# -- show ---------------------------------------------------------------------------------------------


def _status(value: str, lang: str) -> str:
    from .model import Status
    from .workflow import STATUS_LABELS

    pair = STATUS_LABELS.get(Status(value)) if value in Status._value2member_map_ else None
    return value if lang == "en" or pair is None else pair[0]


@cli.command("show", help=_(
    "Ringkasan prosedur: nomor, revisi, status, peran, jumlah langkah dan temuan. Untuk pustaka: tabel semua prosedur.",
    "Procedure summary: number, revision, status, roles, step count and findings. For a library: a table of all.",
))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@lang_option
def show_command(path: Path) -> None:
    lang = current_lang()
    root = find_library_root(path)
    library, problems = _load(root)
    files = None if path.is_dir() and path.resolve() == root.resolve() else [path.resolve()]
    if files is not None:
        _include_outside_files(library, problems, files)
    findings = lint(library, problems, only=files)
    by_file: dict[str, dict[Severity, int]] = {}
    for f in findings:
        by_file.setdefault(f.file, counts([]))[f.severity] += 1
    procs = [p for p in library.procedures if files is None or (p.source and p.source.resolve() in files)]
    if files is not None:
        for proc in procs:
            n = by_file.get(display_path(proc.source or ""), counts([]))
            roles = ", ".join(library.role_name(r.id, proc, lang) for r in proc.roles)
            rows = [
                (_msg("Nomor", "Number"), proc.number),
                (_msg("Judul", "Title"), plain(proc.title_en if lang == "en" and proc.title_en else proc.title)),
                (_msg("Revisi", "Revision"), str(proc.revision)),
                ("Status", _status(str(proc.status), lang)),
                (_msg("Peran", "Roles"), roles or "-"),
                (_msg("Langkah", "Steps"), str(len(proc.steps))),
                (_msg("Temuan", "Findings"), _counts_text(n, lang)),
            ]
            width = max(len(k) for k, _v in rows)
            for key, value in rows:
                click.echo(f"{key:<{width}}  {value}")
        if not procs:
            for p in problems:
                click.echo(p.format(lang), err=True)
            sys.exit(2)
        return
    header = (_msg("Nomor", "Number"), _msg("Judul", "Title"), "Rev", "Status", _msg("Langkah", "Steps"),
              _msg("Galat", "Errors"), _msg("Peringatan", "Warnings"))
    table = [header]
    for proc in library.procedures:
        n = by_file.get(display_path(proc.source or ""), counts([]))
        title = plain(proc.title_en if lang == "en" and proc.title_en else proc.title)
        table.append((proc.number, title[:48], str(proc.revision), _status(str(proc.status), lang),
                      str(len(proc.steps)), str(n[Severity.ERROR]), str(n[Severity.WARNING])))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    click.echo(_msg(f"{len(library.procedures)} prosedur; {len(problems)} masalah berkas",
                    f"{len(library.procedures)} procedure(s); {len(problems)} file problem(s)"))


def _counts_text(n: dict[Severity, int], lang: str) -> str:
    if lang == "en":
        return f"{n[Severity.ERROR]} error(s), {n[Severity.WARNING]} warning(s), {n[Severity.INFO]} info"
    return f"{n[Severity.ERROR]} galat, {n[Severity.WARNING]} peringatan, {n[Severity.INFO]} info"


# -- init ---------------------------------------------------------------------------------------------
def sample_dir() -> Path:
    """The packaged sample library.

    An installed copy (`prosedur/data/smlti`, if a packager put it there) wins; otherwise the
    `examples/smlti` folder of the source checkout the package was installed from (editable installs,
    which is how this project is run and tested). One copy of the sample in the repository is simpler
    than keeping a second copy in sync.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / "smlti", here.parent.parent / "examples" / "smlti"):
        if (candidate / LIBRARY_FILE).is_file():
            return candidate
    raise CliError("contoh pustaka tidak ditemukan di instalasi ini", "the sample library is not in this installation")


def _parse_pairs(values: Iterable[str], what: str) -> dict[str, str]:
    """`id=Nama` pairs from repeated options."""
    out: dict[str, str] = {}
    for value in values:
        key, sep, name = value.partition("=")
        key = key.strip()
        if not sep or not re.match(r"^[A-Za-z][A-Za-z0-9_.-]*$", key) or not name.strip():
            raise CliError(f"{what} '{value}' harus ditulis id=Nama", f"{what} '{value}' must be written id=Name")
        out[key] = name.strip()
    return out


@cli.command("init", help=_(
    "Buat pustaka prosedur baru di DIR (pustaka.yaml dan folder prosedur); --sample menyalin contoh SMLTI.",
    "Create a new procedure library in DIR (pustaka.yaml and a procedures folder); --sample copies the SMLTI sample.",
))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--organisation", help=_("Nama instansi.", "Name of the agency."))
@click.option("--unit-name", help=_("Nama unit penyelenggara layanan TI.", "Name of the IT service unit."))
@click.option("--unit", "units", multiple=True, metavar="ID=NAMA",
              help=_("Unit kerja (boleh berulang), mis. pusdatin='Pusat Data dan Informasi'.",
                     "Work unit (repeatable), e.g. pusdatin='Data and Information Centre'."))
@click.option("--role", "roles", multiple=True, metavar="ID=NAMA",
              help=_("Peran (boleh berulang), mis. kepala_pusdatin='Kepala PUSDATIN'.",
                     "Role (repeatable), e.g. kepala_pusdatin='Head of PUSDATIN'."))
@click.option("--sample", is_flag=True, help=_("Salin prosedur contoh SMLTI beserta peran dan unitnya.",
                                               "Copy the SMLTI sample procedures with their roles and units."))
@click.option("--yes", "-y", is_flag=True, help=_("Jangan bertanya; pakai nilai bawaan.", "Do not prompt; use defaults."))
@lang_option
def init_command(directory: Path, organisation: str | None, unit_name: str | None, units: tuple[str, ...],
                 roles: tuple[str, ...], sample: bool, yes: bool) -> None:
    if (directory / LIBRARY_FILE).exists():
        raise CliError(f"{display_path(directory / LIBRARY_FILE)} sudah ada", f"{display_path(directory / LIBRARY_FILE)} already exists")
    interactive = not yes  # prompts read stdin; --yes for scripts
    if organisation is None:
        organisation = (click.prompt(_msg("Nama instansi", "Agency name")) if interactive else "Instansi")
    if unit_name is None and interactive:
        unit_name = click.prompt(_msg("Nama unit penyelenggara", "Service unit name"), default="", show_default=False) or None
    unit_map = _parse_pairs(units, "unit")
    role_map = _parse_pairs(roles, _msg("peran", "role"))
    if interactive and not unit_map and not sample:
        raw = click.prompt(_msg("Unit kerja (id=Nama, dipisah koma; kosong untuk lewati)",
                                "Work units (id=Name, comma separated; empty to skip)"), default="", show_default=False)
        unit_map = _parse_pairs([p for p in raw.split(",") if p.strip()], "unit")
    if interactive and not role_map and not sample:
        raw = click.prompt(_msg("Peran (id=Nama, dipisah koma; kosong untuk lewati)",
                                "Roles (id=Name, comma separated; empty to skip)"), default="", show_default=False)
        role_map = _parse_pairs([p for p in raw.split(",") if p.strip()], _msg("peran", "role"))
    data: dict[str, Any] = {"organisation": organisation}
    if unit_name:
        data["unit"] = unit_name
    data["language"] = "id"
    data["numbering"] = {"procedure": Numbering().procedure, "form": Numbering().form}
    data["review_interval_months"] = 12
    data["procedures_dir"] = "prosedur"
    unit_data: dict[str, Any] = {}
    role_data: dict[str, Any] = {}
    src = sample_dir() if sample else None
    if src is not None:
        sample_info = yaml.safe_load((src / LIBRARY_FILE).read_text(encoding="utf-8"))
        unit_data.update(sample_info.get("units") or {})
        role_data.update(sample_info.get("roles") or {})
        data["numbering"] = sample_info.get("numbering", data["numbering"])
    unit_data.update({k: {"name": v} for k, v in unit_map.items()})
    role_data.update({k: {"name": v} for k, v in role_map.items()})
    data["units"] = unit_data
    data["roles"] = role_data
    LibraryInfo.model_validate(data)  # fail here, not on first use
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "prosedur").mkdir(exist_ok=True)
    header = ("# Pustaka prosedur — dibuat dengan `prosedur init`.\n"
              "# Peran (roles) dan unit kerja (units) didefinisikan sekali di sini dan dirujuk dengan id-nya.\n")
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    (directory / LIBRARY_FILE).write_text(header + body, encoding="utf-8")
    copied = 0
    if src is not None:
        for file in procedure_files(src, LibraryInfo.model_validate(yaml.safe_load((src / LIBRARY_FILE).read_text("utf-8")))):
            shutil.copy2(file, directory / "prosedur" / file.name)
            copied += 1
        if (src / "aset").is_dir():
            shutil.copytree(src / "aset", directory / "aset", dirs_exist_ok=True)
    click.echo(_msg(f"pustaka dibuat di {display_path(directory)} ({copied} prosedur contoh)",
                    f"library created in {display_path(directory)} ({copied} sample procedure(s))"))


# -- new ----------------------------------------------------------------------------------------------
# The scaffolding itself lives in `prosedur.scaffold` (shared with the web wizard).


@cli.command("new", help=_(
    "Buat draf prosedur baru di pustaka LIBRARY untuk sebuah layanan: judul, tujuan, peran dan langkah "
    "(pelaksana: kegiatan; akhiri kegiatan dengan '?' untuk keputusan). Nomor berikutnya diusulkan dari pola pustaka.",
    "Create a draft procedure in library LIBRARY for a service: title, purpose, roles and steps "
    "(actor: action; end the action with '?' for a decision). The next number is proposed from the library's pattern.",
))
@click.argument("library_path", metavar="LIBRARY", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--title", help=_("Judul prosedur.", "Procedure title."))
@click.option("--purpose", help=_("Tujuan prosedur.", "Purpose of the procedure."))
@click.option("--number", help=_("Nomor dokumen (bawaan: nomor bebas berikutnya).", "Document number (default: the next free one)."))
@click.option("--role", "roles", multiple=True, metavar="ID[=NAMA]",
              help=_("Peran (boleh berulang): id pustaka, atau id=Nama untuk peran lokal.",
                     "Role (repeatable): a library id, or id=Name for a local role."))
@click.option("--step", "steps", multiple=True, metavar="'PELAKSANA: KEGIATAN'",
              help=_("Langkah (boleh berulang), mis. --step 'pemohon: Mengajukan permohonan'.",
                     "Step (repeatable), e.g. --step 'pemohon: Mengajukan permohonan'."))
@click.option("--owner", help=_("Id unit kerja pemilik (bawaan: unit peran yang paling banyak bekerja).",
                               "Owning unit id (default: the unit of the role doing most steps)."))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Berkas tujuan (bawaan: folder prosedur pustaka).", "Target file (default: the library's procedures folder)."))
@click.option("--yes", "-y", is_flag=True, help=_("Jangan bertanya; pakai nilai bawaan.", "Do not prompt; use defaults."))
@lang_option
def new_command(library_path: Path, title: str | None, purpose: str | None, number: str | None,
                roles: tuple[str, ...], steps: tuple[str, ...], owner: str | None, out: Path | None,
                yes: bool) -> None:
    library, _problems = _load(find_library_root(library_path))
    interactive = not yes  # prompts read stdin; --yes for scripts
    if number is None:
        number = next_number(library)
        if interactive:
            number = click.prompt(_msg("Nomor dokumen", "Document number"), default=number)
    if library.procedure(number) is not None:
        raise CliError(f"nomor {number} sudah dipakai", f"number {number} is already in use")
    if not title:
        if not interactive:
            raise CliError("--title wajib diisi", "--title is required")
        title = click.prompt(_msg("Judul", "Title"))
    if purpose is None:
        purpose = click.prompt(_msg("Tujuan", "Purpose"), default="", show_default=False) if interactive else ""
    role_map: dict[str, str | None] = {}
    if not roles and not steps and interactive:
        listing = ", ".join(library.info.roles)
        click.echo(_msg(f"Peran pustaka: {listing}", f"Library roles: {listing}"))
        raw = click.prompt(_msg("Peran (id atau id=Nama, dipisah koma)", "Roles (id or id=Name, comma separated)"),
                           default="", show_default=False)
        roles = tuple(p.strip() for p in raw.split(",") if p.strip())
    for value in roles:
        key, sep, name = value.partition("=")
        role_map[key.strip()] = name.strip() if sep else None
    parsed = [parse_step(s) for s in steps]
    if not parsed and interactive:
        click.echo(_msg("Langkah: 'pelaksana: kegiatan' (akhiri dengan ? untuk keputusan); kosong untuk selesai.",
                        "Steps: 'actor: action' (end with ? for a decision); empty to finish."))
        while True:
            raw = click.prompt(_msg(f"Langkah {len(parsed) + 1}", f"Step {len(parsed) + 1}"), default="", show_default=False)
            if not raw.strip():
                break
            parsed.append(parse_step(raw))
    if owner is not None and owner not in library.info.units:
        raise CliError(f"unit '{owner}' tidak ada di pustaka", f"unit '{owner}' is not in the library")
    text = scaffold_procedure(library, number=number, title=title, purpose=purpose, roles=role_map, steps=parsed,
                              owner=owner)
    target = out or library.root / library.info.procedures_dir / f"{_slug(number)}-{_slug(title)}.yaml"
    if target.exists():
        raise CliError(f"{display_path(target)} sudah ada", f"{display_path(target)} already exists")
    from .load import load_procedure_text

    load_procedure_text(text, display_path(target))  # the scaffold must load; a bug here is ours
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(_msg(f"prosedur {number} ditulis ke {display_path(target)}; jalankan `prosedur lint {display_path(target)}`",
                    f"procedure {number} written to {display_path(target)}; run `prosedur lint {display_path(target)}`"))


# -- build ---------------------------------------------------------------------------------------------
class _Progress:
    """A progress bar on stderr, opened at the first report (its total is known only then): the
    `progress(done, total)` callback of build and import."""

    def __init__(self, label: str):
        self.label = label
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command("build", help=_(
    "Bangun situs statis dan dokumen (HTML, PDF, DOCX, SOP) untuk pustaka LIBRARY ke folder --out; "
    "hanya prosedur yang berubah yang dibangun ulang.",
    "Build the static site and documents (HTML, PDF, DOCX, SOP) of LIBRARY into --out; "
    "only procedures that changed are rebuilt.",
))
@click.argument("library", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True,
              help=_("Folder keluaran.", "Output folder."))
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help=_("Jumlah proses paralel (bawaan: jumlah inti).", "Parallel processes (default: CPU count)."))
@click.option("--formats", default="html,pdf,docx,sop", show_default=True,
              help=_("Format yang dibangun, dipisah koma: html (dokumen), pdf (dokumen dan, bersama sop, lembar "
                     "SOP dalam PDF), docx (dokumen dan, bersama sop, lembar SOP dalam DOCX), sop (lembar SOP "
                     "dalam HTML).",
                     "Formats to build, comma separated: html (the document), pdf (the document and, with sop, the "
                     "SOP sheet as PDF), docx (the document and, with sop, the SOP sheet as DOCX), sop (the SOP "
                     "sheet as HTML)."))
@click.option("--langs", default="id,en", show_default=True,
              help=_("Bahasa yang dibangun, dipisah koma.", "Languages to build, comma separated."))
@click.option("--force", is_flag=True, help=_("Bangun ulang semuanya.", "Rebuild everything."))
@click.option("--pdf-engine", type=click.Choice(["auto", "chromium", "weasyprint"]), default="auto", show_default=True,
              help=_("Mesin PDF: auto memakai Chromium bila terpasang (sekitar 3x lebih cepat), selain itu WeasyPrint.",
                     "PDF engine: auto takes Chromium when installed (about 3x faster), else WeasyPrint."))
@click.option("--strict", is_flag=True,
              help=_("Tolak membangun (kode keluar 1, tidak ada yang dibangun) bila sumber memiliki galat lint.",
                     "Refuse to build (exit code 1, nothing built) when the sources have lint errors."))
@lang_option
def build_command(library: Path, out: Path, jobs: int | None, formats: str, langs: str, force: bool,
                  pdf_engine: str, strict: bool) -> None:
    from .site.build import ALL_FORMATS, build, default_jobs

    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in ALL_FORMATS]
    if unknown:
        raise CliError(f"format tidak dikenal: {', '.join(unknown)}", f"unknown format: {', '.join(unknown)}")
    lang_list = [code.strip() for code in langs.split(",") if code.strip() in LANGS]
    progress = _Progress(_msg("Membangun", "Building"))

    root = find_library_root(library)
    try:
        report = build(root, out, jobs=jobs or default_jobs(), formats=wanted, langs=lang_list, force=force,
                       progress=progress, pdf_engine=pdf_engine, strict=strict)
    except ValueError as exc:  # an engine asked for by name that is not there
        raise CliError(str(exc), str(exc)) from None
    progress.close()
    if report.lint_errors:
        total = sum(report.lint_errors.values())
        names = ", ".join(f"{name} ({count})" for name, count in sorted(report.lint_errors.items()))
        if report.refused:
            click.echo(_msg(
                f"tidak dibangun (--strict): {total} galat lint di {len(report.lint_errors)} prosedur: {names}; "
                "periksa dengan `prosedur lint`",
                f"not built (--strict): {total} lint errors in {len(report.lint_errors)} procedures: {names}; "
                "see `prosedur lint`",
            ), err=True)
            sys.exit(1)
        click.echo(_msg(
            f"peringatan: membangun sumber dengan {total} galat lint di {len(report.lint_errors)} prosedur: {names}; "
            "periksa dengan `prosedur lint`",
            f"warning: building sources with {total} lint errors in {len(report.lint_errors)} procedures: {names}; "
            "see `prosedur lint`",
        ), err=True)
    for note in report.notes:
        click.echo(note, err=True)
    for key, error in sorted(report.failed.items()):
        click.echo(f"{key}: {error}", err=True)
    click.echo(_msg(
        f"{len(report.built)} dibangun, {len(report.skipped)} tidak berubah, {len(report.failed)} gagal → {display_path(out)}",
        f"{len(report.built)} built, {len(report.skipped)} unchanged, {len(report.failed)} failed → {display_path(out)}",
    ) + (f" (PDF: {report.pdf_engine})" if "pdf" in wanted and report.built else ""))
    if report.failed:
        sys.exit(1)


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--into", "into", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=_("Folder pustaka tujuan (pustaka.yaml dibuat bila belum ada, profil permenpan).",
                     "Target library folder (pustaka.yaml is created when absent, profile permenpan)."))
@click.option("--report-json", "report_json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Tulis juga laporan JSON ke berkas ini.", "Also write a JSON report to this file."))
@click.option("--jobs", type=int, default=2, show_default=True, help=_("Proses paralel.", "Parallel processes."))
@click.option("--force", is_flag=True, help=_("Timpa sumber yang sudah ada.", "Overwrite existing sources."))
@click.option("--max-pages", type=int, default=40, show_default=True,
              help=_("Tolak berkas yang lebih panjang.", "Refuse longer files."))
@lang_option
def import_command(paths: tuple[Path, ...], into: Path, report_json_path: Path | None, jobs: int, force: bool,
                   max_pages: int) -> None:
    """Impor SOP PermenPAN-RB (PDF atau DOCX) menjadi sumber / import signed SOP PDFs or Word files into sources.

    Satu sumber YAML per SOP, dan laporan per berkas: apa yang terbaca dan setiap butir yang tidak terbaca
    (dengan halaman dan baris); butir itu juga ditandai `unread` di sumber (lint P120).
    """
    from .importer.run import import_files, report_json, report_text

    lang = current_lang()
    progress = _Progress(_msg("Mengimpor", "Importing"))

    results = import_files(list(paths), into, jobs=jobs, force=force, max_pages=max_pages, progress=progress)
    progress.close()
    click.echo(report_text(results, lang))
    if report_json_path is not None:
        report_json_path.write_text(report_json(results, lang), encoding="utf-8")
    if any(r.error for r in results) and not any(r.written for r in results):
        sys.exit(1)


def _register_extensions() -> None:
    """Commands that live beside their capability (ISO/IEC 20000-1 coverage and registers)."""
    from .iso20000.commands import coverage_command, registers_command

    cli.add_command(coverage_command)
    cli.add_command(registers_command)


_register_extensions()


def main(argv: list[str] | None = None) -> None:
    """Console entry point (`prosedur`)."""
    cli.main(args=argv, prog_name="prosedur")


if __name__ == "__main__":  # pragma: no cover
    main()
