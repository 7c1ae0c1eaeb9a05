"""What a source can make the documents show. Text a reader cannot see ("Trojan source"): zero-width and
control characters are removed from every text field, bidi embeddings/overrides/isolates are refused at the
field that holds them, and the document number keeps refusing both. Files a source names: the DOCX reads
its logo only from inside the library folder, as the HTML and PDF do."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from prosedur.errors import SourceError
from prosedur.lint import lint
from prosedur.load import load_library, load_library_info, load_procedure_text
from prosedur.model import Library, LibraryInfo, Procedure, Step
from prosedur.render.docx import render_docx
from prosedur.render.html import render_html
from prosedur.render.raster import svg_to_png

EMAIL_FILE = "prosedur/p-smlti-19-pengelolaan-email.yaml"
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
STRIPPED = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\x1b", "\x00", "\x07", "\x7f",
            "\x9b", "\r"]


@pytest.fixture(scope="module")
def email_text(sample_path: Path) -> str:
    return (sample_path / EMAIL_FILE).read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def quoted(value: str) -> str:
    """A YAML double-quoted scalar (control characters written as escapes, as an author could)."""
    return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c for c in value) + '"'


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidi_control_in_the_title_is_refused_at_the_title(email_text: str, char: str) -> None:
    title = next(line for line in email_text.splitlines() if line.startswith("title:"))
    text = email_text.replace(title, f"title: {quoted('Pengelolaan ' + char + 'liamE')}", 1)
    with pytest.raises(SourceError) as info:
        load_procedure_text(text, "bidi.yaml")
    (problem,) = info.value.problems
    assert (problem.key, problem.path, problem.line) == ("invisible_chars", "title", line_of(text, "title:"))
    assert "arah teks" in problem.message() and "bidi" in problem.message("en")


def test_bidi_controls_are_refused_in_steps_lists_and_nested_fields(email_text: str) -> None:
    proc = load_procedure_text(email_text, "ok.yaml")
    data = proc.model_dump(mode="json")
    data["steps"][2]["do"] = "Periksa \u202eslaed\u202c"
    data["legal_basis"] = ["UU 11/2008", "Perpres \u2067 95/2018"]
    data["approval"]["approved"]["name"] = "Kepala\u2066 PUSDATIN"
    with pytest.raises(Exception) as info:
        Procedure.model_validate(data)
    locs = {tuple(e["loc"]) for e in info.value.errors()}  # type: ignore[attr-defined]
    assert locs == {("steps", 2, "do"), ("legal_basis", 1), ("approval", "approved", "name")}


@pytest.mark.parametrize("char", STRIPPED, ids=[f"U+{ord(c):04X}" for c in STRIPPED])
def test_zero_width_and_control_characters_are_removed(email_text: str, char: str) -> None:
    title = next(line for line in email_text.splitlines() if line.startswith("title:"))
    text = email_text.replace(title, f"title: {quoted('Penge' + char + 'lolaan Email')}", 1)
    proc = load_procedure_text(text, "zw.yaml")
    assert proc.title == "Pengelolaan Email"


def test_every_kind_of_text_field_is_cleaned_and_tabs_and_newlines_stay() -> None:
    proc = Procedure(
        number="P.SMLTI 99", title="\u200bJudul\x1b[31m", purpose="Baris satu\n\tbaris\u200d dua\x00",
        legal_basis=["UU\u2060 11/2008"], steps=[Step(id="a", do="Kirim\u200b memo", notes=["a\x07", "b"])],
    )
    assert proc.title == "Judul[31m"
    assert proc.purpose == "Baris satu\n\tbaris dua"
    assert proc.legal_basis == ["UU 11/2008"]
    assert (proc.steps[0].do, proc.steps[0].notes) == ("Kirim memo", "a; b")
    info = LibraryInfo.model_validate({"organisation": "Kementerian\u200b X\x1b", "unit": "PUSDATIN"})
    assert info.organisation == "Kementerian X"


def test_text_that_was_only_invisible_is_empty_and_refused_where_required() -> None:
    with pytest.raises(Exception) as info:
        Procedure(number="P.SMLTI 99", title="\u200b\u200b")
    assert info.value.errors()[0]["type"] == "string_too_short"  # type: ignore[attr-defined]
    assert Procedure(number="P.SMLTI 99", title="T", purpose="\u200b").purpose == ""


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\ufeff", "\x1b"])
def test_the_document_number_refuses_rather_than_strips(email_text: str, char: str) -> None:
    text = email_text.replace("number: P.SMLTI 19", f"number: {quoted('P.SMLTI' + char + ' 19')}", 1)
    with pytest.raises(SourceError) as info:
        load_procedure_text(text, "nomor.yaml")
    (problem,) = info.value.problems
    assert (problem.key, problem.path) == ("invisible_chars", "number")


def test_library_file_refuses_bidi_in_the_organisation(tmp_path: Path, sample_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(sample_path, root)
    info_file = root / "pustaka.yaml"
    text = info_file.read_text(encoding="utf-8")
    org = next(line for line in text.splitlines() if line.startswith("organisation:"))
    info_file.write_text(text.replace(org, 'organisation: "Kementerian \u202eX"', 1), encoding="utf-8")
    with pytest.raises(SourceError) as exc:
        load_library_info(root)
    assert [(p.key, p.path) for p in exc.value.problems] == [("invisible_chars", "organisation")]


def test_printed_documents_carry_none_of_them(email_text: str) -> None:
    title = next(line for line in email_text.splitlines() if line.startswith("title:"))
    text = email_text.replace(title, f"title: {quoted('Pengelolaan' + chr(0x200b) + ' Email' + chr(0x1b))}", 1)
    html = render_html(load_procedure_text(text, "zw.yaml"), None)
    assert "\u200b" not in html and "\x1b" not in html and "Pengelolaan Email" in html


def test_the_sample_library_still_loads_and_lints_clean(sample_path: Path) -> None:
    library, problems = load_library(sample_path)
    assert not problems and len(library.procedures) == 19
    assert [f for f in lint(library)] == []


# -- the logo a library names ------------------------------------------------------------------------
def _header_has_image(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return any("<a:blip" in z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header"))


def _library_with_logo(tmp_path: Path, sample_path: Path, logo: str) -> tuple[Path, Procedure, Library]:
    root = tmp_path / "lib"
    shutil.copytree(sample_path, root)
    info_file = root / "pustaka.yaml"
    text = info_file.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("logo:"))
    info_file.write_text(f"{text}\nlogo: {logo}\n", encoding="utf-8")
    library, problems = load_library(root)
    assert not problems
    proc = library.procedure("P.SMLTI 19")
    assert proc is not None
    return root, proc, library


PNG = svg_to_png('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20"/></svg>',
                 96)


def test_docx_logo_inside_the_library_is_used(tmp_path: Path, sample_path: Path) -> None:
    root, proc, library = _library_with_logo(tmp_path, sample_path, "aset/logo.png")
    (root / "aset").mkdir(exist_ok=True)
    (root / "aset" / "logo.png").write_bytes(PNG)
    assert _header_has_image(render_docx(proc, library))


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink", "not-an-image"])
def test_docx_logo_outside_the_library_is_not_read(tmp_path: Path, sample_path: Path, kind: str) -> None:
    outside = tmp_path / "x.png"
    outside.write_bytes(PNG)
    logo = {"dotdot": "../" * 12 + str(outside).lstrip("/"), "absolute": str(outside),
            "symlink": "aset/link.png", "not-an-image": "pustaka.yaml"}[kind]
    root, proc, library = _library_with_logo(tmp_path, sample_path, logo)
    if kind == "symlink":
        (root / "aset").mkdir(exist_ok=True)
        (root / "aset" / "link.png").symlink_to(outside)
    assert (root / logo).resolve().is_file()  # the file is there: only the bound keeps it out
    data = render_docx(proc, library)
    assert not _header_has_image(data)
    assert "Pusat Data dan Informasi" in _header_text(data)  # the unit's name stands in for the logo


def _header_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header"))
