"""Parameters in text: `{{nama}}` is replaced by the parameter's value and unit everywhere.

Stating a rule such as "lampiran maksimal 5 MB" once keeps the document, the SOP table and the
narrative in agreement. Unknown names are left visible (`{{nama}}`) and reported by the linter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from .model import Procedure

PARAM_RE = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_.-]*)\s*\}\}")


def substitute(text: str | None, proc: Procedure) -> str:
    """`text` with every known `{{name}}` replaced by its display value."""
    if not text:
        return ""
    if "{{" not in text:
        return text

    def repl(match: re.Match[str]) -> str:
        param = proc.parameters.get(match.group(1))
        return param.display() if param is not None else match.group(0)

    return PARAM_RE.sub(repl, text)


def cited_parameters(text: str | None) -> Iterator[str]:
    if text and "{{" in text:
        for match in PARAM_RE.finditer(text):
            yield match.group(1)


def texts(proc: Procedure) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every free-text field of a procedure with its path, for the linter and for search."""
    yield ("title",), proc.title
    yield ("purpose",), proc.purpose
    for key in ("includes", "excludes"):
        for i, item in enumerate(getattr(proc.scope, key)):
            yield ("scope", key, i), item
    for key in ("warnings", "inputs", "outputs", "controls", "provisions"):
        for i, item in enumerate(getattr(proc, key)):
            yield (key, i), item
    for i, role in enumerate(proc.roles):
        for key in ("responsibilities", "authorities"):
            for j, item in enumerate(getattr(role, key)):
                yield ("roles", i, key, j), item
    for i, step in enumerate(proc.steps):
        for key in ("do", "why", "when", "where", "how", "time", "output", "notes"):
            value = getattr(step, key)
            if value:
                yield ("steps", i, key), value
        for key in ("requirements", "resources", "controls"):
            for j, item in enumerate(getattr(step, key)):
                yield ("steps", i, key, j), item
        if step.next_label:
            yield ("steps", i, "next_label"), step.next_label
        for k, part in enumerate(step.parts):
            if part.do:
                yield ("steps", i, "parts", k, "do"), part.do
        for j, ex in enumerate(step.exits):
            if ex.label:
                yield ("steps", i, "exits", j, "label"), ex.label
    for i, m in enumerate(proc.measurements):
        for key in ("name", "method", "target", "frequency"):
            value = getattr(m, key)
            if value:
                yield ("measurements", i, key), value
    for i, d in enumerate(proc.definitions):
        yield ("definitions", i, "meaning"), d.meaning


# -- inline emphasis ---------------------------------------------------------------------------------
# `*miring*` and `**tebal**` in any free-text field (Indonesian writing rules italicise foreign words:
# *service*, *upgrade*). The markers are parsed here, once, into spans of plain text with a style;
# every output format writes each span's text escaped its own way and the style as its own markup
# (HTML <em>/<strong>, SVG <tspan>, DOCX runs), so source text never becomes markup. The rules are
# CommonMark's for `*`, kept small: a run of `*` opens when the next character is not a space and
# closes when the previous one is not; `**` pairs with `**`, `*` with `*`; what does not pair
# prints literally (so "5 * 3" and a lone "catatan*" stay as written); `\*` is a literal asterisk.

_ESCAPED_STAR = "\\*"


class Span(NamedTuple):
    """A piece of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(slots=True)
class _Run:
    """A run of `*` in the source, while pairing: how many are left and where it may pair."""

    count: int
    can_open: bool
    can_close: bool


def _tokens(text: str) -> list[str | _Run]:
    out: list[str | _Run] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] == "*":
            buf.append("*")
            i += 2
            continue
        if ch != "*":
            buf.append(ch)
            i += 1
            continue
        j = i
        while j < n and text[j] == "*":
            j += 1
        before = text[i - 1] if i > 0 else " "
        after = text[j] if j < n else " "
        if buf:
            out.append("".join(buf))
            buf = []
        out.append(_Run(j - i, can_open=not after.isspace(), can_close=not before.isspace() and before != "\\"))
        i = j
    if buf:
        out.append("".join(buf))
    return out


def spans(text: str | None) -> list[Span]:
    """`text` as styled spans: the one parser of the inline markers (see above). Adjacent spans of
    the same style are merged; text without markers is one plain span (none for empty text)."""
    if not text:
        return []
    if "*" not in text:
        return [Span(text)]
    tokens = _tokens(text)
    # pair closers with the nearest opener before them (the delimiter-run algorithm of CommonMark)
    matches: list[tuple[int, int, int]] = []  # (opener index, closer index, 1 italic / 2 bold)
    openers: list[int] = []
    for index, tok in enumerate(tokens):
        if not isinstance(tok, _Run):
            continue
        if tok.can_close:
            while tok.count and openers:
                k = len(openers) - 1
                while k >= 0 and tokens[openers[k]].count == 0:
                    k -= 1
                if k < 0:
                    break
                opener = tokens[openers[k]]
                assert isinstance(opener, _Run)
                use = 2 if opener.count >= 2 and tok.count >= 2 else 1
                matches.append((openers[k], index, use))
                opener.count -= use
                tok.count -= use
                del openers[k + 1:]  # runs between a pair can no longer pair across it
                if opener.count == 0:
                    openers.pop()
        if tok.can_open and tok.count:
            openers.append(index)
    out: list[Span] = []
    for index, tok in enumerate(tokens):
        piece = tok if isinstance(tok, str) else "*" * tok.count
        if not piece:
            continue
        covering = [use for o, c, use in matches if o < index < c]
        span = Span(piece, bold=2 in covering, italic=1 in covering)
        if out and out[-1][1:] == span[1:]:
            out[-1] = Span(out[-1].text + piece, span.bold, span.italic)
        else:
            out.append(span)
    return out


def plain(text: str | None) -> str:
    """`text` without its inline markers, for plain-text outputs (lint messages, CSV, search, <title>,
    PDF metadata, file names) and for measuring printed text."""
    if not text:
        return ""
    if "*" not in text:
        return text
    return "".join(span.text for span in spans(text))


def markup(parts: list[Span]) -> str:
    """Spans written back as source text with markers: `spans(markup(s))` gives `s` back (the layout
    wraps plain words and hands each line on with its styles)."""
    out: list[str] = []
    for span in parts:
        text = span.text.replace("*", _ESCAPED_STAR)
        if not (span.bold or span.italic) or not text.strip():
            out.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        mark = ("**" if span.bold else "") + ("*" if span.italic else "")
        out.append(f"{lead}{mark}{text.strip()}{mark[::-1]}{trail}")
    return "".join(out)
