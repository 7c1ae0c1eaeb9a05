"""A Word package made safe to hand to a layout engine (LibreOffice) for page images of an uploaded original.

LibreOffice, opening a .docx, loads what the package points at: linked pictures (`a:blip r:link`, VML
`o:href`), attached templates, sub-documents, INCLUDEPICTURE/INCLUDETEXT/LINK/DDE fields, OLE objects and
ActiveX controls with their embedded programs. Nothing here may be fetched or run, so the package is
rewritten in memory before conversion:

- every relationship with TargetMode="External" is dropped, and every relationship to an embedded
  program or document (OLE object, embedded package, ActiveX control, altChunk, sub-document, VBA
  project, attached template, frame);
- every part no remaining relationship reaches from the package root is dropped (the embedded files,
  the controls' binaries, a macro project: the parts only those relationships referenced), and its
  `[Content_Types].xml` override;
- in the XML parts kept: the elements that only carried those objects (`o:OLEObject`, `w:control`,
  `w:altChunk`, `w:subDoc`, `w:attachedTemplate`; a mail merge's data source and connection string
  `w:mailMerge`; a frameset) are removed, an attribute naming a dropped relationship
  (`r:link`, `r:id`, …) is removed, VML `src`/`o:href` (a picture's original path) is removed, and the
  field codes that include or link outside content lose their instruction (their printed result stays).

Pictures (internal `image` relationships), styles, numbering, fonts, headers and footers are kept, so the
page looks as printed. An OLE object keeps its preview picture. The package is first checked as the
reader checks it (`docx._open`: entry count, sizes, ratio, macros), and parsed with the same hardened
parser. Hand-written on zipfile + lxml for the reader's reasons (see `docx`); no library strips a package.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from .docx import MAX_PART_BYTES, NS, _open, _parse, _part

__all__ = ["Cleaned", "clean_docx"]

PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
R = "{{{}}}".format(NS["r"])
# relationship types (the last part of the Type URL) to embedded programs or documents, never kept
DROP_TYPES = {"oleObject", "package", "control", "activeXControlBinary", "aFChunk", "subDocument",
              "vbaProject", "wordVbaData", "vbaProjectSignature", "attachedTemplate", "frame",
              "keyMapCustomizations", "printerSettings"}
DROP_TAGS = {f"{{{NS['o']}}}OLEObject", f"{{{NS['w']}}}control", f"{{{NS['w']}}}altChunk",
             f"{{{NS['w']}}}subDoc", f"{{{NS['w']}}}attachedTemplate", f"{{{NS['w']}}}mailMerge",
             f"{{{NS['w']}}}frameset"}
_OUTSIDE_FIELD = re.compile(r"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT|INCLUDE)\b", re.IGNORECASE)
_VML_HREF = {"src", f"{{{NS['o']}}}href", "href"}


@dataclass
class Cleaned:
    """The rewritten package and what was taken out of it (counted for the log and the tests)."""

    data: bytes
    external: int = 0
    relationships: int = 0  # internal relationships to programs/embedded documents dropped
    parts: list[str] = field(default_factory=list)  # parts dropped
    elements: int = 0  # elements and attributes removed, field codes emptied


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _owner_of(rels: str) -> str:
    """The part a .rels file belongs to ('' for the package's own `_rels/.rels`)."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")]).lstrip("/")


def _target(owner: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(owner), target))


def _xml(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def clean_docx(path: Path) -> Cleaned:
    """The package at `path` without anything outside it or anything that runs (`ImportError_` when the
    package fails the reader's checks)."""
    _open(path)  # size, entries, ratio, macros: refused as the reader refuses them
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: _part(zf, i.filename, MAX_PART_BYTES) for i in zf.infolist() if not i.is_dir()}
    out = Cleaned(b"")
    dropped_ids: dict[str, set[str]] = {}
    links: dict[str, list[str]] = {}  # part -> internal targets it keeps
    for name in [n for n in parts if n.endswith(".rels")]:
        root = _parse(parts[name])
        owner = _owner_of(name)
        for rel in list(root):
            if rel.tag != f"{{{PKG_RELS}}}Relationship":
                continue
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if rel.get("TargetMode") == "External" or kind in DROP_TYPES:
                out.external += rel.get("TargetMode") == "External"
                out.relationships += rel.get("TargetMode") != "External"
                dropped_ids.setdefault(owner, set()).add(rel.get("Id") or "")
                root.remove(rel)
            else:
                links.setdefault(owner, []).append(_target(owner, rel.get("Target") or ""))
        parts[name] = _xml(root)
    # the parts still reached from the package root, with their .rels
    keep = {"[Content_Types].xml", "_rels/.rels"}
    todo = list(links.get("", []))
    while todo:
        part = todo.pop()
        if part in keep or part not in parts:
            continue
        keep.add(part)
        if _rels_of(part) in parts:
            keep.add(_rels_of(part))
        todo.extend(links.get(part, []))
    out.parts = sorted(n for n in parts if n not in keep)
    for name in out.parts:
        del parts[name]
    for name in list(parts):
        if name.endswith(".xml") and name.startswith("word/"):
            parts[name] = _scrub(parts[name], dropped_ids.get(name, set()), out)
    if "[Content_Types].xml" in parts:
        types = _parse(parts["[Content_Types].xml"])
        for o in list(types.findall(f"{{{CT_NS}}}Override")):
            if (o.get("PartName") or "").lstrip("/") not in parts:
                types.remove(o)
        parts["[Content_Types].xml"] = _xml(types)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ["[Content_Types].xml", *sorted(n for n in parts if n != "[Content_Types].xml")]:
            if name in parts:
                zf.writestr(name, parts[name])
    out.data = buffer.getvalue()
    return out


def _scrub(data: bytes, dropped: set[str], out: Cleaned) -> bytes:
    """One XML part without the elements, attributes and field codes that reach outside the package."""
    root = _parse(data)
    removed = 0
    for el in list(root.iter(*DROP_TAGS)):
        if el.getparent() is not None:
            el.getparent().remove(el)
            removed += 1
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in [a for a in el.attrib if a.startswith(R) and el.attrib[a] in dropped]:
            del el.attrib[attr]
            removed += 1
        if el.tag.startswith(f"{{{NS['v']}}}"):
            for attr in [a for a in el.attrib if a in _VML_HREF]:
                del el.attrib[attr]
                removed += 1
    # field codes: a complex field's instruction may be split over runs, so a paragraph is judged whole
    for p in root.iter(f"{{{NS['w']}}}p"):
        instr = p.findall(f".//{{{NS['w']}}}instrText")
        if instr and _OUTSIDE_FIELD.search("".join(t.text or "" for t in instr)):
            for t in instr:
                t.text = ""
                removed += 1
    for fld in list(root.iter(f"{{{NS['w']}}}fldSimple")):
        if _OUTSIDE_FIELD.search(fld.get(f"{{{NS['w']}}}instr") or ""):
            parent, at = fld.getparent(), fld.getparent().index(fld)
            for child in reversed(list(fld)):
                parent.insert(at, child)  # the printed result stays, without its instruction
            parent.remove(fld)
            removed += 1
    out.elements += removed
    return _xml(root) if removed else data
