"""Hyphenation in the Word outputs (the document DOCX and the SOP DOCX): every word too wide for its
line carries soft hyphens at its hyphenation points, a too-long URL zero-width breaks after `/` `.`
`-` `_` (`render.docx.break_long_words`, `prosedur.hyphen.breakable`), runs say their language, and
LibreOffice, laying the files out, breaks no word without a hyphen, clips no cell's text and prints
every flowchart shape's text inside its shape.

The LibreOffice part converts four files in one `soffice` call (a 10-lane synthetic procedure and
`synth.hard_text_procedure`, each as SOP and as document) and reads the pages with pdfplumber."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from statistics import median

import pytest
from lxml import etree

from prosedur.hyphen import SOFT, ZWSP, break_word, breakable, points
from prosedur.model import Procedure
from prosedur.render.docx import render_docx
from prosedur.render.sop_docx import render_sop_docx
from prosedur.synth import HARD_URL, hard_text_procedure, synthetic_procedure

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_EDGE = ".,;:!?()\"'"


@pytest.fixture(scope="module")
def hard() -> Procedure:
    return hard_text_procedure()


@pytest.fixture(scope="module")
def ten() -> Procedure:
    return synthetic_procedure(30, seed=3, lanes=10)


@pytest.fixture(scope="module")
def files(hard: Procedure, ten: Procedure) -> dict[str, bytes]:
    return {"hard-sop": render_sop_docx(hard, None), "hard-doc": render_docx(hard, None),
            "ten-sop": render_sop_docx(ten, None), "ten-doc": render_docx(ten, None)}


def _parts(data: bytes) -> Iterator[tuple[str, etree._Element]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*|styles)\.xml", name):
                yield name, etree.fromstring(z.read(name))


def _part(data: bytes, name: str) -> etree._Element:
    return dict(_parts(data))[name]


def _in_box(el: etree._Element) -> bool:
    return any(a.tag == f"{W}txbxContent" for a in el.iterancestors())


def _paragraph_text(p: etree._Element) -> str:
    """What a paragraph prints, its own runs only (not a text box inside it): soft hyphens and
    zero-width breaks are not text."""
    out = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
        if next(el.iterancestors(f"{W}p")) is not p:
            continue
        out.append(el.text or "" if el.tag == f"{W}t" else " ")
    return "".join(out).replace(ZWSP, "").replace(SOFT, "")


# -- the rule ------------------------------------------------------------------------------------------
def test_breakable_marks_only_what_cannot_stand_on_a_line() -> None:
    text = f"Mempertanggungjawabkan kepada pengguna di {HARD_URL} dan kabid_infrastruktur"
    marked = breakable(text, 12)
    assert marked.replace(SOFT, "").replace(ZWSP, "") == text
    words = dict(zip(text.split(), marked.split(), strict=True))
    assert words["Mempertanggungjawabkan"].split(SOFT) == ["Mem", "per", "tang", "gung", "ja", "wab", "kan"]
    assert words["kepada"] == "kepada" and words["pengguna"] == "pengguna"  # they fit: left whole
    url = words[HARD_URL]
    assert SOFT not in url and url.count(ZWSP) >= 8
    assert all(piece[-1] in "/.-_" for piece in url.split(ZWSP)[:-1])  # only after / . - _
    assert words["kabid_infrastruktur"].startswith(f"kabid_{ZWSP}in")  # an id: after "_", and hyphenated
    assert breakable(text, 200) == text  # a wide box: nothing to mark
    # the predicate form (the DOCX measures words): the same marks as a character count
    assert breakable(text, lambda word: len(word) > 12) == marked


def test_a_url_piece_too_long_for_a_shape_breaks_at_a_hyphenation_point() -> None:
    """The layout's wrap: after `/` `.` `-` first; a piece still too long at a point of its word."""
    piece = HARD_URL.split("id/")[1]  # permohonan/formulir-...
    assert break_word(piece, lambda head: len(head) <= 12) == ("permohonan/", piece[len("permohonan/"):])
    assert break_word(piece, lambda head: len(head) <= 9)[0] == "permohon-"  # not "permohona-"


# -- the files -----------------------------------------------------------------------------------------
def test_runs_say_their_language(files: dict[str, bytes], ten: Procedure) -> None:
    """In the document defaults, which every style inherits: Word's own hyphenation and proofing use it."""
    english = (render_sop_docx(ten, None, lang="en"), render_docx(ten, None, lang="en"))
    for tag, datas in (("id-ID", (files["ten-sop"], files["ten-doc"])), ("en-US", english)):
        for data in datas:
            styles = _part(data, "word/styles.xml")
            found = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
            assert found is not None and found.get(f"{W}val") == tag
            assert not [el for el in styles.iter(f"{W}lang") if el.get(f"{W}val") not in (tag, None)]


def _marked(p: etree._Element) -> str:
    """A paragraph's own text with its marks: U+00AD for each w:softHyphen, U+200B as written."""
    out = []
    for el in p.iter(f"{W}t", f"{W}softHyphen", f"{W}tab", f"{W}br"):
        if next(el.iterancestors(f"{W}p")) is p:
            out.append(el.text or "" if el.tag == f"{W}t" else SOFT if el.tag == f"{W}softHyphen" else " ")
    return "".join(out)


def test_sop_docx_marks_the_words_too_wide_for_their_cells(files: dict[str, bytes]) -> None:
    body = _part(files["hard-sop"], "word/document.xml")
    texts = [_marked(p) for p in body.iter(f"{W}p") if not _in_box(p)]
    for p in body.iter(f"{W}p"):
        if _in_box(p):  # a drawing's lines are the layout's own, already wrapped and hyphenated
            assert p.find(f".//{W}softHyphen") is None and ZWSP not in _marked(p)
    marked = [w for text in texts for w in text.split() if SOFT in w]
    whole = {w.replace(SOFT, "").strip(_EDGE) for w in marked}
    # the 60-character role names in the 8 Pelaksana headers (a lane is 15 mm), the 200-character title
    assert {"Administrator", "Kementerian", "Koordinator"} <= whole, whole
    for word in marked:  # a soft hyphen only at a hyphenation point of its word
        core = word.strip(_EDGE + "<>&")
        plain = core.replace(SOFT, "").replace(ZWSP, "")
        at = [i - k for k, i in enumerate(m.start() for m in re.finditer(SOFT, core.replace(ZWSP, "")))]
        assert set(at) <= set(points(plain)), word
    # the URL in the Kegiatan and Keterangan cells breaks after / . - _, never inside a word
    with_url = [t for t in texts if HARD_URL in t.replace(ZWSP, "")]
    assert len(with_url) >= 2
    for text in with_url:
        url = next(w for w in text.split() if w.replace(ZWSP, "") == HARD_URL)
        assert SOFT not in url and set(re.findall(f"(.){ZWSP}", url)) <= set("/.-_")
        assert len(url.split(ZWSP)) >= 8


def test_words_that_fit_carry_no_marks(files: dict[str, bytes], ten: Procedure) -> None:
    """The 10-lane SOP's Kegiatan cells hold short words only: no marks there, the text reads back
    whole (search, copy, the importer)."""
    body = _part(files["ten-sop"], "word/document.xml")
    steps = {s.do for s in ten.steps}
    seen = 0
    for p in body.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if text in steps:
            seen += 1
            assert p.find(f".//{W}softHyphen") is None and ZWSP not in text
    assert seen >= len(ten.steps) // 2


def test_importer_reads_the_marked_sop_back_whole(files: dict[str, bytes], hard: Procedure, tmp_path: Path) -> None:
    """The marks are not text: the Word SOP reads back with each step's words whole, the URL intact."""
    from prosedur.importer.run import read_file

    path = tmp_path / "hard.docx"
    path.write_bytes(files["hard-sop"])
    rows = read_file(path).rows  # (the importer reads this file's first table page only: 4 of 16 steps)
    source = {str(k): " ".join(step.do.split()) for k, step in enumerate(hard.steps, start=1)}
    assert rows and all(row.text == source[row.number] for row in rows)
    assert any(HARD_URL in row.text for row in rows)
    assert any(ZWSP in t for t in _texts(files["hard-sop"]))  # and there were marks to drop


def _texts(data: bytes) -> list[str]:
    return [t.text or "" for t in _part(data, "word/document.xml").iter(f"{W}t")]


# -- LibreOffice ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def printed(files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the DOCX cannot be laid out to check it")
    work = tmp_path_factory.mktemp("hyph")
    for name, data in files.items():
        (work / f"{name}.docx").write_bytes(data)
    subprocess.run([soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), *(str(work / f"{n}.docx") for n in files)],
                   check=True, capture_output=True, timeout=240, env={**os.environ, "HOME": str(work)})
    return {name: work / f"{name}.pdf" for name in files}


def _allowed(data: bytes) -> tuple[set[str], set[str]]:
    """The words the file asks to print (lower case), and every piece a word may print as when a line
    breaks inside it: from its start or a break point to the next break point or its end, with a "-"
    where the break falls between two letters (a hyphenation point: LibreOffice prints the hyphen;
    after `/` `.` `-` `_` `?` `=` `&` it prints nothing)."""
    words: set[str] = set()
    for name, root in _parts(data):
        if name.endswith("styles.xml"):
            continue
        for p in root.iter(f"{W}p"):
            words.update(_paragraph_text(p).lower().split())
    pieces: set[str] = set()
    for word in words:
        cuts = {at + m.start() for m in re.finditer(r"[^\W\d_]+", word) for at in points(m.group(0))}
        cuts |= {i + 1 for i, ch in enumerate(word[:-1]) if ch in "/.-_?=&"}
        ends = sorted({0, *cuts, len(word)})
        for i, a in enumerate(ends):
            for b in ends[i + 1:]:
                hyphen = b < len(word) and word[b - 1].isalpha() and word[b].isalpha()
                pieces.add(word[a:b] + ("-" if hyphen else ""))
    return words, pieces


def _broken_words(pdf: Path, data: bytes) -> list[tuple[int, str]]:
    import pdfplumber

    words, pieces = _allowed(data)
    bad = []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            for w in page.extract_words(x_tolerance=1.2, keep_blank_chars=False):
                text = w["text"].replace(ZWSP, "").replace(SOFT, "").lower()
                if text in words or text in pieces or re.fullmatch(r"[\d.]*|[\uf0b7•]", text):
                    continue  # a word, a piece of one, a list number or bullet
                bad.append((number, w["text"]))
    return bad


@pytest.mark.parametrize("name", ["hard-sop", "hard-doc", "ten-sop", "ten-doc"])
def test_libreoffice_breaks_no_word_without_a_hyphen(name: str, printed: dict[str, Path],
                                                     files: dict[str, bytes]) -> None:
    """Every word LibreOffice prints is a word of the file, or a piece of one cut at a hyphenation
    point and printed with its "-", or a piece of a URL cut after `/` `.` `-` `_`: "Administra" +
    "tor" or "contoh.g" + "o.id/" fail."""
    bad = _broken_words(printed[name], files[name])
    assert not bad, bad[:20]


def _squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u200b]", "", text.lower())


def _cell_texts(data: bytes) -> list[str]:
    """The text of every table cell of the body that holds text and no drawing (its own paragraphs)."""
    body = _part(data, "word/document.xml")
    out = []
    for tc in body.iter(f"{W}tc"):
        if tc.find(f".//{W}drawing") is not None or tc.find(f".//{W}tbl") is not None:
            continue
        text = " ".join(_paragraph_text(p) for p in tc.findall(f"{W}p"))
        if text.strip():
            out.append(text)
    return out


@pytest.mark.parametrize("name", ["hard-sop", "ten-sop"])
def test_libreoffice_prints_every_sop_cell_whole_inside_its_cell(name: str, printed: dict[str, Path],
                                                                 files: dict[str, bytes]) -> None:
    """Each text cell of the SOP (identity sheet, Pelaksana headers, Kegiatan, Mutu Baku, Keterangan)
    is, letter for letter, the text LibreOffice prints inside one ruled cell of the page: nothing
    clipped by the row's exact height, nothing run past the cell's rules."""
    import pdfplumber

    printed_cells: set[str] = set()
    with pdfplumber.open(printed[name]) as doc:
        for page in doc.pages:
            for table in page.find_tables():
                for cell in table.cells:
                    x0, top, x1, bottom = cell
                    inside = page.within_bbox((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5))
                    printed_cells.add(_squash(inside.extract_text() or ""))
    missing = [text for text in _cell_texts(files[name]) if _squash(text) not in printed_cells]
    assert not missing, missing[:10]


WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _drawings(data: bytes) -> list[list[tuple[float, float, float, float, str]]]:
    """Per DrawingML group of the body, in order: each shape's (x, y, w, h) in points inside the group
    and the text of its text box ("" for none)."""
    body = _part(data, "word/document.xml")
    out = []
    for group in body.iter("{http://schemas.microsoft.com/office/word/2010/wordprocessingGroup}wgp"):
        shapes = []
        for sp in group.iter(f"{WPS}wsp"):
            off, ext = sp.find(f"{WPS}spPr/{A}xfrm/{A}off"), sp.find(f"{WPS}spPr/{A}xfrm/{A}ext")
            box = sp.find(f"{WPS}txbx/{W}txbxContent")
            text = "".join(t.text or "" for t in box.iter(f"{W}t")) if box is not None else ""
            if box is not None and box.find(f".//{W}instrText") is not None:  # a PAGEREF: LibreOffice prints the page
                text = re.sub(r"\d", "", text)
            stroked = sp.find(f"{WPS}spPr/{A}ln/{A}solidFill") is not None
            shapes.append((int(off.get("x")) / 12700, int(off.get("y")) / 12700, int(ext.get("cx")) / 12700,
                           int(ext.get("cy")) / 12700, text, stroked))
        out.append(shapes)
    return out


@pytest.mark.parametrize("name", ["hard-doc", "ten-doc", "hard-sop", "ten-sop"])
def test_libreoffice_prints_each_shape_text_inside_its_shape(name: str, printed: dict[str, Path],
                                                             files: dict[str, bytes]) -> None:
    """Every letter of a flowchart shape's text (step texts, lane titles, exit labels, page
    references, step numbers) is printed inside the shape's frame: a line the layout wrapped is not
    wrapped again nor run past the box, and no line falls below it (LibreOffice clips a text box at
    its frame, but keeps the clipped letters in the PDF's text: they are counted here by position).
    The group's origin on the page: where the outlines of most of its shapes say it is."""
    import pdfplumber

    drawings = _drawings(files[name])
    with pdfplumber.open(printed[name]) as doc:
        pages = [page for page in doc.pages if page.curves]
        assert len(pages) == len(drawings) >= 2
        for page, shapes in zip(pages, drawings, strict=True):
            # a shape votes with the weight of its size's rarity: ten equal lanes, or connectors sharing a
            # row, would otherwise outvote the rest for an origin a lane apart
            sizes = Counter((round(w), round(h)) for _x, _y, w, h, _t, st in shapes if st)
            votes: Counter[tuple[int, int]] = Counter()
            for c in page.curves:
                for x, y, w, h, _t, stroked in shapes:
                    if stroked and abs(c["width"] - w) < 0.6 and abs(c["height"] - h) < 0.6:
                        votes[(round(c["x0"] - x), round(c["top"] - y))] += 1 / sizes[(round(w), round(h))]
            (ox, oy), count = votes.most_common(1)[0]
            assert count >= 3
            ox = median(c["x0"] - x for c in page.curves for x, y, w, h, _t, st in shapes
                        if st and abs(c["width"] - w) < 0.6 and abs(c["height"] - h) < 0.6
                        and abs(c["x0"] - x - ox) < 1 and abs(c["top"] - y - oy) < 1)
            oy = median(c["top"] - y for c in page.curves for x, y, w, h, _t, st in shapes
                        if st and abs(c["width"] - w) < 0.6 and abs(c["height"] - h) < 0.6
                        and abs(c["x0"] - x - ox) < 1 and abs(c["top"] - y - oy) < 1)
            for x, y, w, h, text, _ in shapes:
                want = sorted(text.replace(" ", ""))
                if not want:
                    continue
                tol = 1.0
                got = sorted(c["text"] for c in page.chars if c["text"].strip()
                             and c["x0"] >= ox + x - tol and c["x1"] <= ox + x + w + tol
                             and c["top"] >= oy + y - tol and c["bottom"] <= oy + y + h + tol)
                missing = [ch for ch in want if ch not in got or got.remove(ch)]  # type: ignore[func-returns-value]
                assert not missing, (page.page_number, text, "".join(missing))
