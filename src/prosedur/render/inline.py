"""Inline emphasis as HTML: `*miring*` → <em>, `**tebal**` → <strong>.

The markers are parsed by `text.spans` (their one home); here each span's text is escaped and only
the <em>/<strong> tags are ours, so a `<i>` or `<script>` typed by an author stays visible text. The
templates use it as the `inline` filter (and `plain` where HTML is not allowed: <title>, attributes).
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from ..text import spans

__all__ = ["inline_html"]


def inline_html(text: object) -> Markup:
    """`text` as escaped HTML with its emphasis as <strong>/<em> (nothing else is ever markup)."""
    if text is None:
        return Markup("")
    out: list[str] = []
    for span in spans(str(text)):
        piece = escape(span.text, quote=True)
        if span.italic:
            piece = f"<em>{piece}</em>"
        if span.bold:
            piece = f"<strong>{piece}</strong>"
        out.append(piece)
    return Markup("".join(out))
