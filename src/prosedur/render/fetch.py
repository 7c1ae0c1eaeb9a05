"""A URL fetcher for WeasyPrint that reads only our own files.

WeasyPrint fetches every URL a document names (images, stylesheets, fonts). A procedure's text is
escaped, but a logo or attachment path comes from the source, so the fetcher is the last line:
only `file:` URLs whose real path (symlinks resolved, `..` collapsed) lies inside an allowed root —
the library folder and the package's templates — are read. Everything else (`http:`, `https:`,
`ftp:`, `data:`, other files) is refused before WeasyPrint's own opener is reached, and redirects
are switched off as well.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping
from functools import lru_cache
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
    """The check itself, independent of WeasyPrint: `open_bytes(url)` or FetchRefused."""

    def __init__(self, roots: Iterable[Path]) -> None:
        self.roots = [Path(r) for r in roots]
        self.refused: list[str] = []

    def open_bytes(self, url: str) -> tuple[str, bytes, str]:
        """(real URL, content, MIME type) of an allowed file URL; anything else raises FetchRefused."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query:
            self._refuse(url)
        real = path_allowed(Path(unquote(parts.path)), self.roots)
        if real is None or real.stat().st_size > MAX_ASSET_BYTES:
            self._refuse(url)
        assert real is not None
        mime, _ = mimetypes.guess_type(real.name)
        return real.as_uri(), real.read_bytes(), mime or "application/octet-stream"

    def _refuse(self, url: str) -> None:
        self.refused.append(url)
        raise FetchRefused(f"refused: {url[:200]}")


@lru_cache(maxsize=1)
def _weasy_fetcher_class() -> type:
    """A WeasyPrint URLFetcher subclass (built lazily: importing WeasyPrint takes a second)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class WeasySafeFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self, check: SafeFetcher, memory: Mapping[str, tuple[bytes, str]]) -> None:
            super().__init__(allowed_protocols=["file"], allow_redirects=False, fail_on_errors=False)
            self.check = check
            self.memory = memory

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url in self.memory:
                body, mime = self.memory[url]
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            real_url, body, mime = self.check.open_bytes(url)
            return URLFetcherResponse(real_url, body, {"Content-Type": mime})

    return WeasySafeFetcher


def fetcher_for(library_root: Path | None, memory: Mapping[str, tuple[bytes, str]] | None = None) -> Any:
    """The WeasyPrint fetcher every PDF renderer uses: the library folder plus our templates.

    `memory` maps exact URLs to (content, MIME type) built by us for this render (the PDF renderer
    serves its flowchart SVGs so); only those URLs are answered from it.
    """
    roots = [TEMPLATES]
    if library_root is not None:
        roots.append(Path(library_root))
    return _weasy_fetcher_class()(SafeFetcher(roots), dict(memory or {}))
