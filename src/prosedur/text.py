"""Parameters in text: `{{nama}}` is replaced by the parameter's value and unit everywhere.

Stating a rule such as "lampiran maksimal 5 MB" once keeps the document, the SOP table and the
narrative in agreement. Unknown names are left visible (`{{nama}}`) and reported by the linter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Procedure

PARAM_RE = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_.-]*)\s*\}\}")


def substitute(text: str | None, proc: Procedure) -> str:
    """`text` with every known `{{name}}` replaced by its display value."""
    if not text:
        return ""
    if "{{" not in text:
        return text

    def repl(match: re.Match[str]) -> str:
        param = proc.parameters.get(match.group(1))
        return param.display() if param is not None else match.group(0)

    return PARAM_RE.sub(repl, text)


def cited_parameters(text: str | None) -> Iterator[str]:
    if text and "{{" in text:
        for match in PARAM_RE.finditer(text):
            yield match.group(1)


def texts(proc: Procedure) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every free-text field of a procedure with its path, for the linter and for search."""
    yield ("title",), proc.title
    yield ("purpose",), proc.purpose
    for key in ("includes", "excludes"):
        for i, item in enumerate(getattr(proc.scope, key)):
            yield ("scope", key, i), item
    for key in ("warnings", "inputs", "outputs", "controls", "provisions"):
        for i, item in enumerate(getattr(proc, key)):
            yield (key, i), item
    for i, role in enumerate(proc.roles):
        for key in ("responsibilities", "authorities"):
            for j, item in enumerate(getattr(role, key)):
                yield ("roles", i, key, j), item
    for i, step in enumerate(proc.steps):
        for key in ("do", "why", "when", "where", "how", "time", "output", "notes"):
            value = getattr(step, key)
            if value:
                yield ("steps", i, key), value
        for key in ("requirements", "resources", "controls"):
            for j, item in enumerate(getattr(step, key)):
                yield ("steps", i, key, j), item
        if step.next_label:
            yield ("steps", i, "next_label"), step.next_label
        for k, part in enumerate(step.parts):
            if part.do:
                yield ("steps", i, "parts", k, "do"), part.do
        for j, ex in enumerate(step.exits):
            if ex.label:
                yield ("steps", i, "exits", j, "label"), ex.label
    for i, m in enumerate(proc.measurements):
        for key in ("name", "method", "target", "frequency"):
            value = getattr(m, key)
            if value:
                yield ("measurements", i, key), value
    for i, d in enumerate(proc.definitions):
        yield ("definitions", i, "meaning"), d.meaning
