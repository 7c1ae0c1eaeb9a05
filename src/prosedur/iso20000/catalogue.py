"""The ISO/IEC 20000-1:2018 clause catalogue (clauses 4–10), shipped as package data.

Why a data file: clause numbers and titles are facts about the standard that change only with a new
edition, and people who know the standard (not programmers) should be able to check them. The
descriptions are our own one-line summaries, never the standard's text. Each clause says what it asks
to be kept (`requires`): documented information, records, or — only 8.6.1, for major incidents — a
documented procedure. Requirements sit on the most specific clause they belong to, so coverage can be
judged clause by clause the way an auditor walks the standard.

The file is read and validated once per process (`catalogue()` is cached) into frozen models.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

__all__ = [
    "Catalogue",
    "Clause",
    "Requirement",
    "RequirementKind",
    "catalogue",
    "children",
    "clause",
    "is_known",
    "normalise",
    "unknown_clauses",
]

_NUMBER = r"^(?:[4-9]|10)(?:\.[1-9][0-9]?)*$"


class RequirementKind(StrEnum):
    """What a clause asks for: maintained documents, retained records, or a documented procedure."""

    DOCUMENTED_INFORMATION = "documented_information"
    RECORD = "record"
    DOCUMENTED_PROCEDURE = "documented_procedure"


REQUIREMENT_LABELS: dict[RequirementKind, tuple[str, str]] = {
    RequirementKind.DOCUMENTED_INFORMATION: ("informasi terdokumentasi", "documented information"),
    RequirementKind.RECORD: ("rekaman", "record"),
    RequirementKind.DOCUMENTED_PROCEDURE: ("prosedur terdokumentasi", "documented procedure"),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Requirement(_Frozen):
    """One thing a clause asks to exist, named in both languages."""

    kind: RequirementKind
    item_id: str = Field(min_length=1)
    item_en: str = Field(min_length=1)

    def item(self, lang: str = "id") -> str:
        return self.item_en if lang == "en" else self.item_id

    def kind_label(self, lang: str = "id") -> str:
        pair = REQUIREMENT_LABELS[self.kind]
        return pair[1] if lang == "en" else pair[0]


class Clause(_Frozen):
    """One clause or sub-clause. `parent` is derived from the number (8.6.1 -> 8.6) when omitted."""

    number: str = Field(pattern=_NUMBER)
    title_id: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    description_id: str = Field(min_length=1)
    description_en: str = Field(min_length=1)
    parent: str | None = None
    requires: tuple[Requirement, ...] = ()
    procedure_required: bool = False

    @model_validator(mode="before")
    @classmethod
    def _derive_parent(cls, data: Any) -> Any:
        if isinstance(data, dict) and "number" in data:
            number = str(data["number"]).strip()
            derived = number.rsplit(".", 1)[0] if "." in number else None
            data = {**data, "number": number}
            if "parent" not in data:
                data["parent"] = derived
            elif data["parent"] != derived:
                raise ValueError(f"clause {number}: parent {data['parent']!r} is not {derived!r}")
        return data

    @model_validator(mode="after")
    def _procedure_flag_matches(self) -> Clause:
        asks = any(r.kind is RequirementKind.DOCUMENTED_PROCEDURE for r in self.requires)
        if asks != self.procedure_required:
            raise ValueError(f"clause {self.number}: procedure_required disagrees with requires")
        return self

    @property
    def depth(self) -> int:
        """1 for a top-level clause (8), 2 for 8.6, 3 for 8.6.1 ..."""
        return self.number.count(".") + 1

    @property
    def key(self) -> tuple[int, ...]:
        """Numeric sort key: 8.10 after 8.9, 10 after 9."""
        return tuple(int(part) for part in self.number.split("."))

    def title(self, lang: str = "id") -> str:
        return self.title_en if lang == "en" else self.title_id

    def description(self, lang: str = "id") -> str:
        return self.description_en if lang == "en" else self.description_id


class Catalogue(_Frozen):
    """All clauses in document order, with lookups built once."""

    version: str
    clauses: tuple[Clause, ...]

    _index: dict[str, Clause] = PrivateAttr(default_factory=dict)
    _children: dict[str, tuple[Clause, ...]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        seen: set[str] = set()
        for item in self.clauses:
            if item.number in seen:
                raise ValueError(f"clause {item.number} listed twice")
            if item.parent is not None and item.parent not in seen:
                raise ValueError(f"clause {item.number}: parent {item.parent} missing or listed after it")
            seen.add(item.number)
        keys = [c.key for c in self.clauses]
        if keys != sorted(keys):
            raise ValueError("clauses are not in numbering order")
        self._index = {c.number: c for c in self.clauses}
        kids: dict[str, list[Clause]] = {}
        for c in self.clauses:
            if c.parent is not None:
                kids.setdefault(c.parent, []).append(c)
        self._children = {k: tuple(v) for k, v in kids.items()}
        return self

    def get(self, number: str) -> Clause | None:
        return self._index.get(normalise(number))

    def children(self, number: str) -> tuple[Clause, ...]:
        return self._children.get(normalise(number), ())

    def descendants(self, number: str) -> Iterator[Clause]:
        for child in self.children(number):
            yield child
            yield from self.descendants(child.number)

    def ancestors(self, number: str) -> list[str]:
        """Parents of `number`, nearest first (8.6.1 -> [8.6, 8])."""
        out: list[str] = []
        current = self.get(number)
        while current is not None and current.parent is not None:
            out.append(current.parent)
            current = self.get(current.parent)
        return out

    def is_leaf(self, number: str) -> bool:
        return not self.children(number)


def normalise(number: str) -> str:
    """How authors write a clause number, made canonical: ' 8.6.1. ' -> '8.6.1'."""
    return str(number).strip().rstrip(".").strip()


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue, read and validated once."""
    text = resources.files(__package__).joinpath("data").joinpath("clauses.yaml").read_text(encoding="utf-8")
    return Catalogue.model_validate(yaml.safe_load(text))


def clause(number: str) -> Clause:
    """The clause numbered `number`; KeyError when the catalogue has no such clause."""
    found = catalogue().get(number)
    if found is None:
        raise KeyError(number)
    return found


def children(number: str) -> tuple[Clause, ...]:
    """Direct sub-clauses of `number`, in order (empty for a leaf or an unknown number)."""
    return catalogue().children(number)


def is_known(number: str) -> bool:
    return catalogue().get(number) is not None


def unknown_clauses(proc: Any) -> list[tuple[int, str]]:
    """Linter hook: (index in `proc.clauses`, text) of every clause number the catalogue lacks.

    Takes any object with a `clauses` list so the linter can call it with a `Procedure` without this
    module knowing the linter. The index lets the caller point at `clauses[i]` in the source.
    """
    return [(i, str(number)) for i, number in enumerate(proc.clauses) if not is_known(str(number))]
