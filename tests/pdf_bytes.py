"""Hand-made PDF files for tests that need a PDF of a given shape (pages of text, a hostile catalog)."""

from __future__ import annotations

import io


def pdf_of(objs: list[bytes], version: bytes = b"1.7") -> bytes:
    """A PDF of these objects (object 1 = the catalog), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-" + version + b"\n")
    offsets = []
    for k, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % k + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()
