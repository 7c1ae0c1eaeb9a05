"""Every lint rule fires on a small, targeted change to P.SMLTI 19 and stays quiet on the original."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prosedur.errors import Problem
from prosedur.flow import graph
from prosedur.lint import RULES, Finding, Severity, has_errors, lint, lint_procedure
from prosedur.lint.core import problem_finding
from prosedur.lint.rules.style import classify_action
from prosedur.model import (
    Change,
    Exit,
    Library,
    Measurement,
    Person,
    Procedure,
    ProcedureRole,
    Record,
    Reference,
    ReferenceKind,
    Role,
    Status,
    Step,
    StepKind,
)

Mutation = Callable[[Procedure], None]


@pytest.fixture
def clean(email: Procedure) -> Procedure:
    """P.SMLTI 19 with its links to procedures outside this test library removed: it lints clean."""
    proc = email.model_copy(deep=True)
    proc.related = []
    return proc


def library_of(sample_library: Library, *procs: Procedure) -> Library:
    info = sample_library.info.model_copy(deep=True)
    return Library(root=sample_library.root, info=info, procedures=list(procs),
                   info_positions=dict(sample_library.info_positions))


def run(sample_library: Library, proc: Procedure, mutate: Mutation | None = None) -> list[Finding]:
    if mutate is not None:
        mutate(proc)
    return lint(library_of(sample_library, proc))


def by_code(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_clean_procedure_has_no_findings(sample_library: Library, clean: Procedure) -> None:
    assert run(sample_library, clean) == []


def test_sample_library_lints_without_errors_or_warnings(sample_library: Library) -> None:
    findings = lint(sample_library)
    bad = [f"{f.file}:{f.line} {f.code} {f.message()}" for f in findings
           if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert bad == []


def _step(proc: Procedure, step_id: str) -> Step:
    step = proc.step(step_id)
    assert step is not None
    return step


def _set(obj: object, **values: object) -> Mutation:
    def mutate(proc: Procedure) -> None:
        target = proc if obj == "proc" else _step(proc, str(obj))
        for key, value in values.items():
            setattr(target, key, value)

    return mutate


def _append_step(step: Step, index: int | None = None) -> Mutation:
    def mutate(proc: Procedure) -> None:
        proc.steps.insert(len(proc.steps) if index is None else index, step)

    return mutate


def _drop_step(step_id: str) -> Mutation:
    def mutate(proc: Procedure) -> None:
        proc.steps = [s for s in proc.steps if s.id != step_id]

    return mutate


def _seq(*mutations: Mutation) -> Mutation:
    def mutate(proc: Procedure) -> None:
        for m in mutations:
            m(proc)

    return mutate


def _status_effective_without(key: str) -> Mutation:
    def mutate(proc: Procedure) -> None:
        setattr(proc.approval, key, None)

    return mutate


def _approved_undated(proc: Procedure) -> None:
    assert proc.approval.approved is not None
    proc.approval.approved = Person(name="X", position="Kepala", date=None)


# (code, mutation, how many findings of that code)
CASES: list[tuple[str, Mutation, int]] = [
    # flow
    ("P101", _set("mohon", kind=StepKind.PROCESS), 1),
    ("P101", _set("tugaskan", kind=StepKind.START), 1),
    ("P102", _set("selesai", kind=StepKind.PROCESS), 1),
    ("P103", _set("tugaskan", next="buta"), 1),
    ("P103", lambda p: _step(p, "periksa_form").exits.__setitem__(0, Exit(label="Ya", to="aktifkn")), 1),
    ("P104", _set("periksa_form", exits=[Exit(label="Ya", to="aktifkan")]), 1),
    ("P104", _set("periksa_form", exits=[], next="aktifkan"), 1),
    ("P105", _append_step(Step(id="buat", actor="staf_iki", do="Membuat akun", next="selesai"), 3), 1),
    ("P106", _append_step(Step(id="yatim", kind=StepKind.END, actor="staf_iki", do="Menutup tiket")), 1),
    ("P107", _set("aktifkan", next="aktifkan"), 1),
    ("P108", _set("buat", exits=[Exit(label="a", to="kirim_memo"), Exit(label="b", to="aktifkan")]), 1),
    ("P108", _seq(_set("selesai", kind=StepKind.PROCESS)), 1),
    ("P109", _set("periksa_form", exits=[Exit(label="Ya", to="aktifkan"), Exit(label="ya", to="tandatangan")]), 1),
    ("P110", _set("tugaskan", next="mohon"), 1),
    ("P111", _set("selesai", next="mohon"), 1),
    # completeness
    ("P201", _set("proc", purpose=""), 1),
    ("P201", _set("proc", records=[], references=[], owner=None), 3),
    ("P202", lambda p: setattr(p.scope, "excludes", []), 1),
    ("P203", _set("buat", actor=None), 1),
    ("P204", _set("buat", do=""), 1),
    ("P205", _set("proc", inputs=[], outputs=[]), 2),
    ("P206", _set("proc", measurements=[]), 1),
    ("P207", lambda p: setattr(p.records[1], "retention", None), 1),
    ("P208", _status_effective_without("prepared"), 1),
    ("P208", _approved_undated, 1),
    ("P209", _set("proc", revision=1), 1),
    ("P210", _set("proc", effective=None, issued=None), 2),
    ("P211", lambda p: p.history.append(Change(revision=1)), 1),
    # names
    ("P301", _set("buat", actor="staf_ikii"), 1),
    ("P302", lambda p: p.roles.append(ProcedureRole(id="asing")), 1),
    ("P303", lambda p: p.roles.append(ProcedureRole(id="lokal", name="Petugas Lokal")), 1),
    ("P304", lambda p: p.measurements.append(Measurement(name="Indikator", owner="siapa")), 1),
    ("P304", lambda p: setattr(p.records[0], "owner", "siapa"), 1),
    ("P305", _set("aktifkan", records=["R.SMLTI 19-99"]), 1),
    ("P306", _set("proc", related=["P.SMLTI 99"]), 1),
    ("P307", lambda p: p.references.append(Reference(kind=ReferenceKind.PROCEDURE, id="P.SMLTI 98", title="X")), 1),
    ("P307", lambda p: p.references.append(Reference(kind=ReferenceKind.FORM, id="F.SMLTI 98-01", title="X")), 1),
    ("P307", lambda p: p.references.append(Reference(kind=ReferenceKind.FORM, title="Form tanpa nomor")), 1),
    ("P308", _set("buat", how="Ukuran maksimal {{batas_kirim}}"), 1),
    ("P312", lambda p: p.records.append(p.records[1].model_copy()), 1),
    ("P313", _set("proc", number="PSMLTI-19"), 1),
    ("P313", lambda p: setattr(p.records[0], "id", "F-19-1"), 1),
    ("P314", _set("proc", owner="bagian_x"), 1),
    # style
    ("P401", _set("buat", do="Staf IKI membuat akun email"), 1),
    ("P401", _set("buat", do="Akun email dibuat oleh staf"), 1),
    ("P401", _set("buat", do="Dibuat akun email"), 1),
    ("P402", _set("buat", time=None, output=None), 2),
    ("P120", _set("buat", unread=["pelaksana tidak terbaca", "panah tanpa tujuan"]), 2),
]


@pytest.mark.parametrize(("code", "mutate", "count"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires(sample_library: Library, clean: Procedure, code: str, mutate: Mutation, count: int) -> None:
    findings = run(sample_library, clean, mutate)
    got = by_code(findings, code)
    assert len(got) == count, [f"{f.code} {f.message()}" for f in findings]
    for f in got:
        rule = RULES[code]
        assert f.slug == rule.slug and f.severity == rule.severity
        assert f.file.endswith("p-smlti-19-pengelolaan-email.yaml")
        assert f.line > 0 and f.message("id") and f.message("en") != f.message("id")


def test_every_rule_has_a_firing_case() -> None:
    fired = {code for code, _m, count in CASES if count} | {"P000", "P001", "P309", "P310", "P311", "P315"}
    fired |= {"P501", "P502", "P503", "P504", "P505"}  # library-wide rules: tests/core/test_lint_library.py
    fired |= {"P212", "P213", "P214", "P215", "P216", "P403"}  # profiles, flow lists: test_lint_profiles.py
    fired |= {"P112", "P113", "P114"}  # several actors, unlabelled exits: test_multiactor.py
    fired |= {"P409"}  # English text, for libraries with languages: [id, en]: test_english.py
    fired |= {"P217"}  # a step field the library's SOP does not print: test_sopconfig.py
    assert set(RULES) <= fired


def test_parameter_never_cited_is_a_warning(sample_library: Library, clean: Procedure) -> None:
    clean.parameters["sisa"] = clean.parameters["batas_terima"].model_copy(update={"label": "tidak dipakai"})
    got = by_code(run(sample_library, clean), "P309")
    assert [f.params["name"] for f in got] == ["sisa"]
    assert got[0].severity == Severity.WARNING


def test_unknown_parameter_names_the_parameter(sample_library: Library, clean: Procedure) -> None:
    clean.provisions.append("Batas {{ kuota }} berlaku")
    got = by_code(run(sample_library, clean), "P308")
    assert got[0].message("id") == "parameter '{{kuota}}' tidak didefinisikan"
    assert got[0].path == f"provisions[{len(clean.provisions) - 1}]"


def test_dangling_target_suggests_the_closest_step(sample_library: Library, clean: Procedure) -> None:
    _step(clean, "tugaskan").next = "aktifkn"
    (f,) = by_code(run(sample_library, clean), "P103")
    assert "aktifkan" in f.message("en") and f.path == "steps[1].next"
    assert f.line == clean.position("steps", 1)[0]  # 'next' is not in the file: the step's line


def test_findings_point_at_the_source_line(sample_library: Library, clean: Procedure) -> None:
    _step(clean, "buat").actor = "nobody"
    (f,) = by_code(run(sample_library, clean), "P301")
    assert (f.line, f.col) == clean.position("steps", 2, "actor")
    text = clean.source.read_text(encoding="utf-8").splitlines()  # type: ignore[union-attr]
    assert text[f.line - 1].strip() == "actor: staf_iki"


# -- not firing: the cases a careless rule gets wrong ---------------------------------------------------
def test_connector_needs_no_actor(sample_library: Library, clean: Procedure) -> None:
    clean.steps.insert(3, Step(id="sambung", kind=StepKind.CONNECTOR))
    codes = {f.code for f in run(sample_library, clean)}
    assert not codes & {"P203", "P204", "P401", "P402"}


def test_loop_through_a_decision_is_fine(sample_library: Library, clean: Procedure) -> None:
    # The sample already loops back from 'periksa_form' to 'tandatangan'.
    assert _step(clean, "periksa_form").exits[1].to == "tandatangan"
    assert not by_code(run(sample_library, clean), "P110")


def test_draft_needs_no_approval_history_or_dates(sample_library: Library, clean: Procedure) -> None:
    clean.status = Status.DRAFT
    clean.approval.approved = None
    clean.history = []
    clean.issued = clean.effective = None
    assert not {f.code for f in run(sample_library, clean)} & {"P208", "P209", "P210"}


def test_approved_needs_no_effective_dates(sample_library: Library, clean: Procedure) -> None:
    clean.status = Status.APPROVED
    clean.effective = None
    assert not by_code(run(sample_library, clean), "P210")


def test_local_role_with_name_is_known(sample_library: Library, clean: Procedure) -> None:
    clean.roles.append(ProcedureRole(id="helpdesk", name="Petugas Helpdesk"))
    _step(clean, "buat").actor = "helpdesk"
    _step(clean, "aktifkan").actor = "helpdesk"
    codes = {f.code for f in run(sample_library, clean)}
    assert not codes & {"P301", "P302"}


def test_owner_may_be_a_library_role(sample_library: Library, clean: Procedure) -> None:
    clean.measurements[0].owner = "kepala_pusdatin"
    assert not by_code(run(sample_library, clean), "P304")


def test_form_reference_found_in_another_procedure(sample_library: Library, clean: Procedure) -> None:
    other = clean.model_copy(deep=True)
    other.number = "P.SMLTI 20"
    other.records[0].id = "F.SMLTI 20-01"
    other.records[0].name = "Form lain"
    clean.references.append(Reference(kind=ReferenceKind.FORM, id="F.SMLTI 20-01", title="Form lain"))
    clean.related = ["P.SMLTI 20"]
    findings = lint(library_of(sample_library, clean, other))
    assert not {f.code for f in findings} & {"P306", "P307", "P310", "P311"}


def test_english_procedures_skip_the_indonesian_style_rule(sample_library: Library, clean: Procedure) -> None:
    clean.language = "en"
    _step(clean, "buat").do = "Staff creates the account"
    assert not by_code(run(sample_library, clean), "P401")


# -- library-wide rules ---------------------------------------------------------------------------------
def test_duplicate_document_number(sample_library: Library, clean: Procedure) -> None:
    twin = clean.model_copy(deep=True)
    findings = lint(library_of(sample_library, clean, twin))
    assert len(by_code(findings, "P310")) == 1


def test_form_number_with_two_names(sample_library: Library, clean: Procedure) -> None:
    other = clean.model_copy(deep=True)
    other.number = "P.SMLTI 20"
    other.records[0].name = "Formulir yang lain"
    (f,) = by_code(lint(library_of(sample_library, clean, other)), "P311")
    assert f.params["form"] == "F.SMLTI 19-01" and f.params["other_name"] == clean.records[0].name


def test_form_number_same_name_is_fine(sample_library: Library, clean: Procedure) -> None:
    other = clean.model_copy(deep=True)
    other.number = "P.SMLTI 20"
    assert not by_code(lint(library_of(sample_library, clean, other)), "P311")


def test_library_file_units_checked(sample_library: Library, clean: Procedure) -> None:
    lib = library_of(sample_library, clean)
    lib.info.roles["tamu"] = Role(name="Tamu", unit="tidak_ada")
    (f,) = by_code(lint(lib), "P315")
    assert f.file.endswith("pustaka.yaml") and f.path == "roles.tamu.unit"
    lib.info.units["iki"].parent = "induk_hilang"
    lib.info_positions = dict(sample_library.info_positions)
    got = by_code(lint(lib), "P315")
    assert len(got) == 2
    iki_line = sample_library.info_positions[("units", "iki", "parent")][0]
    assert iki_line in {f.line for f in got}


# -- load problems, options, helpers --------------------------------------------------------------------
def test_load_problems_become_findings() -> None:
    unreadable = problem_finding(Problem("a.yaml", 3, 1, "", "yaml_syntax", {"detail": "x"}))
    invalid = problem_finding(Problem("b.yaml", 4, 5, "steps[0].kind", "enum", {"expected": "start, end"}))
    assert (unreadable.code, unreadable.slug) == ("P000", "source-unreadable")
    assert (invalid.code, invalid.slug) == ("P001", "source-invalid")
    assert invalid.message("en") == "must be one of: start, end"
    assert unreadable.severity == invalid.severity == Severity.ERROR


def test_lint_keeps_problems_and_findings_together(sample_library: Library, clean: Procedure) -> None:
    problem = Problem("z.yaml", 1, 1, "", "yaml_empty")
    findings = lint(library_of(sample_library, clean), [problem])
    assert [f.code for f in findings] == ["P000"]
    assert has_errors(findings)


def test_select_limits_rules(sample_library: Library, clean: Procedure) -> None:
    clean.purpose = ""
    clean.measurements = []
    lib = library_of(sample_library, clean)
    assert {f.code for f in lint(lib, select=["has-measurement"])} == {"P206"}


def test_has_errors_strict_counts_warnings(sample_library: Library, clean: Procedure) -> None:
    clean.measurements = []
    findings = run(sample_library, clean)
    assert not has_errors(findings)
    assert has_errors(findings, strict=True)


def test_lint_procedure_without_source(sample_library: Library, clean: Procedure) -> None:
    proc = Procedure.model_validate(clean.model_dump())  # no file, no positions (web editor preview)
    proc.steps[2].actor = "nobody"
    (f,) = by_code(lint_procedure(proc, sample_library), "P301")
    assert f.file == "<P.SMLTI 19>" and (f.line, f.col) == (0, 0)


def test_rules_are_catalogued_bilingually() -> None:
    slugs = [r.slug for r in RULES.values()]
    assert len(slugs) == len(set(slugs)) >= 35
    for r in RULES.values():
        assert r.code[0] == "P" and r.code[1:].isdigit()
        assert r.explanation("id") and r.explanation("en") and r.explanation("id") != r.explanation("en")
    assert RULES["P104"].slug == "decision-needs-two-exits"


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Memeriksa kelengkapan berkas", None),
        ("Mengirimkan memo", None),
        ("Berkoordinasi dengan Bidang IKI", None),
        ("Cek kelengkapan", None),
        ("Unggah dokumen ke aplikasi", None),
        ("Sampaikan hasil kepada pemohon", None),
        ("Staf memeriksa kelengkapan", "subject"),
        ("Kepala Bidang menyetujui", "subject"),
        ("Akan mengirimkan memo", "subject"),
        ("Tim teknis memasang perangkat", "subject"),
        ("Berkas diperiksa oleh staf", "no_verb"),
        ("Diperiksa kelengkapannya", "passive"),
        ("Dikirim ke pemohon", "passive"),
        ("Diskusikan dengan pemohon", None),
        ("Form Kesediaan ditandatangani", "no_verb"),
    ],
)
def test_action_heuristic(text: str, verdict: str | None) -> None:
    got = classify_action(text)
    assert (got[0] if got else None) == verdict


def test_role_name_counts_as_subject() -> None:
    assert classify_action("Pemohon menandatangani form", frozenset({"pemohon"})) == ("subject", "Pemohon")
    assert classify_action("Rina menandatangani form", frozenset({"rina"})) == ("subject", "Rina")


def test_effective_date_checks_use_real_dates(sample_library: Library, clean: Procedure) -> None:
    clean.issued = dt.date(2018, 11, 23)
    clean.effective = None
    (f,) = by_code(run(sample_library, clean), "P210")
    assert f.params["what"] == "effective" and "effective" in f.message("en")


def test_record_kept_needs_both(sample_library: Library, clean: Procedure) -> None:
    clean.records.append(Record(id="R.SMLTI 19-03", name="Log", owner="staf_iki"))
    got = by_code(run(sample_library, clean), "P207")
    assert sorted(f.params["what"] for f in got) == ["retention", "storage"]


# -- the loop rule's shortcut agrees with the full strongly-connected-components pass ------------------
@st.composite
def flows(draw: st.DrawFn) -> Procedure:
    n = draw(st.integers(min_value=2, max_value=9))
    steps: list[Step] = []
    for i in range(n):
        kind = draw(st.sampled_from([StepKind.PROCESS, StepKind.DECISION, StepKind.IO]))
        targets = st.integers(min_value=0, max_value=n - 1).map(lambda j: f"s{j}")
        if kind == StepKind.DECISION:
            outs = draw(st.lists(targets, min_size=2, max_size=3))
            steps.append(Step(id=f"s{i}", kind=kind, actor="a", do="Memeriksa",
                              exits=[Exit(label=f"L{k}", to=t) for k, t in enumerate(outs)]))
        else:
            nxt = draw(st.none() | targets)
            steps.append(Step(id=f"s{i}", kind=kind, actor="a", do="Membuat", next=nxt))
    return Procedure(number="P.SMLTI 90", title="Acak", steps=steps)


@settings(max_examples=150, deadline=None)
@given(flows())
def test_loop_rule_matches_full_scc(sample_library: Library, proc: Procedure) -> None:
    kinds = {s.id: s.kind for s in proc.steps}
    expected = sum(
        1 for comp in graph.strongly_connected(proc) if not any(kinds[s] == StepKind.DECISION for s in comp)
    )
    assert len(by_code(lint_procedure(proc, sample_library), "P110")) == expected
