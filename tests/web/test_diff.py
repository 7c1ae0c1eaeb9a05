"""Diff of a draft against the effective revision, and the redline of any two revisions."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from prosedur.errors import SourceError
from prosedur.load import load_procedure_text
from prosedur_web.procedures.diff import FieldDiff, Redline, redline, redline_sources, text_diff
from prosedur_web.procedures.models import Revision

from .conftest import World, add_history


def _next_revision(text: str) -> str:
    """The effective source as a draft of revision 1 (only the top-level keys, not the history rows)."""
    text = re.sub(r"^revision: 0$", "revision: 1", text, count=1, flags=re.M)
    return re.sub(r"^status: effective$", "status: draft", text, count=1, flags=re.M)


def test_text_diff_marks_words() -> None:
    segs = text_diff("Ukuran lampiran 5 MB", "Ukuran lampiran maksimal 10 MB")
    assert ("eq", "Ukuran lampiran ") in segs
    assert ("del", "5") in segs
    assert any(op == "ins" and "10" in text and "maksimal" in text for op, text in segs)
    assert "".join(t for op, t in segs if op != "ins") == "Ukuran lampiran 5 MB"
    assert "".join(t for op, t in segs if op != "del") == "Ukuran lampiran maksimal 10 MB"


@pytest.fixture
def draft(world: World) -> Revision:
    text = _next_revision(world.effective(world.own).yaml_source)
    text = text.replace("Memeriksa Form Kesediaan telah ditandatangani",
                        "Memeriksa Form Kesediaan <script>x</script> telah ditandatangani lengkap")
    # remove step 'buat' (and its lines), add a new step after 'tugaskan'
    start = text.index("  - id: buat")
    end = text.index("  - id: kirim_memo")
    text = text[:start] + "  - id: verifikasi\n    actor: staf_iki\n    do: Memverifikasi data pemohon\n" + text[end:]
    text = text.replace("purpose: >-", "purpose: >-\n  Memastikan dan", 1)
    return world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                      yaml_source=add_history(text, 1))


def test_redline_matches_steps_by_id(world: World, draft: Revision) -> None:
    old = load_procedure_text(world.effective(world.own).yaml_source)
    new = load_procedure_text(draft.yaml_source)
    result = redline(old, new)
    states = {s.step_id: s.state for s in result.steps}
    assert states["verifikasi"] == "added"
    assert states["buat"] == "removed"
    assert states["periksa_form"] == "changed"
    assert states["mohon"] == "same"
    keys = [f.key for f in result.fields]
    assert "purpose" in keys and "history.1.change" in keys and "title" not in keys
    labels = {f.label for f in result.fields}
    assert {"Tujuan", "Nomor revisi", "Riwayat perubahan Rev. 1 — Uraian perubahan"} <= labels
    assert "Status dokumen" not in labels  # lifecycle state, not content
    # the removed step sits where it was: between 'tugaskan' and 'kirim_memo'
    order = [s.step_id for s in result.steps]
    assert order.index("tugaskan") < order.index("buat") < order.index("kirim_memo")


def test_reviewer_sees_diff_page_with_escaped_marks(world: World, draft: Revision) -> None:
    client = Client()
    client.force_login(world.users["reviewer"])
    response = client.get(reverse("procedures:revision_diff", kwargs={"pk": draft.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<ins>&lt;script&gt;x&lt;/script&gt; </ins>" in html or "&lt;script&gt;" in html
    assert "<script>x</script>" not in html
    assert "<del>" in html and "<ins>" in html
    assert 'id="diff-buat"' in html and 'id="diff-verifikasi"' in html
    assert 'id="diff-mohon"' not in html  # unchanged steps are not listed


def test_redline_of_any_two_and_permissions(world: World, draft: Revision) -> None:
    url = reverse("procedures:procedure_redline", kwargs={"pk": world.own.pk})
    reader = Client()
    reader.force_login(world.users["reader"])
    # a reader may not see the draft: asking for it is refused, the default compares what they see
    assert reader.get(url, {"a": 0, "b": 1}).status_code == 403
    response = reader.get(url)
    assert response.status_code == 200 and "diff-verifikasi" not in response.content.decode()
    author = Client()
    author.force_login(world.users["author"])
    html = author.get(url, {"a": 0, "b": 1}).content.decode()
    assert "diff-verifikasi" in html
    html = author.get(url, {"a": 1, "b": 1}).content.decode()
    assert "Tidak ada perbedaan" in html


def test_revision_page_links_to_diff(world: World, draft: Revision) -> None:
    client = Client()
    client.force_login(world.users["author"])
    html = client.get(reverse("procedures:revision_detail", kwargs={"pk": draft.pk})).content.decode()
    assert reverse("procedures:revision_diff", kwargs={"pk": draft.pk}) in html
    assert reverse("procedures:revision_editor", kwargs={"pk": draft.pk}) in html


# -- every field, through the pages ----------------------------------------------------------------
def _cells(html: str, key: str) -> list[str]:
    """The text of the row (or step line) marked data-key=`key`, tags removed."""
    row = re.search(rf'<(tr|div)[^>]*data-key="{re.escape(key)}"[^>]*>(.*?)</\1>', html, re.S)
    assert row is not None, f"no row {key}"
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(2), re.S)] or [row.group(2)]


@pytest.fixture
def limit_draft(world: World) -> Revision:
    """P.SMLTI 19 with the attachment limit raised from 5 to 10 MB and a step's `how` changed."""
    text = _next_revision(world.effective(world.own).yaml_source)
    text = text.replace("batas_lampiran: {value: 5, unit: MB", "batas_lampiran: {value: 10, unit: MB")
    text = text.replace("how: Melalui konsol administrasi", "how: Hanya melalui konsol administrasi")
    return world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                      yaml_source=add_history(text, 1))


def test_reviewer_sees_the_parameter_change_and_the_printed_text_it_changes(world: World,
                                                                             limit_draft: Revision) -> None:
    client = Client()
    client.force_login(world.users["reviewer"])
    page = client.get(reverse("procedures:revision_diff", kwargs={"pk": limit_draft.pk})).content.decode()
    label, before, after = _cells(page, "parameters.batas_lampiran.value")
    assert label == "Parameter: Ukuran lampiran maksimal dalam 1 kali pengiriman — Nilai"
    assert (before, after) == ("5 MB", "10 MB")
    assert re.search(r'data-key="parameters\.batas_lampiran\.value".*?<del>5</del> MB.*?<ins>10</ins> MB', page, re.S)
    label, before, after = _cells(page, "provisions.2")
    assert label.startswith("Ketentuan umum — butir 2") and "parameter" in label
    assert before.endswith("maksimal 5 MB.") and after.endswith("maksimal 10 MB.")
    assert "{{batas_lampiran}}" not in page
    assert 'id="diff-buat"' in page
    how = re.search(r'<div data-key="steps\.buat\.how">(.*?)</div>', page, re.S)
    assert how is not None and "Bagaimana:" in how.group(1) and "<ins>Hanya melalui</ins>" in page


def test_the_redline_page_speaks_english(world: World, limit_draft: Revision) -> None:
    client = Client()
    client.force_login(world.users["reviewer"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("procedures:procedure_redline", kwargs={"pk": world.own.pk}),
                      {"a": 0, "b": 1}).content.decode()
    assert _cells(page, "parameters.batas_lampiran.value")[0] == \
        "Parameter: Ukuran lampiran maksimal dalam 1 kali pengiriman — Value"
    assert _cells(page, "provisions.2")[0].startswith("General provisions — item 2")
    assert "How:" in page and "Bagaimana" not in page


def test_redline_sources_for_a_refused_signature(world: World, limit_draft: Revision) -> None:
    old, new = world.effective(world.own).yaml_source, limit_draft.yaml_source
    result = redline_sources(old, new, "id")
    assert isinstance(result, Redline) and all(isinstance(d, FieldDiff) for d in result.changes)
    labels = [d.label for d in result.changes]
    assert "Parameter: Ukuran lampiran maksimal dalam 1 kali pengiriman — Nilai" in labels
    assert "Langkah 3 — Bagaimana" in labels
    assert redline_sources(new, new).empty
    with translation.override("en"):  # the active language is the default
        assert "Step 3 — How" in [d.label for d in redline_sources(old, new).changes]
    with pytest.raises(SourceError):
        redline_sources(old, "number: [")


def test_every_field_change_is_on_the_page(world: World) -> None:
    """A change to each kind of field the old redline missed reaches the reviewer's page in words."""
    text = _next_revision(world.effective(world.own).yaml_source)
    edits = {
        "effective: 2018-11-23": "effective: 2026-02-01",
        "classification: biasa": "classification: terbatas",
        "retention: 3 tahun": "retention: 5 tahun",
        "{label: Ya, to: aktifkan}": "{label: Ya, to: selesai}",
        "target: \"≥ 95%\"": "target: \"≥ 98%\"",
        "- term: PUSDATIN\n    meaning: Pusat Data dan Informasi BSN":
            "- term: PUSDATIN\n    meaning: Pusat Data dan Informasi Badan Standardisasi Nasional",
        "  - title: Tata Cara Pencadangan (Backup) dan Restore Email":
            "  - title: Tata Cara Pencadangan (Backup) dan Restore Email\n    file: lampiran/backup.pdf",
    }
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new)
    draft = world.own.revisions.create(number=1, status="draft", author=world.users["author"],
                                       yaml_source=add_history(text, 1))
    client = Client()
    client.force_login(world.users["reviewer"])
    page = client.get(reverse("procedures:revision_diff", kwargs={"pk": draft.pk})).content.decode()
    expected = {
        "effective": "Tanggal efektif",
        "classification": "Klasifikasi",
        "records.R.SMLTI 19-02.retention": "Rekaman R.SMLTI 19-02 — Masa retensi",
        "measurements.Persentase permohonan email dipenuhi tepat waktu.target":
            "Pengukuran “Persentase permohonan email dipenuhi tepat waktu” — Target",
        "definitions.PUSDATIN.meaning": "Definisi “PUSDATIN” — Pengertian",
        "attachments.Tata Cara Pencadangan (Backup) dan Restore Email.file":
            "Lampiran “Tata Cara Pencadangan (Backup) dan Restore Email” — Berkas",
    }
    for key, label in expected.items():
        assert _cells(page, key)[0] == label
    assert _cells(page, "effective")[1:] == ["23 November 2018", "1 Februari 2026"]
    assert _cells(page, "classification")[1:] == ["Biasa", "Terbatas"]
    exit_line = re.search(r'<div data-key="steps\.periksa_form\.exits\.Ya\.to">(.*?)</div>', page, re.S)
    assert exit_line is not None and "Cabang “Ya” — Langkah tujuan" in exit_line.group(1)
