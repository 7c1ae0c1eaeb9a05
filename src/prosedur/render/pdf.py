"""PDF through WeasyPrint, from the same HTML as the web page, reading only our own files.

Deterministic: the PDF's creation and modification dates come from the procedure (issue date),
not the clock, so the same source gives the same bytes and a content hash can cover the PDF.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from ..model import Library, Procedure
from .document import document_view
from .fetch import TEMPLATES, fetcher_for
from .html import document_html

__all__ = ["html_to_pdf", "render_pdf"]

EPOCH = "2000-01-01T00:00:00+00:00"


def _stamp(date: dt.date | None) -> str:
    return f"{date.isoformat()}T00:00:00+00:00" if date else EPOCH


def html_to_pdf(html: str, *, library_root: Path | None, stamp: str = EPOCH) -> bytes:
    """WeasyPrint with the safe fetcher; fixed metadata dates; refused fetches are not errors."""
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(
        string=html,
        base_url=TEMPLATES.as_uri() + "/",
        url_fetcher=fetcher_for(library_root),
        media_type="print",
    ).render()
    document.metadata.created = stamp
    document.metadata.modified = stamp
    pdf: bytes = document.write_pdf()
    return pdf


def render_pdf(
    proc: Procedure,
    library: Library | None,
    *,
    lang: str = "id",
    controlled: bool = True,
    content_hash: str | None = None,
    verify_url: str | None = None,
) -> bytes:
    """The ISO/TR 10013 document as an A4 PDF with the control header and page x of y on every page."""
    view = document_view(proc, library, lang=lang, controlled=controlled, content_hash=content_hash)
    html = document_html(view, proc, library, verify_url=verify_url, for_pdf=True)
    return html_to_pdf(html, library_root=library.root if library else None, stamp=_stamp(proc.issued))
