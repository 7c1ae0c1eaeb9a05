"""Activity tables that are only a picture: read by OCR (importer/ocr.py), flagged for a check, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from prosedur.importer import ocr
from prosedur.importer.run import import_files
from prosedur.lint import lint
from prosedur.load import load_library

from .import_check import EXPECTED, load, reference_pdf, score

needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="tesseract (tesseract-ocr-ind) is not installed")


def _bits(tmp_path: Path, draw, size: tuple[int, int] = (600, 300)) -> ocr._Bits:  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw

    im = Image.new("L", size, 255)
    draw(ImageDraw.Draw(im))
    im.save(tmp_path / "cell.png")
    return ocr._Bits(tmp_path / "cell.png")


def test_symbols_from_outlines(tmp_path: Path) -> None:
    """A rectangle is a process, a rounded box a terminator, an arrow line alone nothing."""
    bits = _bits(tmp_path, lambda d: (d.rectangle((40, 40, 200, 110), outline=0, width=4),
                                      d.rounded_rectangle((300, 40, 500, 110), radius=35, outline=0, width=4),
                                      d.line((40, 200, 560, 200), fill=0, width=4)))
    found = ocr._boxes(bits, 0, 0, 600, 300, [])
    assert sorted(k for k, _ in found) == ["process", "terminator"]
    process = next(b for k, b in found if k == "process")
    assert abs(process[0] - 40) <= 4 and abs(process[2] - 200) <= 4


def test_a_diamond_with_connectors_at_its_corners(tmp_path: Path) -> None:
    """A diamond is found though lines run into its corners (they cut its outline into pieces); a
    rectangle, a rounded box and a lone line are not diamonds."""
    def draw(d):  # type: ignore[no-untyped-def]
        d.polygon([(300, 60), (400, 140), (300, 220), (200, 140)], outline=0, width=4)
        d.line((300, 10, 300, 60), fill=0, width=4)  # in at the top corner
        d.line((400, 140, 560, 140), fill=0, width=4)  # out at the right corner
        d.line((300, 220, 300, 290), fill=0, width=4)  # out at the bottom
        d.rectangle((20, 20, 150, 90), outline=0, width=4)
        d.rounded_rectangle((20, 180, 150, 250), radius=30, outline=0, width=4)

    bits = _bits(tmp_path, draw)
    hs, vs = ocr._strokes(bits.rows), ocr._strokes(bits.cols)
    found = ocr._diamonds(bits, ocr._components(bits, hs, vs))
    assert len(found) == 1, found
    x0, y0, x1, y1 = found[0]
    assert abs(x0 - 200) <= 6 and abs(x1 - 400) <= 6 and abs(y0 - 60) <= 6 and abs(y1 - 220) <= 6


def test_exits_followed_from_the_picture(tmp_path: Path) -> None:
    """A diamond with a labelled arrow to a box on its right and an elbow down and left to a box below:
    both exits reach their boxes through the strokes and arrowheads found in the image, the way a
    vector page's are followed; the elbow's arrow runs from the diamond (its head is at the box)."""
    from prosedur.importer.pdf import _exits, _path_arrows, drawing_links
    from prosedur.importer.sheet import ReadSymbol

    def draw(d):  # type: ignore[no-untyped-def]
        d.polygon([(300, 60), (400, 140), (300, 220), (200, 140)], outline=0, width=4)
        d.rectangle((560, 110, 700, 170), outline=0, width=4)
        d.line((400, 140, 545, 140), fill=0, width=4)
        d.polygon([(540, 128), (560, 140), (540, 152)], fill=0)  # arrowhead at the box on the right
        d.rectangle((60, 300, 180, 370), outline=0, width=4)
        d.line((300, 220, 300, 335), fill=0, width=4)
        d.line((300, 335, 195, 335), fill=0, width=4)
        d.polygon([(200, 323), (180, 335), (200, 347)], fill=0)  # arrowhead at the box below, left

    bits = _bits(tmp_path, draw, (800, 400))
    hs, vs = ocr._strokes(bits.rows), ocr._strokes(bits.cols)
    comps = ocr._components(bits, hs, vs)
    k = 72 / ocr.DPI
    found = [("decision", d) for d in ocr._diamonds(bits, comps)] + ocr._boxes(bits, 0, 0, 800, 400, [])
    assert sorted(kind for kind, _ in found) == ["decision", "process", "process"], found
    drawing = ocr.Drawing([], [], [], [])
    for kind, bx in found:
        sym = ReadSymbol(kind, [0], 1, tuple(v * k for v in bx))  # type: ignore[arg-type]
        drawing.symbols.append((0, ocr.Shape(ocr.Box(*sym.box), [], "ocr", kind), sym))
    drawing.labels.append((ocr.Box(440 * k, 110 * k, 460 * k, 130 * k), "Ya"))  # just above the right exit
    ocr._connectors(drawing, bits, hs, vs, comps, [], (0, 0, 800, 400), [], [])
    assert len(drawing.heads) >= 2
    shapes = [sh for _, sh, _ in drawing.symbols]
    links = drawing_links(drawing)
    dec = next(sh for sh in shapes if sh.kind == "decision")
    exits = {(label, round(t.box.x0 / k)) for label, t in _exits(dec, shapes, links, drawing.labels)}
    assert exits == {("Ya", 560), (None, 60)}, exits
    below = next(y for _, sh, y in drawing.symbols if round(sh.box.x0 / k) == 60)
    flows = _path_arrows([(sh, y) for _, sh, y in drawing.symbols], shapes, links)
    assert (next(y for _, sh, y in drawing.symbols if sh is dec), below) in flows
    assert all(b is not next(y for _, sh, y in drawing.symbols if sh is dec) for _, b in flows)


def test_strokes_join_a_lines_thickness(tmp_path: Path) -> None:
    bits = _bits(tmp_path, lambda d: (d.line((40, 100, 400, 100), fill=0, width=5), d.line((500, 20, 500, 250), fill=0, width=5)))
    hs, vs = ocr._strokes(bits.rows), ocr._strokes(bits.cols)
    assert len(hs) == 1 and hs[0][2] <= 42 and hs[0][3] >= 398 and hs[0][1] - hs[0][0] <= 6
    assert any(v[2] <= 22 and v[3] >= 248 for v in vs)


@needs_tesseract
def test_ocr_rates_on_the_hand_checked_pictures() -> None:
    """Text and Mutu Baku as printed in both pictures; every rectangle, rounded box and diamond found;
    the decisions' exits followed along the drawn connectors to their rows; the parts of each row in
    the order the arrows run."""
    from prosedur.importer.pdf import read_pdf

    got = {}
    for name in ("sop-204", "sop-210"):
        exp = load(EXPECTED / f"{name}.json")
        pdf = reference_pdf(exp["file"])
        if pdf is None:
            pytest.skip("the reference SOPs are not here")
        sheet = read_pdf(pdf)
        got[name] = score(sheet, exp)
        if name == "sop-210":
            assert not [i for i in sheet.issues if i.msg_id in ("no_symbol", "decision_no_target", "decision_one_exit")]
    assert got["sop-204"]["kinds"] == (12, 12) and got["sop-204"]["mutu"] == (9, 9)
    assert got["sop-204"]["order"] == (3, 3)  # row 3 runs right to left, from BPS RI: followed along the arrows
    assert got["sop-210"]["activities"] == (5, 5) and got["sop-210"]["kinds"] == (9, 9)
    assert got["sop-210"]["exits"] == (4, 4) and got["sop-210"]["order"] == (5, 5)
    # the labels printed beside each exit (lone letters the page pass misses, read alone)
    rows = {r.number: r for r in sheet.rows}
    assert [e for s in rows["3"].symbols for e in s.exits] == [("T", 1), ("Y", 3)]
    assert [e for s in rows["4"].symbols for e in s.exits] == [("T", 2), ("Y", 3)]
    assert [s.kind for s in rows["4"].symbols] == ["decision", "process", "process"]  # Y runs on in the row
    assert got["sop-210"]["mutu"][0] >= 13, got  # of 15: OCR reads "pPT" for "PPT" twice


@needs_tesseract
def test_picture_table_read_by_ocr_and_flagged(tmp_path: Path) -> None:
    exp = load(EXPECTED / "sop-204.json")
    pdf = reference_pdf(exp["file"])
    if pdf is None:
        pytest.skip("the reference SOPs are not here")
    lib = tmp_path / "lib"
    res = import_files([pdf], lib, jobs=1)[0]
    assert res.written and res.sheet is not None
    got = score(res.sheet, exp)
    assert all(got[m][0] == got[m][1] for m in ("identity", "activities", "pairs", "kinds", "mutu")), got
    assert any(i.msg_id == "table_ocr" and i.page == 2 for i in res.sheet.issues)
    library, problems = load_library(lib)
    proc = library.procedures[0]
    assert any("OCR" in u for u in proc.unread), "the procedure says its table came from OCR"
    assert any(f.code == "P120" for f in lint(library, problems))
    assert [p.kind for p in proc.steps[0].parts] == ["start", "process", "process", "process", "process"]
    assert proc.steps[2].parts[-1].kind == "end"


def test_documents_and_off_page_connectors(tmp_path: Path) -> None:
    """A box with a wavy bottom is a document (io), one whose bottom is a point a pentagon (connector);
    a rectangle is neither."""
    import math

    def draw(d):  # type: ignore[no-untyped-def]
        d.line((40, 40, 240, 40), fill=0, width=4)
        d.line((40, 40, 40, 120), fill=0, width=4)
        d.line((240, 40, 240, 120), fill=0, width=4)
        wave = [(40 + t * 2, 120 + 14 * math.sin(t * 2 * math.pi / 100)) for t in range(101)]
        d.line(wave, fill=0, width=4)
        d.line((330, 40, 430, 40), fill=0, width=4)
        d.line((330, 40, 330, 110), fill=0, width=4)
        d.line((430, 40, 430, 110), fill=0, width=4)
        d.line((330, 110, 380, 160, 430, 110), fill=0, width=4)
        d.rectangle((460, 180, 580, 260), outline=0, width=4)

    bits = _bits(tmp_path, draw)
    hs, vs = ocr._strokes(bits.rows), ocr._strokes(bits.cols)
    found = ocr._open_boxes(bits, hs, vs, ocr._components(bits, hs, vs))
    assert sorted(k for k, _ in found) == ["connector", "io"], found
    io = next(b for k, b in found if k == "io")
    assert abs(io[0] - 40) <= 6 and abs(io[2] - 240) <= 6 and io[3] >= 125
