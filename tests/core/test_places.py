"""A source path in words, for screens and messages (places.py), and problems shown without paths."""

from __future__ import annotations

import pytest

from prosedur.errors import Problem
from prosedur.lint.messages import render
from prosedur.places import place, place_in_library, tokens


@pytest.mark.parametrize(("path", "ind", "eng"), [
    ("steps[5].exits[1].label", "Langkah 6 › Cabang 2 › Label cabang", "Step 6 › Exit 2 › Exit label"),
    ("scope.includes", "Ruang lingkup › Mencakup", "Scope › Includes"),
    ("scope.includes[2]", "Ruang lingkup › Mencakup › butir 3", "Scope › Includes › item 3"),
    ("steps[2].parts[1].actor", "Langkah 3 › Bagian 2 › Pelaksana", "Step 3 › Part 2 › Actor"),
    ("approval.reviewed[0].nip", "Pengesahan › Pemeriksa 1 › NIP", "Approval › Reviewer 1 › NIP (civil servant number)"),
    ("parameters.batas.lampiran.value", "Parameter “batas.lampiran” › Nilai", "Parameter “batas.lampiran” › Value"),
    ("records[0].retention", "Rekaman 1 › Masa retensi", "Record 1 › Retention period"),
])
def test_paths_in_words(path: str, ind: str, eng: str) -> None:
    assert place(path, "id") == ind and place(path, "en") == eng
    assert place(tokens(path)) == ind  # the tuple form lint findings carry gives the same words


def test_unknown_keys_are_said_as_written_and_library_paths_walk_the_library() -> None:
    assert place("steps[3].xyz_abc") == "Langkah 4 › xyz abc"
    assert place_in_library("roles.kepala.name") == "Peran “kepala” › Nama peran"
    assert place("") == ""


def test_problem_text_has_line_words_and_message_but_no_path() -> None:
    problem = Problem("a.yaml", 7, 5, "steps[0].do", "string_type")
    shown = problem.text("id")
    assert shown.startswith("baris 7, kolom 5 — Langkah 1 › Kegiatan: ") and "steps[0]" not in shown
    assert problem.text("en", with_file=True).startswith("a.yaml, line 7, column 5 — Step 1 › Activity: ")
    assert problem.format("id").startswith("a.yaml:7:5: steps[0].do:")  # the CLI keeps the YAML path


def test_a_missing_section_is_named_in_words() -> None:
    assert render("section_missing", {"section": "scope.includes"}, "id") == "bagian “Ruang lingkup › Mencakup” belum diisi"
    assert render("section_missing", {"section": "records"}, "en") == "section “Record” is missing or empty"
