"""Printable reports of the management-system view: the coverage matrix and the registers, as HTML/PDF,
and the coverage matrix as Markdown for the project's documentation.

The reports are built from the same flat tables as the CSV/XLSX exports (`export.py`), so what an
auditor prints, downloads and sees on screen cannot disagree. HTML is rendered by Jinja2 with
autoescaping on (procedure text is user text); the PDF goes through the core's WeasyPrint wrapper
with the safe URL fetcher (`prosedur.render.fetch`), so a report can read nothing but our own files.
Nothing reads the clock: the caller passes the date printed on the report, which also becomes the
PDF's metadata date, so the same library on the same day gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..model import Library
from .coverage import MAJOR_INCIDENT_CLAUSE, Coverage, GapReason
from .export import Table, coverage_table, gaps_table, register_table
from .registers import Cell, Register

__all__ = ["coverage_html", "coverage_markdown", "coverage_pdf", "register_html", "register_pdf", "tables_html"]


def _m(lang: str, id_text: str, en_text: str) -> str:
    return en_text if lang == "en" else id_text


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("prosedur.iso20000", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _show(lang: str) -> Any:
    def show(cell: Cell) -> str:
        if cell is None:
            return ""
        if isinstance(cell, bool):
            return _m(lang, "Ya" if cell else "Tidak", "Yes" if cell else "No")
        if isinstance(cell, dt.date):
            return cell.isoformat()
        return str(cell)

    return show


def tables_html(
    title: str,
    tables: Sequence[Table],
    *,
    library: Library,
    generated: dt.date,
    lang: str = "id",
    intro: Sequence[str] = (),
    callout: str = "",
    flag_rows: Sequence[bool] = (),
    flag_table: str = "",
    landscape: bool = False,
) -> str:
    """A titled, printable HTML page of tables (escaped); rows of `flag_table` may be highlighted."""
    info = library.info
    organisation = (info.organisation_en or info.organisation) if lang == "en" else info.organisation
    return _env().get_template("report.html").render(
        lang=lang, title=title, tables=tables, organisation=organisation, generated=generated.isoformat(),
        generated_label=_m(lang, "Dibuat", "Generated"), intro=list(intro), callout=callout,
        row_classes=["flag" if f else "" for f in flag_rows], flag_table=flag_table,
        footer=_m(lang, "Prosedur - dokumen tidak terkendali bila dicetak",
                  "Prosedur - uncontrolled when printed"),
        page_word=_m(lang, "Halaman", "Page"), empty_label=_m(lang, "Tidak ada baris.", "No rows."),
        show=_show(lang), cell_is_mark=lambda c: isinstance(c, str) and c.startswith(("✓", "(✓")),
        landscape=landscape,
    )


def _headline(cov: Coverage, lang: str) -> str:
    n = cov.counts()
    return _m(
        lang,
        f"{n['required_covered']} dari {n['required']} klausul yang meminta informasi terdokumentasi tercakup "
        f"oleh {n['procedures']} prosedur berlaku ({n['pending']} masih dalam proses); {n['gaps']} kesenjangan.",
        f"{n['required_covered']} of {n['required']} clauses that ask for documented information are covered "
        f"by {n['procedures']} effective procedures ({n['pending']} pending); {n['gaps']} gaps.",
    )


def major_incident_note(cov: Coverage, lang: str = "id") -> str:
    """8.6.1 is the one clause that asks for a documented procedure: say plainly whether it is met."""
    gap = cov.gap(MAJOR_INCIDENT_CLAUSE)
    if gap is None:
        names = ", ".join(p.number for p in cov.major_incident)
        return _m(lang, f"Klausul 8.6.1 (insiden mayor) dipenuhi oleh prosedur terdokumentasi: {names}.",
                  f"Clause 8.6.1 (major incidents) is met by a documented procedure: {names}.")
    if gap.reason is GapReason.MAJOR_INCIDENT_NOT_ADDRESSED:
        return _m(lang, "Klausul 8.6.1 mewajibkan prosedur terdokumentasi untuk insiden mayor: ",
                  "Clause 8.6.1 requires a documented procedure for major incidents: ") + gap.message(lang) + "."
    return _m(lang, "Klausul 8.6.1 mewajibkan prosedur terdokumentasi untuk insiden mayor, dan belum ada "
              "prosedur berlaku yang mencakupnya.",
              "Clause 8.6.1 requires a documented procedure for major incidents, and no effective procedure "
              "covers it.")


def coverage_html(cov: Coverage, library: Library, *, generated: dt.date, lang: str = "id") -> str:
    gaps = gaps_table(cov, lang)
    return tables_html(
        _m(lang, "Matriks cakupan SNI ISO/IEC 20000-1:2018", "ISO/IEC 20000-1:2018 coverage matrix"),
        [gaps, coverage_table(cov, lang)],
        library=library, generated=generated, lang=lang, intro=[_headline(cov, lang)],
        callout=major_incident_note(cov, lang),
        flag_rows=[g.clause.number == MAJOR_INCIDENT_CLAUSE for g in cov.gaps], flag_table=gaps.name,
        landscape=True,
    )


def register_html(reg: Register[Any], library: Library, *, generated: dt.date, lang: str = "id") -> str:
    return tables_html(reg.title(lang), [register_table(reg, lang)], library=library, generated=generated,
                       lang=lang, landscape=True)


def _pdf(html: str, library: Library, generated: dt.date) -> bytes:
    from ..render.pdf import html_to_pdf  # WeasyPrint is heavy: import only when a PDF is asked for

    return html_to_pdf(html, library_root=library.root, stamp=f"{generated.isoformat()}T00:00:00+00:00")


def coverage_pdf(cov: Coverage, library: Library, *, generated: dt.date, lang: str = "id") -> bytes:
    return _pdf(coverage_html(cov, library, generated=generated, lang=lang), library, generated)


def register_pdf(reg: Register[Any], library: Library, *, generated: dt.date, lang: str = "id") -> bytes:
    return _pdf(register_html(reg, library, generated=generated, lang=lang), library, generated)


# -- Markdown -------------------------------------------------------------------------------------
def _md(text: str) -> str:
    """A table cell: pipes escaped, line breaks flattened, Markdown emphasis characters neutralised."""
    text = " ".join(str(text).split())
    for ch in ("\\", "|", "*", "_", "`", "[", "]", "<", ">"):
        text = text.replace(ch, "\\" + ch)
    return text


def _md_table(table: Table, lang: str) -> list[str]:
    show = _show(lang)
    lines = ["| " + " | ".join(_md(h) for h in table.headings) + " |",
             "|" + "|".join("---" for _ in table.headings) + "|"]
    lines += ["| " + " | ".join(_md(show(c)) for c in row) + " |" for row in table.rows]
    return lines


def coverage_summary_markdown(cov: Coverage, *, lang: str = "id", heading: str = "##") -> list[str]:
    """Headline, the 8.6.1 note and the gap table: what the README shows of the sample's coverage."""
    out = [
        _headline(cov, lang),
        "",
        "**" + _md(major_incident_note(cov, lang)) + "**",
        "",
        heading + " " + _m(lang, "Kesenjangan", "Gaps"),
        "",
    ]
    gaps = gaps_table(cov, lang)
    out += _md_table(gaps, lang) if gaps.rows else [_m(lang, "Tidak ada.", "None.")]
    return out


def coverage_markdown(cov: Coverage, *, lang: str = "id") -> str:
    """The matrix and its gaps as Markdown (docs/coverage.md). Clause rows list who covers them."""
    out = [
        "# " + _m(lang, "Cakupan SNI ISO/IEC 20000-1:2018", "ISO/IEC 20000-1:2018 coverage"),
        "",
        _m(lang, "Dihasilkan dari pustaka contoh oleh `python scripts/coverage_md.py`; jangan disunting "
           "dengan tangan.", "Generated from the sample library by `python scripts/coverage_md.py`; do not "
           "edit by hand."),
        "",
        *coverage_summary_markdown(cov, lang=lang),
    ]
    out += ["", "## " + _m(lang, "Klausul dan prosedur", "Clauses and procedures"), ""]
    via = _m(lang, "melalui", "via")
    statuses = [row[3] for row in coverage_table(cov, lang).rows]
    rows: list[list[Cell]] = []
    for r in cov.rows:
        who = [p.number for p in r.direct] + [f"{p.number} ({via} {v})" for p, v in r.inherited]
        rows.append([r.clause.number, r.clause.title(lang),
                     "; ".join(q.item(lang) for q in r.clause.requires),
                     statuses[len(rows)], ", ".join(who),
                     ", ".join(p.number for p in r.pending)])
    headings = [_m(lang, "Klausul", "Clause"), _m(lang, "Judul", "Title"), _m(lang, "Yang diminta", "Asks for"),
                "Status", _m(lang, "Prosedur berlaku", "Effective procedures"),
                _m(lang, "Dalam proses", "Pending")]
    out += _md_table(Table("", headings, rows), lang)
    out += ["", _m(lang, "Prosedur berlaku: ", "Effective procedures: ")
            + ", ".join(f"{_md(p.number)} {_md(p.display_title(lang))}" for p in cov.procedures) + "."]
    if cov.pending_procedures:
        out += ["", _m(lang, "Dalam proses (belum dihitung): ", "Pending (not counted): ")
                + ", ".join(f"{_md(p.number)} {_md(p.display_title(lang))}" for p in cov.pending_procedures) + "."]
    return "\n".join(out) + "\n"
