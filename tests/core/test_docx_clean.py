"""A Word original cleaned before LibreOffice lays it out (`importer.docx_clean`): nothing outside the
package is referenced any more, embedded programs and documents are gone, pictures stay, and the SOP reads
the same before and after."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from prosedur.importer.docx import read_docx
from prosedur.importer.docx_clean import clean_docx
from prosedur.importer.pdf import ImportError_
from tests.core.docx_hostile import ALT_TEXT, OLE_BYTES, write_hostile_docx
from tests.core.docx_sop import write_sop_docx
from tests.core.import_check import EXPECTED, load

URL = "http://127.0.0.1:9/uji"


def _package(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_nothing_outside_and_nothing_embedded_stays(tmp_path: Path) -> None:
    path = write_hostile_docx(URL, tmp_path / "luar.docx")
    before = _package(path.read_bytes())
    assert any(URL.encode() in body for body in before.values())
    assert "word/embeddings/oleObject1.bin" in before and "word/afchunk1.htm" in before
    cleaned = clean_docx(path)
    after = _package(cleaned.data)
    # no URL of the server anywhere: relationships, field codes, VML o:href
    assert not [n for n, body in after.items() if URL.encode() in body]
    assert not [n for n, body in after.items() if b'TargetMode="External"' in body]
    # the OLE object's binary, the altChunk's document and the ActiveX control are gone, with their markup
    assert cleaned.parts == ["word/activeX/activeX1.xml", "word/afchunk1.htm", "word/embeddings/oleObject1.bin"]
    assert not any(OLE_BYTES in body or ALT_TEXT.encode() in body for body in after.values())
    document = after["word/document.xml"]
    for gone in (b"OLEObject", b"altChunk", b"w:control", b"INCLUDEPICTURE", b"r:link"):
        assert gone not in document, gone
    assert b"attachedTemplate" not in after["word/settings.xml"] and b"mailMerge" not in after["word/settings.xml"]
    assert not [n for n in after["[Content_Types].xml"].decode().split('PartName="')[1:]
                if n.split('"')[0].lstrip("/") not in after]
    # the pictures stay: the embedded one and the OLE object's preview, each still related
    assert {"word/media/image1.png", "word/media/preview1.png"} <= set(after)
    rels = after["word/_rels/document.xml.rels"].decode()
    assert "media/image1.png" in rels and "media/preview1.png" in rels
    assert b"hasil bidang" in document  # a field's printed result stays
    assert (cleaned.external, cleaned.relationships) == (3, 3)


def test_an_sop_reads_the_same_after_cleaning(tmp_path: Path) -> None:
    sop = write_sop_docx(load(EXPECTED / "sop-053.json"), "drawingml", tmp_path / "sop-053.docx")
    path = write_hostile_docx(URL, tmp_path / "sop-053-luar.docx", base=sop)
    clean = tmp_path / "bersih.docx"
    clean.write_bytes(clean_docx(path).data)
    a, b = read_docx(path), read_docx(clean)
    assert [r.text for r in a.rows] == [r.text for r in b.rows] and len(a.rows) == 6
    assert [[(s.kind, s.lanes) for s in r.symbols] for r in a.rows] == [[(s.kind, s.lanes) for s in r.symbols] for r in b.rows]
    a.file = b.file = ""
    a.issues = [i for i in a.issues if i.msg_id != "docx_external"]
    assert a == b, "the cleaned package reads as the original (less the note on its external links)"


def test_a_bomb_is_refused_as_the_reader_refuses_it(tmp_path: Path) -> None:
    path = tmp_path / "bom.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<a>" + b" " * 60_000_000 + b"</a>")
    with pytest.raises(ImportError_) as exc:
        clean_docx(path)
    assert exc.value.msg_id == "docx_bomb"
