"""Diff of a draft against the effective revision, and the redline of any two revisions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from prosedur.load import load_procedure_text
from prosedur_web.procedures.diff import redline, text_diff
from prosedur_web.procedures.models import Revision

from .conftest import World, add_history


def test_text_diff_marks_words() -> None:
    segs = text_diff("Ukuran lampiran 5 MB", "Ukuran lampiran maksimal 10 MB")
    assert ("eq", "Ukuran lampiran ") in segs
    assert ("del", "5") in segs
    assert any(op == "ins" and "10" in text and "maksimal" in text for op, text in segs)
    assert "".join(t for op, t in segs if op != "ins") == "Ukuran lampiran 5 MB"
    assert "".join(t for op, t in segs if op != "del") == "Ukuran lampiran maksimal 10 MB"


@pytest.fixture
def draft(world: World) -> Revision:
    text = world.effective(world.own).yaml_source
    text = text.replace("revision: 0", "revision: 1").replace("status: effective", "status: draft")
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
    assert "purpose" in keys and "change_history" in keys and "title" not in keys
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
