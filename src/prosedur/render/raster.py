"""SVG (flowchart, logo) to PNG, for the one output that takes only raster images: DOCX.

Chosen by measurement (a 13-row, 5-lane swimlane page, 760x1000 px, at 200 dpi, this machine):
cairosvg 2.9 ~100 ms, resvg-py 0.5 ~290 ms (it loads the system font database on every call and
scales worse with size), WeasyPrint -> PDF -> pdftoppm ~290 ms plus an external process. Both
libraries drew the page identically well, so cairosvg wins: twice as fast, kept by the WeasyPrint
authors, and it only needs Debian's libcairo2 (already pulled in by the Pango stack). It refuses
external resources by default (`unsafe=False`), so an SVG cannot make us read local files.

The pixels cairo draws are written by Pillow at zlib level 1 rather than by cairo's PNG writer
(level 6 with 32-bit pixels): the same image, ~40 ms less per page (a third of the rasterising time
on the synthetic library), files ~10 % larger. A 64-colour palette would have been faster still and
half the size, but Pillow's fast quantiser merges white with the lanes' faint tint and the exact one
costs 0.27 s a page.

Results are cached by content: the same flowchart is rasterised once per process, which matters
when the web app serves the same revision's DOCX repeatedly.

150 dpi rather than 200: a swimlane page rasterises in ~0.09 s instead of ~0.16 s (P.SMLTI 21, this
machine) and its PNG is 30 % smaller; the smallest text (5.5 px connector notes, about 5 pt printed)
still has clean, legible glyphs at that density, as checked on the sample pages.
"""

from __future__ import annotations

import io
import re
import struct
from functools import lru_cache
from pathlib import Path

DEFAULT_DPI = 150
CSS_DPI = 96  # SVG user units are CSS pixels


_ROOT_WIDTH = re.compile(r"<svg\b[^>]*?\swidth\s*=\s*[\"']\s*[0-9.]+\s*(mm|cm|in|pt|pc)\s*[\"']", re.S)


@lru_cache(maxsize=64)
def svg_to_png(svg: str, dpi: int = DEFAULT_DPI) -> bytes:
    """Rasterise SVG markup at `dpi` on a white background (Word shows transparency oddly).

    cairosvg converts physical sizes (`width="180mm"`) with `dpi` but takes pixel sizes as output
    pixels, so a pixel-sized SVG is scaled from CSS's 96 dpi instead; either way the PNG has the
    SVG's physical size at `dpi`.
    """
    from cairosvg.parser import Tree
    from cairosvg.surface import PNGSurface
    from PIL import Image

    scale = 1.0 if _ROOT_WIDTH.search(svg[:4096]) else dpi / CSS_DPI
    # what cairosvg.svg2png does, minus its PNG writer: the drawn surface goes to Pillow instead
    surface = PNGSurface(Tree(bytestring=svg.encode("utf-8")), None, dpi, scale=scale, background_color="white")
    canvas = surface.cairo
    canvas.flush()
    width, height = canvas.get_width(), canvas.get_height()
    pixels = Image.frombuffer("RGBA", (width, height), bytes(canvas.get_data()), "raw", "BGRA", 0, 1)
    out = io.BytesIO()
    pixels.convert("RGB").save(out, "PNG", compress_level=1, dpi=(dpi, dpi))
    return out.getvalue()  # not surface.finish(): that would run cairo's PNG writer after all


def png_size(png: bytes) -> tuple[int, int]:
    """Pixel (width, height) from the IHDR chunk, without decoding the image."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def image_file_to_raster(path: Path, dpi: int = DEFAULT_DPI) -> bytes | None:
    """A logo file as bytes python-docx accepts (PNG/JPEG/GIF as is, SVG rasterised), or None.

    Missing or unreadable files give None: a broken logo must not stop the document.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff" or data[:4] == b"GIF8":
        return data
    if path.suffix.lower() in (".svg", ".svgz") or b"<svg" in data[:2048]:
        try:
            return svg_to_png(data.decode("utf-8"), dpi)
        except Exception:  # noqa: BLE001 - any malformed SVG just means "no logo"
            return None
    return None
