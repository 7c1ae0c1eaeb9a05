"""Lint profiles (`profile:` in pustaka.yaml, `prosedur lint --profile`), the flow-list split rule (P403)
and the lint note of `prosedur build`.

The `permenpan` fixture is the second sample library, examples/permenpan: two signed PermenPAN-RB
35/2012 SOPs AP of BPS Provinsi Bengkulu (SOP-053/17000/2025, SOP-055/17000/2025), written in Prosedur's
format from what they print and nothing more: it must lint clean under `permenpan`, and `iso10013` must
report the ISO/TR 10013 sections they lack. tests/core/test_permenpan_samples.py compares them cell by
cell with the originals.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from prosedur.cli import cli
from prosedur.errors import SourceError
from prosedur.lint import RULES, Severity, has_errors, lint
from prosedur.lint.core import PROFILES
from prosedur.lint.rules.style import split_flow_items
from prosedur.load import load_library

SOP053 = Path(__file__).resolve().parents[2] / "examples" / "permenpan"  # the library holding SOP-053
SOP053_FILE = SOP053 / "prosedur" / "sop-053-permintaan-setting-jaringan.yaml"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
SOP053_PDF = REFERENCE / "bps-bengkulu-sop-053-permintaan-setting-jaringan.pdf"


def _lint(root: Path, profile: str | None = None) -> list:  # type: ignore[type-arg]
    library, problems = load_library(root)
    assert not problems, [p.format() for p in problems]
    return lint(library, problems, profile=profile)


def _copy(tmp_path: Path, src: Path = SOP053) -> Path:
    root = tmp_path / src.name
    shutil.copytree(src, root)
    return root


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "prosedur" / SOP053_FILE.name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the profiles --------------------------------------------------------------------------------------
def test_every_rule_states_its_severity_in_every_profile() -> None:
    for r in RULES.values():
        assert set(r.profiles()) == set(PROFILES)
        assert r.severity_in("iso10013") is not None or r.code in {"P212", "P213", "P214", "P215", "P216"}


def test_iso10013_is_todays_rules() -> None:
    """The default profile runs every rule that existed before profiles, at its own severity."""
    for code in ("P201", "P202", "P205", "P206", "P207", "P208", "P209", "P301", "P401"):
        assert RULES[code].severity_in("iso10013") == RULES[code].severity


def test_permenpan_makes_the_iso_sections_optional() -> None:
    for code in ("P201", "P202", "P205", "P206", "P208"):
        assert RULES[code].severity_in("permenpan") is None, code
    assert RULES["P207"].severity_in("permenpan") == Severity.INFO
    assert RULES["P212"].severity_in("permenpan") == Severity.ERROR


def test_faithful_permenpan_sop_lints_clean_under_permenpan() -> None:
    findings = _lint(SOP053)  # the library says profile: permenpan
    assert not has_errors(findings, strict=True), [f"{f.code} {f.message()}" for f in findings]
    assert {f.severity for f in findings} <= {Severity.INFO}
    # what the signed SOP leaves empty is still noted
    assert any(f.code == "P214" and f.params["section"] == "warnings" for f in findings)


def test_iso10013_reports_the_sections_a_permenpan_sop_lacks() -> None:
    findings = _lint(SOP053, profile="iso10013")
    sections = {f.params["section"] for f in findings if f.code == "P201"}
    assert {"purpose", "scope.includes", "references"} <= sections
    codes = {f.code for f in findings}
    assert {"P202", "P206", "P207", "P208"} <= codes
    assert has_errors(findings)
    assert not codes & {"P212", "P213", "P214", "P215", "P216"}


def test_sample_library_lints_clean_under_iso10013(sample_path: Path) -> None:
    findings = _lint(sample_path)
    assert not findings, [f"{f.file}:{f.line} {f.code}" for f in findings]
    assert not _lint(sample_path, profile="iso10013")


def test_permenpan_requires_the_identity_cells(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root, "legal_basis:", "provisions:")
    _edit(root, "owner: tip\n", "")
    _edit(root, "  equipment:", "  training:")
    findings = _lint(root)
    missing = {(f.code, f.params["section"]): f.severity for f in findings if f.code in {"P212", "P213"}}
    assert missing == {
        ("P212", "legal_basis"): Severity.ERROR,
        ("P212", "owner"): Severity.ERROR,
        ("P213", "resources.equipment"): Severity.WARNING,
    }
    message = next(f for f in findings if f.code == "P212" and f.params["section"] == "legal_basis")
    assert "Dasar Hukum" in message.message("id") and "legal basis" in message.message("en")


def test_permenpan_requires_approved_by_when_signed(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root, "approval:\n  approved:\n", "approval_old:\n  approved:\n")
    path = root / "prosedur" / SOP053_FILE.name
    text = path.read_text(encoding="utf-8")
    start = text.index("approval_old:")
    end = text.index("history:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    (finding,) = [f for f in _lint(root) if f.code == "P215"]
    assert finding.severity == Severity.ERROR
    assert "Disahkan oleh" in finding.message()


def test_mutu_baku_column_used_on_one_step_is_asked_of_all(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root, "    time: 5 menit\n", "")
    (finding,) = [f for f in _lint(root) if f.code == "P216"]
    assert finding.severity == Severity.WARNING and finding.params["step"] == "alokasi"
    assert "waktu" in finding.message() and "time" in finding.message("en")


def test_a_mutu_baku_cell_written_empty_is_empty_on_purpose(tmp_path: Path) -> None:
    """SOP-055 row 5 has no Output in the signed original: `output: ""` says so, and P216 is quiet; the
    same step without the key is reported."""
    root = _copy(tmp_path)
    assert not [f for f in _lint(root) if f.code == "P216"]
    path = root / "prosedur" / "sop-055-administrasi-jaringan-dan-komputer.yaml"
    text = path.read_text(encoding="utf-8")
    assert '    output: ""  # empty in the original\n' in text
    path.write_text(text.replace('    output: ""  # empty in the original\n', ""), encoding="utf-8")
    (finding,) = [f for f in _lint(root) if f.code == "P216"]
    assert finding.params["step"] == "melapor" and finding.severity == Severity.WARNING


def test_permenpan_accepts_library_roles_as_pelaksana(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert not [f for f in _lint(root) if f.code == "P301"]
    assert [f for f in _lint(root, profile="iso10013") if f.code == "P301"]
    _edit(root, "actor: teknisi\n    do: Menerima", "actor: tekisi\n    do: Menerima")
    (finding,) = [f for f in _lint(root) if f.code == "P301"]
    assert finding.params["actor"] == "tekisi"


def test_unknown_profile_in_the_library_file_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    info = root / "pustaka.yaml"
    info.write_text(info.read_text(encoding="utf-8").replace("profile: permenpan", "profile: sni"), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_library(root)
    (problem,) = caught.value.problems
    line = next(i for i, x in enumerate(info.read_text(encoding="utf-8").splitlines(), 1) if x.startswith("profile:"))
    assert problem.path == "profile" and problem.line == line


def test_cli_profile_overrides_the_library() -> None:
    runner = CliRunner()
    clean = runner.invoke(cli, ["lint", str(SOP053), "--strict"])
    assert clean.exit_code == 0, clean.output
    iso = runner.invoke(cli, ["lint", str(SOP053), "--profile", "iso10013", "--format", "lines"])
    assert iso.exit_code == 1
    assert ": P201 " in iso.output and ": P212 " not in iso.output


def test_rules_shows_the_profiles() -> None:
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["rules", "--format", "json"]).output)
    by_code = {r["code"]: r for r in data}
    assert by_code["P201"]["profiles"] == {"iso10013": "error", "permenpan": None}
    assert by_code["P212"]["profiles"] == {"iso10013": None, "permenpan": "error"}
    text = runner.invoke(cli, ["rules", "--lang", "en"]).output
    assert "P201 required-sections (iso10013: error, permenpan: not checked)" in text
    assert "P203 step-has-actor (error)" in text


def test_fixture_follows_the_signed_sop() -> None:
    """The fixture's identity cells and activities are those of the signed PDF (when it is at hand)."""
    if not SOP053_PDF.is_file():
        pytest.skip(f"reference SOP not found: {SOP053_PDF} (../shared/reference is absent)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = " ".join(subprocess.run(["pdftotext", str(SOP053_PDF), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    library, _ = load_library(SOP053)
    proc = library.procedure("SOP-053/17000/2025")
    assert proc is not None
    assert proc.number in pdf and proc.title in pdf
    assert proc.approval.approved is not None and proc.approval.approved.name in pdf
    for text in [*proc.resources.people, *proc.resources.equipment, *(s.do for s in proc.steps)]:
        assert " ".join(text.split()[:3]) in pdf, text
    for law in proc.legal_basis:
        assert " ".join(law.split()[:4]) in pdf, law


# -- P403 flow-list-split --------------------------------------------------------------------------------
SPLIT = """number: P.SMLTI 99
title: Uji
steps:
  - id: a
    requirements: [Surat permohonan, yang ditandatangani atasan]
    records: [tiket, memo, formulir]
  - id: b
    requirements: [Menyampaikan laporan kinerja, hasil pengukuran, dan usulan peningkatan]
  - id: c
    requirements: [Formulir diisi lengkap dengan, lampiran]
  - id: d
    requirements: ["Surat permohonan, yang ditandatangani atasan", KTP]
  - id: e
    requirements:
      - Surat permohonan
      - yang lain
scope: {includes: [a, b], excludes: [Pengadaan perangkat., dan lisensi]}
exits: [{label: Ya, to: b}, {label: dan lain, to: c}]
"""


def test_flow_list_split_finds_sentences_cut_at_a_comma() -> None:
    found = {path: item for path, item, _ in split_flow_items(SPLIT)}
    assert found == {
        ("steps", 0, "requirements", 1): "yang ditandatangani atasan",
        ("steps", 1, "requirements", 2): "dan usulan peningkatan",
        ("steps", 2, "requirements", 1): "lampiran",
    }


def test_flow_list_split_ignores_lists_of_nouns_quotes_and_block_lists() -> None:
    assert not list(split_flow_items("records: [tiket, memo, formulir]\nx: [KTP, surat permohonan]\n"))
    assert not list(split_flow_items('x: ["Surat, yang lain", b]\ny:\n  - Surat\n  - yang lain\n'))
    assert not list(split_flow_items("x: [Selesai., dan lain]\n"))
    assert not list(split_flow_items("x: [a, b: [c\n"))  # not YAML: the loader reports it, not this rule


def test_flow_list_split_is_a_located_warning(tmp_path: Path, sample_path: Path) -> None:
    root = tmp_path / "pustaka"
    shutil.copytree(sample_path, root)
    path = root / "prosedur" / "p-smlti-19-pengelolaan-email.yaml"
    text = path.read_text(encoding="utf-8")
    old = "requirements: [Disposisi, Data pemohon]"
    assert old in text
    path.write_text(text.replace(old, "requirements: [Disposisi kepada staf, yang ditunjuk]"), encoding="utf-8")
    library, problems = load_library(root)
    (finding,) = [f for f in lint(library, problems) if f.code == "P403"]
    assert finding.severity == Severity.WARNING
    assert finding.line == text.splitlines().index(next(x for x in text.splitlines() if old in x)) + 1
    assert finding.path.endswith("requirements[1]")
    assert "blok" in finding.message() and "block style" in finding.message("en")


# -- prosedur build and lint errors ----------------------------------------------------------------------
def _broken_library(tmp_path: Path, sample_path: Path) -> Path:
    root = tmp_path / "pustaka"
    (root / "prosedur").mkdir(parents=True)
    shutil.copy(sample_path / "pustaka.yaml", root / "pustaka.yaml")
    text = (sample_path / "prosedur" / "p-smlti-19-pengelolaan-email.yaml").read_text(encoding="utf-8")
    text = text.replace("related: [P.SMLTI 21, P.SMLTI 11]", "related: []")
    (root / "prosedur" / "p-smlti-19.yaml").write_text(text, encoding="utf-8")
    broken = text.replace("number: P.SMLTI 19", "number: P.SMLTI 98")
    broken = broken.replace("    actor: staf_iki\n", "    actor: staf_tak_ada\n", 1)  # P301
    assert broken.count("staf_tak_ada") == 1
    (root / "prosedur" / "p-smlti-98.yaml").write_text(broken, encoding="utf-8")
    return root


def test_build_says_it_builds_sources_with_lint_errors(tmp_path: Path, sample_path: Path) -> None:
    root = _broken_library(tmp_path, sample_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(root), "--out", str(out), "--formats", "html", "--langs", "id",
                                      "-j", "1"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "galat lint" in line]
    assert len(lines) == 1, result.stderr
    assert "P.SMLTI 98" in lines[0] and "P.SMLTI 19" not in lines[0]
    assert (out / "index.html").is_file()


def test_build_strict_refuses_and_builds_nothing(tmp_path: Path, sample_path: Path) -> None:
    root = _broken_library(tmp_path, sample_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(root), "--out", str(out), "--formats", "html", "--langs", "id",
                                      "--strict", "--lang", "en"])
    assert result.exit_code == 1
    assert "not built (--strict)" in result.stderr and "P.SMLTI 98" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_build_strict_builds_a_clean_library(tmp_path: Path, sample_path: Path) -> None:
    root = _broken_library(tmp_path, sample_path)
    (root / "prosedur" / "p-smlti-98.yaml").unlink()
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(root), "--out", str(out), "--formats", "html", "--langs", "id",
                                      "--strict"])
    assert result.exit_code == 0, result.output
    assert "galat lint" not in result.stderr
    assert (out / "index.html").is_file()
