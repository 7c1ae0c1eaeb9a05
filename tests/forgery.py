"""A forger's edit of a signed PDF, shared by the core and web tests of the PAdES check."""

from __future__ import annotations

import io


def appended_text(data: bytes, text: bytes) -> bytes:
    """An incremental update after signing: a line of text drawn on page 1 (what a forger's editor does)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    font = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica")}))
    stream = writer.add_object(generic.StreamObject(stream_data=b"BT /FUbah 20 Tf 72 90 Td (" + text + b") Tj ET"))
    writer.add_stream_to_page(0, stream, resources=generic.DictionaryObject(
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/FUbah"): font})}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
