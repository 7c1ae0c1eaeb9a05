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
