"""A place in a source, in words: `steps[5].exits[1].label` -> "Langkah 6 › Cabang 2 › Label cabang".

Loader problems and lint findings are located by a path into the source. A YAML author can use the
path, but a reader of an Indonesian screen or message cannot: these are the words for it. The walk
follows the model's own field types (so a new field gets its words from `redline.FIELD_LABELS`, or its
description, without a second table here), and a list item is named by its number from 1.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .model import LibraryInfo, Procedure
from .redline import field_label

_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")
_SEP = " › "
_ROW_WORDS = {  # a list's items by what they are; other lists say "butir n"
    "steps": ("Langkah {n}", "Step {n}"),
    "exits": ("Cabang {n}", "Exit {n}"),
    "parts": ("Bagian {n}", "Part {n}"),
    "records": ("Rekaman {n}", "Record {n}"),
    "references": ("Acuan {n}", "Reference {n}"),
    "roles": ("Peran {n}", "Role {n}"),
    "measurements": ("Pengukuran {n}", "Measurement {n}"),
    "attachments": ("Lampiran {n}", "Attachment {n}"),
    "definitions": ("Definisi {n}", "Definition {n}"),
    "history": ("Riwayat perubahan {n}", "Change history {n}"),
    "reviewed": ("Pemeriksa {n}", "Reviewer {n}"),
}
_ITEM = ("butir {n}", "item {n}")


def tokens(path: str | tuple[Any, ...] | list[Any]) -> list[str | int]:
    """'steps[5].exits[1].label' or ("steps", 5, "exits", 1, "label") -> ['steps', 5, 'exits', 1, 'label']."""
    if isinstance(path, tuple | list):
        return [p if isinstance(p, int) else str(p) for p in path]
    return [int(i) if i else name for i, name in _TOKEN.findall(path)]


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model class a field holds, looking through Optional, list[...] and dict[..., ...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(get_args(annotation)[0])
    if origin in (list, tuple, set, dict, typing.Union, types.UnionType):
        args = get_args(annotation)
        for arg in (args[1:] if origin is dict else args):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def _unwrap(annotation: Any) -> Any:
    """dict[...] out of Optional[dict[...]] / Annotated[dict[...], ...]."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                return _unwrap(arg)
    return annotation


def place(path: str | tuple[Any, ...] | list[Any], lang: str = "id", root: type[BaseModel] = Procedure) -> str:
    """The place of `path` in words, in `lang` ("" for an empty path)."""
    parts = tokens(path)
    words: list[str] = []
    cls: type[BaseModel] | None = root
    last_key = ""
    i = 0
    while i < len(parts):
        part = parts[i]
        if isinstance(part, int):
            pair = _ROW_WORDS.get(last_key, _ITEM)
            text = (pair[1] if lang == "en" else pair[0]).format(n=part + 1)
            if words and last_key in _ROW_WORDS:
                words[-1] = text  # "Langkah 6", not "Langkah › Langkah 6"
            else:
                words.append(text)
            i += 1
            continue
        info = cls.model_fields.get(part) if cls is not None else None
        if cls is not None and info is not None:
            words.append(field_label(cls, part, lang))
            nxt = _model_of(info.annotation)
            if root is Procedure and part == "parameters" and i + 1 < len(parts):
                # a parameter's id may hold dots: the rest up to a Parameter field is the id
                rest = [str(p) for p in parts[i + 1:]]
                leaf = rest[-1] if len(rest) > 1 and nxt is not None and rest[-1] in nxt.model_fields else ""
                name = ".".join(rest[:-1] if leaf else rest)
                words[-1] = f"{words[-1]} “{name}”"
                if leaf and nxt is not None:
                    words.append(field_label(nxt, leaf, lang))
                break
            cls = nxt
            if get_origin(_unwrap(info.annotation)) is dict and i + 1 < len(parts):  # roles.<id>.name
                words[-1] = f"{words[-1]} “{parts[i + 1]}”"
                i += 1
        else:  # not a model field (a mapping key, or a path the model does not know): say it as written
            words.append(str(part).replace("_", " "))
            cls = None
        last_key = str(part)
        i += 1
    return _SEP.join(words)


def place_in_library(path: str | tuple[Any, ...], lang: str = "id") -> str:
    """The same for a path in the library file (pustaka.yaml)."""
    return place(path, lang, LibraryInfo)
