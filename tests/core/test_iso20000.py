"""The ISO/IEC 20000-1 clause catalogue, coverage of clauses by procedures, and `prosedur coverage`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pydantic import ValidationError

import prosedur.iso20000 as iso
from prosedur.iso20000.catalogue import (
    Catalogue,
    RequirementKind,
    catalogue,
    children,
    clause,
    is_known,
    unknown_clauses,
)
from prosedur.iso20000.commands import coverage_command, format_coverage
from prosedur.iso20000.coverage import ClauseStatus, GapReason, coverage, mentions_major_incident
from prosedur.load import load_library, load_procedure_text
from prosedur.model import Library

# Clauses 4-10 of ISO/IEC 20000-1:2018 with every sub-clause (domain.md §1.1), in document order.
EXPECTED = ["4", "4.1", "4.2", "4.3", "4.4", "5", "5.1", "5.2", "5.2.1", "5.2.2", "5.3", "6", "6.1", "6.2", "6.2.1", "6.2.2", "6.3", "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2", "7.5.3", "7.5.4", "7.6", "8", "8.1", "8.2", "8.2.1", "8.2.2", "8.2.3", "8.2.4", "8.2.5", "8.2.6", "8.3", "8.3.1", "8.3.2", "8.3.3", "8.3.4", "8.3.4.1", "8.3.4.2", "8.4", "8.4.1", "8.4.2", "8.4.3", "8.5", "8.5.1", "8.5.1.1", "8.5.1.2", "8.5.1.3", "8.5.2", "8.5.2.1", "8.5.2.2", "8.5.2.3", "8.5.3", "8.6", "8.6.1", "8.6.2", "8.6.3", "8.7", "8.7.1", "8.7.2", "8.7.3", "8.7.3.1", "8.7.3.2", "8.7.3.3", "9", "9.1", "9.2", "9.3", "9.4", "10", "10.1", "10.2"]


# -- a small library in tmp_path, written in the source format ------------------------------------
LIBRARY_INFO: dict[str, Any] = {
    "organisation": "Instansi Uji",
    "numbering": {"procedure": "P.UJI {nn}", "form": "F.UJI {nn}-{nn}"},
    "review_interval_months": 6,
    "units": {
        "pusat": {"name": "Pusat Data", "name_en": "Data Centre"},
        "layanan": {"name": "Bidang Layanan", "name_en": "Service Division", "parent": "pusat"},
        "tu": {"name": "Tata Usaha", "name_en": "Administration"},
    },
    "roles": {
        "pemohon": {"name": "Pemohon", "name_en": "Requester"},
        "kepala": {"name": "Kepala Pusat", "name_en": "Head of Centre", "unit": "pusat"},
        "staf": {"name": "Staf Layanan", "name_en": "Service staff", "unit": "layanan"},
        "arsiparis": {"name": "Arsiparis", "name_en": "Archivist", "unit": "tu"},
    },
}


def procedure(number: str, clauses: list[str] | None = None, status: str = "effective", **extra: Any) -> dict[str, Any]:
    """A small, valid procedure in the shape of the worked example (P.SMLTI 19)."""
    data: dict[str, Any] = {
        "number": number,
        "title": extra.pop("title", f"Prosedur {number}"),
        "revision": extra.pop("revision", 0),
        "status": status,
        "owner": "pusat",
        "issued": "2024-01-15",
        "effective": "2024-02-01",
        "purpose": "Menguji cakupan klausul",
        "scope": {"includes": ["Kegiatan uji"]},
        "clauses": clauses or [],
        "steps": [
            {"id": "mulai", "kind": "start", "actor": "pemohon", "do": "Mengajukan permohonan"},
            {"id": "proses", "actor": "staf", "do": "Memproses permohonan"},
            {"id": "selesai", "kind": "end", "actor": "kepala", "do": "Menyetujui hasil"},
        ],
    }
    data.update(extra)
    return data


def write_library(root: Path, procedures: list[dict[str, Any]], info: dict[str, Any] | None = None) -> Path:
    (root / "prosedur").mkdir(parents=True, exist_ok=True)
    (root / "pustaka.yaml").write_text(yaml.safe_dump(info or LIBRARY_INFO, allow_unicode=True), encoding="utf-8")
    for i, proc in enumerate(procedures):
        name = f"p-{i:03d}-{proc['number'].replace(' ', '-').replace('.', '-')}.yaml"
        (root / "prosedur" / name).write_text(yaml.safe_dump(proc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def build(root: Path, procedures: list[dict[str, Any]], info: dict[str, Any] | None = None) -> Library:
    library, problems = load_library(write_library(root, procedures, info))
    assert not problems, [p.format() for p in problems]
    return library


def required_leaves() -> list[str]:
    return [c.number for c in catalogue().clauses if c.requires]


MAJOR_STEPS = [
    {"id": "catat", "kind": "start", "actor": "pemohon", "do": "Melaporkan insiden"},
    {"id": "nilai", "kind": "decision", "actor": "staf", "do": "Menilai apakah insiden mayor",
     "exits": [{"label": "Ya", "to": "eskalasi"}, {"label": "Tidak", "to": "selesai"}]},
    {"id": "eskalasi", "actor": "kepala", "do": "Memimpin penanganan insiden mayor"},
    {"id": "selesai", "kind": "end", "actor": "staf", "do": "Menutup insiden"},
]


# == catalogue ======================================================================================
def test_every_clause_4_to_10_present_once_in_order() -> None:
    numbers = [c.number for c in catalogue().clauses]
    assert numbers == EXPECTED
    assert len(set(numbers)) == len(numbers)


def test_parents_exist_and_come_first() -> None:
    seen: set[str] = set()
    for item in catalogue().clauses:
        if item.depth == 1:
            assert item.parent is None
        else:
            assert item.parent == item.number.rsplit(".", 1)[0]
            assert item.parent in seen
        seen.add(item.number)


def test_numbering_order_is_numeric() -> None:
    keys = [c.key for c in catalogue().clauses]
    assert keys == sorted(keys)
    assert catalogue().clauses[-1].number == "10.2"  # 10 after 9, not after 1


def test_both_languages_present_and_distinct() -> None:
    for item in catalogue().clauses:
        for text in (item.title_id, item.title_en, item.description_id, item.description_en):
            assert text.strip()
        assert item.description_id != item.description_en, item.number
        for req in item.requires:
            assert req.item_id.strip() and req.item_en.strip()


def test_only_major_incidents_require_a_documented_procedure() -> None:
    required = [c.number for c in catalogue().clauses if c.procedure_required]
    assert required == ["8.6.1"]
    kinds = {r.kind for r in clause("8.6.1").requires}
    assert RequirementKind.DOCUMENTED_PROCEDURE in kinds and RequirementKind.RECORD in kinds


def test_requirements_sit_on_the_most_specific_clause() -> None:
    cat = catalogue()
    for item in cat.clauses:
        if item.requires:
            assert cat.is_leaf(item.number), item.number
    # the ones domain.md §1.3 lists, at least
    for number in ("4.3", "6.3", "7.2", "8.2.6", "8.5.1.2", "8.6.3", "8.7.2", "9.2", "9.3", "10.1"):
        assert clause(number).requires, number


def test_lookups() -> None:
    assert clause("8.6.1").title_en == "Incident management"
    assert clause(" 8.6.1. ").number == "8.6.1"
    assert [c.number for c in children("8.5")] == ["8.5.1", "8.5.2", "8.5.3"]
    assert children("8.6.1") == ()
    assert children("11") == ()
    assert is_known("7.5.4") and not is_known("8.8") and not is_known("3") and not is_known("")
    assert catalogue().ancestors("8.5.1.2") == ["8.5.1", "8.5", "8"]
    with pytest.raises(KeyError):
        clause("8.6.4")


def test_loaded_once_and_frozen() -> None:
    assert catalogue() is catalogue()
    with pytest.raises(ValidationError):
        clause("4").title_id = "x"  # type: ignore[misc]


def _entry(number: str, **extra: Any) -> dict[str, Any]:
    return {"number": number, "title_id": "j", "title_en": "t", "description_id": "u", "description_en": "d", **extra}


@pytest.mark.parametrize(
    "entries",
    [
        [_entry("4"), _entry("4")],  # twice
        [_entry("4.1")],  # parent missing
        [_entry("5"), _entry("4")],  # out of order
        [_entry("4"), _entry("4.1", parent="5")],  # wrong parent
        [_entry("4", procedure_required=True)],  # flag without the requirement
        [_entry("4", title_en="")],  # empty translation
        [_entry("11")],  # not a clause 4-10
    ],
)
def test_catalogue_validation_refuses_inconsistent_data(entries: list[dict[str, Any]]) -> None:
    with pytest.raises(ValidationError):
        Catalogue.model_validate({"version": "x", "clauses": entries})


def test_unknown_clauses_hook() -> None:
    proc = load_procedure_text(yaml.safe_dump(procedure("P.UJI 01", ["8.6.1", "8.8", "4.", "A.6.2.2"])))
    assert unknown_clauses(proc) == [(1, "8.8"), (3, "A.6.2.2")]
    assert iso.unknown_clauses(load_procedure_text(yaml.safe_dump(procedure("P.UJI 02", ["9.2"])))) == []


# == coverage =======================================================================================
def test_a_sub_clause_does_not_cover_its_parent(tmp_path: Path) -> None:
    cov = coverage(build(tmp_path, [procedure("P.UJI 01", ["8.5.1.2"])]))
    assert cov.row("8.5.1.2").status is ClauseStatus.COVERED
    assert [p.number for p in cov.row("8.5.1.2").direct] == ["P.UJI 01"]
    assert cov.row("8.5.1.1").status is ClauseStatus.UNCOVERED
    assert cov.row("8.5.1").status is ClauseStatus.PARTIAL
    assert cov.row("8.5").status is ClauseStatus.PARTIAL
    assert cov.gap("8.5.1.1") is not None and cov.gap("8.5.1.2") is None
    assert cov.row("8.5.1.2").cell("P.UJI 01") == "direct"


def test_naming_a_parent_covers_its_sub_clauses_as_inherited(tmp_path: Path) -> None:
    cov = coverage(build(tmp_path, [procedure("P.UJI 18", ["8.5.1"])]))
    for number in ("8.5.1.1", "8.5.1.2", "8.5.1.3"):
        row = cov.row(number)
        assert row.status is ClauseStatus.COVERED
        assert row.direct == ()
        assert [(p.number, via) for p, via in row.inherited] == [("P.UJI 18", "8.5.1")]
        assert row.cell("P.UJI 18") == "inherited:8.5.1"
        assert cov.gap(number) is None
    assert cov.row("8.5.1").status is ClauseStatus.COVERED
    assert cov.row("8.5.2").status is ClauseStatus.UNCOVERED


def test_a_top_level_clause_is_too_broad_to_cover_anything(tmp_path: Path) -> None:
    cov = coverage(build(tmp_path, [procedure("P.UJI 01", ["8", "9"])]))
    assert [p.number for p in cov.row("8").direct] == ["P.UJI 01"]
    assert cov.row("8").status is ClauseStatus.UNCOVERED
    assert cov.row("9.2").status is ClauseStatus.UNCOVERED
    assert cov.gap("9.2") is not None


def test_only_effective_procedures_count_drafts_are_shown_apart(tmp_path: Path) -> None:
    library = build(tmp_path, [
        procedure("P.UJI 03", ["9.2"], status="draft"),
        procedure("P.UJI 04", ["9.3"], status="in_review"),
        procedure("P.UJI 05", ["10.1"], status="obsolete"),
        procedure("P.UJI 06", ["10.2"], status="approved"),
    ])
    cov = coverage(library)
    assert cov.procedures == ()
    assert [p.number for p in cov.pending_procedures] == ["P.UJI 03", "P.UJI 04", "P.UJI 06"]
    assert cov.row("9.2").status is ClauseStatus.PENDING
    gap = cov.gap("9.2")
    assert gap is not None and [p.number for p in gap.pending] == ["P.UJI 03"]
    assert cov.row("10.1").status is ClauseStatus.UNCOVERED  # obsolete: neither covers nor pending
    assert cov.row("10.1").pending == ()
    assert cov.row("10").status is ClauseStatus.PENDING


def test_major_incident_claim_without_major_incidents_leaves_the_gap(tmp_path: Path) -> None:
    cov = coverage(build(tmp_path, [procedure("P.UJI 21", ["8.6.1"], title="Manajemen Insiden")]))
    assert cov.row("8.6.1").status is ClauseStatus.COVERED
    gap = cov.gap("8.6.1", GapReason.MAJOR_INCIDENT_NOT_ADDRESSED)
    assert gap is not None
    assert gap.procedure_required
    assert [p.number for p in gap.claimed_by] == ["P.UJI 21"]
    assert [r.kind for r in gap.requirements] == [RequirementKind.DOCUMENTED_PROCEDURE]
    assert cov.major_incident == ()
    assert not cov.ok


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"steps": MAJOR_STEPS}, True),
        ({"title": "Penanganan Insiden Mayor"}, True),
        ({"title_en": "Major Incident Handling"}, True),
        ({"scope": {"includes": ["Penanganan insiden MAYOR"]}}, True),
        ({"scope": {"includes": ["Insiden biasa"], "excludes": ["Insiden mayor"]}}, False),
        ({"purpose": "Menangani insiden mayoritas pengguna"}, False),
        ({"title": "Mayoritas insiden"}, False),
    ],
)
def test_major_incident_check_reads_title_scope_and_steps(tmp_path: Path, where: dict[str, Any], expected: bool) -> None:
    library = build(tmp_path, [procedure("P.UJI 21", ["8.6.1"], **where)])
    assert mentions_major_incident(library.procedures[0]) is expected
    cov = coverage(library)
    assert (cov.gap("8.6.1") is None) is expected
    assert bool(cov.major_incident) is expected


def test_major_incident_via_parent_clause_and_draft_shown(tmp_path: Path) -> None:
    library = build(tmp_path, [
        procedure("P.UJI 21", ["8.6"], title="Resolusi Insiden Mayor dan Permintaan"),
        procedure("P.UJI 22", ["8.6.1"], status="draft", steps=MAJOR_STEPS),
    ])
    cov = coverage(library)
    assert cov.gap("8.6.1") is None
    assert [p.number for p in cov.major_incident] == ["P.UJI 21"]
    # Without the effective one, the draft with a major-incident path is shown as pending.
    cov2 = coverage(build(tmp_path / "b", [procedure("P.UJI 22", ["8.6.1"], status="draft", steps=MAJOR_STEPS)]))
    gap = cov2.gap("8.6.1")
    assert gap is not None and gap.reason is GapReason.UNCOVERED
    assert [p.number for p in gap.pending] == ["P.UJI 22"]


def test_full_coverage_is_ok(tmp_path: Path) -> None:
    library = build(tmp_path, [
        procedure("P.UJI 01", required_leaves()[:10]),
        procedure("P.UJI 02", required_leaves()[10:], steps=MAJOR_STEPS),
    ])
    cov = coverage(library)
    assert cov.gaps == ()
    assert cov.ok
    counts = cov.counts()
    assert counts["required"] == counts["required_covered"] == len(required_leaves())


def test_known_gaps_are_exactly_the_uncovered_required_clauses(tmp_path: Path) -> None:
    leaves = required_leaves()
    left_out = {"4.3", "7.5.3", "9.2", "10.2"}
    library = build(tmp_path, [procedure("P.UJI 01", [n for n in leaves if n not in left_out], steps=MAJOR_STEPS)])
    cov = coverage(library)
    assert {g.clause.number for g in cov.gaps} == left_out
    assert all(g.reason is GapReason.UNCOVERED for g in cov.gaps)
    assert cov.row("7.5").status is ClauseStatus.PARTIAL
    assert cov.row("10").status is ClauseStatus.PARTIAL


def test_unknown_clause_numbers_are_reported(tmp_path: Path) -> None:
    cov = coverage(build(tmp_path, [procedure("P.UJI 01", ["8.6.2", "8.9.1"]), procedure("P.UJI 02", ["A.5"])]))
    assert [(u.procedure, u.index, u.clause) for u in cov.unknown] == [("P.UJI 01", 1, "8.9.1"), ("P.UJI 02", 0, "A.5")]
    assert cov.row("8.6.2").status is ClauseStatus.COVERED


def test_roll_up_invariant_on_the_sample(sample_library: Library) -> None:
    cov = coverage(sample_library)
    cat = catalogue()
    for row in cov.rows:
        kids = cat.children(row.clause.number)
        if kids:
            states = [cov.row(k.number).status for k in kids]
            assert (row.status is ClauseStatus.COVERED) == all(s is ClauseStatus.COVERED for s in states)
        if row.clause.requires:
            assert (cov.gap(row.clause.number, GapReason.UNCOVERED) is None) == row.covered
    assert len(cov.rows) == len(cat.clauses)
    numbers = [p.number for p in cov.procedures]
    assert numbers == sorted(numbers, key=lambda n: [int(x) if x.isdigit() else x for x in n.split()])


def test_sample_incident_procedure_satisfies_major_incidents(sample_library: Library) -> None:
    incident = sample_library.procedure("P.SMLTI 21")
    assert incident is not None and mentions_major_incident(incident)
    cov = coverage(sample_library)
    assert "P.SMLTI 21" in [p.number for p in cov.major_incident]
    assert cov.gap("8.6.1") is None
    email = sample_library.procedure("P.SMLTI 19")
    assert email is not None and not mentions_major_incident(email)


def test_coverage_json_is_plain_data(sample_library: Library) -> None:
    data = json.loads(json.dumps(coverage(sample_library).as_dict("en")))
    assert {row["number"] for row in data["clauses"]} == set(EXPECTED)
    assert data["ok"] is (data["counts"]["gaps"] == 0)
    row = next(r for r in data["clauses"] if r["number"] == "8.6.1")
    assert "P.SMLTI 21" in row["direct"] and row["title"] == "Incident management"


# == the command ===================================================================================
def test_command_exit_code_follows_gaps(tmp_path: Path) -> None:
    runner = CliRunner()
    full = write_library(tmp_path / "full", [procedure("P.UJI 01", required_leaves(), steps=MAJOR_STEPS)])
    result = runner.invoke(coverage_command, [str(full)])
    assert result.exit_code == 0, result.output
    partial = write_library(tmp_path / "partial", [procedure("P.UJI 01", ["8.6.1"], title="Manajemen Insiden")])
    result = runner.invoke(coverage_command, [str(partial), "--lang", "en"])
    assert result.exit_code == 1
    assert "DOCUMENTED PROCEDURE REQUIRED" in result.output
    assert "claimed by: P.UJI 01" in result.output


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_command_formats_to_file(tmp_path: Path, fmt: str) -> None:
    lib = write_library(tmp_path / "lib", [procedure("P.UJI 01", ["9.2"])])
    out = tmp_path / f"cov.{fmt}"
    result = CliRunner().invoke(coverage_command, [str(lib), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 1  # many gaps
    assert out.stat().st_size > 0
    if fmt == "json":
        data = json.loads(out.read_text(encoding="utf-8"))
        assert next(r for r in data["clauses"] if r["number"] == "9.2")["direct"] == ["P.UJI 01"]
        assert "9.2" not in [g["clause"] for g in data["gaps"]]
        assert "9.3" in [g["clause"] for g in data["gaps"]]
    if fmt == "csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_command_refuses_xlsx_to_terminal_and_broken_library(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib", [procedure("P.UJI 01", ["9.2"])])
    result = CliRunner().invoke(coverage_command, [str(lib), "--format", "xlsx"])
    assert result.exit_code == 2
    (lib / "prosedur" / "rusak.yaml").write_text("number: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(coverage_command, [str(lib)])
    assert result.exit_code == 2
    assert "rusak.yaml" in result.output


def test_text_report_cannot_drive_the_terminal(tmp_path: Path) -> None:
    hostile = "P.UJI \x1b[2J\x1b]0;pwned\x07 01"
    with pytest.raises(AssertionError, match="invisible_chars|tak terlihat"):  # the loader refuses it now
        build(tmp_path / "a", [procedure(hostile, ["9.2"])])
    # the report stays inert for a library built in code, where nothing validated the number
    library = build(tmp_path / "b", [procedure("P.UJI 01", ["9.2"])])
    library.procedures[0].number = hostile
    text = format_coverage(coverage(library), "id")
    assert "\x1b" not in text and "\x07" not in text
    assert "[2J" in text  # shown, but inert
