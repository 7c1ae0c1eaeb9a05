"""The shared scaffold: next free number, and a draft that loads and has the flow the author stated."""

from __future__ import annotations

import pytest

from prosedur.flow.graph import successors
from prosedur.load import load_procedure_text
from prosedur.scaffold import ScaffoldError, StepDraft, next_free_number, parse_step, scaffold_procedure


@pytest.mark.parametrize(("pattern", "used", "expected"), [
    ("P.SMLTI {nn}", ["P.SMLTI 01", "P.SMLTI 19", "P.SMLTI 07"], "P.SMLTI 20"),
    ("P.SMLTI {nn}", [], "P.SMLTI 01"),
    ("P.SMLTI {nn}", ["P.SMLTI 99"], "P.SMLTI 100"),
    ("SOP-{n}/TI", ["SOP-9/TI", "SOP-10/TI", "lain"], "SOP-11/TI"),
    ("P-{nn}-{nn}", ["P-03-02"], "P-04-01"),
])
def test_next_free_number(pattern: str, used: list[str], expected: str) -> None:
    assert next_free_number(pattern, used) == expected


def test_next_free_number_never_fills_a_gap() -> None:
    # 02 was withdrawn: it is still one of the numbers that existed, and the next is 04, not 02
    assert next_free_number("P.SMLTI {nn}", ["P.SMLTI 01", "P.SMLTI 03"]) == "P.SMLTI 04"


def test_parse_step() -> None:
    assert parse_step("pemohon: Mengajukan permohonan") == ("pemohon", "Mengajukan permohonan", False)
    assert parse_step("admin: Data lengkap?") == ("admin", "Data lengkap", True)
    with pytest.raises(ScaffoldError) as info:
        parse_step("tanpa titik dua")
    assert "actor: action" in info.value.message("en")


def test_scaffold_with_decision_labels_loads_with_the_stated_flow(sample_library) -> None:  # type: ignore[no-untyped-def]
    role = next(iter(sample_library.info.roles))
    text = scaffold_procedure(
        sample_library, number="P.SMLTI 77", title='Layanan "Baru": <b>uji</b>', purpose="Menguji",
        roles={"petugas_lokal": "Petugas Lokal"},
        steps=[StepDraft(role, "Mengajukan permohonan"),
               StepDraft("petugas_lokal", "Memeriksa kelengkapan", decision=True,
                         yes_label="Lengkap", no_label="Tidak lengkap"),
               StepDraft(role, "Menerima hasil")],
        origin="wizard web",
    )
    proc = load_procedure_text(text, "uji.yaml")
    assert proc.title == 'Layanan "Baru": <b>uji</b>'
    assert [s.kind for s in proc.steps] == ["start", "decision", "end"]
    decision = proc.steps[1]
    # ids say what the step does, so a lint message naming one is readable
    assert [s.id for s in proc.steps] == ["mengajukan-permohonan", "memeriksa-kelengkapan", "menerima-hasil"]
    assert [(e.label, e.to) for e in decision.exits] == [("Lengkap", "menerima-hasil"),
                                                         ("Tidak lengkap", "mengajukan-permohonan")]
    assert {(e.target, e.label) for e in successors(proc)["memeriksa-kelengkapan"]} == {
        ("menerima-hasil", "Lengkap"), ("mengajukan-permohonan", "Tidak lengkap")}
    assert {r.id: r.name for r in proc.roles}["petugas_lokal"] == "Petugas Lokal"


def test_scaffold_refuses_bad_input(sample_library) -> None:  # type: ignore[no-untyped-def]
    role = next(iter(sample_library.info.roles))
    two = [(role, "Mulai", False), (role, "Selesai", False)]
    cases = [
        dict(steps=[(role, "Mulai", False)]),
        dict(steps=[("siapa", "Mulai", False), (role, "Selesai", False)]),
        dict(steps=two, roles={"1bad": "Nama"}),
        dict(steps=two, owner="unit_tidak_ada"),
        dict(steps=[StepDraft(role, "Cek", decision=True, no_label=" "), StepDraft(role, "Selesai")]),
    ]
    for extra in cases:
        kwargs = {"number": "P.SMLTI 77", "title": "Judul", "purpose": "", "roles": {}, **extra}
        with pytest.raises(ScaffoldError):
            scaffold_procedure(sample_library, **kwargs)  # type: ignore[arg-type]


def test_step_ids_are_words_unique_and_valid() -> None:
    import re

    from prosedur.model import ID_PATTERN
    from prosedur.scaffold import step_ids

    ids = step_ids(["Memeriksa berkas", "Memeriksa berkas lagi", "Memeriksa  berkas!", "12 Januari dicatat",
                    "“Ünïcode” — ąccents", "!!!"])
    assert ids == ["memeriksa-berkas", "memeriksa-berkas-2", "memeriksa-berkas-3", "langkah-12-januari",
                   "unicode-accents", "langkah-6"]
    assert all(re.match(ID_PATTERN, i) for i in ids)
