"""Every field of the source is printed somewhere in the document, in HTML, PDF and DOCX.

The procedure is built by walking the pydantic models (`fill`): every field of every model reachable
from `Procedure` gets a distinct marker value, so a field added to the model later and printed nowhere
makes this test fail until it is printed or put on the short allow-list below with its reason.
Cross-references (a step's actor, an exit's target) point at real ids; what they point to carries the
marker. Fields ending in `_en` are looked for in the English document, the others in the Indonesian.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import types
import typing
import zipfile
from collections import defaultdict
from enum import Enum
from typing import Any

import pytest
from pydantic import BaseModel

from prosedur.i18n import long_date, short_date
from prosedur.model import (
    Classification,
    Library,
    LibraryInfo,
    Procedure,
    ReferenceKind,
    Status,
    StepKind,
    Unit,
)
from prosedur.render.docx import render_docx
from prosedur.render.html import render_html
from prosedur.render.labels import label
from prosedur.render.pdf import render_pdf

# (model, field): why it is deliberately not printed as such.
NOT_PRINTED: dict[tuple[str, str], str] = {
    ("Procedure", "language"): "the language the source is written in; the document's language is chosen per render",
    ("Procedure", "unread"): "the importer's to-do notes for the author (lint P120 until removed), not content",
    ("Step", "unread"): "the importer's to-do notes for the author (lint P120 until removed), not content",
    ("Step", "id"): "an identifier: printed as the step's number",
    ("Step", "kind"): "drawn as the flowchart symbol, not written",
    ("Part", "kind"): "drawn as the flowchart symbol, not written",
    ("Step", "next"): "a link: printed as the step number it leads to",
    ("Exit", "to"): "a link: printed as the step number it leads to",
    ("ProcedureRole", "id"): "an identifier: printed as the role's name",
    ("Step", "actor"): "a role id: printed as the role's name (ProcedureRole.name, checked)",
    ("Part", "actor"): "a role id: printed as the role's name (ProcedureRole.name, checked)",
    ("Measurement", "owner"): "a role id: printed as the role's name (ProcedureRole.name, checked)",
    ("Procedure", "owner"): "a unit id: printed as the unit's name (UNIT_NAME, checked)",
    ("ProcedureRole", "unit"): "a unit id: printed as the unit's name (UNIT_NAME, checked)",
    ("Record", "form"): "a flag (the record is a numbered form); its number, Record.id, is printed",
}

UNIT_NAME = "Unitnamazq"
ROLE = "r1"
UNIT = "u1"
REF_FIELDS = {("Step", "actor"): ROLE, ("Part", "actor"): ROLE, ("Measurement", "owner"): ROLE,
              ("Procedure", "owner"): UNIT, ("ProcedureRole", "unit"): UNIT, ("ProcedureRole", "id"): ROLE,
              ("Procedure", "language"): "id"}
CHOSEN_ENUM = {Status: Status.EFFECTIVE, Classification: Classification.RAHASIA, ReferenceKind: ReferenceKind.LAW,
               StepKind: StepKind.PROCESS}
ENUM_LABEL = {Status: "status_{}", Classification: "class_{}", ReferenceKind: "ref_{}"}


class Filler:
    """Builds source data for a model with a marker in every field, remembering what each must print as."""

    def __init__(self) -> None:
        self.n = 0
        self.expect: dict[tuple[str, str], list[tuple[str, ...]]] = defaultdict(list)
        self.seen: set[tuple[str, str]] = set()

    def marker(self) -> str:
        self.n += 1
        return f"zq{self.n:03d}k"

    def day(self) -> dt.date:
        self.n += 1
        return dt.date(2030 + self.n % 40, 1 + self.n % 12, 1 + self.n % 27)

    def value(self, owner: str, name: str, annotation: Any) -> Any:
        key = (owner, name)
        if key in REF_FIELDS:
            return REF_FIELDS[key]
        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin is typing.Annotated:
            return self.value(owner, name, args[0])
        if origin in (typing.Union, types.UnionType):
            # `str | list[str] | None` (actor) and `X | None`: the first real type
            return self.value(owner, name, args[0])
        if origin is list:
            inner = args[0]
            if typing.get_origin(inner) is typing.Annotated:
                inner = typing.get_args(inner)[0]
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return [self.model(inner)]
            return [self.value(owner, name, inner)]
        if origin is dict:
            return {"p1": self.model(args[1])}
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self.model(annotation)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            chosen = CHOSEN_ENUM[annotation]
            if annotation in ENUM_LABEL:
                self.expect[key].append((label(ENUM_LABEL[annotation].format(chosen.value)),))
            return chosen.value
        if annotation is bool:
            return True
        if annotation is int:
            self.n += 1
            number = 60 + self.n
            self.expect[key].append((str(number),))
            return number
        if annotation is dt.date:
            day = self.day()
            self.expect[key].append((short_date(day), long_date(day, "id"), long_date(day, "en")))
            return day.isoformat()
        if annotation is str:
            mark = self.marker()
            self.expect[key].append((mark,))
            return mark
        raise AssertionError(f"no marker for {owner}.{name}: {annotation!r}; teach Filler this type")

    def model(self, cls: type[BaseModel], **given: Any) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            self.seen.add((cls.__name__, name))
            if name in given:
                data[name] = given[name]
                continue
            data[name] = self.value(cls.__name__, name, field.annotation)
        return data


def every_model(cls: type[BaseModel], found: set[tuple[str, str]] | None = None) -> set[tuple[str, str]]:
    """Every (model, field) reachable from `cls`, the fields that hold models included."""
    found = set() if found is None else found
    for name, field in cls.model_fields.items():
        if (cls.__name__, name) in found:
            continue
        found.add((cls.__name__, name))
        stack = [field.annotation]
        while stack:
            t = stack.pop()
            stack.extend(typing.get_args(t))
            if isinstance(t, type) and issubclass(t, BaseModel):
                every_model(t, found)
    return found


def leaves(cls: type[BaseModel]) -> set[tuple[str, str]]:
    """The (model, field) pairs that hold values rather than other models: what must be printed."""
    import prosedur.model as m

    def holds_model(owner: str, name: str) -> bool:
        stack = [getattr(m, owner).model_fields[name].annotation]
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, BaseModel):
                return True
            stack.extend(typing.get_args(t))
        return False

    return {(owner, name) for owner, name in every_model(cls) if not holds_model(owner, name)}


def build() -> tuple[Procedure, Filler]:
    f = Filler()
    # step 1: a plain decision with every field of its own (its exits lead on); step 2: a row of parts
    # with `next` and its arrow's label; step 3: the end
    s1 = f.model(_cls("Step"), id="s1", kind="decision", parts=[], next=None, next_label=None, next_label_en=None,
                 exits=[f.model(_cls("Exit"), to="s2"), f.model(_cls("Exit"), to="s3")])
    s2 = f.model(_cls("Step"), id="s2", kind="process", actor=None, exits=[], next="s3",
                 parts=[f.model(_cls("Part")), f.model(_cls("Part"))],
                 do="", do_en=None)  # a row whose parts carry the text: its own Kegiatan is theirs
    # the first record's id is what step 1 cites
    procedure = f.model(Procedure, steps=[], number=f.marker())
    f.expect[("Procedure", "number")].append((procedure["number"],))
    record_id = procedure["records"][0]["id"]
    s1["records"] = [record_id]
    s2["records"] = [record_id]
    f.expect[("Step", "records")] = [(record_id,)]
    s3 = {"id": "s3", "kind": "end", "actor": ROLE, "do": "Selesai"}
    procedure["steps"] = [s1, s2, s3]
    procedure["history"][0]["revision"] = procedure["revision"]  # this revision's own change row
    f.expect[("Change", "revision")] = [(str(procedure["revision"]),)]
    return Procedure.model_validate(procedure), f


def _cls(name: str) -> type[BaseModel]:
    import prosedur.model as m

    return getattr(m, name)


def _norm(text: str) -> str:
    text = text.replace("\xad", "").replace("-\n", "")
    return re.sub(r"\s+", "", text).casefold()


def _html_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def _pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _docx_text(data: bytes) -> str:
    """The text of document.xml, every header and footer (w:t), one string."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                xml = z.read(name).decode("utf-8")
                out += [html.unescape(t) for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)]
    return " ".join(out)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Procedure, Filler, Library]:
    proc, filler = build()
    root = tmp_path_factory.mktemp("every-field")
    library = Library(root=root, info=LibraryInfo(organisation="Orgzq", units={UNIT: Unit(name=UNIT_NAME)}),
                      procedures=[proc])
    return proc, filler, library


@pytest.fixture(scope="module")
def printed(world: tuple[Procedure, Filler, Library]) -> dict[str, dict[str, str]]:
    """Normalised text of each format in each language."""
    proc, _, library = world
    out: dict[str, dict[str, str]] = {}
    for lang in ("id", "en"):
        out[lang] = {
            "html": _norm(_html_text(render_html(proc, library, lang=lang))),
            "pdf": _norm(_pdf_text(render_pdf(proc, library, lang=lang))),
            "docx": _norm(_docx_text(render_docx(proc, library, lang=lang))),
        }
    return out


def test_the_walk_sets_every_field_of_the_model() -> None:
    """A new field in the model gets a marker here (or this fails): nothing escapes the check below."""
    _, filler = build()
    missing = every_model(Procedure) - filler.seen
    assert not missing, f"fields the walk did not fill: {sorted(missing)}"
    unexplained = leaves(Procedure) - set(filler.expect) - set(NOT_PRINTED)
    assert not unexplained, f"fields with no printed value and no reason on NOT_PRINTED: {sorted(unexplained)}"
    stale = set(NOT_PRINTED) - every_model(Procedure)
    assert not stale, f"NOT_PRINTED names fields the model no longer has: {sorted(stale)}"


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_every_field_is_printed(world: tuple[Procedure, Filler, Library], printed: dict[str, dict[str, str]],
                                fmt: str) -> None:
    _, filler, _ = world
    missing = []
    for (owner, name), values in sorted(filler.expect.items()):
        if (owner, name) in NOT_PRINTED:
            continue
        text = printed["en" if name.endswith("_en") else "id"][fmt]
        for forms in values:
            if not any(_norm(form) in text for form in forms):
                missing.append(f"{owner}.{name} = {forms[0]!r}")
    for lang in ("id", "en"):  # what the references resolve to
        for name in (UNIT_NAME,):
            if _norm(name) not in printed[lang][fmt]:
                missing.append(f"{lang}: the owner unit's name {name!r}")
    assert not missing, f"{fmt}: not printed: " + ", ".join(missing)
