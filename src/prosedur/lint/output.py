"""Findings as text for people, as `file:line:col: CODE message` lines for editors, or as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..i18n import t
from .core import Finding, Severity, counts

FORMATS = ("text", "lines", "json")

_SUMMARY = {
    "id": "{files} berkas, {error} galat, {warning} peringatan, {info} info",
    "en": "{files} file(s), {error} error(s), {warning} warning(s), {info} info",
}
_CLEAN = {"id": "tidak ada temuan", "en": "no findings"}


def format_findings(findings: Iterable[Finding], fmt: str = "text", lang: str = "id", files: int = 0) -> str:
    """Render findings; `files` is how many files were checked (for the text summary)."""
    items = list(findings)
    if fmt == "json":
        return json.dumps([f.as_dict(lang) for f in items], ensure_ascii=False, indent=2)
    if fmt == "lines":
        return "\n".join(_line(f, lang) for f in items)
    return _text(items, lang, files)


def _line(f: Finding, lang: str) -> str:
    where = f"{f.file}:{f.line}:{f.col}" if f.line else f"{f.file}:0:0"
    return f"{where}: {f.code} {f.message(lang)}"


def _text(items: list[Finding], lang: str, files: int) -> str:
    out: list[str] = []
    current: str | None = None
    for f in items:
        if f.file != current:
            if current is not None:
                out.append("")
            out.append(f.file)
            current = f.file
        where = f"{f.line}:{f.col}" if f.line else "-"
        sev = t(str(f.severity), lang)
        field = f" [{f.path}]" if f.path else ""
        out.append(f"  {where:>8}  {sev:<10} {f.code} {f.message(lang)}{field}  ({f.slug})")
    n = counts(items)
    if out:
        out.append("")
    summary = _SUMMARY["en" if lang == "en" else "id"].format(
        files=files, error=n[Severity.ERROR], warning=n[Severity.WARNING], info=n[Severity.INFO]
    )
    if not items:
        summary = f"{summary} — {_CLEAN['en' if lang == 'en' else 'id']}"
    out.append(summary)
    return "\n".join(out)
