"""Work done once per build: a scope inside which the chart layout and the document view of a procedure
are made once and handed to every output that asks for them.

A build draws one procedure's chart many times over: the web page, the document in HTML, in PDF
(printed twice when its connectors learn their page numbers) and in DOCX (DrawingML), and the SOP
table in HTML, PDF and DOCX, each asking `flow.layout.layout()` with the same arguments (about ten
layouts per procedure and language, three of them different); `render.document.document_view` is
asked for nine times. Inside `shared_work()` the first call computes and the others get its result.
The keys hold the procedure's content (its JSON, dumped once per procedure object: `content`) and every
other argument, so a changed procedure can never get a stale result. Callers only read what they get; outside a scope every call computes afresh
(a test that edits a layout to try the checker keeps its own copy).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_scope: OrderedDict[Hashable, Any] | None = None
_contents: OrderedDict[int, tuple[Any, str]] = OrderedDict()
_depth = 0
SIZE = 64  # results kept: a worker needs about ten per procedure and language; a Layout is ~100 kB
CONTENTS = 8  # procedures whose JSON is kept (`content`): a worker is on one at a time


@contextmanager
def shared_work() -> Iterator[None]:
    """Share results until the (outermost) scope ends. A process forked inside (a build worker)
    inherits the scope and keeps its own."""
    global _scope, _depth
    if _depth == 0:
        _scope = OrderedDict()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            _scope = None
            _contents.clear()


def active() -> bool:
    return _scope is not None


def shared(key: Hashable, make: Callable[[], T]) -> T:
    """`make()` once per `key` inside a scope (least recently used dropped beyond SIZE); outside, always."""
    scope = _scope
    if scope is None:
        return make()
    try:
        value: T = scope[key]
    except KeyError:
        value = make()
        scope[key] = value
        if len(scope) > SIZE:
            scope.popitem(last=False)
        return value
    scope.move_to_end(key)
    return value


def content(model: Any) -> str:
    """`model.model_dump_json()`, the content part of a key: inside a scope made once per object (a
    build changes no procedure in place; a changed copy is another object), kept with the object so
    its id is not taken by another. A build keyed six results per procedure and language on it, each
    dumping the procedure again (a thirtieth of the build)."""
    if _scope is None:
        return str(model.model_dump_json())
    hit = _contents.get(id(model))
    if hit is not None and hit[0] is model:
        _contents.move_to_end(id(model))
        return hit[1]
    text = str(model.model_dump_json())
    _contents[id(model)] = (model, text)
    if len(_contents) > CONTENTS:
        _contents.popitem(last=False)
    return text


def shared_for(kind: str, objects: tuple[Any, ...], args: Hashable, make: Callable[[], T]) -> T:
    """`shared` keyed by the identity of `objects` (a document view, its procedure and library: made
    once per build themselves) and `args`; the entry keeps the objects alive, so no other object can
    take their ids while it lasts."""
    if _scope is None:
        return make()
    kept, value = shared((kind, tuple(id(o) for o in objects), args), lambda: (objects, make()))
    if all(a is b for a, b in zip(kept, objects, strict=True)):
        return value
    return make()
