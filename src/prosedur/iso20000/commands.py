"""`prosedur coverage` and `prosedur registers`: click commands over the management-system view.

They live here rather than in `prosedur.cli` so that this package owns its own surface; the CLI adds
them to its group (`cli.add_command(coverage_command)`). Exit codes, for CI: 0 all clauses that ask
for something are covered, 1 a gap remains, 2 the library (or a file in it) could not be read or the
arguments were wrong.

Text output goes to a terminal, so control characters in user text (an ESC starting a terminal
escape sequence, say) are replaced before printing.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import SourceError
from ..i18n import LANGS, default_lang
from ..load import load_library
from ..model import Library
from .coverage import STATUS_LABELS, ClauseStatus, Coverage, coverage
from .export import Table, coverage_table, gaps_table, register_table, to_csv, to_xlsx
from .registers import Cell, RegisterKind, register

__all__ = ["coverage_command", "registers_command", "terminal_safe"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _help_lang() -> str:
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if value in LANGS:
            return value
    return default_lang()


_HELP_LANG = _help_lang()


def _(id_text: str, en_text: str) -> str:
    return en_text if _HELP_LANG == "en" else id_text


def _m(lang: str, id_text: str, en_text: str) -> str:
    return en_text if lang == "en" else id_text


def terminal_safe(text: str) -> str:
    """User text fit for a terminal: control and bidi-override characters become U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


def _load(path: Path, lang: str) -> Library:
    try:
        library, problems = load_library(path)
    except SourceError as exc:
        problems = exc.problems
        library = None
    if problems or library is None:
        for problem in problems:
            click.echo(terminal_safe(problem.format(lang)), err=True)
        click.echo(
            _m(lang, "Pustaka tidak dapat dibaca utuh; cakupan dan daftar tidak dapat dipercaya.",
               "The library could not be read in full; coverage and registers cannot be trusted."),
            err=True,
        )
        raise SystemExit(2)
    return library


def _emit(data: str | bytes, out: Path | None, lang: str) -> None:
    if out is None:
        if isinstance(data, bytes):
            raise click.UsageError(_m(lang, "format xlsx memerlukan --out BERKAS", "xlsx needs --out FILE"))
        click.echo(data, nl=not data.endswith("\n"))
        return
    if isinstance(data, bytes):
        out.write_bytes(data)
    else:
        # CSV gets a byte-order mark so Excel reads Indonesian accents; JSON and text do not need one.
        encoding = "utf-8-sig" if out.suffix.lower() == ".csv" else "utf-8"
        out.write_text(data, encoding=encoding, newline="")
    click.echo(_m(lang, f"Ditulis: {out}", f"Written: {out}"), err=True)


def _text_cell(value: Cell, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _m(lang, "Ya" if value else "Tidak", "Yes" if value else "No")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return terminal_safe(str(value))


def format_table(table: Table, lang: str = "id", max_width: int = 40) -> str:
    """Aligned plain-text columns; long cells are cut with an ellipsis (the CSV has them whole)."""

    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    grid = [[cut(terminal_safe(h)) for h in table.headings]]
    grid += [[cut(_text_cell(v, lang)) for v in row] for row in table.rows]
    widths = [max(len(r[i]) for r in grid) for i in range(len(table.headings))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in grid]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return terminal_safe(table.name) + "\n\n" + "\n".join(lines) + "\n"


def format_coverage(cov: Coverage, lang: str = "id") -> str:
    """The human report: headline, clause list, gaps (8.6.1 called out), unknown clause numbers."""
    n = cov.counts()
    out = [
        _m(
            lang,
            f"Cakupan SNI ISO/IEC 20000-1:2018 oleh {n['procedures']} prosedur berlaku "
            f"({n['pending']} masih dalam proses): {n['required_covered']} dari {n['required']} klausul "
            f"yang meminta informasi terdokumentasi tercakup; {n['gaps']} kesenjangan.",
            f"ISO/IEC 20000-1:2018 coverage by {n['procedures']} effective procedures "
            f"({n['pending']} pending): {n['required_covered']} of {n['required']} clauses that ask for "
            f"documented information are covered; {n['gaps']} gaps.",
        ),
        "",
    ]
    for row in cov.rows:
        indent = "  " * (row.clause.depth - 1)
        who = [p.number for p in row.direct]
        who += [f"{p.number} ({_m(lang, 'melalui', 'via')} {via})" for p, via in row.inherited]
        pend = [f"{p.number} [{_m(lang, 'draf', 'draft')}]" for p in row.pending]
        status = STATUS_LABELS[row.status][1 if lang == "en" else 0]
        mark = "!" if row.clause.requires and row.status is not ClauseStatus.COVERED else " "
        text = f"{mark} {indent}{row.clause.number} {row.clause.title(lang)} — {status}"
        if who or pend:
            text += ": " + ", ".join(who + pend)
        out.append(text)
    if cov.gaps:
        out += ["", _m(lang, "Kesenjangan:", "Gaps:")]
        for gap in cov.gaps:
            flag = _m(lang, " [WAJIB PROSEDUR TERDOKUMENTASI]", " [DOCUMENTED PROCEDURE REQUIRED]") if gap.procedure_required else ""
            asks = "; ".join(f"{q.kind_label(lang)}: {q.item(lang)}" for q in gap.requirements)
            out.append(f"- {gap.clause.number} {gap.clause.title(lang)}{flag}: {gap.message(lang)} ({asks})")
            if gap.claimed_by:
                out.append("    " + _m(lang, "diklaim oleh: ", "claimed by: ") + ", ".join(p.number for p in gap.claimed_by))
            if gap.pending:
                out.append("    " + _m(lang, "dalam proses: ", "pending: ") + ", ".join(p.number for p in gap.pending))
    if cov.unknown:
        out += ["", _m(lang, "Nomor klausul tidak dikenal:", "Unknown clause numbers:")]
        out += [f"- {u.procedure} clauses[{u.index}]: {u.clause!r}" for u in cov.unknown]
    return terminal_safe("\n".join(out)) + "\n"


_LIB_ARG = click.argument("library", type=click.Path(exists=True, file_okay=False, path_type=Path))
_OUT = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                    help=_("Tulis ke berkas ini (wajib untuk xlsx)", "Write to this file (needed for xlsx)"))
_LANG = click.option("--lang", type=click.Choice(LANGS), default=None,
                     help=_("Bahasa keluaran (id/en)", "Output language (id/en)"))


@click.command("coverage", help=_(
    "Cakupan klausul SNI ISO/IEC 20000-1:2018 oleh prosedur berlaku dan daftar kesenjangannya. "
    "Kode keluar 1 bila ada klausul wajib yang belum tercakup.",
    "ISO/IEC 20000-1:2018 clause coverage by effective procedures, and the gap list. "
    "Exits 1 when a clause that asks for documented information is not covered.",
))
@_LIB_ARG
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "xlsx"]), default="text",
              show_default=True, help=_("Format keluaran", "Output format"))
@_OUT
@_LANG
def coverage_command(library: Path, fmt: str, out: Path | None, lang: str | None) -> None:
    lang = lang or default_lang()
    cov = coverage(_load(library, lang))
    data: str | bytes
    if fmt == "json":
        data = json.dumps(cov.as_dict(lang), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        data = to_csv(coverage_table(cov, lang), lang)
    elif fmt == "xlsx":
        data = to_xlsx([coverage_table(cov, lang), gaps_table(cov, lang)], lang)
    else:
        data = format_coverage(cov, lang)
    _emit(data, out, lang)
    raise SystemExit(0 if cov.ok else 1)


@click.command("registers", help=_(
    "Daftar induk dokumen, daftar rekaman, daftar formulir, atau daftar distribusi, diturunkan dari prosedur.",
    "Master list of documents, records register, forms register or distribution list, derived from the procedures.",
))
@_LIB_ARG
@click.option("--kind", type=click.Choice([k.value for k in RegisterKind]), required=True,
              help=_("Jenis daftar", "Which register"))
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "xlsx"]), default="text", show_default=True,
              help=_("Format keluaran", "Output format"))
@_OUT
@_LANG
@click.option("--all", "include_pending", is_flag=True,
              help=_("Sertakan prosedur yang belum berlaku bila belum ada revisi berlaku",
                     "Include procedures not yet effective when no revision is in force"))
def registers_command(
    library: Path, kind: str, fmt: str, out: Path | None, lang: str | None, include_pending: bool
) -> None:
    lang = lang or default_lang()
    reg: Any = register(_load(library, lang), kind, include_pending)
    table = register_table(reg, lang)
    data: str | bytes
    if fmt == "csv":
        data = to_csv(table, lang)
    elif fmt == "xlsx":
        data = to_xlsx([table], lang)
    else:
        data = format_table(table, lang)
    _emit(data, out, lang)
