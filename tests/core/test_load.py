"""The loader: a faithful round trip for good sources, a located answer for bad ones.

Each bad source must be refused with file, line, column and field path, in Indonesian by default
and English on request, quickly (< 2 s) and without large allocations (tracemalloc peak < 100 MB),
because the web editor feeds the loader whatever a user pastes or uploads.
"""

from __future__ import annotations

import shutil
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from prosedur.errors import Problem, SourceError
from prosedur.load import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    decode_source,
    load_library,
    load_procedure,
    load_procedure_text,
)
from prosedur.model import Library, Procedure

TIME_LIMIT = 2.0
MEMORY_LIMIT = 100 * 1024 * 1024

EMAIL_FILE = "prosedur/p-smlti-19-pengelolaan-email.yaml"


def refuse(action: Callable[[], Any], memory_limit: int = MEMORY_LIMIT) -> list[Problem]:
    """Run a load that must fail; check time and peak memory; return its problems."""
    # Timed without tracing (tracemalloc slows allocation-heavy code several times), then traced.
    started = time.perf_counter()
    with pytest.raises(SourceError) as info:
        action()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        with pytest.raises(SourceError):
            action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < TIME_LIMIT, f"took {elapsed:.2f} s"
    assert peak < memory_limit, f"peak {peak / 1e6:.1f} MB"
    problems = info.value.problems
    assert problems
    return problems


def refuse_text(text: str, name: str = "bad.yaml") -> list[Problem]:
    return refuse(lambda: load_procedure_text(text, name))


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.fixture(scope="module")
def email_text(sample_path: Path) -> str:
    return (sample_path / EMAIL_FILE).read_text(encoding="utf-8")


# -- good sources ----------------------------------------------------------------------------------


def _round_trip(proc: Procedure) -> Procedure:
    data = proc.model_dump(mode="json")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return load_procedure_text(text, "roundtrip.yaml")


def test_worked_example_round_trips_through_yaml(email: Procedure) -> None:
    again = _round_trip(email)
    # Compare data, not objects: equality would also compare the private source positions.
    assert again.model_dump() == email.model_dump()
    assert again.steps[5].exits[1].to == "tandatangan"


def test_every_sample_round_trips(sample_library: Library) -> None:
    assert len(sample_library.procedures) >= 1
    for proc in sample_library.procedures:
        assert _round_trip(proc).model_dump() == proc.model_dump(), proc.number


def test_positions_point_at_the_source_lines(email: Procedure, email_text: str) -> None:
    assert email.source is not None and email.source.name.endswith(".yaml")
    index = next(i for i, s in enumerate(email.steps) if s.id == "periksa_form")
    line, col = email.position("steps", index, "exits", 1, "to")
    assert line == line_of(email_text, "{label: Tidak, to: tandatangan}")
    assert col > 1
    assert email.position("purpose")[0] == line_of(email_text, "purpose:")


def test_yaml_1_1_words_stay_words() -> None:
    """`no`, `on`, `yes` are text here: a label Tidak/No must not become False."""
    proc = load_procedure_text(
        "number: P.SMLTI 99\ntitle: on\nsteps:\n  - {id: a, kind: decision, exits: [{label: no, to: b}, {label: yes, to: b}]}\n"
        "  - {id: b, kind: end}\n"
    )
    assert proc.title == "on"
    assert [e.label for e in proc.steps[0].exits] == ["no", "yes"]


@pytest.mark.parametrize("empty", ["", "null", "~", "Null"])
def test_empty_and_null_values_are_none(empty: str) -> None:
    """libyaml marks plain scalars with style '' (not None); both parsers must give None here."""
    proc = load_procedure_text(
        f"number: P.SMLTI 99\ntitle: x\ntitle_en: {empty}\nissued: {empty}\nattachments:\n  - {{title: a, description: {empty}}}\n"
    )
    assert proc.title_en is None
    assert proc.issued is None
    assert proc.attachments[0].description is None


def test_quoted_null_stays_text() -> None:
    proc = load_procedure_text('number: P.SMLTI 99\ntitle: "null"\ntitle_en: \'~\'\n')
    assert (proc.title, proc.title_en) == ("null", "~")


def test_crlf_and_bom_are_accepted(email_text: str) -> None:
    data = ("\ufeff" + email_text.replace("\n", "\r\n")).encode("utf-8")
    proc = load_procedure_text(decode_source(data, "crlf.yaml"), "crlf.yaml")
    assert proc.number == "P.SMLTI 19"


# -- bad sources: each one located, bilingual, fast, bounded ---------------------------------------

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
) + "\n"


def test_broken_yaml_is_located(email_text: str) -> None:
    text = email_text.replace("title: Pengelolaan Email", "title: [Pengelolaan Email", 1)
    (problem,) = refuse_text(text)
    assert problem.key == "yaml_syntax"
    assert problem.file == "bad.yaml"
    assert line_of(text, "title:") <= problem.line <= line_of(text, "title:") + 2
    assert problem.col > 0
    assert "sintaks YAML salah" in problem.format()
    assert "YAML syntax error" in problem.format("en")


def test_alias_bomb_is_refused_before_it_expands() -> None:
    (problem,) = refuse_text(BILLION_LAUGHS)
    assert problem.key == "yaml_alias"
    assert (problem.line, problem.path) == (1, "a")
    assert "anchor/alias" in problem.message()
    assert "not allowed" in problem.message("en")


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "besar.yaml"
    with big.open("wb") as fh:
        fh.write(b"number: P.SMLTI 99\ntitle: Besar\npurpose: >-\n")
        chunk = b"  " + b"lorem ipsum " * 80 + b"\n"
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    assert big.stat().st_size > 50 * 1024 * 1024
    # Reading it would allocate 50 MB at least; refusing it must cost next to nothing.
    (problem,) = refuse(lambda: load_procedure(big), memory_limit=5 * 1024 * 1024)
    assert problem.key == "file_too_big"
    assert problem.file.endswith("besar.yaml")
    assert str(MAX_BYTES) in problem.message()
    assert "too large" in problem.message("en")


def test_oversized_upload_bytes_are_refused() -> None:
    (problem,) = refuse(lambda: decode_source(b"a" * (MAX_BYTES + 1), "unggahan.yaml"))
    assert problem.key == "file_too_big"


@pytest.mark.parametrize(
    "text",
    [
        "number: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "number: " + "{a: " * 5_000 + "b" + "}" * 5_000 + "\n",
        "".join("  " * i + f"k{i}:\n" for i in range(200)),
    ],
    ids=["flow-seq", "flow-map", "block-map"],
)
def test_deep_nesting_is_refused_without_recursion(text: str) -> None:
    (problem,) = refuse_text(text)
    assert problem.key == "yaml_depth"
    assert problem.line >= 1
    assert str(MAX_DEPTH) in problem.message()


def test_too_many_elements_are_refused() -> None:
    text = "number: [" + ",".join(["1"] * (MAX_NODES + 10)) + "]\n"
    assert len(text.encode()) < MAX_BYTES
    (problem,) = refuse_text(text)
    assert problem.key == "yaml_nodes"


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gambar.yaml"
    path.write_bytes(b"number: P.SMLTI 99\n" + bytes(range(256)) * 20)
    (problem,) = refuse(lambda: load_procedure(path))
    assert problem.key == "not_text"
    assert problem.line == 2
    assert "bukan berkas teks" in problem.message()
    assert "not a UTF-8 text file" in problem.message("en")


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("number: P.SMLTI 99\ntitle: Pengelolaan\npurpose: Caf\u00e9\n".encode("latin-1"))
    (problem,) = refuse(lambda: load_procedure(path))
    assert (problem.key, problem.line, problem.col) == ("not_text", 3, 1)


def test_wrong_types_are_each_located(email_text: str) -> None:
    text = (
        email_text.replace("revision: 0\n", "revision: dua\n", 1)
        .replace("status: effective", "status: berlaku", 1)
        .replace("classification: biasa", "classification: [biasa]", 1)
    )
    problems = refuse_text(text)
    by_path = {p.path: p for p in problems}
    assert set(by_path) == {"revision", "status", "classification"}
    assert by_path["revision"].key == "int_parsing"
    assert by_path["revision"].line == line_of(text, "revision: dua")
    assert by_path["status"].line == line_of(text, "status: berlaku")
    assert "effective" in by_path["status"].message()
    assert by_path["revision"].message() == "harus berupa bilangan bulat"
    assert by_path["revision"].message("en") == "must be a whole number"


def test_wrong_type_deep_inside_steps_is_located(email_text: str) -> None:
    text = email_text.replace("      - {label: Tidak, to: tandatangan}", "      - {label: Tidak, to: [tandatangan]}", 1)
    (problem,) = refuse_text(text)
    assert problem.path.startswith("steps[5].exits[1].to")
    assert problem.line == line_of(text, "{label: Tidak, to: [tandatangan]}")


@pytest.mark.parametrize(
    ("old", "new", "path", "hint"),
    [
        ("purpose: >-", "purpse: >-", "purpse", "purpose"),
        ("    actor: staf_iki\n    do: Membuat", "    actr: staf_iki\n    do: Membuat", "steps[2].actr", "actor"),
        ("    retention: 3 tahun", "    retension: 3 tahun", "records[1].retension", "retention"),
    ],
)
def test_unknown_key_suggests_the_near_one(email_text: str, old: str, new: str, path: str, hint: str) -> None:
    text = email_text.replace(old, new, 1)
    assert text != email_text
    problems = [p for p in refuse_text(text) if p.key == "extra_forbidden"]
    (problem,) = problems
    assert problem.path == path
    assert problem.line == line_of(text, new.strip().split("\n")[0])
    assert f"maksudnya '{hint}'?" in problem.message()
    assert f"did you mean '{hint}'?" in problem.message("en")


def test_unknown_key_inside_a_named_entry_suggests_too(sample_path: Path, tmp_path: Path) -> None:
    """parameters and the library's roles/units are maps of name -> entry; the name is not a key."""
    (problem,) = [
        p for p in refuse_text("number: P.SMLTI 99\ntitle: x\nparameters:\n  batas: {value: 5, unti: MB}\n")
        if p.key == "extra_forbidden"
    ]
    assert problem.path == "parameters.batas.unti"
    assert "did you mean 'unit'?" in problem.message("en")
    root = tmp_path / "pustaka"
    shutil.copytree(sample_path, root)
    info = root / "pustaka.yaml"
    info.write_text(info.read_text(encoding="utf-8").replace("    name_en: Head of PUSDATIN", "    nama_en: Head of PUSDATIN", 1), encoding="utf-8")
    (problem,) = [p for p in refuse(lambda: load_library(root)) if p.key == "extra_forbidden"]
    assert problem.path == "roles.kepala_pusdatin.nama_en"
    assert "maksudnya 'name_en'?" in problem.message()


def test_unknown_key_without_a_near_one_has_no_hint() -> None:
    (problem,) = refuse_text("number: P.SMLTI 99\ntitle: x\nzzzqqq: 1\n")
    assert problem.key == "extra_forbidden"
    assert problem.message() == "kunci tidak dikenal"


def test_duplicate_key_names_both_lines(email_text: str) -> None:
    text = email_text.replace("title_en: Email Management\n", "title_en: Email Management\ntitle: Lagi\n", 1)
    (problem,) = refuse_text(text)
    assert problem.key == "duplicate_key"
    assert problem.path == "title"
    assert problem.line == line_of(text, "title: Lagi")
    assert f"baris {line_of(text, 'title: Pengelolaan')}" in problem.message()
    assert "appears twice" in problem.message("en")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("- number: P.SMLTI 99\n- title: x\n", "yaml_not_mapping"),
        ("sekadar teks\n", "yaml_not_mapping"),
        ("", "yaml_empty"),
        ("# hanya komentar\n\n", "yaml_empty"),
        ("number: P.SMLTI 99\n---\ntitle: x\n", "yaml_multi_doc"),
        ("? [a, b]\n: c\n", "yaml_complex_key"),
    ],
    ids=["list", "scalar", "empty", "comment-only", "two-documents", "complex-key"],
)
def test_wrong_shape_of_file(text: str, key: str) -> None:
    (problem,) = refuse_text(text)
    assert problem.key == key
    assert problem.line >= 1
    assert problem.message() != problem.message("en")


@pytest.mark.parametrize(
    "text",
    [
        "number: !!python/object/apply:os.system ['echo hacked']\ntitle: x\n",
        "!!python/object:os.Popen {args: [ls]}\n",
        "number: P.SMLTI 99\ntitle: !!binary aGVsbG8=\n",
        "number: P.SMLTI 99\ntitle: !custom x\n",
    ],
    ids=["apply", "object", "binary", "local"],
)
def test_unsafe_tags_are_refused(text: str) -> None:
    (problem,) = refuse_text(text)
    assert problem.key == "yaml_tag"
    assert "tidak diizinkan" in problem.message()


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\ufeff", "\u200f"])
def test_invisible_characters_in_the_document_number(email_text: str, char: str) -> None:
    text = email_text.replace("number: P.SMLTI 19", f'number: "P.SMLTI{char} 19"', 1)
    (problem,) = refuse_text(text)
    assert (problem.key, problem.path) == ("invisible_chars", "number")
    assert problem.line == line_of(text, "number:")
    assert "tak terlihat" in problem.message()
    assert "invisible" in problem.message("en")


def test_date_written_day_first_is_refused(email_text: str) -> None:
    text = email_text.replace("issued: 2018-11-23", "issued: 23-11-2018", 1)
    (problem,) = refuse_text(text)
    assert problem.path == "issued"
    assert problem.line == line_of(text, "issued: 23-11-2018")
    assert "YYYY-MM-DD" in problem.message()
    assert "YYYY-MM-DD" in problem.message("en")


def test_problem_formats_as_file_line_col_path(email_text: str) -> None:
    text = email_text.replace("revision: 0\n", "revision: -1\n", 1)
    (problem,) = refuse_text(text, "prosedur/p.yaml")
    line = line_of(text, "revision: -1")
    assert problem.format() == f"prosedur/p.yaml:{line}:1: revision: harus ≥ 0"
    assert problem.format("en") == f"prosedur/p.yaml:{line}:1: revision: must be ≥ 0"


# -- libraries --------------------------------------------------------------------------------------


def test_one_broken_file_does_not_stop_the_others(sample_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "pustaka"
    shutil.copytree(sample_path, root)
    good = len(list((root / "prosedur").glob("*.yaml")))
    (root / "prosedur" / "p-rusak.yaml").write_text("number: P.SMLTI 98\ntitle: [rusak\n", encoding="utf-8")
    (root / "prosedur" / "p-bom.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    library, problems = load_library(root)
    assert len(library.procedures) == good
    assert {Path(p.file).name for p in problems} == {"p-rusak.yaml", "p-bom.yaml"}
    assert all(p.line > 0 for p in problems)


def test_a_broken_library_file_is_an_error(sample_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "pustaka"
    shutil.copytree(sample_path, root)
    info = root / "pustaka.yaml"
    info.write_text(info.read_text(encoding="utf-8").replace("organisation:", "organization:", 1), encoding="utf-8")
    problems = refuse(lambda: load_library(root))
    assert {p.key for p in problems} >= {"extra_forbidden", "missing"}
    assert any("organisation" in p.message() for p in problems)


def test_a_folder_without_library_file_is_an_error(tmp_path: Path) -> None:
    (problem,) = refuse(lambda: load_library(tmp_path))
    assert problem.key == "library_missing"


def test_problems_come_in_reading_order(tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    source.write_text(
        "number: P.SMLTI 50\n"
        "title: Uji\n"
        "steps:\n"
        "  - id: a\n"
        "    kind: mulai\n"
        "revision: banyak\n"
        "status: entah\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as info:
        load_procedure(source)
    lines = [p.line for p in info.value.problems]
    assert len(lines) == 3
    assert lines == sorted(lines)


# -- unknown keys: a hint toward the field an Indonesian or English synonym means -----------------------------
SYNONYM_SOURCE = """number: P.SMLTI 99
title: Uji
{top}: x
steps:
  - id: a
    kind: start
    {step}: y
"""


@pytest.mark.parametrize(
    ("written", "field"),
    [
        ("masukan", "input"), ("inputs", "input"), ("persyaratan", "requirements"),
        ("kelengkapan", "requirements"), ("keterangan", "notes"), ("pelaksana", "actor"), ("waktu", "time"),
        ("keluaran", "output"), ("kegiatan", "do"), ("Kegiatan", "do"), ("aktivitas", "do"),
    ],
)
def test_unknown_step_key_hints_at_its_synonym(written: str, field: str) -> None:
    text = SYNONYM_SOURCE.format(top="purpose", step=written)
    (problem,) = [p for p in refuse_text(text) if p.key == "extra_forbidden"]
    assert problem.path == f"steps[0].{written}"
    assert (problem.file, problem.line) == ("bad.yaml", 7)
    assert f"maksudnya '{field}'?" in problem.message()
    assert f"did you mean '{field}'?" in problem.message("en")
    assert problem.format().startswith(f"bad.yaml:7:5: steps[0].{written}: kunci tidak dikenal")


@pytest.mark.parametrize(
    ("written", "field"),
    [
        ("dasar_hukum", "legal_basis"), ("dasar-hukum", "legal_basis"), ("peringatan", "warnings"),
        ("tujuan", "purpose"), ("ruang_lingkup", "scope"), ("keterkaitan", "related"),
        ("kualifikasi_pelaksana", "resources.people"), ("peralatan", "resources.equipment"),
        ("pencatatan_dan_pendataan", "records"), ("nomor_sop", "number"), ("nama_sop", "title"),
        ("tanggal_efektif", "effective"), ("riwayat_perubahan", "history"), ("acuan", "references"),
    ],
)
def test_unknown_top_level_key_hints_at_its_synonym(written: str, field: str) -> None:
    text = SYNONYM_SOURCE.format(top=written, step="do")
    (problem,) = [p for p in refuse_text(text) if p.key == "extra_forbidden"]
    assert problem.path == written and problem.line == 3
    assert f"maksudnya '{field}'?" in problem.message()
    assert f"did you mean '{field}'?" in problem.message("en")


def test_synonym_hints_follow_the_model_and_spelling_still_works() -> None:
    """`keluaran` is `output` in a step but `outputs` in the procedure; a typo still gets the spelling hint."""
    text = SYNONYM_SOURCE.format(top="keluaran", step="requirments")
    problems = {p.path: p for p in refuse_text(text) if p.key == "extra_forbidden"}
    assert "did you mean 'outputs'?" in problems["keluaran"].message("en")
    assert "did you mean 'requirements'?" in problems["steps[0].requirments"].message("en")
    (nested,) = [p for p in refuse_text("number: X\ntitle: x\nresources: {peralatan: [a]}\n") if p.key == "extra_forbidden"]
    assert "did you mean 'equipment'?" in nested.message("en")


def test_library_file_synonyms(sample_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "pustaka"
    shutil.copytree(sample_path, root)
    info = root / "pustaka.yaml"
    info.write_text(info.read_text(encoding="utf-8") + "profil: permenpan\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_library(root)
    (problem,) = caught.value.problems
    assert problem.path == "profil" and "did you mean 'profile'?" in problem.message("en")
