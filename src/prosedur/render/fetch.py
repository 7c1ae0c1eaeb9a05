"""A URL fetcher for WeasyPrint that reads only our own files.

WeasyPrint fetches every URL a document names (images, stylesheets, fonts). A procedure's text is
escaped, but a logo or attachment path comes from the source, so the fetcher is the last line:
only `file:` URLs whose real path (symlinks resolved, `..` collapsed) lies inside an allowed root —
the library folder and the package's templates — are read. Everything else (`http:`, `https:`,
`ftp:`, `data:`, other files) is refused; there is no network code here, so nothing can redirect.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["FetchRefused", "MAX_ASSET_BYTES", "SafeFetcher", "TEMPLATES", "file_url", "path_allowed"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_ASSET_BYTES = 8 * 1024 * 1024


class FetchRefused(ValueError):
    """WeasyPrint logs this and renders without the resource."""


def path_allowed(path: Path, roots: Iterable[Path]) -> Path | None:
    """The resolved `path` if it is a regular file inside one of `roots`, else None."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_file():
        return None
    for root in roots:
        try:
            real.relative_to(root.resolve())
        except (ValueError, OSError):
            continue
        return real
    return None


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


class SafeFetcher:
    """Callable WeasyPrint `url_fetcher` limited to files under `roots`."""

    def __init__(self, roots: Iterable[Path]) -> None:
        self.roots = [Path(r) for r in roots]
        self.refused: list[str] = []

    def __call__(self, url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
            return self._refuse(url)
        real = path_allowed(Path(unquote(parts.path)), self.roots)
        if real is None or real.stat().st_size > MAX_ASSET_BYTES:
            return self._refuse(url)
        mime, _ = mimetypes.guess_type(real.name)
        return {
            "string": real.read_bytes(),
            "mime_type": mime or "application/octet-stream",
            "encoding": "utf-8" if mime in ("text/css", "image/svg+xml") else None,
            "redirected_url": real.as_uri(),
            "filename": real.name,
        }

    def _refuse(self, url: str) -> dict[str, Any]:
        self.refused.append(url)
        raise FetchRefused(f"refused: {url[:200]}")


def fetcher_for(library_root: Path | None) -> Callable[..., dict[str, Any]]:
    """The fetcher every PDF renderer uses: the library folder plus our templates."""
    roots = [TEMPLATES]
    if library_root is not None:
        roots.append(Path(library_root))
    return SafeFetcher(roots)
