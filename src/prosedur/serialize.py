"""Procedure -> YAML source text, for editors that change the model instead of the text.

Why a serializer of our own instead of `yaml.safe_dump(model_dump())`: the output is a source file
people read and diff, so it keeps the model's field order, leaves out empty and default values,
writes short lists and small records (`exits`, references) in flow style on one line, long text as
plain folded scalars or `|` blocks, and quotes a string only when YAML needs it. Comments of the
original source are not kept. `load_procedure_text(serialize_procedure(p))` gives back `p`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from .model import Procedure

__all__ = ["procedure_data", "serialize_data", "serialize_procedure"]

# Written even when they hold the default: a reader expects to see them at the top of every file.
_ALWAYS = ("number", "title", "revision", "status")
# Top-level keys followed by a blank line, so the sections stand apart as in hand-written sources.
_BLANK_BEFORE = {
    "approval", "history", "purpose", "scope", "definitions", "references", "parameters", "roles",
    "resources", "steps", "measurements", "records", "attachments",
}
FLOW_WIDTH = 90  # a list or small record that fits in this many characters goes on one line


class _Flow(list[Any]):
    """A list to write in flow style: `[a, b]`."""


class _FlowMap(dict[str, Any]):
    """A mapping to write in flow style: `{label: Ya, to: aktifkan}`."""


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, as people write them; never writes anchors/aliases.

    The pure-Python dumper, because the C emitter cannot be told to indent sequences. Saving is
    rare next to parsing, so its speed does not matter here.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and value == value.strip() and "  \n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow_list(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


def _flow_map(dumper: yaml.SafeDumper, value: _FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


def _block_map(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=False)


def _block_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=False)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, _flow_list)
_Dumper.add_representer(_FlowMap, _flow_map)
_Dumper.add_representer(dict, _block_map)
_Dumper.add_representer(list, _block_list)


def _flat_len(value: Any) -> int:
    if isinstance(value, dict):
        return sum(len(str(k)) + 2 + _flat_len(v) + 2 for k, v in value.items()) + 2
    if isinstance(value, list):
        return sum(_flat_len(v) + 2 for v in value) + 2
    return len(str(value)) + 2


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _shape(value: Any) -> Any:
    """Choose flow style for short lists of scalars and short records of scalars, recursively."""
    if isinstance(value, dict):
        shaped = {k: _shape(v) for k, v in value.items()}
        if shaped and all(_is_scalar(v) and "\n" not in str(v) for v in shaped.values()) \
                and _flat_len(shaped) <= FLOW_WIDTH:
            return _FlowMap(shaped)
        return shaped
    if isinstance(value, list):
        items = [_shape(v) for v in value]
        if all(_is_scalar(v) and "\n" not in str(v) for v in items) and _flat_len(items) <= FLOW_WIDTH:
            return _Flow(items)
        return items
    return value


_DATE_KEYS = {"issued", "effective", "review_due", "date"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _dates(value: Any, key: str = "") -> Any:
    """Dates back from text to `date`, so they are written bare (`2018-11-23`), not quoted."""
    if isinstance(value, dict):
        return {k: _dates(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v, key) for v in value]
    if key in _DATE_KEYS and isinstance(value, str) and _DATE.match(value):
        return dt.date.fromisoformat(value)
    return value


def _prune(value: Any) -> Any:
    """Drop None, empty strings and empty containers (the model's defaults for them)."""
    if isinstance(value, dict):
        out = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def procedure_data(proc: Procedure) -> dict[str, Any]:
    """The procedure as plain data in field order, without defaults (numbers and dates as text)."""
    full = proc.model_dump(mode="json")
    lean = proc.model_dump(mode="json", exclude_defaults=True)
    data: dict[str, Any] = {}
    for key, value in full.items():
        if key in _ALWAYS:
            data[key] = value
        elif key in lean:
            data[key] = lean[key]
    data = _dates(_prune(data))
    return {k: v for k, v in data.items() if v not in (None, "", [], {}) or k in _ALWAYS}


def serialize_procedure(proc: Procedure) -> str:
    """YAML source text of `proc` with a stable key order and a readable layout."""
    return _dump(procedure_data(proc))


def serialize_data(data: dict[str, Any]) -> str:
    """YAML source text of plain procedure data that may not validate yet (a form being edited).

    Keys follow the model's field order (unknown keys last, so the loader reports them); empty
    values are left out. Loading the text gives the author the loader's located problems.
    """
    order = {name: i for i, name in enumerate(Procedure.model_fields)}
    ordered = dict(sorted(data.items(), key=lambda kv: order.get(kv[0], len(order))))
    pruned = _dates(_prune(ordered))
    return _dump({k: v for k, v in pruned.items() if v not in (None, "", [], {}) or k in _ALWAYS})


def _dump(data: dict[str, Any]) -> str:
    parts: list[str] = []
    for key, value in data.items():
        shaped = {key: _shape(value) if not isinstance(value, str) else value}
        text = yaml.dump(shaped, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                         default_flow_style=False)
        if key in _BLANK_BEFORE and parts:
            parts.append("\n")
        parts.append(text)
    return "".join(parts)
