"""SVG (flowchart, logo) to PNG, for the one output that takes only raster images: DOCX.

Chosen by measurement (a 13-row, 5-lane swimlane page, 760x1000 px, at 200 dpi, this machine):
cairosvg 2.9 ~100 ms, resvg-py 0.5 ~290 ms (it loads the system font database on every call and
scales worse with size), WeasyPrint -> PDF -> pdftoppm ~290 ms plus an external process. Both
libraries drew the page identically well, so cairosvg wins: twice as fast, kept by the WeasyPrint
authors, and it only needs Debian's libcairo2 (already pulled in by the Pango stack). It refuses
external resources by default (`unsafe=False`), so an SVG cannot make us read local files.

The pixels cairo draws are written by `_png` (RGB rows, no row filters, zlib level 1) rather than by
cairo's PNG writer (level 6, 32-bit pixels) or Pillow's (which always tries its five row filters): the
same image, a page in ~10 ms instead of ~45 ms (cairo) or ~20 ms (Pillow), about as large: a flowchart
is long runs of one colour, which deflate well without filtering. Hand-written because neither library
lets the filters be switched off; Pillow still reads every PNG back in the tests. A 64-colour palette
would have been smaller, but Pillow's fast quantiser merges white with the lanes' faint tint and the
exact one costs 0.27 s a page. The SVG's <title>/<desc> (accessibility text, invisible in a picture;
the DOCX sets its own alt text) are dropped before drawing: a fifth fewer elements for cairosvg.

Results are cached by content: the same flowchart is rasterised once per process, which matters
when the web app serves the same revision's DOCX repeatedly.

150 dpi rather than 200: a swimlane page rasterises in ~0.09 s instead of ~0.16 s (P.SMLTI 21, this
machine) and its PNG is 30 % smaller; the smallest text (5.5 px connector notes, about 5 pt printed)
still has clean, legible glyphs at that density, as checked on the sample pages.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

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

    _install_text_runs()
    scale = 1.0 if _ROOT_WIDTH.search(svg[:4096]) else dpi / CSS_DPI
    drawn = _INVISIBLE.sub("", svg)
    # what cairosvg.svg2png does, minus its PNG writer (not surface.finish(): that would run it)
    surface = PNGSurface(Tree(bytestring=drawn.encode("utf-8")), None, dpi, scale=scale, background_color="white")
    canvas = surface.cairo
    canvas.flush()
    width, height = canvas.get_width(), canvas.get_height()
    # cairo's ARGB32 is B, G, R, A in memory; opaque (white background), so alpha can go
    rgb = Image.frombuffer("RGB", (width, height), bytes(canvas.get_data()), "raw", "BGRX", 0, 1)
    return _png(width, height, rgb.tobytes(), dpi)


_INVISIBLE = re.compile(r"<(title|desc)\b[^>]*>.*?</\1>", re.S)


def _png(width: int, height: int, rgb: bytes, dpi: int) -> bytes:
    """8-bit RGB pixels as a PNG file: no row filters, zlib level 1, the resolution in pHYs."""
    stride = 3 * width
    rows = b"".join(b"\x00" + rgb[start:start + stride] for start in range(0, stride * height, stride))
    per_metre = round(dpi / 0.0254)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
        chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        chunk(b"IDAT", zlib.compress(rows, 1)),
        chunk(b"IEND", b""),
    ))


class RasterCache:
    """Flowchart PNGs on disk by digest of (salt, dpi, SVG), for builds: editing a procedure's text
    leaves its flowchart as it was, and its pages are then read instead of drawn (which also spares
    a short build cairocffi's ~0.3 s start). The salt is the caller's code digest, so a change of
    drawing code draws again. `used` collects the keys handed out, for pruning the folder."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder, self.salt = folder, salt
        self.used: list[str] = []

    def key(self, svg: str, dpi: int) -> str:
        digest = hashlib.sha256(f"{self.salt}\0{dpi}\0".encode())
        digest.update(svg.encode("utf-8"))
        return digest.hexdigest()

    def __call__(self, svg: str, dpi: int = DEFAULT_DPI) -> bytes:
        key = self.key(svg, dpi)
        self.used.append(key)
        path = self.folder / f"{key}.png"
        try:
            png = path.read_bytes()
            if png[:8] == b"\x89PNG\r\n\x1a\n" and png[-8:-4] == b"IEND":
                return png
        except OSError:
            pass
        png = svg_to_png(svg, dpi)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{key}.{os.getpid()}.tmp")
        tmp.write_bytes(png)
        os.replace(tmp, path)  # parallel workers may write the same page: the last complete one wins
        return png

    def prune(self, keep: set[str]) -> int:
        """Remove the PNGs whose key is not in `keep`; returns how many went."""
        removed = 0
        if self.folder.is_dir():
            for file in self.folder.glob("*.png"):
                if file.stem not in keep:
                    file.unlink(missing_ok=True)
                    removed += 1
        return removed


def png_size(png: bytes) -> tuple[int, int]:
    """Pixel (width, height) from the IHDR chunk, without decoding the image."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def image_file_to_raster(
    path: Path, dpi: int = DEFAULT_DPI, raster: Callable[[str, int], bytes] | None = None
) -> bytes | None:
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
            return (raster or svg_to_png)(data.decode("utf-8"), dpi)
        except Exception:  # noqa: BLE001 - any malformed SVG just means "no logo"
            return None
    return None


# -- SVG text in one run ---------------------------------------------------------------------------
# cairosvg (2.7 up to 2.9 at least) measures and outlines every letter of a <text> on its own so that
# per-letter x/y/dx/dy/rotate and textPath work: ~14,000 cairo calls for one synthetic procedure's
# flowchart, a third of its rasterising time. Our flowcharts never use those: each <text> is one line
# at one x/y. For such plain text the whole string is outlined at once, with the same font choice,
# anchor and baseline handling and cursor bookkeeping as cairosvg's own function (the pixels are
# compared in tests/core/test_docx.py); anything else goes to cairosvg's function unchanged.

_PER_LETTER = ("dx", "dy", "rotate", "letter-spacing", "textLength")
_text_runs_installed = False


@lru_cache(maxsize=1)
def _text_runs_supported() -> bool:
    """Only patch a cairosvg whose text function has the shape reproduced below."""
    try:
        import inspect

        from cairosvg import surface, text

        source = inspect.getsource(text.text)
    except Exception:  # noqa: BLE001 - any change upstream means "leave cairosvg alone"
        return False
    return surface.TAGS.get("text") is text.text and "zip_letters(x, y, dx, dy, rotate, node.text)" in source


def _install_text_runs() -> None:
    global _text_runs_installed
    if _text_runs_installed or not _text_runs_supported():
        return
    from cairosvg import surface

    surface.TAGS["text"] = _make_text_runs(surface.TAGS["text"])
    _text_runs_installed = True


def _make_text_runs(original: Any) -> Any:
    from cairosvg.bounding_box import EMPTY_BOUNDING_BOX, extend_bounding_box
    from cairosvg.helpers import normalize, size
    from cairosvg.surface import cairo

    from .svg import baseline_shift

    def face(node: Any) -> tuple[str, Any, Any]:
        family = (node.get("font-family") or "sans-serif").split(",")[0].strip("\"' ")
        slant = getattr(cairo, f'font_slant_{node.get("font-style")}'.upper(), cairo.FONT_SLANT_NORMAL)
        weight_name = node.get("font-weight")
        if weight_name and weight_name.isdigit() and int(weight_name) >= 550:
            weight_name = "bold"
        weight = getattr(cairo, f"font_weight_{weight_name}".upper(), cairo.FONT_WEIGHT_NORMAL)
        return family, slant, weight

    def styled_runs(node: Any) -> list[tuple[str, Any]] | None:
        """The text of `node` and of its <tspan> children (inline emphasis) as (text, node) runs, or
        None when a child does anything but change the font (positions, nesting, links)."""
        runs = [(node.text or "", node)]
        for child in node.children:
            if (child.tag != "tspan" or child.children or any(name in child for name in (*_PER_LETTER, "x", "y"))
                    or child.get_href()):
                return None
            runs.append((child.text or "", child))
        return runs if any(text for text, _ in runs) else None

    def text_runs(surface: Any, node: Any, draw_as_text: bool = False) -> Any:
        xs = normalize(node.get("x", "")).split()
        ys = normalize(node.get("y", "")).split()
        runs = styled_runs(node) if node.tag == "text" else None
        if (
            runs is None
            or len(xs) != 1
            or len(ys) != 1
            or any(name in node for name in _PER_LETTER)
            or node.get_href()
            or node.parent.get_href()
        ):
            return original(surface, node, draw_as_text)
        context = surface.context
        context.set_font_size(surface.font_size)
        # a chunk of styled runs is anchored as a whole (cairosvg anchors each <tspan> on its own)
        measured = []
        for text, owner in runs:
            context.select_font_face(*face(owner))
            measured.append(context.text_extents(text)[:5] if text else (0.0, 0.0, 0.0, 0.0, 0.0))
        context.select_font_face(*face(node))
        ascent, descent, _, max_x_advance, max_y_advance = context.font_extents()
        x_bearing = measured[0][0] if runs[0][0] else next((m[0] for m in measured if m[4]), 0.0)
        x_advance = sum(m[4] for m in measured)
        last = measured[-1]
        width = x_advance - last[4] + last[0] + last[2] - x_bearing
        height = max(m[3] for m in measured)
        y_bearing = min(m[1] for m in measured)

        x_align = y_align = 0.0
        anchor = node.get("text-anchor")
        if anchor == "middle":
            x_align = -(width / 2 + x_bearing)
        elif anchor == "end":
            x_align = -(width + x_bearing)
        if max_x_advance > 0 and max_y_advance == 0:
            display_anchor = node.get("display-anchor")
            baseline = node.get("dominant-baseline") or node.get("alignment-baseline")
            if display_anchor == "middle":
                y_align = -height / 2 - y_bearing
            elif display_anchor == "top":
                y_align = -y_bearing
            elif display_anchor == "bottom":
                y_align = -height - y_bearing
            else:
                y_align = baseline_shift(baseline, ascent, descent)

        x = size(surface, xs[0], "x")
        y = size(surface, ys[0], "y")
        if x:  # as cairosvg: an explicit (non-zero) position ends any pending shift
            surface.cursor_d_position[0] = 0
        if y:
            surface.cursor_d_position[1] = 0
        dx, dy = surface.cursor_d_position
        context.save()
        pen = x + dx + x_align
        for (text, owner), metrics in zip(runs, measured, strict=True):
            if not text:
                continue
            context.select_font_face(*face(owner))
            context.move_to(pen, y + dy + y_align)
            if draw_as_text:
                context.show_text(text)
            else:
                context.text_path(text)
            pen += metrics[4]
        context.restore()
        for child in node.children:  # drawn above, with the chunk
            child.text = ""
        surface.cursor_position = (x + x_advance, y)
        left, top = x + x_align + dx, y + y_align + dy
        node["text_bounding_box"] = extend_bounding_box(
            EMPTY_BOUNDING_BOX, ((left, top), (left + x_advance, top + height))
        )

    return text_runs
