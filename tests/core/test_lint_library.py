"""P5xx library-wide consistency rules: each fires on a small targeted change and stays quiet otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prosedur.lint import RULES, Finding, lint
from prosedur.lint.rules.library import same_form
from prosedur.model import Library, LibraryInfo, Procedure, Role

P5 = ["P501", "P502", "P503", "P504", "P505"]


def proc(number: str, status: str = "effective", **extra: Any) -> Procedure:
    data: dict[str, Any] = {
        "number": number, "title": f"Prosedur {number}", "status": status,
        "roles": [{"id": "staf"}, {"id": "kepala"}],
        "steps": [
            {"id": "mulai", "kind": "start", "actor": "staf", "do": "Menerima permohonan"},
            {"id": "olah", "actor": "staf", "do": f"Memproses permohonan {number}"},
            {"id": "selesai", "kind": "end", "actor": "kepala", "do": "Menyetujui hasil"},
        ],
    }
    data.update(extra)
    return Procedure.model_validate(data)


def library(*procs: Procedure, roles: dict[str, Role] | None = None) -> Library:
    info = LibraryInfo(organisation="Uji", roles=roles if roles is not None else {
        "staf": Role(name="Staf Layanan", unit="iki"), "kepala": Role(name="Kepala Bidang", unit="iki")})
    return Library(root=Path("."), info=info, procedures=list(procs))


def p5(lib: Library) -> list[Finding]:
    return lint(lib, select=P5)


def codes(lib: Library) -> list[str]:
    return [f.code for f in p5(lib)]


FORM = {"id": "F.UJI 01-01", "name": "Formulir Permohonan Akun Email", "form": True, "owner": "staf"}


def form_ref(title: str, form_id: str = "F.UJI 01-01") -> list[dict[str, Any]]:
    return [{"kind": "form", "id": form_id, "title": title}]


def test_rules_are_registered_with_bilingual_explanations() -> None:
    for code in P5:
        rule = RULES[code]
        assert rule.explanation("id") and rule.explanation("en")
        assert rule.explanation("id") != rule.explanation("en")


def test_sample_library_stays_clean(sample_library: Library) -> None:
    assert p5(sample_library) == []


# -- P501 ------------------------------------------------------------------------------------------
def test_p501_reference_naming_another_form_fires() -> None:
    lib = library(proc("P.UJI 01", records=[FORM]),
                  proc("P.UJI 02", references=form_ref("Laporan Gangguan Jaringan")))
    (f,) = p5(lib)
    assert (f.code, f.path, f.params["other"]) == ("P501", "references[0].title", "P.UJI 01")
    assert "Laporan Gangguan Jaringan" in f.message("id") and "defines" in f.message("en")


@pytest.mark.parametrize("title", ["Form Permohonan Akun Email", "FORMULIR PERMOHONAN AKUN EMAIL.",
                                   "Permohonan Akun Email"])
def test_p501_same_form_written_differently_is_quiet(title: str) -> None:
    lib = library(proc("P.UJI 01", records=[FORM]), proc("P.UJI 02", references=form_ref(title)))
    assert codes(lib) == []


def test_same_form_word_overlap() -> None:
    assert same_form("Form Kesediaan Mematuhi Kebijakan", "Formulir Kesediaan Mematuhi Kebijakan Email")
    assert not same_form("Log Insiden", "Laporan Insiden Mayor")


# -- P502 ------------------------------------------------------------------------------------------
def test_p502_local_name_differs_from_library() -> None:
    lib = library(proc("P.UJI 01", roles=[{"id": "staf", "name": "Petugas Helpdesk"}, {"id": "kepala"}]))
    (f,) = p5(lib)
    assert (f.code, f.msg_id, f.params["other"]) == ("P502", "role_name_conflict", "pustaka.yaml")


def test_p502_two_local_names_for_one_role() -> None:
    roles = [{"id": "staf"}, {"id": "kepala"}]
    lib = library(
        proc("P.UJI 01", roles=[*roles, {"id": "vendor", "name": "Penyedia Jasa TI"}]),
        proc("P.UJI 02", roles=[*roles, {"id": "vendor", "name": "Pemasok Perangkat"}]),
        proc("P.UJI 03", roles=[*roles, {"id": "vendor", "name": "penyedia  jasa TI"}]),
    )
    found = p5(lib)
    assert [(f.code, f.params["name"], f.params["other"]) for f in found] == [
        ("P502", "Pemasok Perangkat", "P.UJI 01")]


def test_p502_same_name_two_ids_same_unit_only() -> None:
    same_unit = {"a": Role(name="Koordinator Layanan", unit="iki"), "b": Role(name="Koordinator layanan", unit="iki")}
    other_unit = {"a": Role(name="Koordinator Layanan", unit="iki"), "b": Role(name="Koordinator Layanan", unit="tik")}
    found = p5(library(roles=same_unit))
    assert [(f.code, f.msg_id, f.params["role"], f.params["other_role"]) for f in found] == [
        ("P502", "role_name_duplicate", "b", "a")]
    assert p5(library(roles=other_unit)) == []


# -- P503 ------------------------------------------------------------------------------------------
def test_p503_reference_to_withdrawn_form() -> None:
    old = proc("P.UJI 01", status="obsolete", records=[FORM])
    citing = proc("P.UJI 02", references=form_ref(FORM["name"]))
    (f,) = p5(library(old, citing))
    assert (f.code, f.params["form"], f.params["by"]) == ("P503", "F.UJI 01-01", "P.UJI 01 Rev. 0")


def test_p503_quiet_when_a_live_revision_still_defines_the_form() -> None:
    old = proc("P.UJI 01", status="obsolete", records=[FORM])
    new = proc("P.UJI 01", revision=1, records=[FORM])
    citing = proc("P.UJI 02", references=form_ref(FORM["name"]))
    assert codes(library(old, new, citing)) == []


# -- P504 ------------------------------------------------------------------------------------------
def steps_with(actor: str, text: str) -> list[dict[str, Any]]:
    return [
        {"id": "mulai", "kind": "start", "actor": "staf", "do": "Menerima permohonan"},
        {"id": "catat", "actor": actor, "do": text},
        {"id": "selesai", "kind": "end", "actor": "kepala", "do": "Menyetujui hasil"},
    ]


def test_p504_same_activity_different_roles() -> None:
    lib = library(proc("P.UJI 01", steps=steps_with("staf", "Mencatat insiden ke dalam log insiden")),
                  proc("P.UJI 02", steps=steps_with("kepala", "mencatat insiden ke dalam  log insiden.")))
    (f,) = p5(lib)
    assert (f.code, f.path, f.params["actor"], f.params["other_actor"]) == (
        "P504", "steps[1].actor", "Kepala Bidang", "Staf Layanan")


def test_p504_quiet_for_same_role_short_text_or_same_procedure() -> None:
    same_role = library(proc("P.UJI 01", steps=steps_with("staf", "Mencatat insiden ke dalam log")),
                        proc("P.UJI 02", steps=steps_with("staf", "Mencatat insiden ke dalam log")))
    short = library(proc("P.UJI 01", steps=steps_with("staf", "Mencatat insiden")),
                    proc("P.UJI 02", steps=steps_with("kepala", "Mencatat insiden")))
    revisions = library(proc("P.UJI 01", steps=steps_with("staf", "Mencatat insiden ke dalam log")),
                        proc("P.UJI 01", revision=1, status="draft",
                             steps=steps_with("kepala", "Mencatat insiden ke dalam log")))
    assert codes(same_role) == codes(short) == codes(revisions) == []


def test_p504_ignores_obsolete_procedures() -> None:
    lib = library(proc("P.UJI 01", status="obsolete", steps=steps_with("staf", "Mencatat insiden ke dalam log")),
                  proc("P.UJI 02", steps=steps_with("kepala", "Mencatat insiden ke dalam log")))
    assert codes(lib) == []


# -- P505 ------------------------------------------------------------------------------------------
def test_p505_unknown_clause() -> None:
    lib = library(proc("P.UJI 01", clauses=["8.6.1", "8.14", "11"]))
    found = p5(lib)
    assert [(f.code, f.path, f.params["clause"]) for f in found] == [
        ("P505", "clauses[1]", "8.14"), ("P505", "clauses[2]", "11")]
    assert "ISO/IEC 20000-1:2018" in found[0].message("en")


def test_p505_known_clauses_are_quiet(email: Procedure) -> None:
    assert email.clauses and codes(library(email)) == []
