"""The editor's serializer: model -> YAML text that loads back to the same model."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prosedur.load import load_procedure_text
from prosedur.model import Exit, Library, Procedure, Step
from prosedur.serialize import serialize_procedure
from prosedur.synth import synthetic_procedure


def same(a: Procedure, b: Procedure) -> bool:
    """Models are equal as data (private source positions differ by design)."""
    return a.model_dump() == b.model_dump()


def test_every_sample_procedure_round_trips(sample_library: Library) -> None:
    assert len(sample_library.procedures) >= 5
    for proc in sample_library.procedures:
        text = serialize_procedure(proc)
        assert same(load_procedure_text(text, proc.number), proc), proc.number


def test_synthetic_procedure_round_trips() -> None:
    proc = synthetic_procedure(60, seed=3)
    assert same(load_procedure_text(serialize_procedure(proc)), proc)


def test_layout_is_readable(email: Procedure) -> None:
    text = serialize_procedure(email)
    lines = text.splitlines()
    assert lines[0] == "number: P.SMLTI 19"
    assert "issued: 2018-11-23" in lines  # dates bare, not quoted
    assert "  - {label: Ya, to: aktifkan}" not in lines  # exits are nested under a step ...
    assert "      - {label: Ya, to: aktifkan}" in lines  # ... written as one flow record each
    assert "clauses: [8.6.2, 8.7.3.2, 8.4.3]" in lines  # short list on one line
    assert "\nsteps:\n" in text and "\n\nsteps:" in text  # a blank line before a section
    # key order follows the model, not the alphabet
    assert text.index("\npurpose:") < text.index("\nscope:") < text.index("\nsteps:") < text.index("\nrecords:")
    assert "kind: process" not in text  # defaults are left out


def test_defaults_left_out_but_header_kept() -> None:
    proc = Procedure(number="P.X 01", title="T")
    assert serialize_procedure(proc) == "number: P.X 01\ntitle: T\nrevision: 0\nstatus: draft\n"


AWKWARD = ["yes", "no", "null", "~", "- item", "a: b", "#not a comment", "{{param}}", "[x]", "'quoted'",
           '"dq"', "100%", "1e3", "0x10", "2018-11-23", "@at", "`tick`", "multi\nline\ntext", "tab\there",
           "ü — ≤ 5", "key: value, other", "& anchor", "*alias", "! tag", "%percent", "| pipe", "> gt"]


@pytest.mark.parametrize("value", AWKWARD)
def test_awkward_strings_stay_text(value: str) -> None:
    proc = Procedure(number="P.X 01", title=value, purpose=value, warnings=[value, "b"],
                     steps=[Step(id="a", do=value, requirements=[value], exits=[Exit(label=value, to="b")]),
                            Step(id="b", kind="end", do="x")])
    back = load_procedure_text(serialize_procedure(proc))
    assert same(back, proc)
    assert back.steps[0].do == value


text_st = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff\u2028\u2029\x85"),
                  min_size=1, max_size=40).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(title=text_st, items=st.lists(text_st, max_size=5), do=text_st)
def test_any_text_round_trips(title: str, items: list[str], do: str) -> None:
    proc = Procedure(number="P.X 01", title=title, issued=dt.date(2024, 2, 29), inputs=items,
                     steps=[Step(id="s1", do=do, requirements=items)])
    assert same(load_procedure_text(serialize_procedure(proc)), proc)
