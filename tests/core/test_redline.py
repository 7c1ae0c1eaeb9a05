"""The redline shows every field that differs, named in words (`prosedur.redline`).

The field-by-field test derives its cases from the model classes: every field of every model reachable
from `Procedure` is changed in turn on a copy of the sample P.SMLTI 19, and the redline must be non-empty
and name that field through the label table. A field added to the model later fails here until it has a
label (and, for a new kind of value, a way to change it in `mutate`).
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from prosedur.integrity import content_hash
from prosedur.load import load_procedure
from prosedur.model import (
    Approval,
    Attachment,
    Change,
    Definition,
    Exit,
    Measurement,
    Parameter,
    Part,
    Person,
    Procedure,
    ProcedureRole,
    Record,
    Reference,
    Resources,
    Scope,
    Step,
)
from prosedur.redline import (
    EXCLUDED_FIELDS,
    FIELD_LABELS,
    Redline,
    field_label,
    redline,
    redline_sources,
    text_diff,
)

ROOT = Path(__file__).resolve().parents[2]
EMAIL = ROOT / "examples" / "smlti" / "prosedur" / "p-smlti-19-pengelolaan-email.yaml"
SOURCE = EMAIL.read_text(encoding="utf-8")
BRIEF = {Procedure, Step, Parameter, Record, Reference, Definition, Measurement, ProcedureRole, Resources, Scope,
         Approval, Person, Change, Attachment, Exit}


@pytest.fixture(scope="module")
def sample() -> Procedure:
    """P.SMLTI 19 with one row of several actors added (the sample library has none), so that every
    field of the model, parts included, has a value to change."""
    proc = load_procedure(EMAIL)
    step = proc.steps[1]
    actor = step.actor
    assert isinstance(actor, str)
    proc.steps[1] = step.model_copy(update={"actor": None, "parts": [
        Part(actor=actor, do="Menerima memo"), Part(actor=[actor, "kepala"], do="Menugaskan bersama")]})
    return proc


# -- the model, generically --------------------------------------------------------------------------
def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out.extend(_models_in(arg))
    return out


def model_classes() -> list[type[BaseModel]]:
    """Every model class reachable from `Procedure` through its fields, in walk order."""
    found: list[type[BaseModel]] = [Procedure]
    for cls in found:
        for info in cls.model_fields.values():
            for inner in _models_in(info.annotation):
                if inner not in found:
                    found.append(inner)
    return found


CASES = [(cls, name) for cls in model_classes() for name in cls.model_fields
         if not (cls is Procedure and name in EXCLUDED_FIELDS)]


def test_the_walk_reaches_every_model_class_of_the_brief() -> None:
    assert set(model_classes()) >= BRIEF


def test_every_field_has_a_label_in_both_languages() -> None:
    missing = [f"{cls.__name__}.{name}" for cls, name in CASES if (cls.__name__, name) not in FIELD_LABELS]
    assert not missing, f"add these to prosedur.redline.FIELD_LABELS: {missing}"
    for cls, name in CASES:
        ind, eng = FIELD_LABELS[(cls.__name__, name)]
        assert ind and eng and "_" not in ind and "_" not in eng


def instances(value: Any, cls: type[BaseModel]) -> list[BaseModel]:
    """Every object of `cls` in the sample, in field order (depth first)."""
    if isinstance(value, cls):
        return [value]
    children: list[Any] = []
    if isinstance(value, BaseModel):
        children = [getattr(value, name) for name in type(value).model_fields]
    elif isinstance(value, dict):
        children = list(value.values())
    elif isinstance(value, list):
        children = value
    return [found for child in children for found in instances(child, cls)]


def target(root: Procedure, cls: type[BaseModel], name: str) -> BaseModel:
    """The first object of `cls` whose field `name` is filled in (else the first one): a real edit."""
    found = instances(root, cls)
    assert found, f"the sample P.SMLTI 19 holds no {cls.__name__}"
    return next((obj for obj in found if getattr(obj, name) not in (None, "", [], {})), found[0])


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else annotation), True
    return annotation, False


def mutate(obj: BaseModel, name: str) -> None:
    """Change one field of `obj` in place to a different value of its type."""
    info = type(obj).model_fields[name]
    annotation, optional = _strip_optional(info.annotation)
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    value = getattr(obj, name)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and str in typing.get_args(annotation):
        annotation = str  # `actor: str | list[str]`: one role id
    if annotation is str:
        new: Any = f"{value[0] if isinstance(value, list) else value}X" if value else "Teks baru"
    elif annotation is bool:
        new = not value
    elif annotation is int:
        new = value + 1
    elif annotation is dt.date:
        new = (value or dt.date(2020, 1, 1)) + dt.timedelta(days=1)
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        new = next(m for m in annotation if m != value)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if value is not None and optional:
            new = None
        else:
            assert value is not None, f"the sample has no {annotation.__name__} in {name}"
            mutate(value, next(iter(annotation.model_fields)))
            return
    elif origin is list:
        (item,) = typing.get_args(annotation)
        if item is str:
            new = [*value, "Butir baru"]
        else:
            assert value, f"the sample has no {name} to remove"
            new = value[:-1]
    elif origin is dict:
        assert value, f"the sample has no {name} to copy"
        first = next(iter(value.values()))
        new = {**value, "baru": first.model_copy(update={"label": "Parameter baru"})}
    else:  # pragma: no cover - reached only when the model grows a new kind of field
        raise AssertionError(f"no mutation for {type(obj).__name__}.{name}: {info.annotation}; teach mutate()")
    setattr(obj, name, new)


RAW_PATH = re.compile(r"\w\[\d+\]|\b(steps|records|parameters|exits|approval)\.")


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("cls", "name"), CASES, ids=[f"{c.__name__}.{n}" for c, n in CASES])
def test_changing_each_field_shows_it_in_words(sample: Procedure, cls: type[BaseModel], name: str,
                                                lang: str) -> None:
    changed = sample.model_copy(deep=True)
    mutate(target(changed, cls, name), name)
    assert content_hash(changed) != content_hash(sample)  # the mutation is a real change of content

    result = redline(sample, changed, lang)
    assert not result.empty
    diffs = result.changes
    word = field_label(cls, name, lang)
    naming = [d for d in diffs if word in d.label and name in d.path]
    assert naming, f"{cls.__name__}.{name}: no difference labelled with '{word}': {[d.label for d in diffs]}"
    for d in diffs:
        assert not RAW_PATH.search(d.label), d.label
        assert d.label != d.key and (("_" not in name) or name not in d.label), d.label
        assert d.old != d.new or d.note  # a shown difference is a visible one
    assert redline(sample, sample.model_copy(deep=True), lang).empty


# -- the cases the probe found -------------------------------------------------------------------------
def test_parameter_5_to_10_mb_shows_the_value_and_every_printed_text_citing_it() -> None:
    new_source = SOURCE.replace("batas_lampiran: {value: 5, unit: MB", "batas_lampiran: {value: 10, unit: MB")
    assert new_source != SOURCE
    result = redline_sources(SOURCE, new_source)
    by_label = {d.label: d for d in result.changes}
    param = by_label["Parameter: Ukuran lampiran maksimal dalam 1 kali pengiriman — Nilai"]
    assert (param.old, param.new, param.state) == ("5 MB", "10 MB", "changed")
    assert param.segments == [("del", "5"), ("ins", "10"), ("eq", " MB")]
    provision = by_label["Ketentuan umum — butir 2"]
    assert provision.old.endswith("maksimal 5 MB.") and provision.new.endswith("maksimal 10 MB.")
    assert "{{" not in provision.old + provision.new  # what is printed, not the source
    assert ("del", "5") in provision.segments and ("ins", "10") in provision.segments
    assert "Ukuran lampiran maksimal dalam 1 kali pengiriman" in provision.note
    assert len(result.changes) == 2  # nothing else cites it
    english = redline_sources(SOURCE, new_source, "en")
    assert {d.label for d in english.changes} == {
        "Parameter: Ukuran lampiran maksimal dalam 1 kali pengiriman — Value", "General provisions — item 2"}


def test_a_source_edit_that_prints_the_same_is_still_shown() -> None:
    new_source = SOURCE.replace("maksimal {{batas_lampiran}}", "maksimal 5 MB")
    (diff,) = redline_sources(SOURCE, new_source).changes
    assert diff.label == "Ketentuan umum — butir 2"
    assert "{{batas_lampiran}}" in diff.old and diff.new.endswith("maksimal 5 MB.")
    assert "tercetak tetap sama" in diff.note


def test_a_steps_how_is_shown_under_its_number() -> None:
    new_source = SOURCE.replace("how: Melalui konsol administrasi", "how: Hanya melalui konsol administrasi")
    result = redline_sources(SOURCE, new_source)
    step = next(s for s in result.steps if s.step_id == "buat")
    assert (step.state, step.number_a, step.number_b) == ("changed", 3, 3)
    (diff,) = step.fields
    assert (diff.label, diff.local, diff.key) == ("Langkah 3 — Bagaimana", "Bagaimana", "steps.buat.how")
    assert diff.segments[:2] == [("del", "Melalui"), ("ins", "Hanya melalui")]
    assert diff.old.startswith("Melalui konsol") and diff.new.startswith("Hanya melalui konsol")
    assert [s.state for s in result.steps if s.step_id != "buat"] == ["same"] * 7
    assert redline_sources(SOURCE, new_source, "en").changes[0].label == "Step 3 — How"


def test_record_retention_and_dates_in_words() -> None:
    new_source = (SOURCE.replace("retention: Selama akun aktif + 2 tahun", "retention: Selama akun aktif + 5 tahun")
                  .replace("effective: 2018-11-23", "effective: 2018-12-01"))
    result = redline_sources(SOURCE, new_source)
    labels = {d.label: d for d in result.changes}
    assert labels["Tanggal efektif"].old == "23 November 2018"
    assert labels["Tanggal efektif"].new == "1 Desember 2018"
    assert labels["Rekaman F.SMLTI 19-01 — Masa retensi"].segments == [
        ("eq", "Selama akun aktif + "), ("del", "2"), ("ins", "5"), ("eq", " tahun")]
    english = {d.label for d in redline_sources(SOURCE, new_source, "en").changes}
    assert english == {"Effective date", "Record F.SMLTI 19-01 — Retention period"}


def test_added_and_removed_items_list_their_fields(sample: Procedure) -> None:
    changed = sample.model_copy(deep=True)
    removed = changed.records.pop()
    changed.references.append(Reference(title="Pedoman baru", id="PER 1/2026"))
    result = redline(sample, changed)
    rows = {d.label: d.state for d in result.changes}
    assert rows["Rekaman R.SMLTI 19-02 — Nama rekaman"] == "removed"
    assert rows["Rekaman R.SMLTI 19-02 — Masa retensi"] == "removed"
    assert rows["Acuan PER 1/2026 — Judul"] == "added"
    assert "Acuan PER 1/2026 — Jenis acuan" not in rows  # the default kind is not news
    assert "Rekaman R.SMLTI 19-02 — Formulir bernomor" not in rows and removed.form is False
    changed.steps.pop()  # 'selesai', an end step: its symbol is shown removed, not changed to the default
    step = next(s for s in redline(sample, changed).steps if s.step_id == "selesai")
    assert step.state == "removed" and {d.state for d in step.fields} == {"removed"}
    assert ("Simbol", "Selesai", "") in [(d.local, d.old, d.new) for d in step.fields]


# -- matching ------------------------------------------------------------------------------------------
def test_a_renamed_step_is_one_id_change_and_its_references_follow(sample: Procedure) -> None:
    changed = sample.model_copy(deep=True)
    step = changed.step("aktifkan")
    assert step is not None
    step.id = "aktivasi"
    decision = changed.step("periksa_form")
    assert decision is not None
    decision.exits[0].to = "aktivasi"
    result = redline(sample, changed)
    renamed = next(s for s in result.steps if s.step_id == "aktivasi")
    assert (renamed.state, renamed.renamed_from, renamed.number_a, renamed.number_b) == ("changed", "aktifkan", 7, 7)
    assert [(d.local, d.old, d.new) for d in renamed.fields] == [("Id langkah", "aktifkan", "aktivasi")]
    exit_diff = next(d for d in result.changes if d.path[:2] == ("steps", "periksa_form"))
    assert exit_diff.label == "Langkah 6 — Cabang “Ya” — Langkah tujuan"
    assert not any(s.state in ("added", "removed") for s in result.steps)


def test_moved_steps_are_the_fewest_that_explain_the_order(sample: Procedure) -> None:
    changed = sample.model_copy(deep=True)
    steps = changed.steps
    steps.insert(1, steps.pop(4))  # 'tandatangan' from 5th to 2nd
    result = redline(sample, changed)
    moved = {s.step_id: s.state for s in result.steps if s.moved}
    assert moved == {"tandatangan": "moved"}
    renumbered = [s.step_id for s in result.renumbered]
    assert renumbered == ["tugaskan", "buat", "kirim_memo"]
    assert result.step_order is not None and result.step_order.label == "Urutan langkah"
    assert ("ins", ", tandatangan") in result.step_order.segments
    assert ("del", "tandatangan, ") in result.step_order.segments


def test_inserting_a_step_renumbers_the_rest_without_changing_them(sample: Procedure) -> None:
    changed = sample.model_copy(deep=True)
    changed.steps.insert(1, Step(id="catat", actor="staf_iki", do="Mencatat permohonan"))
    result = redline(sample, changed)
    states = [(s.step_id, s.state) for s in result.steps]
    assert states[:3] == [("mohon", "same"), ("catat", "added"), ("tugaskan", "renumbered")]
    assert all(state == "renumbered" for _id, state in states[2:])
    assert result.step_order is None
    added = next(s for s in result.steps if s.step_id == "catat")
    assert {d.local for d in added.fields} == {"Id langkah", "Pelaksana", "Kegiatan"}  # kind 'process' is default
    assert all(d.parts[0] == "Langkah 2" for d in added.fields)


def test_reordering_a_list_with_identity_shows_its_order(sample: Procedure) -> None:
    changed = sample.model_copy(deep=True)
    changed.records.reverse()
    (diff,) = redline(sample, changed).changes
    assert diff.label == "Rekaman — Urutan"
    assert diff.old == "F.SMLTI 19-01\nR.SMLTI 19-02" and diff.new == "R.SMLTI 19-02\nF.SMLTI 19-01"


def test_text_lists_align_item_by_item(sample: Procedure) -> None:
    changed = sample.model_copy(deep=True)
    changed.provisions.insert(0, "Ketentuan yang benar-benar baru ditambahkan di awal daftar.")
    changed.provisions[3] = changed.provisions[3].replace("secara rutin", "setiap hari")
    rows = [(d.label, d.state) for d in redline(sample, changed).changes]
    assert rows == [("Ketentuan umum — butir 1", "added"), ("Ketentuan umum — butir 4", "changed")]


def test_status_is_lifecycle_state_not_content(sample: Procedure) -> None:
    changed = sample.model_copy(deep=True, update={"status": "draft"})
    assert redline(sample, changed).empty
    assert content_hash(changed) == content_hash(sample)  # the signature does not bind it either


def test_an_unknown_field_is_compared_and_named_from_its_description(sample: Procedure) -> None:
    class StepWithRisk(Step):
        risk_level: str | None = Field(None, description="Tingkat risiko, mis. tinggi")

    changed = sample.model_copy(deep=True)
    changed.steps[0] = StepWithRisk(**changed.steps[0].model_dump(), risk_level="tinggi")
    (diff,) = redline(sample, changed).changes
    assert (diff.label, diff.new, diff.key) == ("Langkah 1 — Tingkat risiko", "tinggi", "steps.mohon.risk_level")
    assert redline(sample, changed, "en").changes[0].label == "Step 1 — Risk level"


def test_duplicate_ids_are_each_compared(sample: Procedure) -> None:
    doubled = sample.model_copy(deep=True)
    doubled.steps.append(doubled.steps[0].model_copy(update={"do": "Kedua"}))
    changed = doubled.model_copy(deep=True)
    changed.steps[-1].do = "Kedua, diubah"
    (diff,) = redline(doubled, changed).changes
    assert diff.key == "steps.mohon#2.do" and diff.label == "Langkah 9 — Kegiatan"


def test_text_diff_and_plain_text(sample: Procedure) -> None:
    segs = text_diff("Ukuran lampiran 5 MB", "Ukuran lampiran maksimal 10 MB")
    assert "".join(t for op, t in segs if op != "ins") == "Ukuran lampiran 5 MB"
    assert "".join(t for op, t in segs if op != "del") == "Ukuran lampiran maksimal 10 MB"
    changed = sample.model_copy(deep=True)
    changed.parameters["batas_lampiran"].value = "10"
    text = redline(sample, changed).text()
    assert "Parameter: Ukuran lampiran maksimal dalam 1 kali pengiriman — Nilai: 5 MB → 10 MB" in text.splitlines()
    assert isinstance(redline(sample, sample), Redline) and redline(sample, sample).text() == ""
