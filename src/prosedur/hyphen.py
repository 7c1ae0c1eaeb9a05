"""Where a word may break at a line end: Indonesian (or English) hyphenation points from pyphen, and
break opportunities inside unbreakable strings (URLs, long ids) after `/` `.` `-`.

One home for every format: the flowchart layout (`flow.layout.wrap`) cuts a too-long word at a
hyphenation point and prints "-"; print HTML (WeasyPrint and Chromium: SOP cells, lane headers,
document cells) gets soft hyphens (U+00AD) and `<wbr>` in its text from `print_html`, because
headless Chromium has no Indonesian hyphenation dictionary (CSS `hyphens: auto` alone breaks
nothing there); the Word files get the same marks (`w:softHyphen`, U+200B) from
`render.docx.break_long_words`, as LibreOffice has no Indonesian dictionary either. All three go
through `breakable`. Only the printing engines' input is touched: search, plain text and the HTML
pages keep their words whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import pyphen

__all__ = ["SOFT", "ZWSP", "break_at", "break_word", "breakable", "line_chars", "load", "points", "print_html",
           "soft_hyphens"]

SOFT = "\u00ad"
_MIN_WORD = 6  # shorter words are not worth a hyphen
_URLISH = re.compile(r"[/.:@_\d]")  # a token with these is a URL, a path, an id: never pyphen's
_ID = re.compile(r"[^\W\d_]+(?:_[^\W\d_]+)+_?")  # words joined by underscores, nothing else
_BREAK_AFTER = "/.-_"  # an id like kabid_infra breaks after its underscore too


@lru_cache(maxsize=4)
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US" if lang == "en" else "id_ID", left=3, right=2)


def load(lang: str) -> None:
    """Read the dictionary of `lang` now (about a fifth of a second): a build does it before it forks
    its workers, which then share it instead of each reading it."""
    _dictionary(lang)


def points(word: str, lang: str = "id") -> list[int]:
    """Offsets inside `word` where it may break: hyphenation points of a word of letters (a hyphen is
    printed there), or the places just after `/` `.` `-` in a URL or id (nothing is printed)."""
    if len(word) < _MIN_WORD:
        return []
    if _ID.fullmatch(word):  # a role id (service_desk): after its underscores and inside its words
        cuts: list[int] = []
        start = 0
        for piece in word.split("_"):
            cuts += [start + at for at in points(piece, lang)]
            start += len(piece) + 1
            if start < len(word):
                cuts.append(start)
        return sorted(set(cuts))
    if _URLISH.search(word) or "-" in word:
        return [i + 1 for i, ch in enumerate(word[:-1]) if ch in _BREAK_AFTER]
    if not word.isalpha() or word.isupper():  # an acronym (PUSDATIN) is not hyphenated
        return []
    out: list[int] = []
    for at in _dictionary(lang).positions(word):  # no one-letter piece ("mencur-i-gakan")
        if not out or at - out[-1] >= 2:
            out.append(int(at))
    return out


def _inner_points(word: str, lang: str) -> list[int]:
    """Hyphenation points of the words inside a URL or id (after the points of `points`, which
    break it after `/` `.` `-` only): for a piece between two of those too long for a line."""
    if not (_URLISH.search(word) or "-" in word):
        return []
    return [m.start() + at for m in _WORD.finditer(word) for at in points(m.group(0), lang)]


def _needs_hyphen(word: str, at: int) -> bool:
    """A break between two letters prints a hyphen; one after `/` `.` `-` does not."""
    return word[at - 1].isalnum() and word[at].isalnum()


def break_at(word: str, fits: Callable[[int, bool], bool], lang: str = "id") -> tuple[int, bool]:
    """Where to cut a too-long `word`: (offset, print a hyphen) with the longest head `word[:offset]`
    for which `fits(offset, hyphen)` holds, at a hyphenation point, else after `/` `.` `-`, else,
    as a last resort for a string with neither, between characters (hyphenated between two
    letters). The head is never empty."""
    core = word.rstrip(",;:!?)\"'")  # trailing punctuation stays with the rest
    for at in sorted(points(core, lang), reverse=True):
        hyphen = _needs_hyphen(word, at)
        if fits(at, hyphen):
            return at, hyphen
    for at in sorted(_inner_points(core, lang), reverse=True):  # a URL's piece too long: "permo-honan/"
        if fits(at, True):
            return at, True
    for at in range(len(word) - 1, 1, -1):
        hyphen = _needs_hyphen(word, at)
        if fits(at, hyphen):
            return at, hyphen
    return 1, False


def break_word(word: str, fits: Callable[[str], bool], lang: str = "id") -> tuple[str, str]:
    """`break_at` for a plain word: (head as printed, with its "-" when hyphenated; the rest)."""
    at, hyphen = break_at(word, lambda n, h: fits(word[:n] + ("-" if h else "")), lang)
    return word[:at] + ("-" if hyphen else ""), word[at:]


_WORD = re.compile(rf"[^\W\d_]{{{_MIN_WORD},}}")
_TOKEN = re.compile(r"[^\s<>]{7,}")
ZWSP = "\u200b"  # zero-width space: a break opportunity that prints nothing (DOCX; HTML uses <wbr>)
Wide = Callable[[str], bool]
"""Does this word (or token) not fit on one line of its box?"""


def _longer(fit: int | Wide) -> Wide:
    return fit if callable(fit) else (lambda word: len(word) > fit)


def soft_hyphens(text: str, lang: str = "id", longer_than: int | Wide = 0) -> str:
    """`text` (plain, no markup) with U+00AD at each hyphenation point of its words (of at least 6
    letters) longer than `longer_than` letters, or for which `longer_than(word)` holds."""
    wide = _longer(longer_than)

    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        cuts = points(word, lang) if wide(word) else []
        if not cuts:
            return word
        return SOFT.join(word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True))

    return _WORD.sub(one, text)


def breakable(text: str, fit: int | Wide, lang: str = "id", wbr: str = ZWSP) -> str:
    """Plain `text` in a box that holds `fit` characters a line (or where `fit(token)` says a token
    does not fit on a line): soft hyphens in the words too long for a line, `wbr` after `/` `.` `-`
    `_` in too-long URL-like tokens (and no soft hyphen inside those: a hyphen printed in a URL
    reads as part of it); a role id (kabid_infra) gets both. A word that fits a line is left whole: it wraps whole, and readers of the text (search,
    Chromium's PDF text layer, a DOCX read back) only see the marks where a word must break. The
    one rule for every format: print HTML calls it per text run with `<wbr>`, the DOCX per w:t."""
    wide = _longer(fit)
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(soft_hyphens(text[pos:match.start()], lang, wide))
        tok = match.group(0)
        core = tok.strip(".,;:!?()\"'")  # a word at a sentence's end is still a word
        if not wide(tok):
            out.append(tok)
        elif _ID.fullmatch(core):  # a role id in a narrow header: after "_", and its long words hyphenated
            out.append(soft_hyphens(re.sub(r"(?<=_)(?=[^\W\d_])", wbr, tok), lang, wide))
        elif _URLISH.search(core) or "-" in core:
            out.append(re.sub(r"(?<=[/.\-_])(?=[^\s/.\-_])", wbr, tok))
        else:
            out.append(soft_hyphens(tok, lang, wide))
        pos = match.end()
    out.append(soft_hyphens(text[pos:], lang, wide))
    return "".join(out)


def _text_run(run: str, lang: str, fit: int) -> str:
    """One run of HTML text (between tags; entities stay whole): `breakable` with `<wbr>`."""
    return "".join(part if part.startswith("&") and part.endswith(";") else breakable(part, fit, lang, "<wbr>")
                   for part in re.split(r"(&[#\w]+;)", run))


def line_chars(width_mm: float, size_pt: float) -> int:
    """Characters a line of a box `width_mm` wide holds at `size_pt` (about 0.55 em a character):
    the `fit` of `breakable` and of print HTML's `data-hy`."""
    return max(3, int(width_mm / (size_pt * 0.55 * 25.4 / 72)))


_SKIP = re.compile(r"(<(script|style|svg|title|head|textarea)\b.*?</\2>|<[^>]*>)", re.S | re.I)
_CELL = re.compile(r"<(/?)(td|th|table)\b([^>]*)>", re.I)
_LANG = re.compile(r"<html[^>]*\blang=\"(\w+)", re.I)
_WHOLE = ("control", "id-top", "id-grid")  # tables whose cells keep their words whole: the control header, the SOP identity sheet


def print_html(html: str, lang: str | None = None) -> str:
    """Print HTML with break opportunities in the text of the table cells that say how many
    characters a line holds (`data-hy="N"`: the SOP's fixed-width cells and Pelaksana headers).
    Other cells, running text, headings and the control header keep their words whole: the
    document's tables are laid out by their content, each column at least as wide as its longest
    word, and WeasyPrint (70) widens such an auto-layout table past the page when its text carries
    soft hyphens (P.SMLTI 18's Rekaman table ran 88 pt off the page). Text runs only, never inside
    a tag, an attribute, a stylesheet, a script, an inline SVG or the document head. The language
    is the `<html lang>` one unless given."""
    if lang is None:
        found = _LANG.search(html)
        lang = found.group(1) if found else "id"
    out: list[str] = []
    pos = 0
    cells: list[int] = []  # the open cells' line capacity
    tables: list[bool] = []  # per open table: are its words kept whole?

    def run(text: str) -> str:
        return _text_run(text, lang, cells[-1]) if cells and cells[-1] and not any(tables) else text

    for match in _SKIP.finditer(html):
        out.append(run(html[pos:match.start()]))
        tag = _CELL.match(match.group(0))
        if tag:
            closing, name, attrs = tag.group(1), tag.group(2).lower(), tag.group(3)
            if name == "table":
                if closing:
                    tables = tables[:-1]
                else:
                    tables.append(any(re.search(rf'class="[^"]*\b{w}\b', attrs) for w in _WHOLE))
            elif closing:
                cells = cells[:-1]
            else:
                fit = re.search(r'data-hy="(\d+)"', attrs)
                cells.append(int(fit.group(1)) if fit else 0)  # 0: words kept whole
        out.append(match.group(0))
        pos = match.end()
    out.append(run(html[pos:]))
    return "".join(out)
