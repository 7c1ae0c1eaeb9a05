"""English text beside the Indonesian: which fields carry it, and what an English document lacks.

Free text is written in Indonesian. A field may carry its English text in a sibling key ending in
`_en` (`do_en`, `purpose_en`, `scope.includes_en` …, as `title_en` and the library's `name_en`);
`--lang en` outputs print it when present. Everything else stays Indonesian, and an English document
says which of its sections are (`indonesian_sections`), so a reader is never led to think a text in
Indonesian is a translation. The linter counts the same gaps (P409) for libraries that publish in
English (`languages: [id, en]`). This module is the one place that knows which field has which
English sibling.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .model import Procedure
from .text import texts

__all__ = ["Gap", "english", "english_gaps", "indonesian_sections", "TRANSLATABLE"]

# The fields with an English sibling (path pattern → what to write), for the docs and the editor.
TRANSLATABLE = (
    "title_en", "purpose_en", "scope.includes_en", "scope.excludes_en", "steps[].do_en",
    "steps[].parts[].do_en", "steps[].requirements_en", "steps[].time_en", "steps[].output_en",
    "steps[].notes_en", "steps[].next_label_en", "steps[].exits[].label_en",
)

# the document section (a `render/labels.py` key) each top-level field prints in
_SECTION = {
    "title": "title", "purpose": "purpose", "scope": "scope", "definitions": "definitions",
    "references": "references", "legal_basis": "legal_basis", "roles": "responsibilities",
    "provisions": "provisions", "inputs": "inputs", "outputs": "outputs", "controls": "controls",
    "resources": "resources", "warnings": "warnings", "steps": "narrative", "measurements": "measurements",
    "records": "records", "attachments": "attachments",
}


def english(text: str | None, text_en: str | None, lang: str) -> str:
    """The text to print in `lang`: the English sibling in English when written, else the source text."""
    if lang == "en" and text_en and text_en.strip():
        return text_en
    return text or ""


def english_item(items: list[str], items_en: list[str], i: int, lang: str) -> str:
    """Item `i` of a list in `lang`: the English list's item at the same place, when written."""
    return english(items[i], items_en[i] if i < len(items_en) else None, lang)


@dataclass(frozen=True)
class Gap:
    """A free-text field whose English document prints Indonesian."""

    path: tuple[str | int, ...]
    section: str


def _english_of(proc: Procedure, path: tuple[str | int, ...]) -> str | None:
    """The English sibling of the text at `path`, or None when that field has none (or it is empty)."""
    head = path[0]
    value: object = None
    if path == ("title",):
        value = proc.title_en
    elif path == ("purpose",):
        value = proc.purpose_en
    elif head == "scope" and len(path) == 3:
        siblings = proc.scope.includes_en if path[1] == "includes" else proc.scope.excludes_en
        value = siblings[path[2]] if isinstance(path[2], int) and path[2] < len(siblings) else None
    elif head == "steps" and isinstance(path[1], int):
        step = proc.steps[path[1]]
        key = path[2]
        if len(path) == 3 and key in ("do", "time", "output", "notes", "next_label"):
            value = getattr(step, f"{key}_en")
        elif key == "requirements" and isinstance(path[3], int):
            value = step.requirements_en[path[3]] if path[3] < len(step.requirements_en) else None
        elif key == "parts" and isinstance(path[3], int):
            value = step.parts[path[3]].do_en
        elif key == "exits" and isinstance(path[3], int):
            value = step.exits[path[3]].label_en
    return value if isinstance(value, str) and value.strip() else None


def _all_texts(proc: Procedure) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every printed free-text field: the linter's walk (`text.texts`) and the identity lists."""
    yield from texts(proc)
    for i, item in enumerate(proc.legal_basis):
        yield ("legal_basis", i), item
    for key in ("people", "training", "equipment", "materials"):
        for i, item in enumerate(getattr(proc.resources, key)):
            yield ("resources", key, i), item
    for i, d in enumerate(proc.definitions):
        yield ("definitions", i, "term"), d.term
    for i, ref in enumerate(proc.references):
        yield ("references", i, "title"), ref.title
    for i, rec in enumerate(proc.records):
        yield ("records", i, "name"), rec.name
    for i, att in enumerate(proc.attachments):
        yield ("attachments", i, "title"), att.title


def english_gaps(proc: Procedure) -> list[Gap]:
    """Every non-empty free-text field that an English document prints in Indonesian, in source order."""
    return [Gap(path, _SECTION.get(str(path[0]), str(path[0])))
            for path, text in _all_texts(proc) if text and text.strip() and _english_of(proc, path) is None]


def text_count(proc: Procedure) -> int:
    """How many non-empty free-text fields the procedure has (what P409 counts against)."""
    return sum(1 for _, text in _all_texts(proc) if text and text.strip())


_ORDER = ("title", "purpose", "scope", "definitions", "references", "legal_basis", "responsibilities",
          "provisions", "inputs", "outputs", "controls", "resources", "warnings", "narrative", "measurements",
          "records", "attachments")


def indonesian_sections(proc: Procedure) -> list[str]:
    """The sections (label keys, document order) that an English document of `proc` prints in Indonesian."""
    found = {gap.section for gap in english_gaps(proc)}
    return [key for key in _ORDER if key in found] + sorted(found - set(_ORDER))
