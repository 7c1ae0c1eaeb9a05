"""The sample SMLTI library is the demo, the fixture and the benchmark seed: hold it to the bar.

These tests state what a real agency's procedure set looks like (PermenPAN-RB 35/2012 mutu baku on
every step, ISO/TR 10013 sections, forms that exist, approvals that are in order), so a careless edit
to a sample fails here rather than in someone's rendered PDF.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from prosedur.flow.graph import can_reach_end, reachable, successors
from prosedur.model import Library, Numbering, Procedure, Status, StepKind

REQUIRED = {
    "P.SMLTI 01", "P.SMLTI 02", "P.SMLTI 03", "P.SMLTI 04", "P.SMLTI 05", "P.SMLTI 18", "P.SMLTI 19",
    "P.SMLTI 20", "P.SMLTI 21", "P.SMLTI 22", "P.SMLTI 23", "P.SMLTI 29",
}
NIP = re.compile(r"^(19|20)\d{6}(19|20)\d{4}[12]\d{3}$")
ROLE_WORDS = ("kepala", "staf", "petugas", "pegawai", "tim", "bidang", "pengguna", "atasan", "pemohon")


def test_the_set_is_complete(sample_library: Library) -> None:
    numbers = {p.number for p in sample_library.procedures}
    assert numbers >= REQUIRED
    assert len(numbers) >= 13
    email = sample_library.procedure("P.SMLTI 19")
    assert email is not None and email.title == "Pengelolaan Email"


def test_statuses_are_mixed(sample_library: Library) -> None:
    statuses = [p.status for p in sample_library.procedures]
    assert statuses.count(Status.EFFECTIVE) > len(statuses) / 2
    assert {Status.DRAFT, Status.IN_REVIEW} & set(statuses)
    revised = [p for p in sample_library.procedures if p.revision >= 1]
    assert revised and all(len(p.history) >= 2 for p in revised)


@pytest.fixture(params=sorted(p.name for p in (Path(__file__).parents[2] / "examples/smlti/prosedur").glob("*.yaml")))
def proc(request: pytest.FixtureRequest, sample_library: Library) -> Procedure:
    for candidate in sample_library.procedures:
        if candidate.source is not None and candidate.source.name == request.param:
            return candidate
    raise AssertionError(f"{request.param} did not load")


def test_flow_is_a_real_branching_flow(proc: Procedure) -> None:
    assert 8 <= len(proc.steps) <= 25
    assert any(s.kind == StepKind.DECISION for s in proc.steps)
    assert proc.steps[0].kind == StepKind.START
    succ = successors(proc)
    ids = {s.id for s in proc.steps}
    assert reachable(proc.steps[0].id, succ) == ids
    assert can_reach_end(proc, succ) == ids
    assert len(proc.actors()) >= 2


def test_every_step_has_mutu_baku_and_an_active_verb(proc: Procedure) -> None:
    for step in proc.steps:
        assert step.actor, step.id
        assert step.time and step.output, step.id
        if step.kind != StepKind.END:
            assert step.requirements, step.id
        first = step.do.split()[0]
        # PermenPAN-RB: active verb first (me-), never a subject such as "Staf ..." or "Kepala ...".
        assert first.startswith("Me"), (step.id, step.do)
        assert first.lower() not in ROLE_WORDS, (step.id, step.do)


def test_records_are_numbered_cited_and_kept(proc: Procedure, sample_library: Library) -> None:
    form_re = Numbering.to_regex(sample_library.info.numbering.form)
    nn = proc.number.split()[-1]
    record_ids = {r.id for r in proc.records}
    cited = {rid for step in proc.steps for rid in step.records}
    assert cited <= record_ids
    assert record_ids <= cited  # no record the flow never produces
    for record in proc.records:
        if record.form:
            assert form_re.match(record.id), record.id
            if not record.id.startswith(f"F.SMLTI {nn}-"):
                # A form shared from another procedure (the incident log) is defined there, identically.
                home = sample_library.procedure(f"P.SMLTI {record.id.split()[-1].split('-')[0]}")
                assert home is not None, record.id
                home_record = home.record(record.id)
                assert home_record is not None and home_record.name == record.name, record.id
        assert record.storage and record.retention and record.disposition, record.id
        assert record.owner in {r.id for r in proc.roles}, record.id


def test_sections_of_iso_tr_10013_are_filled(proc: Procedure) -> None:
    assert proc.purpose and proc.scope.includes and proc.scope.excludes
    assert proc.references and proc.legal_basis and proc.clauses
    assert proc.measurements and all(m.target and m.owner for m in proc.measurements)
    assert proc.roles and all(r.responsibilities or r.authorities for r in proc.roles)
    assert proc.inputs and proc.outputs and proc.warnings
    assert proc.history and proc.history[-1].revision == proc.revision


def test_roles_units_and_links_exist(proc: Procedure, sample_library: Library) -> None:
    info = sample_library.info
    for role in proc.roles:
        if role.id not in info.roles:  # a local role (e.g. an external supplier) names itself
            assert role.name, role.id
            continue
        unit = info.roles[role.id].unit
        assert unit in info.units, (role.id, unit)
    assert proc.owner in info.units
    numbers = {p.number for p in sample_library.procedures}
    assert set(proc.related) <= numbers - {proc.number}


def test_approval_is_in_order(proc: Procedure) -> None:
    prepared = proc.approval.prepared
    assert prepared is not None and prepared.nip and NIP.match(prepared.nip)
    if proc.status != Status.EFFECTIVE:
        assert proc.approval.approved is None
        return
    approved = proc.approval.approved
    assert approved is not None and approved.date is not None and prepared.date is not None
    assert proc.approval.reviewed
    for person in (prepared, approved, *proc.approval.reviewed):
        assert person.nip and NIP.match(person.nip), person
    for reviewer in proc.approval.reviewed:
        assert reviewer.date is not None and prepared.date <= reviewer.date <= approved.date
    assert proc.effective is not None and proc.issued is not None and proc.review_due is not None
    assert approved.date <= proc.effective < proc.review_due


def test_major_incident_has_its_documented_path(sample_library: Library) -> None:
    incident = sample_library.procedure("P.SMLTI 21")
    assert incident is not None
    assert "8.6.1" in incident.clauses
    major_steps = [s for s in incident.steps if "mayor" in s.do.lower()]
    assert len(major_steps) >= 3
    assert any(r.name == "Laporan Insiden Mayor" for r in incident.records)
    assert "kepala_pusdatin" in incident.actors()  # top management is informed


def test_teleworking_cites_27001_as_a_reference_not_a_clause(sample_library: Library) -> None:
    tele = sample_library.procedure("P.SMLTI 29")
    assert tele is not None and tele.title == "Permohonan Teleworking"
    assert any(ref.id and "27001" in ref.id and ref.clause and "A.6.7" in ref.clause for ref in tele.references)
    assert all(not c.startswith("A.") for c in tele.clauses)
    assert {"pegawai", "atasan_langsung", "staf_iki"} <= set(tele.actors())


def test_logo_is_a_plain_svg(sample_library: Library) -> None:
    assert sample_library.info.logo
    path = sample_library.root / sample_library.info.logo
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    assert root.tag.endswith("svg")
    tags = {el.tag.split("}")[-1] for el in root.iter()}
    assert not tags & {"script", "foreignObject", "image", "use"}
    assert path.stat().st_size < 4096


def test_samples_lint_clean(sample_library: Library) -> None:
    lint_mod = pytest.importorskip("prosedur.lint")
    findings = lint_mod.lint(sample_library)
    serious = [f for f in findings if f.severity in (lint_mod.Severity.ERROR, lint_mod.Severity.WARNING)]
    assert not serious, [(f.file, f.line, f.code, f.msg_id) for f in serious]
