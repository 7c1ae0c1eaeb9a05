"""P0xx: files the loader could not turn into a procedure. `lint()` converts loader problems here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..core import Finding, Severity, rule


@rule(
    "P000", "source-unreadable", Severity.ERROR,
    explain_id="Berkas tidak dapat dibaca sebagai YAML: tidak ada, terlalu besar, bukan teks UTF-8, "
    "sintaksnya salah, atau memakai fitur YAML yang ditolak (anchor/alias, tag, kunci ganda). Berkas ini "
    "dilewati; prosedur lain tetap diperiksa.",
    explain_en="The file cannot be read as YAML: missing, too large, not UTF-8 text, a syntax error, or a "
    "refused YAML feature (anchors/aliases, tags, duplicate keys). The file is skipped; the other "
    "procedures are still checked.",
)
def check_source_unreadable(ctx: Any) -> Iterator[Finding]:
    """Produced from loader problems, not by inspecting a model."""
    yield from ()


@rule(
    "P001", "source-invalid", Severity.ERROR,
    explain_id="Isi berkas tidak sesuai format sumber prosedur: kunci tidak dikenal, nilai berjenis salah, "
    "tanggal tidak berformat YYYY-MM-DD, atau isian wajib kosong. Lihat skema dari `prosedur schema`.",
    explain_en="The file does not match the procedure source format: an unknown key, a value of the wrong "
    "type, a date not written YYYY-MM-DD, or a required field left empty. See `prosedur schema`.",
)
def check_source_invalid(ctx: Any) -> Iterator[Finding]:
    """Produced from loader problems, not by inspecting a model."""
    yield from ()
