"""One exception root that knows how to present itself (style: click's ClickException).

`SourceError` carries every problem found in one or more source files, each with file, line, column
and field path, so the CLI prints them all (exit 2) and the web app shows them as form errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import t


class ProsedurError(Exception):
    """Root of every error the core raises on purpose. `exit_code` is what the CLI exits with."""

    exit_code = 2

    def message(self, lang: str = "id") -> str:
        return str(self)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a source file, located and translatable."""

    file: str
    line: int
    col: int
    path: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        params = dict(self.params)
        if "suggestion" in params:
            name = params.pop("suggestion")
            params["hint"] = t("did_you_mean", lang, name=name) if name else ""
        return t(self.key, lang, **params)

    def text(self, lang: str = "id", with_file: bool = False) -> str:
        """The problem for a screen: line, the place in words and the message, never a source path
        ("baris 7, kolom 5 — Langkah 1 › Kegiatan: …"); `with_file` puts the file name first."""
        from .places import place, place_in_library

        words = (place_in_library if Path(self.file).name == "pustaka.yaml" else place)(self.path, lang)
        if self.line:
            where = (f"line {self.line}, column {self.col}" if lang == "en"
                     else f"baris {self.line}, kolom {self.col}")
        else:
            where = ""
        if with_file and self.file:
            where = f"{self.file}, {where}" if where else self.file
        head = " — ".join(p for p in (where, words) if p)
        return f"{head}: {self.message(lang)}" if head else self.message(lang)

    def format(self, lang: str = "id") -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        field_part = f" {self.path}:" if self.path else ""
        return f"{where}:{field_part} {self.message(lang)}"


class SourceError(ProsedurError):
    """A source file cannot be turned into a model. Holds every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.message())

    def message(self, lang: str = "id") -> str:
        return "\n".join(p.format(lang) for p in self.problems)


class TransitionError(ProsedurError):
    """A lifecycle transition is not allowed from the current state."""

    exit_code = 1


def display_path(path: Path | str) -> str:
    """A path as the user should see it: relative to the working directory when possible."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
