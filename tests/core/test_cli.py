"""The `prosedur` command end to end: exit codes, output formats, languages, scaffolding."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from prosedur.cli import cli, next_number, sample_dir
from prosedur.load import load_library, load_procedure

CASES = Path(__file__).parent / "lint_cases" / "pustaka_kasus"
EXPECTED_NEW = {"P201", "P202", "P205", "P206", "P402"}  # what a fresh scaffold still lacks, on purpose


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def library(tmp_path: Path, sample_path: Path) -> Path:
    """A copy of the sample library with only P.SMLTI 19, its outside links removed: lints clean."""
    root = tmp_path / "pustaka"
    (root / "prosedur").mkdir(parents=True)
    shutil.copy(sample_path / "pustaka.yaml", root / "pustaka.yaml")
    text = (sample_path / "prosedur" / "p-smlti-19-pengelolaan-email.yaml").read_text(encoding="utf-8")
    text = text.replace("related: [P.SMLTI 21, P.SMLTI 11]", "related: []")
    (root / "prosedur" / "p-smlti-19.yaml").write_text(text, encoding="utf-8")
    return root


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and "prosedur" in result.output and "0." in result.output


def test_lint_clean_library_exits_0(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(cli, ["lint", str(library)])
    assert result.exit_code == 0, result.output
    assert "0 galat, 0 peringatan" in result.output and "tidak ada temuan" in result.output


def test_lint_errors_exit_1_and_lines_format(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["lint", "--format", "lines", str(CASES)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(": P" in line for line in lines)
    first = lines[0].split(":")
    assert first[1].isdigit() and first[2].isdigit()


def test_lint_json_in_english(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["lint", "--format", "json", "--lang", "en", str(CASES)])
    data = json.loads(result.stdout)
    p301 = next(item for item in data if item["code"] == "P301")
    assert "did you mean 'petugas'" in p301["message"]
    assert p301["severity"] == "error" and p301["slug"] == "actor-is-role"


def test_lang_from_environment(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["lint", "--format", "lines", str(CASES)], env={"PROSEDUR_LANG": "en"})
    assert "is not in the library" in result.stdout


def test_lint_single_file_reports_only_that_file(runner: CliRunner) -> None:
    target = CASES / "prosedur" / "p-uji-03-skema.yaml"
    result = runner.invoke(cli, ["lint", "--format", "json", str(target)])
    data = json.loads(result.stdout)
    assert data and {item["file"].rsplit("/", 1)[-1] for item in data} == {"p-uji-03-skema.yaml"}
    assert result.exit_code == 1


def test_single_file_is_checked_against_the_library(runner: CliRunner, library: Path) -> None:
    # A second procedure refers to P.SMLTI 19, which only the library knows.
    text = (library / "prosedur" / "p-smlti-19.yaml").read_text(encoding="utf-8")
    text = text.replace("number: P.SMLTI 19", "number: P.SMLTI 20").replace("related: []", "related: [P.SMLTI 19]")
    other = library / "prosedur" / "p-smlti-20.yaml"
    other.write_text(text.replace("F.SMLTI 19-01", "F.SMLTI 20-01"), encoding="utf-8")
    result = runner.invoke(cli, ["lint", "--strict", str(other)])
    assert result.exit_code == 0, result.output
    assert "1 berkas" in result.output


def test_strict_fails_on_warnings(runner: CliRunner, library: Path) -> None:
    file = library / "prosedur" / "p-smlti-19.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("related: []", "related: [P.SMLTI 99]"), "utf-8")
    assert runner.invoke(cli, ["lint", str(library)]).exit_code == 0
    strict = runner.invoke(cli, ["lint", "--strict", str(library)])
    assert strict.exit_code == 1 and "P306" in strict.output


def test_missing_path_exits_2_without_traceback(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["lint", str(tmp_path / "tidak-ada")])
    assert result.exit_code == 2
    assert "tidak ditemukan" in result.stderr and "Traceback" not in result.output


def test_folder_without_library_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--lang", "en", "lint", str(tmp_path)])
    assert result.exit_code == 2 and "not inside a procedure library" in result.stderr


def test_unreadable_library_file_exits_2(runner: CliRunner, library: Path) -> None:
    (library / "pustaka.yaml").write_text("organisation: [rusak\n", encoding="utf-8")
    result = runner.invoke(cli, ["lint", str(library)])
    assert result.exit_code == 2
    assert "pustaka.yaml:" in result.stderr and "sintaks YAML" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_rules_lists_every_rule_in_both_languages(runner: CliRunner) -> None:
    id_text = runner.invoke(cli, ["rules"]).output
    en_text = runner.invoke(cli, ["rules", "--lang", "en"]).output
    assert "P104 decision-needs-two-exits (galat)" in id_text
    assert "P104 decision-needs-two-exits (error)" in en_text
    assert "Keputusan" in id_text and "A decision" in en_text
    data = json.loads(runner.invoke(cli, ["rules", "--format", "json"]).output)
    assert len({item["code"] for item in data}) == len(data) >= 35


def test_schema(runner: CliRunner, tmp_path: Path) -> None:
    data = json.loads(runner.invoke(cli, ["schema"]).output)
    assert data["$id"].startswith("https://") and "steps" in data["properties"]
    out = tmp_path / "pustaka.schema.json"
    result = runner.invoke(cli, ["schema", "--library", "--out", str(out)])
    assert result.exit_code == 0
    lib_schema = json.loads(out.read_text(encoding="utf-8"))
    assert "organisation" in lib_schema["properties"] and "pustaka" in lib_schema["$id"]


def test_show_library_table_and_single_procedure(runner: CliRunner, library: Path) -> None:
    table = runner.invoke(cli, ["show", str(library)])
    assert table.exit_code == 0
    assert "P.SMLTI 19" in table.output and "Pengelolaan Email" in table.output and "Berlaku" in table.output
    one = runner.invoke(cli, ["show", "--lang", "en", str(library / "prosedur" / "p-smlti-19.yaml")])
    assert "Email Management" in one.output and "Steps" in one.output
    assert "8" in one.output.split("Steps", 1)[1].splitlines()[0]
    assert "0 error(s)" in one.output


def test_init_with_sample_lints(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "baru"
    result = runner.invoke(cli, ["init", str(target), "--sample", "--organisation", "Badan Uji", "--yes"])
    assert result.exit_code == 0, result.output
    library, problems = load_library(target)
    assert not problems and library.info.organisation == "Badan Uji"
    sample_count = len(list((sample_dir() / "prosedur").glob("*.yaml")))
    assert len(library.procedures) == sample_count >= 1
    assert "staf_iki" in library.info.roles
    again = runner.invoke(cli, ["init", str(target), "--yes"])
    assert again.exit_code == 2 and "sudah ada" in again.stderr


def test_init_prompts(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "tanya"
    answers = "Kementerian Uji\nPusat Data\nti=Pusat Data\nadmin=Administrator Sistem\n"
    result = runner.invoke(cli, ["init", str(target)], input=answers)
    assert result.exit_code == 0, result.output
    library, _ = load_library(target)
    assert library.info.organisation == "Kementerian Uji" and library.info.unit == "Pusat Data"
    assert library.info.units["ti"].name == "Pusat Data"
    assert library.info.roles["admin"].name == "Administrator Sistem"


def test_new_with_options_loads_and_lints_with_expected_findings(runner: CliRunner, library: Path) -> None:
    args = [
        "new", str(library), "--yes", "--title", "Pemulihan Kata Sandi", "--purpose", "Memulihkan akses akun",
        "--role", "pemohon", "--role", "helpdesk=Petugas Helpdesk",
        "--step", "pemohon: Mengajukan permohonan pemulihan",
        "--step", "helpdesk: Memeriksa identitas pemohon?",
        "--step", "helpdesk: Mengatur ulang kata sandi",
        "--step", "pemohon: Menerima kata sandi baru",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    (file,) = [p for p in (library / "prosedur").glob("*.yaml") if "19" not in p.name]
    assert file.name == "p-smlti-20-pemulihan-kata-sandi.yaml"
    proc = load_procedure(file)
    assert proc.number == "P.SMLTI 20" and [s.kind.value for s in proc.steps] == ["start", "decision", "process", "end"]
    assert proc.roles[1].name == "Petugas Helpdesk"
    assert proc.owner == "unit_kerja"  # helpdesk is local (no unit); pemohon's unit does the remaining step
    assert "#" in file.read_text(encoding="utf-8")  # commented for the author
    lint_result = runner.invoke(cli, ["lint", "--format", "json", str(file)])
    codes = {item["code"] for item in json.loads(lint_result.stdout)}
    assert codes and codes <= EXPECTED_NEW


def test_new_prompts_for_everything(runner: CliRunner, library: Path) -> None:
    answers = "\n".join([
        "",  # number: accept P.SMLTI 20
        "Reset Token",
        "Memulihkan token",
        "pemohon, staf_iki",
        "pemohon: Mengajukan permohonan",
        "staf_iki: Membuat token baru",
        "pemohon: Menerima token",
        "",
    ]) + "\n"
    result = runner.invoke(cli, ["new", str(library)], input=answers)
    assert result.exit_code == 0, result.output
    proc = load_procedure(library / "prosedur" / "p-smlti-20-reset-token.yaml")
    assert proc.title == "Reset Token" and len(proc.steps) == 3
    assert proc.owner == "iki"  # staf_iki does the work; the requester who starts does not count


def test_new_refuses_unknown_role_and_used_number(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(cli, ["new", str(library), "-y", "--title", "X", "--step", "siapa: Membuat", "--step",
                                 "siapa: Menutup"])
    assert result.exit_code == 2 and "siapa" in result.stderr
    used = runner.invoke(cli, ["new", str(library), "-y", "--title", "X", "--number", "P.SMLTI 19"])
    assert used.exit_code == 2 and "P.SMLTI 19" in used.stderr


def test_next_number_is_one_past_the_highest(sample_library) -> None:  # type: ignore[no-untyped-def]
    numbers = [int(p.number.rsplit(" ", 1)[1]) for p in sample_library.procedures]
    assert next_number(sample_library) == f"P.SMLTI {max(numbers) + 1:02d}"


def test_real_process_with_english_help(library: Path) -> None:
    env = {**os.environ, "PROSEDUR_LANG": "id"}
    help_en = subprocess.run([sys.executable, "-m", "prosedur.cli", "--lang", "en", "lint", "--help"],
                             capture_output=True, text=True, env=env, check=True)
    assert "Check procedures" in help_en.stdout
    help_id = subprocess.run([sys.executable, "-m", "prosedur.cli", "lint", "--help"],
                             capture_output=True, text=True, env=env, check=True)
    assert "Periksa prosedur" in help_id.stdout
    run = subprocess.run([sys.executable, "-m", "prosedur.cli", "lint", "--format", "lines", str(CASES)],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 1 and "P104" in run.stdout and "Traceback" not in run.stderr
