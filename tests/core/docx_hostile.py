"""A Word file that reaches outside itself, for the cleaning before LibreOffice lays it out: a picture
linked by URL (`a:blip r:link`, an external relationship), an INCLUDEPICTURE field to the same server, an
OLE object (an embedded binary with its preview picture), an altChunk (an embedded HTML document that pulls
a picture by URL), an ActiveX control, an attached template and a mail-merge data source by URL, plus an embedded picture that must stay.
python-docx makes the package; the hostile parts are added as parts and raw WordprocessingML."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
      'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')
ALT_TEXT = "ISI-SISIPAN-ALTCHUNK"
OLE_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"OLE-RAHASIA" * 64


def png(width: int = 40, height: int = 20, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A plain-colour PNG (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _inline(rid_attr: str, pid: int) -> str:
    return (f'<w:p {NS}><w:r><w:drawing><wp:inline><wp:extent cx="1828800" cy="914400"/>'
            f'<wp:docPr id="{pid}" name="Gambar {pid}"/><a:graphic><a:graphicData '
            'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="{pid}" name="g{pid}.png"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip {rid_attr}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1828800" cy="914400"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
            '</wp:inline></w:drawing></w:r></w:p>')


def write_hostile_docx(base_url: str, path: Path, base: Path | None = None) -> Path:
    """The Word file at `path` (`base` with the hostile parts appended, else a short document); every
    outside reference points under `base_url` (a server that records requests)."""
    doc = Document(str(base)) if base is not None else Document()
    if base is None:
        doc.add_paragraph("Nomor SOP: SOP-999/UJI/2026")
        doc.add_paragraph("Nama SOP: Uji Tautan Luar")
    part = doc.part
    body = doc.element.body
    sect = body[-1]
    # an embedded picture: kept
    doc.add_picture(io.BytesIO(png(rgb=(20, 90, 200))))
    # a picture linked by URL
    linked = part.relate_to(f"{base_url}/gambar.png", RT.IMAGE, is_external=True)
    sect.addprevious(parse_xml(_inline(f'r:link="{linked}"', 901)))
    # an INCLUDEPICTURE field to the same server
    sect.addprevious(parse_xml(
        f'<w:p {NS}><w:fldSimple w:instr=\'INCLUDEPICTURE "{base_url}/bidang.png" \\d\'>'
        '<w:r><w:t>hasil bidang</w:t></w:r></w:fldSimple></w:p>'))
    # an OLE object with its preview picture
    ole = Part(PackURI("/word/embeddings/oleObject1.bin"), "application/vnd.openxmlformats-officedocument.oleObject",
               OLE_BYTES, part.package)
    ole_rid = part.relate_to(ole, RT.OLE_OBJECT)
    preview = Part(PackURI("/word/media/preview1.png"), "image/png", png(rgb=(30, 160, 60)), part.package)
    preview_rid = part.relate_to(preview, RT.IMAGE)
    sect.addprevious(parse_xml(
        f'<w:p {NS}><w:r><w:object w:dxaOrig="2000" w:dyaOrig="1000">'
        f'<v:shape id="ole1" type="#_x0000_t75" style="width:100pt;height:50pt" o:ole="">'
        f'<v:imagedata r:id="{preview_rid}" o:title="" o:href="{base_url}/vml.png"/></v:shape>'
        f'<o:OLEObject Type="Embed" ProgID="Package" ShapeID="ole1" DrawAspect="Content" ObjectID="_1" '
        f'r:id="{ole_rid}"/></w:object></w:r></w:p>'))
    # an altChunk: an HTML document merged into the body, pulling a picture by URL
    html = (f'<html><body><p>{ALT_TEXT}</p><img src="{base_url}/sisipan.png"></body></html>').encode()
    chunk = Part(PackURI("/word/afchunk1.htm"), "text/html", html, part.package)
    chunk_rid = part.relate_to(chunk, RT.A_F_CHUNK)
    sect.addprevious(parse_xml(f'<w:altChunk {NS} r:id="{chunk_rid}"/>'))
    # an ActiveX control
    ax = Part(PackURI("/word/activeX/activeX1.xml"), "application/vnd.ms-office.activeX+xml",
              b'<?xml version="1.0"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
              b'ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}" ax:persistence="persistPropertyBag"/>',
              part.package)
    ax_rid = part.relate_to(ax, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/control")
    sect.addprevious(parse_xml(f'<w:p {NS}><w:r><w:object><w:control r:id="{ax_rid}" w:name="K1"/>'
                               '</w:object></w:r></w:p>'))
    # an attached template by URL
    settings = part._settings_part
    tpl = settings.relate_to(f"{base_url}/templat.dotx", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate", is_external=True)
    settings.element.append(parse_xml(f'<w:attachedTemplate {NS} r:id="{tpl}"/>'))
    # a mail merge whose data source is a URL and whose connection string names it too
    source = settings.relate_to(f"{base_url}/data.csv",
                                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/mailMergeSource",
                                is_external=True)
    settings.element.append(parse_xml(
        f'<w:mailMerge {NS}><w:mainDocumentType w:val="formLetters"/><w:dataType w:val="textFile"/>'
        f'<w:connectString w:val="{base_url}/data.csv"/><w:query w:val="SELECT * FROM data.csv"/>'
        f'<w:dataSource r:id="{source}"/></w:mailMerge>'))
    doc.save(str(path))
    return path
